"""Which clock runs on a demand or ticket (SPEC §6), which are overdue now, and how the calendar's provisional
recount finds them. Overdue is derived at read time from the stored due columns."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max, Q
from django.utils import timezone

from tickets.models import Demand, Ticket
from tickets.models.handling import Decision, Review
from tickets.models.ticket import handle_policy
from workcalendar.clocks import Clock
from workcalendar.provisional import ProvisionalClock

__all__ = ["demand_clock", "handle_policy", "overdue_demands_q", "overdue_tickets_q", "provisional_clocks", "ticket_clock"]


def demand_clock(demand: Demand) -> Clock | None:
    return demand.running_clock()


def ticket_clock(ticket: Ticket) -> Clock | None:
    return ticket.running_clock()


def overdue_tickets_q(now: datetime | None = None) -> Q:
    """Tickets whose running clock is past its due instant (`current_due_at` is set only while a clock runs)."""
    return Q(current_due_at__lt=now or timezone.now())


def overdue_demands_q(now: datetime | None = None) -> Q:
    now = now or timezone.now()
    return Q(state__in=[Demand.State.REGISTERED, Demand.State.CONSULTING], triage_due_at__lt=now)


# --- the provisional recount (workcalendar.provisional) -------------------------------------------------------------
def _demand_entry(demand: Demand, note: str, now) -> None:
    demand.events.create(
        action="due_recomputed", from_state=demand.state, to_state=demand.state, note=note, internal=True, at=now,
    )


def _ticket_entry(ticket: Ticket, note: str, now) -> None:
    ticket.events.create(
        action="due_recomputed", from_state=ticket.state, to_state=ticket.state, note=note, internal=True, at=now,
    )


def _committed_date(ticket: Ticket) -> bool:
    """Whether the handling due instant is a date someone committed to, not a count of working days."""
    started = ticket.handle_started_at
    return (
        ticket.extensions.filter(state=Decision.APPROVED, decided_at__gte=started).exists()
        or ticket.reviews.filter(outcome=Review.Outcome.RECTIFY, decided_at__gte=started).exists()
    )


def _ticket_clock(state: str, due_field: str, flag_field: str, start_field: str, label: str, **extra) -> ProvisionalClock:
    return ProvisionalClock(
        model=Ticket, label=label, due_field=due_field, flag_field=flag_field,
        rows=lambda: Ticket.objects.filter(**{"state": state, flag_field: True, f"{due_field}__isnull": False}),
        start=lambda ticket: getattr(ticket, start_field),
        still=lambda ticket: {"state": state},
        describe=lambda ticket: f"工单 {ticket.number} {label}期限",
        record=_ticket_entry,
        mirror_fields=("current_due_at",),  # the running due of the ticket's state
        **extra,
    )


def provisional_clocks() -> list[ProvisionalClock]:
    """Demands waiting for triage (from registration, or from the last supply of materials), then each ticket clock."""
    return [
        ProvisionalClock(
            model=Demand, label="研判", due_field="triage_due_at", flag_field="triage_due_provisional",
            rows=lambda: Demand.objects.filter(
                state__in=[Demand.State.REGISTERED, Demand.State.CONSULTING], triage_due_provisional=True,
                triage_due_at__isnull=False,
            ).annotate(supplied_at=Max("events__at", filter=Q(events__action="supplement"))),
            start=lambda demand: max(filter(None, [demand.registered_at, demand.supplied_at])),
            still=lambda demand: {"state": demand.state},
            describe=lambda demand: f"诉求 {demand.number} 研判期限",
            record=_demand_entry,
        ),
        _ticket_clock(Ticket.State.DISPATCHED, "sign_due_at", "sign_due_provisional", "dispatched_at", "签收"),
        # An approved extension or an ordered rectification: the committed date stands, only its flag moves.
        _ticket_clock(Ticket.State.HANDLING, "handle_due_at", "handle_due_provisional", "handle_started_at", "办理",
                      committed=_committed_date),
        _ticket_clock(Ticket.State.CLOSED, "callback_due_at", "callback_due_provisional", "closed_at", "回访"),
    ]
