"""A session as an iCalendar file (RFC 5545): one VEVENT, times in UTC, text escaped and lines folded at 75 octets.

Written by hand (a dozen properties) so that serving a calendar file needs no extra package; the tests read it back
with the `icalendar` package when it is installed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from trainings.models import TrainingSession

PRODID = "-//anshun qiyezhijia//trainings//ZH"


def _escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space, never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # a continuation line starts with one space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def session_ics(session: TrainingSession, *, url: str = "") -> str:
    host = getattr(settings, "QYZJ_ICS_DOMAIN", "") or "qiyezhijia.anshun"
    location = session.venue or "线上"
    description = f"主办部门：{session.department.name}\n{session.description or ''}".strip()
    if session.online_url:
        description = f"{description}\n线上参加：{session.online_url}".strip()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:training-{session.pk}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SUMMARY:{_escape(session.title)}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        f"STATUS:{'CANCELLED' if session.state == TrainingSession.State.CANCELLED else 'CONFIRMED'}",
    ]
    if url:
        lines.append(f"URL:{url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
