"""The left menu: a registry filled by every app's AppConfig.

An app contributes `menu_items()` (a list of core.menu.MenuItem) and, for entries that show a count,
`menu_queues(user)` (name → the queryset of that queue for the user, from the app's queue selectors). The counts of
all the user's entries are read in one query. An entry whose URL is not installed is left out.

The menu is on every page, and building its queues and compiling them costs more than the database spends on the
counts. A queue is a function of who the user is (role, department, region) and of nothing else — no time, no rows
read while it is built — so the compiled statement is kept per user and those attributes, and each page only runs it.
"""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from core.menu import CountQuery, MenuItem, badge, counted_once, kept_count_query


@cache
def _entries() -> tuple[tuple[MenuItem, object], ...]:
    entries = []
    for config in apps.get_app_configs():
        if hasattr(config, "menu_items"):
            entries.extend((item, config) for item in config.menu_items())
    return tuple(sorted(entries, key=lambda entry: entry[0].order))


def _visible(user) -> list[tuple[MenuItem, object]]:
    return [(item, config) for item, config in _entries() if user.role in item.roles]


def _statement(user, visible) -> CountQuery:
    def queues() -> dict:
        found: dict = {}
        owners = {id(config): config for item, config in visible if item.count}
        for config in owners.values():
            wanted = {item.count for item, owner in visible if owner is config and item.count}
            found.update({name: qs for name, qs in config.menu_queues(user).items() if name in wanted})
        return found

    return kept_count_query(user, tuple(item.count for item, _config in visible if item.count), queues)


def menu_counts(user, visible=None, *, request=None) -> dict[str, int]:
    """The size of every queue shown in the user's menu, in one query (one per request when it is given: the
    workbench's tiles count the same queues)."""
    return counted_once(request, _statement(user, _visible(user) if visible is None else visible))


def menu_for(user, *, request=None) -> list[dict]:
    if not user.is_authenticated:
        return []
    visible = _visible(user)
    counts = menu_counts(user, visible, request=request)
    items = []
    for item, _config in visible:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        count = badge(counts.get(item.count)) if item.count else None
        items.append({"label": item.label, "url": url, "icon": item.icon, "count": count})
    return items
