"""Routes of the catalogue API, included under /api/v1/ by qiyezhijia/api_urls.py."""

from django.urls import path

from catalogue import api

app_name = "catalogue_api"

urlpatterns = [
    path("services/", api.ServiceListView.as_view(), name="service-list"),
    path("services/<str:code>/", api.ServiceDetailView.as_view(), name="service-detail"),
    path("services/<str:code>/publish/", api.ServicePublishView.as_view(), name="service-publish"),
    path("services/<str:code>/retire/", api.ServiceRetireView.as_view(), name="service-retire"),
]
