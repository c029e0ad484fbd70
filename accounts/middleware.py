"""Rules of SECURITY.md §2 that hold on every request, in this order in MIDDLEWARE.

`SessionTimeoutMiddleware`: a session ends 30 minutes after its last request (idle) and 12 hours after its login
(absolute), whatever happens in between. The time of the last request is written at most once a minute, so a page
view does not write the session every time.

`SecondFactorMiddleware`: a session of a SECOND_FACTOR_ROLES user, and any session on /admin/, reaches only the
second-factor pages and logout until a TOTP or recovery code is given (accounts.twofactor). The API with a session
answers 403 JSON; token authentication (no session) is not concerned.

`PasswordPolicyMiddleware`: a user whose password is stale, or who must replace one that someone else chose, reaches
only the change page (changed every 90 days; a new account or one reset by the administrator changes it at first
login). It comes after SecondFactorMiddleware, whose pages it lets through. Calls authenticated by an API token are held by the same
rule in accounts.api.PlatformPermission (DRF authenticates them after the middleware has run).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts import twofactor
from accounts.passwords import password_is_stale
from accounts.sessions import LOGIN_AT, SEEN_AT, stamp_login

# Write the time of the last request at most this often (seconds): the idle limit is measured to within it.
TOUCH_EVERY = 60


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.get(SESSION_KEY) is not None:
            now = int(time.time())
            login_at = session.get(LOGIN_AT)
            seen_at = session.get(SEEN_AT)
            if login_at is None or seen_at is None:
                stamp_login(session)
            elif now - login_at >= settings.SESSION_ABSOLUTE_SECONDS:
                self.end(request, f"您已连续登录超过 {settings.SESSION_ABSOLUTE_SECONDS // 3600} 小时，请重新登录。")
            elif now - seen_at >= settings.SESSION_IDLE_SECONDS:
                self.end(request, f"您已 {settings.SESSION_IDLE_SECONDS // 60} 分钟未操作，为保护账号安全已自动退出，请重新登录。")
            elif now - seen_at >= TOUCH_EVERY:
                session[SEEN_AT] = now
        return self.get_response(request)

    @staticmethod
    def end(request, message: str) -> None:
        logout(request)  # flushes the session: it is deleted from the store, the cookie gets a new key
        if not request.path.startswith("/api/"):
            messages.info(request, message)


# Paths a session without its second factor may still open.
ALLOWED_PREFIXES = ("/static/", "/healthz/")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.must_verify(request):
            return self.refuse(request)
        return self.get_response(request)

    @staticmethod
    def must_verify(request) -> bool:
        if not settings.OTP_REQUIRED or request.session.get(SESSION_KEY) is None:
            return False
        if request.path.startswith("/api/") and request.META.get("HTTP_AUTHORIZATION"):
            return False  # token authentication: the session is not what the API will use
        if twofactor.session_verified(request.session):
            return False
        path = request.path
        if path.startswith(ALLOWED_PREFIXES) or path in twofactor.open_paths():
            return False
        return path.startswith("/admin/") or twofactor.required_for(request.user)

    @staticmethod
    def refuse(request):
        if request.path.startswith("/api/") and "text/html" not in request.headers.get("Accept", ""):
            return JsonResponse({"error": "请先完成第二因子（动态口令）验证。"}, status=403)
        target = reverse("accounts:otp_verify" if twofactor.has_device(request.user) else "accounts:otp_enrol")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)


STALE_MESSAGE = "您的密码已过期或须在首次登录时修改，请先修改密码。"
# What a user with a stale password may still open (by URL name): the change page, logging out, and the second-factor
# pages (SecondFactorMiddleware runs first and sends there).
EXEMPT_URL_NAMES = ("accounts:password_change", "accounts:logout", "accounts:otp_verify", "accounts:otp_enrol")


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

