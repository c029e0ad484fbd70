"""One way to cut a list into pages, for every screen and every API list (`BoundedPagination`, the REST default).

Counting a whole table to say "共 1,000,000 条" costs more than showing its first page, so a list counts at most
`COUNT_LIMIT` rows: past that it says "超过 1000 条" and offers the pages up to there (filters narrow it down).
"""

import json
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections
from django.dispatch import Signal
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

PAGE_SIZE = 20
COUNT_LIMIT = 1000

# Sent when an API list is read past its first page (a bulk read: the audit log records it, SECURITY.md §4).
api_page_read = Signal()


def bounded_count(queryset, limit: int) -> int:
    """How many rows `queryset` has, reading at most `limit` + 1 of them (more than `limit` answers `limit` + 1)."""
    return queryset.order_by().values("pk")[: limit + 1].count()


def estimated_count(queryset) -> int | None:
    """The planner's estimate of how many rows `queryset` has, from one EXPLAIN that reads none of them (PostgreSQL,
    from the statistics ANALYZE keeps); None on a database that gives no estimate."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class BoundedPaginator(Paginator):
    """A paginator whose count reads at most `limit` + 1 rows; `capped` says whether there were more."""

    def __init__(self, object_list, per_page, *, limit: int = COUNT_LIMIT, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.limit = limit

    @cached_property
    def _bounded(self) -> int:
        items = self.object_list
        if isinstance(items, list | tuple):
            return len(items)
        return bounded_count(items, self.limit)

    @cached_property
    def count(self) -> int:
        return min(self._bounded, self.limit)

    @property
    def capped(self) -> bool:
        return self._bounded > self.limit


def paginate(request, queryset, *, param: str = "page", per_page: int = PAGE_SIZE, limit: int = COUNT_LIMIT):
    """A page of `queryset`; an out-of-range or malformed page number shows the nearest valid page.

    `page.elided` lists the page numbers to offer (with … for the gaps); the pager is `core/_pager.html`.
    """
    page = BoundedPaginator(queryset, per_page, limit=limit).get_page(request.GET.get(param))
    page.elided = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    page.ellipsis = Paginator.ELLIPSIS
    return page


# --- the API's pages -------------------------------------------------------------------------------------------------
class BoundedPagination(BasePagination):
    """Every list as the contract has it: pages of 50 (`?page=`), `{"count", "next", "previous", "results"}`, plus
    `count_exact`.

    1. The page's rows are read with one more than the page holds: that says whether a next page exists, and on the
       last page the count follows without counting.
    2. Otherwise the rows are counted up to `EXACT_UP_TO`; a list longer than that (a whole region's tickets) gets
       the database's estimate instead, never below `EXACT_UP_TO` + 1, with `count_exact: false` — counting 300,000
       rows exactly costs more than the page. Every page stays reachable either way.
    3. A page number that is not a positive integer, or a page past the end, is 404.
    """

    page_size = 50
    page_query_param = "page"
    EXACT_UP_TO = 10_000

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param) or "1"
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            raise exceptions.NotFound(f"页码“{raw[:20]}”无效：应为从 1 开始的整数。")
        offset = (number - 1) * self.page_size
        rows = list(queryset[offset:offset + self.page_size + 1])
        if number > 1 and not rows:
            raise exceptions.NotFound(f"第 {number} 页没有数据。")
        self.request, self.number = request, number
        self.has_next = len(rows) > self.page_size
        rows = rows[:self.page_size]
        self.count, self.count_exact = self._count(queryset, offset + len(rows))
        if number > 1:
            api_page_read.send(sender=type(self), request=request, view=view, page=number, rows=len(rows))
        return rows

    def _count(self, queryset, seen: int) -> tuple[int, bool]:
        if not self.has_next:
            return seen, True
        counted = bounded_count(queryset, self.EXACT_UP_TO)
        if counted <= self.EXACT_UP_TO:
            return counted, True
        estimate = estimated_count(queryset)
        if estimate is None:
            return queryset.count(), True
        return max(estimate, self.EXACT_UP_TO + 1), False

    def _link(self, number: int) -> str:
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_paginated_response(self, data):
        return Response({
            "count": self.count,
            "count_exact": self.count_exact,
            "next": self._link(self.number + 1) if self.has_next else None,
            "previous": self._link(self.number - 1) if self.number > 1 else None,
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "count_exact", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "description": "条数；count_exact 为 false 时为数据库估计值"},
                "count_exact": {"type": "boolean", "description": "超过 10000 条时为 false（count 为估计值）"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [{
            "name": self.page_query_param, "required": False, "in": "query",
            "description": "页码，从 1 开始；每页 50 条", "schema": {"type": "integer"},
        }]
