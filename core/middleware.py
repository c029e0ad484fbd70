"""Middleware every deployment may list; none is on by default.

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
