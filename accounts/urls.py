from django.urls import path

from accounts import security_views, twofactor_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("login/verify/", twofactor_views.otp_verify, name="otp_verify"),
    path("login/enrol/", twofactor_views.otp_enrol, name="otp_enrol"),
    path("security/", security_views.security, name="security"),
    path("security/unlock/", security_views.unlock, name="security_unlock"),
    path("security/reset-second-factor/", security_views.reset_second_factor, name="security_reset_otp"),
]
