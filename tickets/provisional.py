"""Provisional due instants made final when a year's official calendar is entered or corrected (SPEC §6).

A due instant counted over a year without official data assumed Monday–Friday for it and was marked provisional. When an
admin marks the year official (or edits its dates while it is official), every open provisional due instant over that
year is counted again: the same number of working days, as counted by the calendar it was computed with, from the same
start, with the calendar as it is now. The provisional flag follows the new count, and a timeline entry records the
change (old → new due).

Entry points: the calendar signals (tickets/signals.py) take a snapshot of each changed year before its first change in a
transaction and recompute after commit; `python manage.py recompute_provisional_deadlines --year YYYY` does the same for
a year that was counted Monday–Friday.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from tickets.models import (
    CalendarException,
    CalendarYear,
    Demand,
    DemandEvent,
    Supervision,
    Ticket,
    TicketEvent,
)
from tickets.models.handling import Decision, Review
from tickets.workdays import LOCAL_TZ, Deadline, add_working_days, end_of_working_day, is_working_day

logger = logging.getLogger(__name__)

# year → (official then, {date: is a working day}) as the calendar stood before the change.
YearSnapshot = dict[int, tuple[bool, dict[date, bool]]]


@dataclass
class RecomputeResult:
    changed: int = 0
    confirmed: int = 0  # same due instant, only the provisional flag cleared
    items: list[str] = field(default_factory=list)


def _local_date(instant: datetime) -> date:
    return timezone.localtime(instant, LOCAL_TZ).date()


def _fmt(instant: datetime) -> str:
    return f"{timezone.localtime(instant, LOCAL_TZ):%Y-%m-%d %H:%M}"


def old_calendar(snapshot: YearSnapshot) -> Callable[[date], bool]:
    """Whether a date was a working day before the change: the snapshot for the changed years, today's calendar otherwise."""

    def working(day: date) -> bool:
        if day.year in snapshot:
            official, exceptions = snapshot[day.year]
            if official and day in exceptions:
                return exceptions[day]
            return day.weekday() < 5
        return is_working_day(day)

    return working


def _count(working: Callable[[date], bool], start: datetime, due: datetime) -> int:
    """Working days d with local date of start < d <= local date of due."""
    day, last, total = _local_date(start) + timedelta(days=1), _local_date(due), 0
    while day <= last:
        total += working(day)
        day += timedelta(days=1)
    return total


def _spans(years: set[int], start: datetime, due: datetime) -> bool:
    return any(_local_date(start).year <= year <= _local_date(due).year for year in years)


def _recount(working, start: datetime | None, due: datetime) -> Deadline | None:
    if start is None:
        return None
    days = _count(working, start, due)
    if days < 1:
        return None
    return add_working_days(start, days)


def _note(label: str, old: datetime, new: Deadline, years: Iterable[int]) -> str:
    why = "、".join(f"{year} 年" for year in sorted(years)) + "节假日安排已更新"
    if new.due == old:
        text = f"{label}期限 {_fmt(old)} 按正式节假日安排确认不变"
    else:
        text = f"{label}期限由 {_fmt(old)} 调整为 {_fmt(new.due)}"
    return f"{text}{'（仍为暂定）' if new.provisional else ''}（{why}）。"


