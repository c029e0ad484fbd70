"""Triage (§4.2): the office's decision on a registered demand — a ticket, a merge, materials, consultation,
escalation or rejection — and what the enterprise or the first-contact department does meanwhile (supply materials,
give an opinion, withdraw)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.timezone import localtime

from accounts.models import Department, Role, User
from accounts.roles import CONSULTEES
from core.dates import bounds_message
from core.errors import Conflict, PermissionDenied, field_error
from core.files import validate_uploads
from tickets import notices, rules
from tickets.models import (
    Attachment,
    ConsultRequest,
    Demand,
    MergeProposal,
    ProvincialEscalation,
    Ticket,
)
from tickets.models.demand import Channel, ConsentMethod, RejectReason
from tickets.models.ticket import Category
from tickets.workflow._shared import (
    authorize,
    demand_event,
    lock_demand,
    lock_ticket,
    optional_text,
    pick_department,
    pick_departments,
    required_text,
    save_demand,
    save_ticket,
    ticket_event,
)
from tickets.workflow.attachments import store_file
from tickets.workflow.dispatch import create_ticket
from tickets.workflow.registration import register_transfer
from workcalendar.workdays import start_clock


def demand_triage(*, actor: User, demand: Demand, decision: str, **data) -> Demand:
    """Apply one triage decision (§4.2): ticket, merge, supplement, consult, escalate or reject."""
    handlers = {
        "ticket": demand_form_ticket,
        "merge": demand_merge,
        "supplement": demand_request_materials,
        "consult": demand_consult,
        "escalate": demand_escalate,
        "reject": demand_reject,
    }
    if decision not in handlers:
        raise field_error("decision", "请选择研判结论：形成工单、合并、补充材料、会商、提级或不予受理。")
    return handlers[decision](actor=actor, demand=demand, **data)


@transaction.atomic
def demand_form_ticket(
    *, actor: User, demand: Demand, category: str, lead_department, complex: bool = False,
    co_departments: Iterable | None = None, note: str = "",
) -> Demand:
    demand = lock_demand(demand)
    authorize(demand, "form_ticket", actor, "对该诉求形成工单")
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = ["请选择类别：咨询类、协调类或投诉举报类。"]
    lead = None
    try:
        lead = pick_department(lead_department, "lead_department", region=demand.region)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    co: list[Department] = []
    try:
        co = pick_departments(co_departments, "co_departments", region=demand.region, exclude=lead)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        note = optional_text(note, "note", "研判说明")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    ticket = create_ticket(demands=[demand], actor=actor, category=category, complex_=bool(complex), lead=lead, co=co, now=now)
    before = demand.state
    demand.form_ticket()
    demand.ticket = ticket
    demand.decided_at = now
    demand.triage_due_at = None
    save_demand(demand, ["state", "ticket", "decided_at", "triage_due_at"])
    demand_event(demand, actor, "ticket", before, f"形成工单 {ticket.number}，派至{lead.name}" + (f"。{note}" if note else ""), at=now)
    notices.ticket_dispatched(ticket, co_departments=co)
    notices.ticket_formed(demand, ticket)
    return demand


def _merge_target(demand: Demand, into, errors: dict[str, list[str]]) -> Ticket | None:
    """The open ticket of the demand's region named by `into` (an id or a Ticket), or None with the error noted."""
    try:
        target = Ticket.objects.filter(pk=int(into.pk if isinstance(into, Ticket) else into), region=demand.region).first()
    except (TypeError, ValueError):
        target = None
    if target is None:
        errors["into"] = ["请选择本区域内要合并到的工单。"]
    elif target.state not in Ticket.MERGEABLE_STATES:
        errors["into"] = [f"工单 {target.number} 当前为“{target.get_state_display()}”，只能合并到尚在办理的工单。"]
        target = None
    return target


