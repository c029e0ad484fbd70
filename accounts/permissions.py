"""The API's default permission (REST_FRAMEWORK's DEFAULT_PERMISSION_CLASSES, after IsAuthenticated).

Kept apart from accounts.api: DRF imports this while it builds its own views, so it may import nothing of them.
"""

from rest_framework import permissions

from accounts.middleware import STALE_MESSAGE
from accounts.passwords import password_is_stale
from accounts.roles import ADMINISTRATORS

ADMINISTRATOR_MESSAGE = "管理员不查看、不办理诉求与工单（三权分立），平台 API 不对管理员开放。"


class PlatformPermission(permissions.BasePermission):
    """No administrator reads or acts on demands and tickets (SECURITY.md §3), and a caller whose password is stale
    must change it first (§2), whether it calls with a token or a session."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return True  # IsAuthenticated answers 401 first
        if user.role in ADMINISTRATORS:
            self.message = ADMINISTRATOR_MESSAGE
            return False
        if password_is_stale(user):
            self.message = STALE_MESSAGE
            return False
        return True
