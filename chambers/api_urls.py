"""Routes of the chambers API (OUTREACH §4), included under /api/v1/ by qiyezhijia/api_urls.py."""

from django.urls import path

from chambers import api

urlpatterns = [
    path("chambers/", api.ChamberListView.as_view(), name="api-chamber-list"),
    path("rotations/", api.RotationListView.as_view(), name="api-rotation-list"),
    path("activities/", api.ActivityListView.as_view(), name="api-activity-list"),
    path("activities/<int:pk>/", api.ActivityDetailView.as_view(), name="api-activity-detail"),
]
