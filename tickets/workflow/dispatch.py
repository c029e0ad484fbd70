"""Dispatch, sign, objection and the lead decision (§4.3): a ticket is formed and dispatched, its lead signs or objects
within the sign clock, the office (or the government) settles an objection, the sweep signs for a silent lead."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Department, User
from core.models import next_number
from supervision import services as supervision
from tickets import figures, notices
from tickets.models import Demand, Ticket, TicketCoDepartment
from tickets.models.ticket import Category
from tickets.workflow._shared import (
    authorize,
    lock_ticket,
    optional_text,
    pick_department,
    pick_departments,
    required_text,
    save_ticket,
    start_handle_clock,
    start_sign_clock,
    ticket_event,
)
from tickets.workflow.autosign import tickets_auto_sign

# §4.6.1(3): 3 or more complaint tickets about the same department and domain within 30 days is a concentrated matter.
CONCENTRATED_THRESHOLD = 3
CONCENTRATED_WINDOW = timedelta(days=30)  # a look-back window over calendar days, not a deadline


def create_ticket(
    *, demands: list[Demand], actor: User, category: str, complex_: bool, lead: Department, co: list[Department],
    now: datetime, self_handled: bool = False,
) -> Ticket:
    """Form a ticket from triaged demands and dispatch it: the lead's 2-working-day sign clock starts now."""
    first = demands[0]
    ticket = Ticket(
        number=next_number("GD"),
        region=first.region,
        title=first.title,
        category=category,
        complex=complex_,
        domain=first.domain,
        lead_department=lead,
        self_handled=self_handled,
        created_by=actor,
        created_at=now,
    )
    start_sign_clock(ticket, now)
    ticket.current_due_at = ticket.running_due()
    ticket.search_text = ticket.search_document(demands)
    ticket.save()
    figures.record_ticket({}, ticket)
    ticket._figures_before = figures.of_ticket(ticket)
    for chosen in co:
        TicketCoDepartment.objects.create(ticket=ticket, department=chosen, added_at=now, added_by=actor)
    names = "、".join(d.name for d in co)
    # Stamped with the decision's instant, so it reads after the demand's "形成工单" entry of the same instant.
    ticket_event(
        ticket, actor, "dispatch", "",
        f"牵头部门：{lead.name}" + (f"；协办部门：{names}" if names else "") + f"；类别：{Category(category).label}"
        + ("（复杂）" if complex_ else ""),
        at=now,
    )
    _check_concentrated(ticket, now=now)
    return ticket


def _check_concentrated(ticket: Ticket, *, now: datetime) -> None:
    """集中投诉: the third (or later) complaint ticket about one lead department and domain within 30 days is
    supervised automatically (supervision.services decides once per run and alerts the office)."""
    if ticket.category != Category.COMPLAINT:
        return
    run = list(
        Ticket.objects.filter(
            category=Category.COMPLAINT, lead_department_id=ticket.lead_department_id, domain_id=ticket.domain_id,
            created_at__gt=now - CONCENTRATED_WINDOW, created_at__lte=now,
        ).order_by("created_at", "id").values_list("id", "number")
    )
    if len(run) >= CONCENTRATED_THRESHOLD:
        supervision.supervision_raise_concentrated(ticket=ticket, run=run, now=now)


def sign_at_once(ticket: Ticket, *, actor: User, now: datetime) -> None:
    """A self-handled ticket is signed as it is formed: its handling clock runs from registration (§4.1)."""
    ticket.sign()
    ticket.signed_at = ticket.first_signed_at = now
    start_handle_clock(ticket, now)
    save_ticket(ticket, ["state", "signed_at", "first_signed_at", "handle_started_at", "handle_due_at", "handle_due_provisional"])
    ticket_event(ticket, actor, "sign", Ticket.State.DISPATCHED, "首问部门直接办理，登记即签收")


@transaction.atomic
def ticket_sign(*, actor: User, ticket: Ticket) -> Ticket:
    ticket = lock_ticket(ticket)
    authorize(ticket, "sign", actor, "签收该工单")
    now = timezone.now()
    before = ticket.state
    ticket.sign()
    ticket.signed_at = now
    ticket.first_signed_at = ticket.first_signed_at or now
    start_handle_clock(ticket, now)
    save_ticket(ticket, ["state", "signed_at", "first_signed_at", "handle_started_at", "handle_due_at", "handle_due_provisional"])
    late = ticket.sign_due_at is not None and now > ticket.sign_due_at
    ticket_event(ticket, actor, "sign", before, "逾期签收" if late else "")
    return ticket