@transaction.atomic
def demand_merge(*, actor: User, demand: Demand, into, consent: dict | None = None) -> Demand:
    """Merge into an open ticket of the same region, with the requester's recorded consent (§4.2.1(2))."""
    demand = lock_demand(demand)
    authorize(demand, "merge", actor, "合并该诉求")
    consent = consent or {}
    errors: dict[str, list[str]] = {}
    target = _merge_target(demand, into, errors)
    by = (consent.get("by") or "").strip()
    method = consent.get("method") or ""
    at = consent.get("at")
    if not by:
        errors["consent.by"] = ["请填写同意合并的诉求人。"]
    if method not in ConsentMethod.values:
        errors["consent.method"] = ["请选择同意方式：电话、线上确认、当面或书面。"]
    if at is None:
        errors["consent.at"] = ["请填写诉求人同意的时间。"]
    elif isinstance(at, datetime) and (message := bounds_message("同意时间", at)):
        errors["consent.at"] = [message]
    elif isinstance(at, datetime) and at > timezone.now():
        errors["consent.at"] = ["同意时间不能晚于当前时间。"]
    if errors:
        raise ValidationError(errors)
    return _merge_into(demand, target, actor=actor, by=by, method=method, at=at)


def _merge_into(demand: Demand, target: Ticket, *, actor: User, by: str, method: str, at: datetime) -> Demand:
    """The merge itself, on a locked demand whose consent has been checked: state, consent, timelines, notice."""
    before = demand.state
    demand.merge()
    demand.ticket = target
    demand.consent_by, demand.consent_method, demand.consent_at = by, method, at
    demand.decided_at = timezone.now()
    demand.triage_due_at = None
    save_demand(demand, ["state", "ticket", "consent_by", "consent_method", "consent_at", "decided_at", "triage_due_at"])
    # The ticket is found by the merged demand's enterprise and number too.
    target = lock_ticket(target)
    target.search_text = target.search_document(target.demands.order_by("id").only("id", "state", "search_text"))
    save_ticket(target, ["search_text"])
    demand_event(demand, actor, "merge", before, f"经{by}同意（{ConsentMethod(method).label}），合并至工单 {target.number}")
    ticket_event(target, actor, "merge", target.state, f"合并诉求 {demand.number}（{Channel(demand.channel).label}）")
    notices.demand_merged(demand, target)
    return demand


def may_answer_online(demand: Demand) -> bool:
    """An enterprise can answer a merge proposal on the platform: the demand names it (not anonymously) and it has an
    active enterprise user."""
    if demand.anonymous or demand.enterprise_id is None:
        return False
    return User.objects.filter(enterprise_id=demand.enterprise_id, role=Role.ENTERPRISE, is_active=True).exists()


@transaction.atomic
def demand_propose_merge(*, actor: User, demand: Demand, into, message: str = "") -> MergeProposal:
    """Ask the enterprise on the platform whether the demand may be merged into an open ticket (§4.2.1(2)); its
    answer (`demand_answer_merge`) is the consent. The demand stays in the triage queue meanwhile."""
    demand = lock_demand(demand)
    authorize(demand, "merge", actor, "征询合并")
    pending = demand.merge_proposals.filter(state=MergeProposal.State.PENDING).select_related("ticket").first()
    if pending is not None:
        raise Conflict(f"已于 {localtime(pending.proposed_at):%m月%d日 %H:%M} 向企业征询合并至工单 {pending.ticket.number}，"
                       "正在等待企业答复。")
    if not may_answer_online(demand):
        raise ValidationError("该诉求的企业没有可在平台上确认的账号（或为匿名诉求），请通过电话等方式征得诉求人同意后直接合并。")
    errors: dict[str, list[str]] = {}
    target = _merge_target(demand, into, errors)
    try:
        message = optional_text(message, "message", "征询说明")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    proposal = MergeProposal.objects.create(
        demand=demand, ticket=target, message=message, proposed_by=actor, proposed_at=timezone.now()
    )
    demand_event(demand, actor, "propose_merge", demand.state,
                 f"征询企业是否同意合并至工单 {target.number}（{target.lead_department.name}牵头）", at=proposal.proposed_at)
    notices.merge_proposed(demand, proposal)
    return proposal


