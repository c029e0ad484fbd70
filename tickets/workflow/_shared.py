"""What every act of tickets.workflow shares: authorisation, input checks, locks, saves and the timeline.

Each act has the same shape: `transaction.atomic`; lock the row (`lock_demand` / `lock_ticket`); check who may act
(403) and from which state (409) through the rules; validate input (ValidationError with Chinese messages per field,
nothing saved); call the `@transition` method; save the changed fields (`save_ticket` / `save_demand`, which also
record the difference the change makes to the daily figures); write the immutable timeline entry; queue the
notifications (they leave after commit).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django_fsm import can_proceed

from accounts.models import Department, Region, User
from audit.services import record
from core.errors import Conflict, PermissionDenied, field_error
from tickets import clocks, figures, rules
from tickets.models import Demand, DemandEvent, MergeProposal, Ticket, TicketEvent
from workcalendar.workdays import start_clock

PHONE_RE = re.compile(r"^[0-9+\-() ]{7,20}$")
NOTE_LIMIT = 2000


# --- who may act, and when ------------------------------------------------------------------------------------------
def authorize(obj, transition: str, actor: User, what: str) -> None:
    """403 when the actor's role or department may not take the transition, 409 when the state does not allow it."""
    if not rules.transition_permitted(obj, transition, actor):
        raise PermissionDenied(f"您没有权限{what}。")
    if not can_proceed(getattr(obj, transition)):
        raise Conflict(f"当前状态为“{obj.get_state_display()}”，不能{what}。")


def require_handling(ticket: Ticket, what: str) -> None:
    if ticket.state != Ticket.State.HANDLING:
        raise Conflict(f"当前状态为“{ticket.get_state_display()}”，不能{what}。")


def require_lead(ticket: Ticket, actor: User, what: str) -> None:
    if not rules.is_lead_handler(ticket, actor):
        raise PermissionDenied(f"只有牵头部门的工作人员可以{what}。")


def require_region_office(obj, actor: User, what: str) -> None:
    if not rules.is_region_office(obj, actor):
        raise PermissionDenied(f"只有本级联合服务办公室可以{what}。")


# --- input ----------------------------------------------------------------------------------------------------------
def required_text(value: str | None, field: str, label: str, *, limit: int = NOTE_LIMIT) -> str:
    text = (value or "").strip()
    if not text:
        raise field_error(field, f"请填写{label}。")
    if len(text) > limit:
        raise field_error(field, f"{label}不能超过 {limit} 个字。")
    return text


def optional_text(value: str | None, field: str, label: str, *, limit: int = NOTE_LIMIT) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise field_error(field, f"{label}不能超过 {limit} 个字。")
    return text


def pick_department(value, field: str, *, region: Region | None = None) -> Department:
    """A department given by code or instance; must be active and, when `region` is given, belong to it."""
    if isinstance(value, Department):
        chosen = value
    else:
        code = (value or "").strip() if isinstance(value, str) else value
        if not code:
            raise field_error(field, "请选择部门。")
        chosen = Department.objects.filter(code=code).select_related("region").first()
        if chosen is None:
            raise field_error(field, f"部门编码“{code}”不存在。")
    if not chosen.active:
        raise field_error(field, f"部门“{chosen.name}”已停用。")
    if region is not None and chosen.region_id != region.id:
        raise field_error(field, f"部门“{chosen.name}”不属于{region.name}。")
    return chosen


def pick_departments(values: Iterable | None, field: str, *, region: Region, exclude: Department | None = None) -> list[Department]:
    result: list[Department] = []
    for value in values or []:
        chosen = pick_department(value, field, region=region)
        if exclude is not None and chosen.id == exclude.id:
            raise field_error(field, f"“{chosen.name}”已是牵头部门，不能同时作为协办部门。")
        if chosen not in result:
            result.append(chosen)
    return result


def office_host(region: Region) -> Department:
    """The department hosting the region's office; a region set up without one cannot take demands."""
    host = region.office_host()
    if host is None:
        raise ValidationError(f"{region.name}尚未配置联合服务办公室承载单位（政务服务中心），请联系系统管理员。")
    return host