@transaction.atomic
def ticket_object(*, actor: User, ticket: Ticket, reason: str) -> Ticket:
    ticket = lock_ticket(ticket)
    authorize(ticket, "object", actor, "对该工单提出办理异议")
    reason = required_text(reason, "reason", "异议理由")
    before = ticket.state
    ticket.object()
    ticket.dispute_reason = reason
    ticket.disputed_at = timezone.now()
    ticket.disputed_by_department = ticket.lead_department
    save_ticket(ticket, ["state", "dispute_reason", "disputed_at", "disputed_by_department"])
    ticket_event(ticket, actor, "object", before, reason, internal=True)
    notices.objection_raised(ticket)
    return ticket


def _redispatch(ticket: Ticket, *, actor: User, lead_department, co_departments, action: str, before: str, note: str) -> Ticket:
    errors: dict[str, list[str]] = {}
    lead = None
    try:
        lead = pick_department(lead_department, "lead_department", region=ticket.region)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    co = None
    if co_departments is not None:
        try:
            co = pick_departments(co_departments, "co_departments", region=ticket.region, exclude=lead)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    fields = ["state", "lead_department", "dispatched_at", "sign_due_at", "sign_due_provisional"]
    if lead.pk != ticket.lead_department_id and ticket.assignee_id is not None:
        # The 承办人 belongs to the former lead: the new lead names its own (tickets.workflow.collab).
        ticket.assignee, ticket.assigned_at = None, None
        fields += ["assignee", "assigned_at"]
    ticket.lead_department = lead
    start_sign_clock(ticket, now)
    save_ticket(ticket, fields)
    if co is not None:
        ticket.co_links.exclude(department__in=co).delete()
        existing = set(ticket.co_links.values_list("department_id", flat=True))
        for chosen in co:
            if chosen.id not in existing:
                TicketCoDepartment.objects.create(ticket=ticket, department=chosen, added_at=now, added_by=actor)
    else:
        # The new lead cannot also be a co-department.
        ticket.co_links.filter(department=lead).delete()
    text = f"牵头部门：{lead.name}"
    if co is not None:
        text += "；协办部门：" + ("、".join(d.name for d in co) or "无")
    ticket_event(ticket, actor, action, before, text + (f"。{note}" if note else ""), internal=True)
    notices.objection_resolved(ticket, action=action, objecting_department=ticket.disputed_by_department, co_departments=co or ())
    return ticket


@transaction.atomic
def ticket_reassign(*, actor: User, ticket: Ticket, lead_department, co_departments=None, note: str = "") -> Ticket:
    """The office resolves an objection: a new (or the same) lead and a new sign clock (§4.3.2)."""
    ticket = lock_ticket(ticket)
    authorize(ticket, "reassign", actor, "重新派单")
    note = optional_text(note, "note", "说明")
    before = ticket.state
    ticket.reassign()
    return _redispatch(ticket, actor=actor, lead_department=lead_department, co_departments=co_departments,
                       action="reassign", before=before, note=note)


@transaction.atomic
def ticket_refer_to_government(*, actor: User, ticket: Ticket, note: str) -> Ticket:
    ticket = lock_ticket(ticket)
    authorize(ticket, "refer_to_government", actor, "报请政府确定牵头部门")
    note = required_text(note, "note", "协调情况说明")
    before = ticket.state
    ticket.refer_to_government()
    ticket.referral_note = note
    save_ticket(ticket, ["state", "referral_note"])
    ticket_event(ticket, actor, "refer_to_government", before, note, internal=True)
    notices.referred_to_government(ticket)
    return ticket


@transaction.atomic
def ticket_decide_lead(*, actor: User, ticket: Ticket, lead_department, note: str = "") -> Ticket:
    """The government names the lead of a disputed ticket (§4.3.2, §3.1.2)."""
    ticket = lock_ticket(ticket)
    authorize(ticket, "decide_lead", actor, "确定牵头部门")
    note = optional_text(note, "note", "说明")
    before = ticket.state
    ticket.decide_lead()
    return _redispatch(ticket, actor=actor, lead_department=lead_department, co_departments=None,
                       action="decide_lead", before=before, note=note)


def ticket_auto_sign(*, ticket_id: int, now: datetime | None = None) -> bool:
    """视为签收 of one ticket: a sign clock expired with no sign and no objection (`autosign.tickets_auto_sign` for a
    batch of one). Safe to call twice; returns whether it acted."""
    return bool(tickets_auto_sign(ticket_ids=[ticket_id], now=now))
