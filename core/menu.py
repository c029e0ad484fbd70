"""The left menu's entries, as each app declares them (qiyezhijia.menu collects them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
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


def count_together(user, querysets: dict[str, QuerySet]) -> dict[str, int]:
    """The sizes of several querysets in one query (the menu runs on every page), anchored on the user's own row.

    Each counts at most COUNT_CAP rows, so its cost follows the queue's index range up to that, never the table.
    """
    counts = {name: 0 for name, queryset in querysets.items() if queryset.query.is_empty()}
    counted = {
        name: _SubqueryCount(queryset.order_by().values("pk")[:COUNT_CAP])
        for name, queryset in querysets.items()
        if name not in counts
    }
    if counted:
        counts.update(get_user_model().objects.filter(pk=user.pk).values(**counted).get())
    return counts
