"""The platform's URLs plus three views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from qiyezhijia.urls import handler403, handler404, handler500  # noqa: F401
from qiyezhijia.urls import urlpatterns as platform_urls


def _forbidden_chinese(request):
    raise PermissionDenied("只有联合服务办公室可以办理此事。")


def _forbidden_english(request):
    raise PermissionDenied("Internal detail")


def _boom(request):
    raise RuntimeError("unexpected")


urlpatterns = [
    path("test-errors/forbidden-zh/", _forbidden_chinese),
    path("test-errors/forbidden-en/", _forbidden_english),
    path("test-errors/boom/", _boom),
    path("api/v1/test-errors/boom/", _boom),
    *platform_urls,
]
