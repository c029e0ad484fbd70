"""Screens: the notification centre of every user, opening one notification (marks it read) and marking all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.pagination import paginate
from notifications.models import Notification

PAGE_SIZE = 20


def safe_local_path(url: str) -> str | None:
    """`url` when it is a path on this site ("/inbox/"), otherwise None: never an open redirect."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None, require_https=False):
        return None
    return url


@require_GET
@login_required
def notification_list(request):
    notifications = Notification.objects.for_user(request.user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notifications = notifications.unread()
    page = paginate(request, notifications.only("pk", "title", "body", "event", "url", "created_at", "read_at"), per_page=PAGE_SIZE)
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})


@require_POST
@login_required
def notification_open(request, pk: int):
    """Mark the caller's notification read and go to its object (the centre when it has none)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(safe_local_path(notification.url) or reverse("notifications:list"))


@require_POST
@login_required
def mark_all_read(request):
    count = Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读通知。")
    return redirect("notifications:list")


app_name = "notifications"

urlpatterns = [
    path("notifications/", notification_list, name="list"),
    path("notifications/<int:pk>/open/", notification_open, name="open"),
    path("notifications/read-all/", mark_all_read, name="mark_all_read"),
]
