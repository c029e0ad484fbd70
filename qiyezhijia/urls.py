from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from qiyezhijia import health, views

urlpatterns = [
    # A visitor's `/` is the public portal (OUTREACH §6); a logged-in person's is their home (accounts:home).
    path("", views.root, name="root"),
    path("", include("portal.urls")),
    # One account page (我的账号, enterprises.views.account: details, what the role may do, phone, password); the
    # address of the former staff account page leads there.
    path("accounts/me/", RedirectView.as_view(pattern_name="enterprises:account")),
    path("", include("accounts.urls")),
    path("", include("enterprises.urls")),
    path("", include("catalogue.urls")),
    path("", include("tickets.urls")),
    path("", include("policies.urls")),
    path("", include("trainings.urls")),
    path("", include("chambers.urls")),
    path("", include("supervision.urls")),
    path("", include("meetings.urls")),
    path("reports/", include("reports.urls")),
    path("", include("notifications.urls")),
    path("", include("audit.views")),
    # Answers 404 unless single sign-on is configured (sso.views).
    path("sso/", include("sso.urls")),
    # One login page for everybody, with its rate limits, lockout and second factor (SECURITY.md §2).
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("healthz/", health.healthz, name="healthz"),
    path("api/v1/", include("qiyezhijia.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (the CSP, SECURITY.md §6).
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

# Chinese error pages in the platform layout; JSON under /api/ (core.errorpages).
handler403 = "core.errorpages.permission_denied"
handler404 = "core.errorpages.page_not_found"
handler500 = "core.errorpages.server_error"
