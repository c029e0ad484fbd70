"""The reminder the day before (OUTREACH §3): every registrant of a published session starting tomorrow is told once.

Each registration is claimed first (`reminded_at` set only where it was empty, rows locked with SKIP LOCKED), then told
in the same transaction's on-commit callback: a second run, a retried task or two workers at once never remind twice."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from notifications.services import Message, notify_many
from trainings.models import Registration, TrainingSession
from trainings.services import session_url


def tomorrow_window(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """From now to the end of tomorrow (local time): a session starting in it is "tomorrow" or later today (one
    published late). A calendar day, not a deadline: working days do not apply."""
    today = timezone.localtime(now).date()
    day_after = today + datetime.timedelta(days=2)
    end = timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))
    return now, end


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind every registrant not reminded yet of a published session starting between now and the end of
    tomorrow; returns how many were reminded by this run."""
    now = now or timezone.now()
    start, end = tomorrow_window(now)
    with transaction.atomic():
        rows = list(
            Registration.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(reminded_at__isnull=True, session__state=TrainingSession.State.PUBLISHED,
                    session__starts_at__gt=start, session__starts_at__lt=end, user__is_active=True)
            .select_related("session", "user").order_by("id")
        )
        if not rows:
            return 0
        Registration.objects.filter(pk__in=[r.pk for r in rows], reminded_at__isnull=True).update(reminded_at=now)
        messages = []
        for registration in rows:
            session = registration.session
            starts = timezone.localtime(session.starts_at)
            where = session.venue or "线上"
            if session.online_url:
                where = f"{where}（线上：{session.online_url}）" if session.venue else f"线上：{session.online_url}"
            messages.append(Message(
                recipients=[registration.user], event="training_reminder", key=f"training-reminder-{registration.pk}",
                title=f"培训提醒：{session.title}",
                body=f"您报名的“{session.title}”将于 {starts:%Y-%m-%d %H:%M} 开始，地点：{where}。",
                url=session_url(session),
            ))
        notify_many(messages)
    return len(rows)
