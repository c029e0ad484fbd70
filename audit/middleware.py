"""The request being served, for audit rows written deep in a service (a workflow act, a download) that is not handed
the request: `record` takes the address and user agent from it. And every refusal (403) of a page or an API call,
written as one `permission.denied` row after the response is made (SECURITY.md §4)."""

from __future__ import annotations

from contextvars import ContextVar

from django.http import HttpRequest

_current: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _current.get()


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                from audit.services import record

                record("permission.denied", request=request, result="denied", path=request.path[:200],
                       method=request.method)
            return response
        finally:
            _current.reset(token)
