"""What the notifications app puts on the workbench: the user's latest notifications, unread first."""

from __future__ import annotations

from django.urls import reverse

from core.workbench import Panel
from notifications.models import Notification

ROWS = 6
ORDER = 90


def workbench_panels(user, *, windows) -> list[Panel]:
    """One query: the newest of the user's notifications (the bell already counts the unread ones)."""
    rows = list(Notification.objects.for_user(user).order_by("-created_at", "-id")[:ROWS])
    return [Panel(
        key="notifications", title="最新通知", template="notifications/_workbench_panel.html", order=ORDER,
        icon="bell", url=reverse("notifications:list"), context={"notifications": rows},
    )]
