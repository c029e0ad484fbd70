"""The API's rate limit per token (SECURITY.md §2), counted in the shared cache by core.ratelimit.

A request with a token counts against that token; one with a session against its user; one without either against
its address. Over the limit DRF answers 429 `{"error": "…"}` with Retry-After (core.api.exception_handler).
"""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle

from core.ratelimit import RateLimit, client_ip, retry_message


class ApiThrottled(exceptions.Throttled):
    """DRF's Throttled with the platform's Chinese sentence and nothing appended."""

    def __init__(self, wait: int):
        exceptions.APIException.__init__(self, retry_message(wait))
        self.wait = wait


class ApiRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        limit = RateLimit("api", limit=settings.API_RATE_PER_MINUTE, window=60)
        verdict = limit.hit(self.caller(request))
        if not verdict.allowed:
            raise ApiThrottled(verdict.retry_after)
        return True

    @staticmethod
    def caller(request) -> str:
        token = request.auth
        if token is not None and getattr(token, "pk", None):
            return f"token:{token.pk}"
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return f"ip:{client_ip(request)}"
