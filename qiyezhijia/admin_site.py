"""The platform's admin site: Django's, with Chinese names for the apps whose libraries ship no Chinese.

django-axes (login lockouts) and django-otp (second-factor devices) have no zh_Hans catalogue, so the admin index
listed "Access attempts" or "TOTP devices" to the superuser. Their names are given here through `get_app_list`, the
hook Django documents for the index, rather than by changing the libraries' models (which would ask for migrations
of third-party apps).
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

THIRD_PARTY_LABELS: dict[str, tuple[str, dict[str, str]]] = {
    "axes": ("登录失败锁定", {"AccessAttempt": "登录失败记录", "AccessLog": "登录日志", "AccessFailureLog": "登录失败日志"}),
    "otp_totp": ("动态口令", {"TOTPDevice": "动态口令设备"}),
    "otp_static": ("恢复码", {"StaticDevice": "恢复码设备"}),
}


class PlatformAdminSite(admin.AdminSite):
    site_header = "企业之家平台管理"
    site_title = "企业之家平台管理"
    index_title = "基础数据与账号"

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            name, models = THIRD_PARTY_LABELS.get(app["app_label"], (None, {}))
            if name:
                app["name"] = name
            for model in app["models"]:
                model["name"] = models.get(model["object_name"], model["name"])
        return apps


class PlatformAdminConfig(AdminConfig):
    default_site = "qiyezhijia.admin_site.PlatformAdminSite"
