"""Routes of REST API v1 (../shared/spec/API.md). Each app contributes its own routes."""

from django.urls import include, path

from accounts import api as accounts_api
from notifications import api as notifications_api
from reports import api as reports_api

urlpatterns = [
    path("me/", accounts_api.MeView.as_view(), name="api-me"),
    path("notifications/", notifications_api.NotificationListView.as_view(), name="api-notifications"),
    path("stats/", reports_api.StatsView.as_view(), name="api-stats"),
    path("", include("tickets.api.urls")),
    path("", include("supervision.api_urls")),
    path("", include("catalogue.api_urls")),
    path("", include("policies.api_reach_urls")),
    path("", include("policies.api_urls")),
    path("", include("trainings.api_urls")),
    path("", include("chambers.api_urls")),
    path("", include("meetings.api_urls")),
]
