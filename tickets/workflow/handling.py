"""Handling (§4.4): co-departments confirm and feed back, the lead asks for more time or to stop, the office decides;
a matter beyond this level is escalated, and the office records what the province did with it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from core.dates import years_later
from core.errors import Conflict, PermissionDenied, field_error
from tickets import notices, rules
from tickets.models import (
    ExtensionRequest,
    ProvincialEscalation,
    TerminationRequest,
    Ticket,
    TicketCoDepartment,
)
from tickets.models.handling import Decision, TerminationReason
from tickets.workflow._shared import (
    authorize,
    demand_event,
    lock_ticket,
    optional_text,
    pick_departments,
    require_handling,
    require_lead,
    require_region_office,
    required_text,
    save_ticket,
    ticket_event,
)
from tickets.workflow.registration import register_transfer
from workcalendar.workdays import end_of_working_day


@transaction.atomic
def ticket_add_co_department(*, actor: User, ticket: Ticket, department) -> TicketCoDepartment:
    ticket = lock_ticket(ticket)
    require_lead(ticket, actor, "添加协办部门")
    require_handling(ticket, "添加协办部门")
    chosen = pick_departments([department], "department", region=ticket.region, exclude=ticket.lead_department)[0]
    if ticket.co_links.filter(department=chosen).exists():
        raise field_error("department", f"“{chosen.name}”已是协办部门。")
    link = TicketCoDepartment.objects.create(ticket=ticket, department=chosen, added_at=timezone.now(), added_by=actor)
    ticket_event(ticket, actor, "add_co_department", ticket.state, chosen.name)
    notices.co_department_added(ticket, link)
    return link


def _own_co_link(ticket: Ticket, actor: User, what: str) -> TicketCoDepartment:
    link = ticket.co_links.select_for_update().filter(department_id=actor.department_id).first() if actor.role == Role.HANDLER else None
    if link is None:
        raise PermissionDenied(f"只有协办部门的工作人员可以{what}。")
    return link


@transaction.atomic
def ticket_co_confirm(*, actor: User, ticket: Ticket) -> TicketCoDepartment:
    ticket = lock_ticket(ticket)
    link = _own_co_link(ticket, actor, "确认协办")
    require_handling(ticket, "确认协办")
    if link.confirmed_at:
        raise Conflict("本部门已确认协办。")
    link.confirmed_at = timezone.now()
    link.save(update_fields=["confirmed_at"])
    ticket_event(ticket, actor, "co_confirm", ticket.state, link.department.name)
    return link


@transaction.atomic
def ticket_co_feedback(*, actor: User, ticket: Ticket, content: str) -> TicketCoDepartment:
    """The co-department reports what it did to the lead (§4.4.3); feeding back implies confirming."""
    ticket = lock_ticket(ticket)
    link = _own_co_link(ticket, actor, "反馈协办情况")
    require_handling(ticket, "反馈协办情况")
    content = required_text(content, "content", "协办反馈")
    now = timezone.now()
    link.confirmed_at = link.confirmed_at or now
    link.feedback, link.feedback_at = content, now
    link.save(update_fields=["confirmed_at", "feedback", "feedback_at"])
    ticket_event(ticket, actor, "co_feedback", ticket.state, f"{link.department.name}：{content}", internal=True)
    notices.co_feedback_given(ticket, link)
    return link


@transaction.atomic
def ticket_request_extension(*, actor: User, ticket: Ticket, due_date, reason: str) -> ExtensionRequest:
    ticket = lock_ticket(ticket)
    require_lead(ticket, actor, "申请延期")
    require_handling(ticket, "申请延期")
    reason = required_text(reason, "reason", "延期理由")
    if due_date is None:
        raise field_error("due_date", "请填写承诺办结日期。")
    current = timezone.localdate(ticket.handle_due_at)
    if due_date <= current:
        raise field_error("due_date", f"承诺办结日期必须晚于当前办理期限（{current:%Y-%m-%d}）。")
    latest = years_later(current, 1)
    if due_date > latest:
        raise field_error("due_date", f"承诺办结日期不能晚于 {latest:%Y-%m-%d}（当前办理期限后一年）。")
    if ticket.extensions.filter(state=Decision.PENDING).exists():
        raise Conflict("该工单已有待审批的延期申请。")
    request = ExtensionRequest.objects.create(
        ticket=ticket, due_date=due_date, reason_note=reason, requested_at=timezone.now(), requested_by=actor,
        previous_due_at=ticket.handle_due_at,
    )
    ticket_event(ticket, actor, "request_extension", ticket.state, f"承诺于 {due_date:%Y-%m-%d} 前办结。{reason}")
    notices.extension_requested(ticket, request)
    return request


@transaction.atomic
def ticket_decide_extension(*, actor: User, ticket: Ticket, approve: bool, note: str = "") -> ExtensionRequest:
    ticket = lock_ticket(ticket)
    require_region_office(ticket, actor, "审批延期申请")
    request = ticket.extensions.select_for_update().filter(state=Decision.PENDING).first()
    if request is None:
        raise Conflict("该工单没有待审批的延期申请。")
    require_handling(ticket, "审批延期申请")
    if not isinstance(approve, bool):
        raise field_error("approve", "请选择是否同意延期。")
    note = optional_text(note, "note", "审批意见")
    now = timezone.now()
    request.state = Decision.APPROVED if approve else Decision.REJECTED
    request.decided_at, request.decided_by, request.decision_note = now, actor, note
    request.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
    if approve:
        deadline = end_of_working_day(request.due_date)
        ticket.handle_due_at, ticket.handle_due_provisional = deadline.due, deadline.provisional
        save_ticket(ticket, ["handle_due_at", "handle_due_provisional"])
    verdict = f"同意延期至 {request.due_date:%Y-%m-%d}" if approve else "不同意延期"
    ticket_event(ticket, actor, "decide_extension", ticket.state, verdict + (f"。{note}" if note else ""))
    notices.extension_decided(ticket, request)
    return request


@transaction.atomic
def ticket_request_termination(*, actor: User, ticket: Ticket, reason: str, note: str) -> TerminationRequest:
    ticket = lock_ticket(ticket)
    require_lead(ticket, actor, "申请终止办理")
    require_handling(ticket, "申请终止办理")
    if reason not in TerminationReason.values:
        raise field_error("reason", "请选择终止原因。")
    note = required_text(note, "note", "终止说明")
    if ticket.terminations.filter(state=Decision.PENDING).exists():
        raise Conflict("该工单已有待审批的终止申请。")
    request = TerminationRequest.objects.create(
        ticket=ticket, reason=reason, reason_note=note, requested_at=timezone.now(), requested_by=actor
    )
    ticket_event(ticket, actor, "request_termination", ticket.state, f"{TerminationReason(reason).label}。{note}")
    notices.termination_requested(ticket, request)
    return request


@transaction.atomic
def ticket_decide_termination(*, actor: User, ticket: Ticket, approve: bool, note: str = "") -> TerminationRequest:
    ticket = lock_ticket(ticket)
    request = ticket.terminations.select_for_update().filter(state=Decision.PENDING).first()
    if approve:
        authorize(ticket, "terminate", actor, "审批终止办理")
    else:
        require_region_office(ticket, actor, "审批终止办理")
        require_handling(ticket, "审批终止办理")
    if request is None:
        raise Conflict("该工单没有待审批的终止申请。")
    if not isinstance(approve, bool):
        raise field_error("approve", "请选择是否同意终止办理。")
    note = optional_text(note, "note", "审批意见")
    now = timezone.now()
    request.state = Decision.APPROVED if approve else Decision.REJECTED
    request.decided_at, request.decided_by, request.decision_note = now, actor, note
    request.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
    before = ticket.state
    if approve:
        ticket.terminate()
        ticket.terminated_at = now
        save_ticket(ticket, ["state", "terminated_at"])
    ticket_event(ticket, actor, "decide_termination", before, ("同意终止办理" if approve else "不同意终止，继续办理") + (f"。{note}" if note else ""))
    notices.termination_decided(ticket, request)
    return request


@transaction.atomic
def ticket_escalate(*, actor: User, ticket: Ticket, reason: str, external_ref: str = "") -> Ticket:
    """提级办理 from handling (§4.4.5): a county ticket becomes a linked transfer demand of the city; a city one goes to the province."""
    ticket = lock_ticket(ticket)
    authorize(ticket, "escalate", actor, "提级办理")
    reason = required_text(reason, "reason", "提级原因")
    now = timezone.now()
    before = ticket.state
    ticket.escalate()
    ticket.escalation_reason = reason
    save_ticket(ticket, ["state", "escalation_reason"])
    parent = ticket.region.parent
    if parent is not None:
        source = ticket.demands.order_by("registered_at").first()
        transfer = register_transfer(demand=source, actor=actor, parent=parent, reason=reason, now=now, ticket=ticket)
        ticket_event(ticket, actor, "escalate", before, f"提级至{parent.name}，转办诉求 {transfer.number}。原因：{reason}")
    else:
        ProvincialEscalation.objects.create(
            ticket=ticket, region=ticket.region, reason=reason, submitted_at=now, submitted_by=actor,
            external_ref=optional_text(external_ref, "external_ref", "省级平台编号", limit=64),
        )
        ticket_event(ticket, actor, "escalate", before, f"向省级“企业之家”提出提级办理申请。原因：{reason}")
    return ticket


@transaction.atomic
def escalation_update(*, actor: User, escalation: ProvincialEscalation, status: str, external_ref: str | None = None,
                      result: str | None = None) -> ProvincialEscalation:
    """The office records what the provincial platform did with a city escalation (§4.4.5)."""
    escalation = ProvincialEscalation.objects.select_for_update().get(pk=escalation.pk)
    if not rules.is_region_office(escalation, actor):
        raise PermissionDenied("只有本级联合服务办公室可以更新提级记录。")
    errors: dict[str, list[str]] = {}
    if status not in ProvincialEscalation.Status.values:
        errors["status"] = ["请选择状态：已提交、省级已受理、省级退回或省级已办结。"]
    fields = ["status", "updated_at"]
    try:
        if external_ref is not None:
            escalation.external_ref = optional_text(external_ref, "external_ref", "省级平台编号", limit=64)
            fields.append("external_ref")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        if result is not None:
            escalation.result = optional_text(result, "result", "处理结果")
            fields.append("result")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if status == ProvincialEscalation.Status.RESOLVED and not escalation.result and "result" not in errors:
        errors["result"] = ["省级已办结时请填写处理结果。"]
    if errors:
        raise ValidationError(errors)
    escalation.status = status
    escalation.save(update_fields=fields)
    note = f"省级提级记录：{escalation.get_status_display()}" + (f"。{escalation.result}" if escalation.result else "")
    if escalation.ticket_id:
        ticket_event(escalation.ticket, actor, "escalation_update", escalation.ticket.state, note)
    else:
        demand_event(escalation.demand, actor, "escalation_update", escalation.demand.state, note)
    return escalation
