"""A session as an iCalendar file (RFC 5545) written with the `icalendar` package: one VEVENT, times in UTC.

The package escapes the text and folds long lines (never inside a UTF-8 character), so calendar apps on phones read the
Chinese title and place as written."""

from __future__ import annotations

import datetime

import icalendar
from django.conf import settings
from django.utils import timezone

from trainings.models import TrainingSession

PRODID = "-//anshun qiyezhijia//trainings//ZH"


def session_ics(session: TrainingSession, *, url: str = "") -> str:
    host = getattr(settings, "QYZJ_ICS_DOMAIN", "") or "qiyezhijia.anshun"
    description = f"主办部门：{session.department.name}\n{session.description or ''}".strip()
    if session.online_url:
        description = f"{description}\n线上参加：{session.online_url}".strip()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"training-{session.pk}@{host}")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC).replace(microsecond=0))
    event.add("dtstart", session.starts_at.astimezone(datetime.UTC).replace(microsecond=0))
    event.add("dtend", session.ends_at.astimezone(datetime.UTC).replace(microsecond=0))
    event.add("summary", session.title)
    event.add("location", session.venue or "线上")
    event.add("description", description)
    event.add("status", "CANCELLED" if session.state == TrainingSession.State.CANCELLED else "CONFIRMED")
    if url:
        event.add("url", url)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
