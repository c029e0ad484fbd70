"""The left menu's entries, as each app declares them (qiyezhijia.menu collects them)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import IntegerField, QuerySet, Subquery


@dataclass(frozen=True)
class MenuItem:
    """One entry of the left menu.

    `order` places it among every app's entries; `count` names a queue of the app's `menu_queues(user)` whose size is
    shown beside the label (待研判 12).
    """

    order: int
    label: str
    url_name: str
    icon: str
    roles: frozenset[str]
    count: str | None = None


# A badge shows "99+" past 99: counting further would make a long queue cost more than a short one.
COUNT_CAP = 100


class _SubqueryCount(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def badge(count: int | None) -> str | None:
    """How a queue's size reads beside its menu entry."""
    if count is None:
        return None
    return f"{COUNT_CAP - 1}+" if count >= COUNT_CAP else str(count)


@dataclass(frozen=True)
class CountQuery:
    """The statement that counts several queues at once, compiled: `run()` executes it without building it again."""

    sql: str | None
    params: tuple
    names: tuple[str, ...]  # the counted queues, in the statement's column order
    empty: tuple[str, ...]  # queues known to be empty without asking (the user's role has none of them)
    # For a statement built with stand-ins for instants (kept_count_query's `moments`): for each parameter, the index
    # of the instant it stands for, or None.
    slots: tuple[int | None, ...] = ()

    def run(self, moments: tuple[datetime, ...] = ()) -> dict[str, int]:
        counts = dict.fromkeys(self.empty, 0)
        if self.sql is not None:
            params = self.params
            if self.slots:
                adapt = connection.ops.adapt_datetimefield_value
                params = tuple(param if slot is None else adapt(moments[slot])
                               for param, slot in zip(self.params, self.slots, strict=True))
            with connection.cursor() as cursor:
                cursor.execute(self.sql, params)
                row = cursor.fetchone()
            counts.update(zip(self.names, row or [0] * len(self.names), strict=True))
        return counts


def count_query(user, querysets: dict[str, QuerySet]) -> CountQuery:
    """One statement for the sizes of several querysets, anchored on the user's own row.

    Each counts at most COUNT_CAP rows, so its cost follows the queue's index range up to that, never the table.
    """
    empty = tuple(name for name, queryset in querysets.items() if queryset.query.is_empty())
    counted = {
        name: _SubqueryCount(queryset.order_by().values("pk")[:COUNT_CAP])
        for name, queryset in querysets.items()
        if name not in empty
    }
    if not counted:
        return CountQuery(sql=None, params=(), names=(), empty=empty)
    statement = get_user_model().objects.filter(pk=user.pk).annotate(**counted).values_list(*counted)
    sql, params = statement.query.sql_with_params()
    return CountQuery(sql=sql, params=tuple(params), names=tuple(counted), empty=empty)


_STATEMENTS: dict[tuple, CountQuery] = {}
STATEMENTS_KEPT = 4096  # per process; past this the kept statements are dropped and built again on demand


# Instants no queue compares with, standing in for the real ones while a statement is built (kept_count_query).
STAND_INS = tuple(datetime(1901, 1, 1, 0, 0, 0, index + 1, tzinfo=UTC) for index in range(8))


def kept_count_query(user, names: tuple[str, ...], querysets, *, moments: int = 0) -> CountQuery:
    """`count_query` for the user's queues `names`, compiled once per user, role, department, region, enterprise and
    set of queues and kept (the menu and the workbench's tiles count on every page; building the statement cost more
    than running it). `querysets()` gives the queues when the statement must be built.

    Queues that compare with instants that change from one request to the next (now, the end of today …) name how many
    (`moments`): `querysets(*instants)` then builds them, once, with stand-ins, and `run(instants)` puts the real ones
    in their place."""
    region_id = user.department.region_id if user.department_id else None
    key = (user.pk, user.role, user.department_id, region_id, user.enterprise_id, COUNT_CAP, names, moments)
    statement = _STATEMENTS.get(key)
    if statement is None:
        if moments > len(STAND_INS):
            raise ValueError(f"at most {len(STAND_INS)} instants")
        stand_ins = STAND_INS[:moments]
        statement = count_query(user, querysets(*stand_ins))
        if stand_ins:
            adapted = [connection.ops.adapt_datetimefield_value(instant) for instant in stand_ins]
            slots = tuple(adapted.index(param) if param in adapted else None for param in statement.params)
            statement = replace(statement, slots=slots)
        if len(_STATEMENTS) >= STATEMENTS_KEPT:
            _STATEMENTS.clear()
        _STATEMENTS[key] = statement
    return statement


def counted_once(request, statement: CountQuery) -> dict[str, int]:
    """`statement.run()`, once per request: the menu and the workbench's tiles count the same queues on one page.
    Without a request (a caller outside a page), every call counts."""
    if request is None:
        return statement.run()
    kept = request.__dict__.setdefault("_queue_counts", {})
    if statement.sql not in kept:
        kept[statement.sql] = statement.run()
    return dict(kept[statement.sql])