@transaction.atomic
def demand_answer_merge(*, actor: User, demand: Demand, consent=None, note: str = "") -> MergeProposal:
    """The enterprise answers the office's merge proposal: `consent` true merges the demand at once (consent recorded
    as given online by the answering user, now); false leaves it with the office, which is told. A ticket that has
    meanwhile left handling cannot take the merge: the proposal lapses and the office decides again."""
    demand = lock_demand(demand)
    if not rules.is_demand_owner(demand, actor):
        raise PermissionDenied("只有诉求所属企业的用户可以答复合并征询。")
    proposal = (
        demand.merge_proposals.select_for_update().filter(state=MergeProposal.State.PENDING).first()
        if demand.state == Demand.State.REGISTERED else None
    )
    if proposal is None:
        raise Conflict("该诉求没有待您确认的合并征询（联合服务办公室可能已另作研判）。")
    if consent not in (True, False):
        raise field_error("consent", "请选择同意合并或不同意合并。")
    note = optional_text(note, "note", "说明")
    now = timezone.now()
    proposal.answered_by, proposal.answered_at, proposal.answer_note = actor, now, note
    target = lock_ticket(proposal.ticket)
    if consent and target.state not in Ticket.MERGEABLE_STATES:
        proposal.state = MergeProposal.State.LAPSED
        proposal.answer_note = f"企业同意时工单已为“{target.get_state_display()}”，无法合并。" + (f"企业说明：{note}" if note else "")
        proposal.save(update_fields=["state", "answered_by", "answered_at", "answer_note"])
        demand_event(demand, actor, "merge_lapsed", demand.state,
                     f"企业同意合并，但工单 {target.number} 已不在办理中，合并未进行，由联合服务办公室重新研判", at=now)
        notices.merge_answered(demand, proposal)
        return proposal
    proposal.state = MergeProposal.State.ACCEPTED if consent else MergeProposal.State.DECLINED
    proposal.save(update_fields=["state", "answered_by", "answered_at", "answer_note"])
    if consent:
        by = (actor.get_full_name() or actor.username)[:64]
        _merge_into(demand, target, actor=actor, by=by, method=ConsentMethod.ONLINE, at=now)
    else:
        demand_event(demand, actor, "decline_merge", demand.state,
                     f"企业不同意合并至工单 {target.number}" + (f"：{note}" if note else ""), at=now)
    notices.merge_answered(demand, proposal)
    return proposal


@transaction.atomic
def demand_request_materials(*, actor: User, demand: Demand, missing: str) -> Demand:
    demand = lock_demand(demand)
    authorize(demand, "request_materials", actor, "要求补充材料")
    missing = required_text(missing, "missing", "需补充的材料")
    before = demand.state
    demand.request_materials()
    demand.missing_materials = missing
    demand.materials_requested_at = timezone.now()
    demand.triage_due_at = None
    save_demand(demand, ["state", "missing_materials", "materials_requested_at", "triage_due_at"])
    demand_event(demand, actor, "supplement_requested", before, f"需补充：{missing}")
    notices.materials_requested(demand)
    return demand


@transaction.atomic
def demand_supply_materials(*, actor: User, demand: Demand, content: str, files: Sequence = ()) -> Demand:
    """Materials supplied: back to the triage queue with a fresh 1-working-day clock (§4.2.1(4))."""
    demand = lock_demand(demand)
    authorize(demand, "supply_materials", actor, "补充材料")
    content = required_text(content, "content", "补充说明")
    validate_uploads(files, "files")
    before = demand.state
    now = timezone.now()
    demand.supply_materials()
    triage = start_clock("triage", now)
    demand.triage_due_at, demand.triage_due_provisional = triage.due, triage.provisional
    save_demand(demand, ["state", "triage_due_at", "triage_due_provisional"])
    for upload in files:
        store_file(actor=actor, demand=demand, upload=upload, kind=Attachment.Kind.SUPPLEMENT)
    demand_event(demand, actor, "supplement", before, content)
    return demand


