"""What the meetings app puts on the workbench: the meeting decisions waiting for the follow-up of the user's
department (the office: its region's), the same queue the menu counts beside 会议."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core.workbench import Panel
from meetings.selectors import menu_queues

ROWS = 5
ORDER = 50


def workbench_panels(user, *, windows) -> list[Panel]:
    queue = menu_queues(user).get("meeting_follow_ups")
    if queue is None:
        return []
    rows = list(
        queue.select_related("meeting", "department", "ticket", "demand")
        .order_by(F("due_date").asc(nulls_last=True), "id")[: ROWS + 1]
    )
    if not rows:
        return []  # most days nobody waits on a meeting: no empty panel
    today = timezone.localdate(windows.now)
    return [Panel(
        key="meetings", title="会议决定待落实", template="meetings/_workbench_panel.html", order=ORDER,
        icon="people-fill", url=reverse("meetings:list"),
        context={"items": rows[:ROWS], "more": len(rows) > ROWS, "today": today},
    )]