def recompute_provisional(*, years: Iterable[int], working_before: Callable[[date], bool], now: datetime | None = None) -> RecomputeResult:
    """Count every open provisional due instant over `years` again (see the module docstring)."""
    years = set(years)
    now = now or timezone.now()
    result = RecomputeResult()
    earliest: list[datetime] = []

    def record(new: Deadline, old: datetime, what: str) -> None:
        if new.due == old:
            result.confirmed += 1
        else:
            result.changed += 1
            earliest.append(new.due)
        result.items.append(f"{what}：{_fmt(old)} → {_fmt(new.due)}{'（暂定）' if new.provisional else ''}")

    with transaction.atomic():
        # Demands waiting for triage: the clock started at registration, or when materials were last supplied.
        demands = list(
            Demand.objects.filter(
                state__in=[Demand.State.REGISTERED, Demand.State.CONSULTING], triage_due_provisional=True,
                triage_due_at__isnull=False,
            ).annotate(supplied_at=Max("events__at", filter=Q(events__action="supplement")))
        )
        for demand in demands:
            start = max(filter(None, [demand.registered_at, demand.supplied_at]))
            old = demand.triage_due_at
            if not _spans(years, start, old):
                continue
            new = _recount(working_before, start, old)
            if new is None or (new.due == old and new.provisional):
                continue
            updated = Demand.objects.filter(pk=demand.pk, state=demand.state, triage_due_at=old).update(
                triage_due_at=new.due, triage_due_provisional=new.provisional
            )
            if updated:
                DemandEvent.objects.create(
                    demand=demand, action="due_recomputed", from_state=demand.state, to_state=demand.state,
                    note=_note("研判", old, new, years), internal=True, at=now,
                )
                record(new, old, f"诉求 {demand.number} 研判期限")

        # Tickets: the running clock of each state.
        clocks = (
            (Ticket.State.DISPATCHED, "sign_due_at", "sign_due_provisional", "签收"),
            (Ticket.State.HANDLING, "handle_due_at", "handle_due_provisional", "办理"),
            (Ticket.State.CLOSED, "callback_due_at", "callback_due_provisional", "回访"),
        )
        for state, column, flag, label in clocks:
            for ticket in Ticket.objects.filter(**{"state": state, flag: True, f"{column}__isnull": False}):
                old = getattr(ticket, column)
                start = {"sign_due_at": ticket.dispatched_at, "handle_due_at": ticket.handle_started_at,
                         "callback_due_at": ticket.closed_at}[column]
                if start is None or not _spans(years, start, old):
                    continue
                if column == "handle_due_at" and _committed_date(ticket):
                    # An approved extension or an ordered rectification: the committed date stands, only its flag moves.
                    new = end_of_working_day(_local_date(old))
                else:
                    new = _recount(working_before, start, old)
                if new is None or (new.due == old and new.provisional):
                    continue
                updated = Ticket.objects.filter(pk=ticket.pk, state=state, **{column: old}).update(
                    **{column: new.due, flag: new.provisional}
                )
                if updated:
                    TicketEvent.objects.create(
                        ticket=ticket, action="due_recomputed", from_state=state, to_state=state,
                        note=_note(label, old, new, years), internal=True, at=now,
                    )
                    record(new, old, f"工单 {ticket.number} {label}期限")

        # Supervision answers, 2 working days from issuing.
        for supervision in Supervision.objects.filter(answered_at__isnull=True, due_provisional=True).select_related("ticket"):
            old = supervision.due_at
            if not _spans(years, supervision.issued_at, old):
                continue
            new = _recount(working_before, supervision.issued_at, old)
            if new is None or (new.due == old and new.provisional):
                continue
            updated = Supervision.objects.filter(pk=supervision.pk, answered_at__isnull=True, due_at=old).update(
                due_at=new.due, due_provisional=new.provisional
            )
            if updated:
                if supervision.ticket_id:
                    TicketEvent.objects.create(
                        ticket_id=supervision.ticket_id, action="due_recomputed", from_state=supervision.ticket.state,
                        to_state=supervision.ticket.state, note=f"督办 {supervision.number} " + _note("回复", old, new, years),
                        internal=True, at=now,
                    )
                record(new, old, f"督办 {supervision.number} 回复期限")

        if earliest:
            # A due instant moved earlier than the last sweep looked: the next sweep must look back to it.
            from tickets.sweep import MARGIN, rewind

            rewind(min(earliest) - MARGIN)
    return result


def _committed_date(ticket: Ticket) -> bool:
    """Whether the handling due instant is a date someone committed to, not a count of working days."""
    started = ticket.handle_started_at
    return (
        ticket.extensions.filter(state=Decision.APPROVED, decided_at__gte=started).exists()
        or ticket.reviews.filter(outcome=Review.Outcome.RECTIFY, decided_at__gte=started).exists()
    )


# --- the automatic entry point: calendar signals -------------------------------------------------------------------
_pending = threading.local()


@dataclass
class _Pending:
    marker: object  # the outermost atomic block of the transaction that holds the change (None in autocommit)
    snapshot: YearSnapshot = field(default_factory=dict)
    scheduled: bool = False


def _current_marker(using: str | None):
    connection = transaction.get_connection(using)
    return connection.atomic_blocks[0] if connection.in_atomic_block else None


def _pending_for(using: str | None) -> _Pending:
    marker = _current_marker(using)
    pending = getattr(_pending, "value", None)
    if pending is None or marker is None or pending.marker is not marker:
        pending = _pending.value = _Pending(marker=marker)
    return pending


def snapshot_years(years: Iterable[int], using: str | None = None) -> None:
    """Before a calendar row changes: remember how its years stood, once per transaction."""
    pending = _pending_for(using)
    for year in set(years):
        if year in pending.snapshot:
            continue
        row = CalendarYear.objects.using(using or "default").filter(year=year).values_list("official", flat=True).first()
        official = bool(row)
        exceptions = {}
        if official:
            exceptions = {
                day: kind == CalendarException.Kind.WORKDAY
                for day, kind in CalendarException.objects.using(using or "default")
                .filter(date__year=year).values_list("date", "kind")
            }
        pending.snapshot[year] = (official, exceptions)


def schedule_recompute(using: str | None = None) -> None:
    """After a calendar row changed: recompute once, when the transaction commits."""
    pending = getattr(_pending, "value", None)
    if pending is None or pending.scheduled or pending.marker is not _current_marker(using):
        return
    pending.scheduled = True

    def run() -> None:
        if getattr(_pending, "value", None) is pending:
            _pending.value = None
        try:
            result = recompute_provisional(years=pending.snapshot.keys(), working_before=old_calendar(pending.snapshot))
        except Exception:  # the calendar change is committed; a failed recount is logged and can be re-run by command
            logger.exception("重新计算暂定期限失败（年份 %s），可运行 recompute_provisional_deadlines 重试。", sorted(pending.snapshot))
            return
        if result.changed or result.confirmed:
            logger.info("暂定期限已重新计算：调整 %s 项，确认 %s 项。", result.changed, result.confirmed)

    transaction.on_commit(run, using=using)
