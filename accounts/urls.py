from django.urls import path
from django.views.generic import RedirectView

from accounts import security_views, staff_views, twofactor_views, views

app_name = "accounts"

urlpatterns = [
    # `/` is answered first by the composition root (qiyezhijia.views.root: the portal, or the workbench once logged
    # in), so this entry is never reached: it keeps the name here, where every app reverses it.
    path("", RedirectView.as_view(pattern_name="root"), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/staff/", staff_views.staff_list, name="staff_list"),
    path("accounts/staff/new/", staff_views.staff_new, name="staff_new"),
    path("accounts/staff/<int:pk>/reset-password/", staff_views.staff_reset, name="staff_reset"),
    path("accounts/staff/import/", staff_views.staff_import_view, name="staff_import"),
    path("accounts/staff/import/template.xlsx", staff_views.staff_import_template, name="staff_import_template"),
    path("login/verify/", twofactor_views.otp_verify, name="otp_verify"),
    path("login/enrol/", twofactor_views.otp_enrol, name="otp_enrol"),
    path("security/", security_views.security, name="security"),
    path("security/unlock/", security_views.unlock, name="security_unlock"),
    path("security/reset-second-factor/", security_views.reset_second_factor, name="security_reset_otp"),
]
