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


class _SubqueryCount(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def count_together(user, querysets: dict[str, QuerySet]) -> dict[str, int]:
    """The sizes of several querysets in one query (the menu runs on every page), anchored on the user's own row."""
    counts = {name: 0 for name, queryset in querysets.items() if queryset.query.is_empty()}
    counted = {
        name: _SubqueryCount(queryset.order_by().values("pk"))
        for name, queryset in querysets.items()
        if name not in counts
    }
    if counted:
        counts.update(get_user_model().objects.filter(pk=user.pk).values(**counted).get())
    return counts