@transaction.atomic
def demand_consult(*, actor: User, demand: Demand, departments: Iterable) -> Demand:
    """Ask member departments for opinions on a cross-region/level/industry matter (§4.2.1(3))."""
    demand = lock_demand(demand)
    authorize(demand, "start_consultation", actor, "发起会商")
    chosen = pick_departments(departments, "departments", region=demand.region)
    if not chosen:
        raise field_error("departments", "请至少选择一个会商部门。")
    now = timezone.now()
    before = demand.state
    demand.start_consultation()
    save_demand(demand, ["state"])
    for consultee in chosen:
        ConsultRequest.objects.create(demand=demand, department=consultee, requested_at=now, requested_by=actor)
    demand_event(demand, actor, "consult", before, "会商部门：" + "、".join(d.name for d in chosen))
    notices.consultation_requested(demand, chosen, at=now)
    return demand


@transaction.atomic
def demand_give_opinion(*, actor: User, demand: Demand, content: str) -> ConsultRequest:
    demand = lock_demand(demand)
    if actor.role not in CONSULTEES:
        raise PermissionDenied("您的角色不能提出会商意见。")
    request = (
        ConsultRequest.objects.select_for_update()
        .filter(demand=demand, department_id=actor.department_id, answered_at__isnull=True)
        .first()
    )
    if request is None:
        raise PermissionDenied("本部门未被邀请会商该诉求，或已提出意见。")
    if demand.state != Demand.State.CONSULTING:
        raise Conflict(f"当前状态为“{demand.get_state_display()}”，会商已结束。")
    request.opinion = required_text(content, "content", "会商意见")
    request.answered_at = timezone.now()
    request.answered_by = actor
    request.save(update_fields=["opinion", "answered_at", "answered_by"])
    demand_event(demand, actor, "opinion", demand.state, f"{actor.department.name}：{request.opinion}", internal=True)
    notices.opinion_given(demand, request)
    return request


@transaction.atomic
def demand_escalate(*, actor: User, demand: Demand, reason: str, external_ref: str = "") -> Demand:
    """Beyond this level: a county demand becomes a linked transfer demand of the city; a city one goes to the province."""
    demand = lock_demand(demand)
    authorize(demand, "escalate", actor, "提级办理")
    reason = required_text(reason, "reason", "提级原因")
    now = timezone.now()
    before = demand.state
    demand.escalate()
    demand.escalation_reason = reason
    demand.decided_at = now
    demand.triage_due_at = None
    save_demand(demand, ["state", "escalation_reason", "decided_at", "triage_due_at"])
    parent = demand.region.parent
    if parent is not None:
        transfer = register_transfer(demand=demand, actor=actor, parent=parent, reason=reason, now=now)
        demand_event(demand, actor, "escalate", before, f"提级至{parent.name}，转办诉求 {transfer.number}。原因：{reason}")
    else:
        ProvincialEscalation.objects.create(
            demand=demand, region=demand.region, reason=reason, submitted_at=now, submitted_by=actor,
            external_ref=optional_text(external_ref, "external_ref", "省级平台编号", limit=64),
        )
        demand_event(demand, actor, "escalate", before, f"向省级“企业之家”提出提级办理申请。原因：{reason}")
    return demand


@transaction.atomic
def demand_reject(*, actor: User, demand: Demand, reason: str, note: str = "") -> Demand:
    """不予受理 (§4.2.2); the first-contact department explains it to the requester."""
    demand = lock_demand(demand)
    authorize(demand, "reject", actor, "作不予受理")
    if reason not in RejectReason.values:
        raise field_error("reason", "请选择不予受理原因。")
    note = required_text(note, "note", "不予受理说明")
    before = demand.state
    demand.reject()
    demand.reject_reason, demand.reject_note = reason, note
    demand.decided_at = timezone.now()
    demand.triage_due_at = None
    save_demand(demand, ["state", "reject_reason", "reject_note", "decided_at", "triage_due_at"])
    demand_event(demand, actor, "reject", before, f"{RejectReason(reason).label}。{note}")
    return demand


@transaction.atomic
def demand_withdraw(*, actor: User, demand: Demand, note: str = "") -> Demand:
    demand = lock_demand(demand)
    authorize(demand, "withdraw", actor, "撤回该诉求")
    note = optional_text(note, "note", "撤回说明", limit=500)
    before = demand.state
    demand.withdraw()
    demand.triage_due_at = None
    save_demand(demand, ["state", "triage_due_at"])
    demand_event(demand, actor, "withdraw", before, note or "企业撤回诉求")
    return demand

