"""Which clock is running on a demand or ticket, and how it stands now (SPEC §6). Overdue is derived at read time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from tickets.models import Demand, DeadlinePolicy, Ticket
from tickets.workdays import working_days_between


@dataclass(frozen=True)
class Clock:
    name: str  # triage / sign / handle / callback
    label: str
    due: datetime
    provisional: bool


@dataclass(frozen=True)
class DueStatus:
    level: str  # normal / warning / overdue
    text: str  # as a person says it: 剩余 2 个工作日, 今日到期, 已超期 3 个工作日
    due: datetime
    provisional: bool


def demand_clock(demand: Demand) -> Clock | None:
    if demand.state in (Demand.State.REGISTERED, Demand.State.CONSULTING) and demand.triage_due_at:
        return Clock("triage", "研判", demand.triage_due_at, demand.triage_due_provisional)
    return None


def ticket_clock(ticket: Ticket) -> Clock | None:
    state = ticket.state
    if state == Ticket.State.DISPATCHED and ticket.sign_due_at:
        return Clock("sign", "签收", ticket.sign_due_at, ticket.sign_due_provisional)
    if state == Ticket.State.HANDLING and ticket.handle_due_at:
        return Clock("handle", "办理", ticket.handle_due_at, ticket.handle_due_provisional)
    if state == Ticket.State.CLOSED and ticket.callback_due_at:
        return Clock("callback", "回访", ticket.callback_due_at, ticket.callback_due_provisional)
    return None


def overdue_tickets_q(now: datetime | None = None) -> Q:
    """Tickets whose running clock is past its due instant."""
    now = now or timezone.now()
    return (
        Q(state=Ticket.State.DISPATCHED, sign_due_at__lt=now)
        | Q(state=Ticket.State.HANDLING, handle_due_at__lt=now)
        | Q(state=Ticket.State.CLOSED, callback_due_at__lt=now)
    )


def overdue_demands_q(now: datetime | None = None) -> Q:
    now = now or timezone.now()
    return Q(state__in=[Demand.State.REGISTERED, Demand.State.CONSULTING], triage_due_at__lt=now)


_WARNING_POLICY = {"triage": "triage", "sign": "sign", "callback": "callback"}


def warning_days(clock_name: str) -> int:
    """Working days before the due instant that count as 可能超期 (configurable per clock, default 1)."""
    policy_clock = _WARNING_POLICY.get(clock_name, "handle_coordination")
    value = DeadlinePolicy.objects.filter(clock=policy_clock).values_list("warning_working_days", flat=True).first()
    return 1 if value is None else value


def due_status(clock: Clock | None, *, now: datetime | None = None, warn_days: int = 1) -> DueStatus | None:
    """How a running clock stands, in the words a clerk would use.

    Working days left counts the working days after today up to the due date; the due day itself being today
    reads 今日到期. Within `warn_days` working days (and on the due day) it is a warning.
    """
    if clock is None:
        return None
    now = now or timezone.now()
    if now > clock.due:
        late = working_days_between(clock.due, now)
        text = f"已超期 {late} 个工作日" if late > 0 else "已超期"
        return DueStatus("overdue", text, clock.due, clock.provisional)
    left = working_days_between(now, clock.due)
    if timezone.localdate(now) == timezone.localdate(clock.due):
        return DueStatus("warning", "今日到期", clock.due, clock.provisional)
    level = "warning" if left <= warn_days else "normal"
    return DueStatus(level, f"剩余 {left} 个工作日", clock.due, clock.provisional)