# --- locks and saves ------------------------------------------------------------------------------------------------
def lock_demand(demand: Demand) -> Demand:
    """The demand's row, locked, with the figures it contributes as loaded (for `save_demand`)."""
    locked = Demand.objects.select_for_update().get(pk=demand.pk)
    locked._figures_before = figures.of_demand(locked)
    return locked


def lock_ticket(ticket: Ticket) -> Ticket:
    """The ticket's row, locked, with the figures it contributes as loaded (for `save_ticket`)."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    locked._figures_before = figures.of_ticket(locked)
    return locked


CLOCK_FIELDS = {"state", "sign_due_at", "handle_due_at", "callback_due_at"}


def save_ticket(ticket: Ticket, fields: list[str]) -> None:
    """Save the changed fields, with the running due (`current_due_at`) when the state or a clock changed, and record
    the difference they make to the daily figures (same transaction)."""
    before = getattr(ticket, "_figures_before", None)
    if before is None:
        before = figures.of_ticket(Ticket.objects.get(pk=ticket.pk)) if ticket.pk else {}
    if CLOCK_FIELDS.intersection(fields):
        ticket.current_due_at = ticket.running_due()
        fields = [*fields, "current_due_at"]
    ticket.save(update_fields=fields)
    figures.record_ticket(before, ticket)
    ticket._figures_before = figures.of_ticket(ticket)


def save_demand(demand: Demand, fields: list[str]) -> None:
    """Save the changed fields; when the demand's ticket changed, its category counts now (daily figures). A demand
    that leaves `registered` by any act lets an unanswered merge proposal lapse: the enterprise can no longer answer it."""
    before = getattr(demand, "_figures_before", None)
    demand.save(update_fields=fields)
    if "state" in fields and demand.state != Demand.State.REGISTERED:
        MergeProposal.objects.filter(demand=demand, state=MergeProposal.State.PENDING).update(
            state=MergeProposal.State.LAPSED, answered_at=_now(),
            answer_note=f"诉求已转为“{demand.get_state_display()}”，征询不再需要答复。",
        )
    if "ticket" in fields:
        if before is None:
            before = {}
        figures.record_demand(before, demand)
    demand._figures_before = None


# --- the timeline ---------------------------------------------------------------------------------------------------
def demand_event(demand: Demand, actor, action: str, from_state: str, note: str = "", *, internal: bool = False,
                 at: datetime | None = None) -> None:
    entry = DemandEvent.objects.create(
        demand=demand, actor=actor, action=action, from_state=from_state, to_state=demand.state, note=note,
        internal=internal, at=at or _now(),
    )
    _audit(entry, demand, actor)


def ticket_event(ticket: Ticket, actor, action: str, from_state: str, note: str = "", *, internal: bool = False,
                 at: datetime | None = None) -> None:
    entry = TicketEvent.objects.create(
        ticket=ticket, actor=actor, action=action, from_state=from_state, to_state=ticket.state, note=note,
        internal=internal, at=at or _now(),
    )
    _audit(entry, ticket, actor)


def _audit(entry: DemandEvent | TicketEvent, obj: Demand | Ticket, actor) -> None:
    """Every timeline entry is also an audit row (SECURITY.md §4), in the same transaction, pointing back at it."""
    record(f"workflow.{entry.action}", actor=actor, obj=obj, entry=entry.pk, timeline=entry._meta.model_name,
           from_state=entry.from_state, to_state=entry.to_state)


def _now() -> datetime:
    from django.utils import timezone

    return timezone.now()


# --- clocks ---------------------------------------------------------------------------------------------------------
def start_sign_clock(ticket: Ticket, now: datetime) -> None:
    deadline = start_clock("sign", now)
    ticket.dispatched_at = now
    ticket.sign_due_at = deadline.due
    ticket.sign_due_provisional = deadline.provisional


def start_handle_clock(ticket: Ticket, start: datetime) -> None:
    deadline = start_clock(clocks.handle_policy(ticket.category, ticket.complex), start)
    ticket.handle_started_at = start
    ticket.handle_due_at = deadline.due
    ticket.handle_due_provisional = deadline.provisional
