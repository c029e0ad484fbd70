"""A user whose password is stale, or who must replace one that someone else chose, reaches only the change page.

SECURITY.md §2: changed every 90 days; a new account or one reset by the administrator changes it at first login.
List it after AuthenticationMiddleware and MessageMiddleware. Calls authenticated by an API token are held by the same
rule in accounts.api.PlatformPermission (DRF authenticates them after the middleware has run).
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.passwords import password_is_stale

STALE_MESSAGE = "您的密码已过期或须在首次登录时修改，请先修改密码。"
# What a user with a stale password may still open (by URL name): the change page and logging out. Another check
# that must come first (a second factor) adds its own page's name here when merged.
EXEMPT_URL_NAMES = ("accounts:password_change", "accounts:logout")


class PasswordPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and password_is_stale(user) and not self._exempt(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": STALE_MESSAGE}, status=403, json_dumps_params={"ensure_ascii": False})
            return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        if path.startswith(settings.STATIC_URL) or path == reverse("healthz"):
            return True
        return path in {reverse(name) for name in EXEMPT_URL_NAMES}
