"""Web routes of the reports app."""

from reports.views import app_name, urlpatterns  # noqa: F401
