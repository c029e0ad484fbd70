"""Middleware of the platform.

`NoStoreMiddleware` (listed in settings) keeps personal data out of caches (SECURITY.md §5); see its docstring.

`QueryCountHeaderMiddleware` is for benchmarks (bench/web.py): with the environment variable
`QYZJ_QUERY_COUNT_HEADER=1` it counts the SQL queries a request runs, on every database connection, and answers them in
the response header `X-Query-Count`. It counts through `connection.execute_wrapper`, so it works with DEBUG off. Without
the variable Django drops it when it loads the middleware (MiddlewareNotUsed): no wrapper, no header, no cost.
"""

from __future__ import annotations

import os
from contextlib import ExitStack

from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import FileResponse

QUERY_COUNT_ENV = "QYZJ_QUERY_COUNT_HEADER"
QUERY_COUNT_HEADER = "X-Query-Count"


class QueryCountHeaderMiddleware:
    """Put the number of SQL queries of the request in `X-Query-Count` (only with QYZJ_QUERY_COUNT_HEADER=1).

    List it first in MIDDLEWARE so that the queries of the other middleware (session, user) count too. Queries run
    while a streaming response is being iterated, after the header is sent, are not counted.
    """

    def __init__(self, get_response):
        if os.environ.get(QUERY_COUNT_ENV) != "1":
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        response[QUERY_COUNT_HEADER] = str(count)
        return response


NO_STORE = "no-store"
# Directives that would let a shared or browser cache keep the response; dropped when no-store is added.
_STORING = ("public", "max-age", "s-maxage", "immutable", "stale-while-revalidate", "stale-if-error")


def _is_file(response) -> bool:
    return isinstance(response, FileResponse) or response.has_header("Content-Disposition")


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user, every API response and every file download
    (SECURITY.md §5): pages with personal data stay out of browser and proxy caches.

    A view's own Cache-Control is kept when it already says no-store; a weaker one (public, max-age …) gets no-store and
    loses what would let a cache keep the response. Listed after AuthenticationMiddleware (it reads request.user).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if not (
            (user is not None and user.is_authenticated) or request.path.startswith("/api/") or _is_file(response)
        ):
            return response
        current = response.get("Cache-Control", "")
        directives = [part.strip() for part in current.split(",") if part.strip()]
        if any(part.lower() == NO_STORE for part in directives):
            return response
        kept = [part for part in directives if part.split("=", 1)[0].strip().lower() not in _STORING]
        response["Cache-Control"] = ", ".join([NO_STORE, *kept])
        return response
