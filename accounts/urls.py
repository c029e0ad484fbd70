from django.urls import path

from accounts import staff_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/staff/", staff_views.staff_list, name="staff_list"),
    path("accounts/staff/new/", staff_views.staff_new, name="staff_new"),
    path("accounts/staff/<int:pk>/reset-password/", staff_views.staff_reset, name="staff_reset"),
    path("accounts/staff/import/", staff_views.staff_import_view, name="staff_import"),
    path("accounts/staff/import/template.xlsx", staff_views.staff_import_template, name="staff_import_template"),
]
