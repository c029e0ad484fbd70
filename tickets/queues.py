"""Every queue of demands and tickets, defined once: the menu counts, the queue pages and the API read these.

A queue is a function of the user that returns the queryset of what waits in it (already limited to the user's
region or department); an empty queryset when the user's role has no such queue.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role
from accounts.roles import CALLBACK_ROLES, CONSULT_INBOX_ROLES
from tickets.models import ConsultRequest, Demand, ExtensionRequest, TerminationRequest, Ticket, TicketCoDepartment
from tickets.models.handling import Decision

AWAITING_TRIAGE = (Demand.State.REGISTERED, Demand.State.CONSULTING)


def _region_id(user) -> int | None:
    return user.department.region_id if user.is_authenticated and user.department_id else None


def _office_region(user) -> int | None:
    return _region_id(user) if user.is_authenticated and user.role == Role.OFFICE else None


def _region_tickets(region_id: int | None, **filters) -> QuerySet[Ticket]:
    return Ticket.objects.filter(region_id=region_id, **filters) if region_id else Ticket.objects.none()


# --- the office of a region --------------------------------------------------------------------------------------
def triage(user) -> QuerySet[Demand]:
    """Demands of the office's region waiting for its decision (§4.2)."""
    region_id = _office_region(user)
    return Demand.objects.filter(region_id=region_id, state__in=AWAITING_TRIAGE) if region_id else Demand.objects.none()


def disputes(user) -> QuerySet[Ticket]:
    return _region_tickets(_office_region(user), state=Ticket.State.DISPUTED)


def awaiting_government(user) -> QuerySet[Ticket]:
    """Disputed tickets referred to the government (the office watches them; the government decides them)."""
    region_id = _office_region(user) or (_region_id(user) if user.role == Role.GOVERNMENT else None)
    return _region_tickets(region_id, state=Ticket.State.GOVERNMENT_DECISION)


# Queues of few rows among many are read from their small side (the pending requests, the department's co-links),
# so their cost follows the queue, not the region's tickets.
def extensions(user) -> QuerySet[Ticket]:
    pending = ExtensionRequest.objects.filter(state=Decision.PENDING).values("ticket_id")
    return _region_tickets(_office_region(user), state=Ticket.State.HANDLING, pk__in=pending)


def terminations(user) -> QuerySet[Ticket]:
    pending = TerminationRequest.objects.filter(state=Decision.PENDING).values("ticket_id")
    return _region_tickets(_office_region(user), state=Ticket.State.HANDLING, pk__in=pending)


def returned(user) -> QuerySet[Ticket]:
    """Tickets returned for rework after a callback, being handled again (§4.7.2)."""
    return _region_tickets(_office_region(user), state=Ticket.State.HANDLING, rework_count__gt=0)


def reviews(user) -> QuerySet[Ticket]:
    return _region_tickets(_office_region(user), state=Ticket.State.REVIEW)


def callbacks(user) -> QuerySet[Ticket]:
    """Closed tickets of the region waiting for the full callback (§4.7.1): the office's and the specialists'."""
    region_id = _region_id(user) if user.is_authenticated and user.role in CALLBACK_ROLES else None
    return _region_tickets(region_id, state=Ticket.State.CLOSED)


# --- a department ------------------------------------------------------------------------------------------------
def _handler_department(user) -> int | None:
    return user.department_id if user.is_authenticated and user.role == Role.HANDLER else None


def to_sign(user) -> QuerySet[Ticket]:
    department_id = _handler_department(user)
    if not department_id:
        return Ticket.objects.none()
    return Ticket.objects.filter(lead_department_id=department_id, state=Ticket.State.DISPATCHED)


def in_hand(user) -> QuerySet[Ticket]:
    department_id = _handler_department(user)
    if not department_id:
        return Ticket.objects.none()
    return Ticket.objects.filter(lead_department_id=department_id, state=Ticket.State.HANDLING)


def co_handling(user) -> QuerySet[Ticket]:
    """Tickets being handled where the user's department is a co-department (§4.4.3)."""
    department_id = _handler_department(user)
    if not department_id:
        return Ticket.objects.none()
    links = TicketCoDepartment.objects.filter(department_id=department_id).values("ticket_id")
    return Ticket.objects.filter(pk__in=links, state=Ticket.State.HANDLING)


def co_awaiting_feedback(user) -> QuerySet[Ticket]:
    """Of those, the ones still waiting for the department's feedback (the menu's count)."""
    department_id = _handler_department(user)
    if not department_id:
        return Ticket.objects.none()
    links = TicketCoDepartment.objects.filter(department_id=department_id, feedback_at__isnull=True).values("ticket_id")
    return Ticket.objects.filter(pk__in=links, state=Ticket.State.HANDLING)


def consultations(user) -> QuerySet[ConsultRequest]:
    """Consultation requests to the user's department that await its opinion (§4.2.1(3))."""
    if not user.is_authenticated or user.role not in CONSULT_INBOX_ROLES or not user.department_id:
        return ConsultRequest.objects.none()
    return ConsultRequest.objects.filter(
        department_id=user.department_id, answered_at__isnull=True, demand__state=Demand.State.CONSULTING
    )


# --- the menu ----------------------------------------------------------------------------------------------------
MENU_QUEUES = {
    "triage": triage,
    "disputes": disputes,
    "government": awaiting_government,
    "to_sign": to_sign,
    "handling": in_hand,
    "co": co_awaiting_feedback,
    "extensions": extensions,
    "terminations": terminations,
    "callbacks": callbacks,
    "returned": returned,
    "reviews": reviews,
    "consult": consultations,
}


def menu_queues(user) -> dict[str, QuerySet]:
    """The queues of the user's menu entries (qiyezhijia.menu counts them in one query)."""
    return {name: queue(user) for name, queue in MENU_QUEUES.items()}
