"""Routes of the supervision API, included under /api/v1/ by qiyezhijia/api_urls.py."""

from django.urls import path

from supervision import api

app_name = "supervision_api"

urlpatterns = [
    path("supervisions/", api.SupervisionListView.as_view(), name="supervision-list"),
    path("supervisions/<int:pk>/answer/", api.SupervisionAnswerView.as_view(), name="supervision-answer"),
]
