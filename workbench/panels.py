"""The workbench's panels, collected from the apps that contribute them.

A contributing app has a `workbench.py` with `workbench_panels(user, *, windows) -> list[core.workbench.Panel]`
(windows: workcalendar.clocks.DueWindows, the one "now" every panel groups dues by). Adding a panel is adding it to
its app's function, or a new app's module to CONTRIBUTORS; the page reads each in a fixed number of queries.
"""

from __future__ import annotations

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from core.menu import badge, counted_once, kept_count_query
from core.workbench import Panel, QueueLink
from meetings import workbench as meetings_panels
from notifications import workbench as notification_panels
from supervision import workbench as supervision_panels
from tickets import workbench as ticket_panels
from workcalendar.clocks import DueWindows

CONTRIBUTORS = (ticket_panels, supervision_panels, meetings_panels, notification_panels)

# Queues whose waiting rows are late work, drawn in the warning style when not empty.
URGENT_QUEUES = frozenset({"triage", "to_sign", "disputes", "government", "supervision_inbox"})


def panels_for(user, *, windows: DueWindows) -> list[Panel]:
    panels = [panel for app in CONTRIBUTORS for panel in app.workbench_panels(user, windows=windows)]
    return sorted(panels, key=lambda panel: panel.order)


def queue_links(user, *, request=None) -> list[QueueLink]:
    """Every queue of the user's menu with its size and its list, in one query (the same queues the menu counts,
    from each app's `menu_queues(user)`)."""
    entries = []
    for config in apps.get_app_configs():
        if not hasattr(config, "menu_items") or not hasattr(config, "menu_queues"):
            continue
        items = [item for item in config.menu_items() if item.count and user.role in item.roles]
        if items:
            queues = config.menu_queues(user)
            entries.extend((item, queues[item.count]) for item in items if item.count in queues)
    entries.sort(key=lambda entry: entry[0].order)
    names = tuple(item.count for item, _queue in entries)
    # The same statement as the menu's: run once for both (core.menu.counted_once).
    counts = counted_once(request, kept_count_query(user, names, lambda: {item.count: queue for item, queue in entries}))
    links = []
    for item, _queue in entries:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        count = counts.get(item.count, 0)
        links.append(QueueLink(label=item.label, url=url, count=badge(count), icon=item.icon,
                               urgent=bool(count) and item.count in URGENT_QUEUES))
    return links
