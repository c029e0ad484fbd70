"""Rate limits on the shared cache (SECURITY.md §2): fixed windows counted per key, answered with 429, a Chinese
message and Retry-After.

    LOGIN = RateLimit("login", limit=20, window=300)

    @rate_limited(LOGIN, key=client_ip)                   # a view: POSTs over the limit get the 429 page
    def login(request): ...

    result = TRACK.hit(client_ip(request), phone)         # or by hand, several keys at once
    if not result.allowed:
        return too_many_requests(request, result.retry_after)

Counters live in the default cache (Redis in production, so every web process and host shares them). A key is hashed
before it reaches the cache: no IP address, phone number or username is stored in it in the clear.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window that refused ends; 0 when allowed


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per `window` seconds for each key."""

    name: str
    limit: int
    window: int

    def _cache_key(self, part: str, now: float) -> tuple[str, int]:
        index = int(now // self.window)
        digest = hashlib.blake2b(f"{self.name}\x00{part}".encode(), key=_secret(), digest_size=16).hexdigest()
        return f"rl:{self.name}:{index}:{digest}", math.ceil((index + 1) * self.window - now)

    def hit(self, *parts: str | None) -> Verdict:
        """Count one hit against each non-empty key part; refused when any of them is over its limit."""
        now = time.time()
        retry_after = 0
        for part in parts:
            if not part:
                continue
            key, remaining = self._cache_key(str(part), now)
            cache.add(key, 0, timeout=self.window + 1)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=self.window + 1)
                count = 1
            if count > self.limit:
                retry_after = max(retry_after, remaining)
        return Verdict(allowed=retry_after == 0, retry_after=retry_after)

    def reset(self, *parts: str | None) -> None:
        """Forget the current window's hits of these keys (e.g. after a successful login)."""
        now = time.time()
        cache.delete_many([self._cache_key(str(part), now)[0] for part in parts if part])


def _secret() -> bytes:
    return hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=32).digest()


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with QYZJ_TRUSTED_PROXIES = n > 0 the n-th address from the right of
    X-Forwarded-For (the one the outermost trusted proxy saw). A forged header cannot move the key further left."""
    proxies = getattr(settings, "QYZJ_TRUSTED_PROXIES", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def retry_message(retry_after: int) -> str:
    if retry_after >= 120:
        return f"操作过于频繁，请在 {math.ceil(retry_after / 60)} 分钟后再试。"
    return f"操作过于频繁，请在 {retry_after} 秒后再试。"


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 with Retry-After: the contract's error JSON for the API, a page for the browser."""
    message = retry_message(retry_after)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"error": message}, status=429)  # API.md
    else:
        html = render_to_string("core/429.html", {"message": message}, request=request)
        response = HttpResponse(html, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(
    limit: RateLimit, *, key: Callable[[HttpRequest], str | None] = client_ip, methods: tuple[str, ...] = ("POST",)
):
    """Decorate a view: each request of `methods` counts against `key(request)`; over the limit → 429, the view not run."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                verdict = limit.hit(key(request))
                if not verdict.allowed:
                    return too_many_requests(request, verdict.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
