"""Every state change of demands and tickets (SPEC §3–§5). Web views, the API, commands and tasks call these.

Each function: runs in a transaction, locks the row, checks who may act (403) and from which state (409), validates
input (ValidationError with Chinese messages per field, nothing saved), calls the `@transition` method, saves the
changed fields and writes the immutable timeline entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed

from accounts import uscc as uscc_rules
from accounts.models import Department, Domain, Enterprise, Region, Role, User
from notifications import events as notices
from tickets import rules, supervision
from tickets.errors import Conflict, PermissionDenied, field_error
from tickets.models import (
    Attachment,
    Callback,
    SamplingBatch,
    ExtensionRequest,
    Rating,
    Review,
    TerminationRequest,
    ConsultRequest,
    Demand,
    DemandEvent,
    NumberSequence,
    ProvincialEscalation,
    Ticket,
    TicketCoDepartment,
    TicketEvent,
    WorkflowSettings,
)
from tickets.models.demand import Channel, ConsentMethod, RejectReason
from tickets.models.handling import ClosureStandard, Decision, Satisfaction, TerminationReason
from tickets.models.ticket import Category
from tickets.workdays import end_of_working_day, start_clock

PHONE_RE = re.compile(r"^[0-9+\-() ]{7,20}$")
CLOSING_NOTE_LIMIT = 2000


# --- small helpers -------------------------------------------------------------------------------------------------
def permitted(bound_method, actor) -> bool:
    """The role/department rule declared on the transition (the same for all its source states)."""
    transition = next(iter(bound_method._django_fsm.transitions.values()))
    return transition.has_perm(bound_method.__self__, actor)


def _authorize(bound_method, actor, what: str) -> None:
    """403 when the actor's role or department may not take this action, 409 when the state does not allow it."""
    if not permitted(bound_method, actor):
        raise PermissionDenied(f"您没有权限{what}。")
    if not can_proceed(bound_method):
        obj = bound_method.__self__
        raise Conflict(f"当前状态为“{obj.get_state_display()}”，不能{what}。")


def _required_text(value: str | None, field: str, label: str, *, limit: int = CLOSING_NOTE_LIMIT) -> str:
    text = (value or "").strip()
    if not text:
        raise field_error(field, f"请填写{label}。")
    if len(text) > limit:
        raise field_error(field, f"{label}不能超过 {limit} 个字。")
    return text


def _optional_text(value: str | None, field: str, label: str, *, limit: int = CLOSING_NOTE_LIMIT) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise field_error(field, f"{label}不能超过 {limit} 个字。")
    return text


def _department(value, field: str, *, region: Region | None = None) -> Department:
    """A department given by code or instance; must be active and, when `region` is given, belong to it."""
    if isinstance(value, Department):
        department = value
    else:
        code = (value or "").strip() if isinstance(value, str) else value
        if not code:
            raise field_error(field, "请选择部门。")
        department = Department.objects.filter(code=code).select_related("region").first()
        if department is None:
            raise field_error(field, f"部门编码“{code}”不存在。")
    if not department.active:
        raise field_error(field, f"部门“{department.name}”已停用。")
    if region is not None and department.region_id != region.id:
        raise field_error(field, f"部门“{department.name}”不属于{region.name}。")
    return department


def _departments(values: Iterable | None, field: str, *, region: Region, exclude: Department | None = None) -> list[Department]:
    result: list[Department] = []
    for value in values or []:
        department = _department(value, field, region=region)
        if exclude is not None and department.id == exclude.id:
            raise field_error(field, f"“{department.name}”已是牵头部门，不能同时作为协办部门。")
        if department not in result:
            result.append(department)
    return result


def _demand_event(demand: Demand, actor, action: str, from_state: str, note: str = "", *, internal: bool = False,
                  at: datetime | None = None) -> None:
    DemandEvent.objects.create(
        demand=demand, actor=actor, action=action, from_state=from_state, to_state=demand.state, note=note,
        internal=internal, at=at or timezone.now(),
    )


def _ticket_event(ticket: Ticket, actor, action: str, from_state: str, note: str = "", *, internal: bool = False,
                  at: datetime | None = None) -> None:
    TicketEvent.objects.create(
        ticket=ticket, actor=actor, action=action, from_state=from_state, to_state=ticket.state, note=note,
        internal=internal, at=at or timezone.now(),
    )


def _lock_demand(demand: Demand) -> Demand:
    return Demand.objects.select_for_update().get(pk=demand.pk)


def _lock_ticket(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def handle_clock(category: str, complex_: bool) -> str:
    """The deadline policy row for handling a ticket of this category (§4.4.1)."""
    if category == Category.CONSULTATION:
        return "handle_consultation"
    if category == Category.COORDINATION:
        return "handle_coordination_complex" if complex_ else "handle_coordination"
    return "handle_complaint_complex" if complex_ else "handle_complaint"


def _start_sign_clock(ticket: Ticket, now: datetime) -> None:
    deadline = start_clock("sign", now)
    ticket.dispatched_at = now
    ticket.sign_due_at = deadline.due
    ticket.sign_due_provisional = deadline.provisional


def _start_handle_clock(ticket: Ticket, start: datetime) -> None:
    deadline = start_clock(handle_clock(ticket.category, ticket.complex), start)
    ticket.handle_started_at = start
    ticket.handle_due_at = deadline.due
    ticket.handle_due_provisional = deadline.provisional


def _region_office_host(region: Region) -> Department:
    host = Department.objects.filter(region=region, kind=Department.Kind.OFFICE_HOST, active=True).order_by("code").first()
    if host is None:
        raise ValidationError(f"{region.name}尚未配置联合服务办公室承载单位（政务服务中心），请联系系统管理员。")
    return host


# --- registration (§3, §4.1) -------------------------------------------------------------------------------------
def _validated_enterprise(*, name: str, code: str, anonymous: bool) -> tuple[str, str]:
    """(name, normalised uscc), both empty for an anonymous demand that names no enterprise."""
    name = (name or "").strip()
    code = uscc_rules.normalize(code or "")
    if anonymous and not name and not code:
        return "", ""
    errors = {}
    if not name:
        errors["enterprise.name"] = ["请填写企业名称。"]
    elif len(name) > 128:
        errors["enterprise.name"] = ["企业名称不能超过 128 个字。"]
    try:
        uscc_rules.validate_uscc(code)
    except ValidationError as exc:
        errors["enterprise.uscc"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return name, code


def demand_register(
    *,
    actor: User,
    channel: str,
    title: str,
    content: str,
    domain: str | Domain,
    enterprise_name: str = "",
    enterprise_uscc: str = "",
    requester_name: str = "",
    requester_phone: str = "",
    anonymous: bool = False,
    received_at: datetime | None = None,
    first_contact_department: str | Department | None = None,
    self_handle: bool = False,
    category: str | None = None,
    complex_: bool = False,
    external_ref: str | None = None,
    files: Sequence = (),
) -> tuple[Demand, bool]:
    """Register a demand received on `channel`. Returns (demand, created); a known channel+external_ref is not repeated.

    1. Check the role may register on this channel and the first-contact department is the actor's to name.
    2. Validate every field (all errors together) and the enterprise's uscc.
    3. Number it, start the 1-working-day triage clock, write the timeline.
    4. `self_handle`: form the ticket at once with the first-contact department as lead, signed, handling clock running.
    """
    if actor.role not in rules.ROLE_CHANNELS:
        raise PermissionDenied("您的角色不能登记企业诉求。")
    now = timezone.now()
    errors: dict[str, list[str]] = {}

    if channel not in Channel.values:
        errors["channel"] = ["请选择有效的渠道。"]
    elif channel not in rules.ROLE_CHANNELS[actor.role]:
        raise PermissionDenied(f"您的角色不能登记“{Channel(channel).label}”渠道的诉求。")

    external_ref = (external_ref or "").strip() or None
    if external_ref and len(external_ref) > 64:
        errors["external_ref"] = ["外部编号不能超过 64 个字符。"]
    elif external_ref and not errors:
        existing = Demand.objects.filter(channel=channel, external_ref=external_ref).first()
        if existing is not None:
            return existing, False

    # First-contact department and region.
    if actor.role == Role.ENTERPRISE:
        region = actor.enterprise.region or Region.objects.get(parent__isnull=True, level=Region.Level.CITY)
        first_contact = _region_office_host(region)
        anonymous = False
        enterprise_name, enterprise_uscc = actor.enterprise.name, actor.enterprise.uscc
        requester_name = requester_name or actor.get_full_name()
        requester_phone = requester_phone or actor.phone or actor.enterprise.contact_phone
    else:
        own = actor.department
        if first_contact_department in (None, ""):
            first_contact = own
        else:
            try:
                first_contact = _department(first_contact_department, "first_contact_department")
            except ValidationError as exc:
                errors.update(exc.message_dict)
                first_contact = own
            if first_contact.id != own.id:
                if actor.role not in (Role.OFFICE, Role.SPECIALIST):
                    raise PermissionDenied("只能以本部门作为首问部门登记诉求。")
                if first_contact.region_id != own.region_id:
                    errors["first_contact_department"] = ["首问部门必须是本区域的部门。"]
        region = first_contact.region

    if self_handle:
        if actor.role not in rules.SELF_HANDLE_ROLES or first_contact.id != actor.department_id:
            raise PermissionDenied("只有首问部门本部门的工作人员可以选择由本部门直接办理。")
        if category not in Category.values:
            errors["category"] = ["本部门直接办理时请选择诉求类别。"]

    title = (title or "").strip()
    content = (content or "").strip()
    if not title:
        errors["title"] = ["请填写标题。"]
    elif len(title) > 120:
        errors["title"] = ["标题不能超过 120 个字。"]
    if not content:
        errors["content"] = ["请填写诉求内容。"]
    elif len(content) > 5000:
        errors["content"] = ["诉求内容不能超过 5000 个字。"]

    domain_obj = domain if isinstance(domain, Domain) else Domain.objects.filter(code=domain or "").first()
    if domain_obj is None:
        errors["domain"] = ["请选择有效的业务领域。"]

    requester_name = (requester_name or "").strip()
    requester_phone = (requester_phone or "").strip()
    if not anonymous:
        if not requester_name:
            errors["requester.name"] = ["请填写诉求人姓名。"]
        if not requester_phone:
            errors["requester.phone"] = ["请填写联系电话。"]
    if len(requester_name) > 64:
        errors["requester.name"] = ["诉求人姓名不能超过 64 个字。"]
    if requester_phone and not PHONE_RE.match(requester_phone):
        errors["requester.phone"] = ["联系电话格式不正确（7～20 位数字，可含 - 和括号）。"]

    if received_at is None:
        received_at = now
    elif timezone.is_naive(received_at):
        errors["received_at"] = ["收到时间必须带时区。"]
    elif received_at > now:
        errors["received_at"] = ["收到时间不能晚于当前时间。"]

    try:
        enterprise_name, enterprise_uscc = _validated_enterprise(
            name=enterprise_name, code=enterprise_uscc, anonymous=anonymous
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for upload in files:
        try:
            validate_upload(upload, "files")
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            enterprise = None
            if enterprise_uscc:
                enterprise, _ = Enterprise.objects.get_or_create(
                    uscc=enterprise_uscc, defaults={"name": enterprise_name, "region": region}
                )
            triage = start_clock("triage", now)
            demand = Demand.objects.create(
                number=NumberSequence.next_number("SQ"),
                channel=channel,
                region=region,
                enterprise=enterprise,
                enterprise_name=enterprise_name,
                requester_name=requester_name,
                requester_phone=requester_phone,
                anonymous=anonymous,
                title=title,
                content=content,
                domain=domain_obj,
                received_at=received_at,
                registered_at=now,
                first_contact_department=first_contact,
                registered_by=actor,
                external_ref=external_ref,
                self_handle=self_handle,
                triage_due_at=None if self_handle else triage.due,
                triage_due_provisional=False if self_handle else triage.provisional,
            )
            _demand_event(demand, actor, "register", "", f"渠道：{Channel(channel).label}")
            for upload in files:
                attach_file(actor=actor, demand=demand, upload=upload, kind=Attachment.Kind.MATERIAL, check=False)
            if self_handle:
                _self_handle(demand, actor=actor, category=category, complex_=complex_, now=now)
    except IntegrityError:
        # Another request registered the same channel + external_ref a moment ago.
        if external_ref:
            existing = Demand.objects.filter(channel=channel, external_ref=external_ref).first()
            if existing is not None:
                return existing, False
        raise
    return demand, True


def _self_handle(demand: Demand, *, actor: User, category: str, complex_: bool, now: datetime) -> Ticket:
    ticket = _create_ticket(
        demands=[demand],
        actor=actor,
        category=category,
        complex_=complex_,
        lead=demand.first_contact_department,
        co=[],
        now=now,
        self_handled=True,
    )
    demand.form_ticket()
    demand.ticket = ticket
    demand.decided_at = now
    demand.save(update_fields=["state", "ticket", "decided_at"])
    _demand_event(demand, actor, "self_handle", Demand.State.REGISTERED, f"首问部门直接办理，形成工单 {ticket.number}")
    ticket.sign()
    ticket.signed_at = ticket.first_signed_at = now
    _start_handle_clock(ticket, now)
    ticket.save(update_fields=["state", "signed_at", "first_signed_at", "handle_started_at", "handle_due_at", "handle_due_provisional"])
    _ticket_event(ticket, actor, "sign", Ticket.State.DISPATCHED, "首问部门直接办理，登记即签收")
    return ticket


# --- attachments -------------------------------------------------------------------------------------------------
ALLOWED_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain",
    ".zip": "application/zip",
}
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def validate_upload(upload, field: str = "file") -> None:
    import os

    name = getattr(upload, "name", "") or ""
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED_EXTENSIONS:
        raise field_error(field, f"不支持的文件类型“{ext or '无扩展名'}”，请上传 PDF、图片、Word、Excel、TXT 或 ZIP 文件。")
    if upload.size == 0:
        raise field_error(field, f"文件“{name}”是空文件。")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise field_error(field, f"文件“{name}”超过 20 MB。")
    if len(name) > 200:
        raise field_error(field, "文件名不能超过 200 个字符。")


def attach_file(*, actor: User, upload, kind: str, demand: Demand | None = None, ticket: Ticket | None = None,
                check: bool = True) -> Attachment:
    """Store an uploaded file on a demand or ticket. The caller has already made sure the actor may see the object."""
    import os

    validate_upload(upload)
    if check and ticket is not None and ticket.is_read_only:
        raise Conflict("已归档或已终止的工单不能再添加附件。")
    ext = os.path.splitext(upload.name)[1].lower()
    return Attachment.objects.create(
        demand=demand,
        ticket=ticket,
        kind=kind,
        file=upload,
        original_name=os.path.basename(upload.name)[:200],
        content_type=ALLOWED_EXTENSIONS[ext],
        size=upload.size,
        uploaded_by=actor,
    )


# --- triage (§4.2) -----------------------------------------------------------------------------------------------
def _create_ticket(
    *, demands: list[Demand], actor: User, category: str, complex_: bool, lead: Department, co: list[Department],
    now: datetime, self_handled: bool = False,
) -> Ticket:
    first = demands[0]
    ticket = Ticket.objects.create(
        number=NumberSequence.next_number("GD"),
        region=first.region,
        title=first.title,
        category=category,
        complex=complex_,
        domain=first.domain,
        lead_department=lead,
        self_handled=self_handled,
        created_by=actor,
        created_at=now,
        dispatched_at=now,
    )
    _start_sign_clock(ticket, now)
    ticket.save(update_fields=["dispatched_at", "sign_due_at", "sign_due_provisional"])
    for department in co:
        TicketCoDepartment.objects.create(ticket=ticket, department=department, added_at=now, added_by=actor)
    names = "、".join(d.name for d in co)
    # Stamped with the decision's instant, so it reads after the demand's "形成工单" entry of the same instant.
    _ticket_event(
        ticket, actor, "dispatch", "",
        f"牵头部门：{lead.name}" + (f"；协办部门：{names}" if names else "") + f"；类别：{Category(category).label}"
        + ("（复杂）" if complex_ else ""),
        at=now,
    )
    supervision.supervision_check_concentrated(ticket=ticket, now=now)
    return ticket


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
    demand = _lock_demand(demand)
    _authorize(demand.form_ticket, actor, "对该诉求形成工单")
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = ["请选择类别：咨询类、协调类或投诉举报类。"]
    lead = None
    try:
        lead = _department(lead_department, "lead_department", region=demand.region)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    co: list[Department] = []
    try:
        co = _departments(co_departments, "co_departments", region=demand.region, exclude=lead)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        note = _optional_text(note, "note", "研判说明")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    ticket = _create_ticket(demands=[demand], actor=actor, category=category, complex_=bool(complex), lead=lead, co=co, now=now)
    before = demand.state
    demand.form_ticket()
    demand.ticket = ticket
    demand.decided_at = now
    demand.triage_due_at = None
    demand.save(update_fields=["state", "ticket", "decided_at", "triage_due_at"])
    _demand_event(demand, actor, "ticket", before, f"形成工单 {ticket.number}，派至{lead.name}" + (f"。{note}" if note else ""), at=now)
    notices.ticket_dispatched(ticket, co_departments=co)
    notices.ticket_formed(demand, ticket)
    return demand


@transaction.atomic
def demand_merge(*, actor: User, demand: Demand, into, consent: dict | None = None) -> Demand:
    """Merge into an open ticket of the same region, with the requester's recorded consent (§4.2.1(2))."""
    demand = _lock_demand(demand)
    _authorize(demand.merge, actor, "合并该诉求")
    consent = consent or {}
    errors: dict[str, list[str]] = {}
    try:
        target = Ticket.objects.filter(pk=int(into.pk if isinstance(into, Ticket) else into), region=demand.region).first()
    except (TypeError, ValueError):
        target = None
    if target is None:
        errors["into"] = ["请选择本区域内要合并到的工单。"]
    elif target.state not in Ticket.MERGEABLE_STATES:
        errors["into"] = [f"工单 {target.number} 当前为“{target.get_state_display()}”，只能合并到尚在办理的工单。"]
    by = (consent.get("by") or "").strip()
    method = consent.get("method") or ""
    at = consent.get("at")
    if not by:
        errors["consent.by"] = ["请填写同意合并的诉求人。"]
    if method not in ConsentMethod.values:
        errors["consent.method"] = ["请选择同意方式：电话、线上确认、当面或书面。"]
    if at is None:
        errors["consent.at"] = ["请填写诉求人同意的时间。"]
    elif isinstance(at, datetime) and at > timezone.now():
        errors["consent.at"] = ["同意时间不能晚于当前时间。"]
    if errors:
        raise ValidationError(errors)
    before = demand.state
    demand.merge()
    demand.ticket = target
    demand.consent_by, demand.consent_method, demand.consent_at = by, method, at
    demand.decided_at = timezone.now()
    demand.triage_due_at = None
    demand.save(update_fields=["state", "ticket", "consent_by", "consent_method", "consent_at", "decided_at", "triage_due_at"])
    _demand_event(demand, actor, "merge", before, f"经{by}同意（{ConsentMethod(method).label}），合并至工单 {target.number}")
    _ticket_event(target, actor, "merge", target.state, f"合并诉求 {demand.number}（{Channel(demand.channel).label}）")
    notices.demand_merged(demand, target)
    return demand


@transaction.atomic
def demand_request_materials(*, actor: User, demand: Demand, missing: str) -> Demand:
    demand = _lock_demand(demand)
    _authorize(demand.request_materials, actor, "要求补充材料")
    missing = _required_text(missing, "missing", "需补充的材料")
    before = demand.state
    demand.request_materials()
    demand.missing_materials = missing
    demand.materials_requested_at = timezone.now()
    demand.triage_due_at = None
    demand.save(update_fields=["state", "missing_materials", "materials_requested_at", "triage_due_at"])
    _demand_event(demand, actor, "supplement_requested", before, f"需补充：{missing}")
    notices.materials_requested(demand)
    return demand


@transaction.atomic
def demand_supply_materials(*, actor: User, demand: Demand, content: str, files: Sequence = ()) -> Demand:
    """Materials supplied: back to the triage queue with a fresh 1-working-day clock (§4.2.1(4))."""
    demand = _lock_demand(demand)
    _authorize(demand.supply_materials, actor, "补充材料")
    content = _required_text(content, "content", "补充说明")
    for upload in files:
        validate_upload(upload, "files")
    before = demand.state
    now = timezone.now()
    demand.supply_materials()
    triage = start_clock("triage", now)
    demand.triage_due_at, demand.triage_due_provisional = triage.due, triage.provisional
    demand.save(update_fields=["state", "triage_due_at", "triage_due_provisional"])
    for upload in files:
        attach_file(actor=actor, demand=demand, upload=upload, kind=Attachment.Kind.SUPPLEMENT, check=False)
    _demand_event(demand, actor, "supplement", before, content)
    return demand


@transaction.atomic
def demand_consult(*, actor: User, demand: Demand, departments: Iterable) -> Demand:
    """Ask member departments for opinions on a cross-region/level/industry matter (§4.2.1(3))."""
    demand = _lock_demand(demand)
    _authorize(demand.start_consultation, actor, "发起会商")
    chosen = _departments(departments, "departments", region=demand.region)
    if not chosen:
        raise field_error("departments", "请至少选择一个会商部门。")
    now = timezone.now()
    before = demand.state
    demand.start_consultation()
    demand.save(update_fields=["state"])
    for department in chosen:
        ConsultRequest.objects.create(demand=demand, department=department, requested_at=now, requested_by=actor)
    _demand_event(demand, actor, "consult", before, "会商部门：" + "、".join(d.name for d in chosen))
    notices.consultation_requested(demand, chosen, at=now)
    return demand


@transaction.atomic
def demand_give_opinion(*, actor: User, demand: Demand, content: str) -> ConsultRequest:
    demand = _lock_demand(demand)
    if actor.role not in (Role.HANDLER, Role.SPECIALIST, Role.OFFICE):
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
    request.opinion = _required_text(content, "content", "会商意见")
    request.answered_at = timezone.now()
    request.answered_by = actor
    request.save(update_fields=["opinion", "answered_at", "answered_by"])
    _demand_event(demand, actor, "opinion", demand.state, f"{actor.department.name}：{request.opinion}", internal=True)
    notices.opinion_given(demand, request)
    return request


@transaction.atomic
def demand_escalate(*, actor: User, demand: Demand, reason: str, external_ref: str = "") -> Demand:
    """Beyond this level: a county demand becomes a linked transfer demand of the city; a city one goes to the province."""
    demand = _lock_demand(demand)
    _authorize(demand.escalate, actor, "提级办理")
    reason = _required_text(reason, "reason", "提级原因")
    now = timezone.now()
    before = demand.state
    demand.escalate()
    demand.escalation_reason = reason
    demand.decided_at = now
    demand.triage_due_at = None
    demand.save(update_fields=["state", "escalation_reason", "decided_at", "triage_due_at"])
    parent = demand.region.parent
    if parent is not None:
        transfer = _transfer_to_parent(demand=demand, actor=actor, parent=parent, reason=reason, now=now)
        _demand_event(demand, actor, "escalate", before, f"提级至{parent.name}，转办诉求 {transfer.number}。原因：{reason}")
    else:
        ProvincialEscalation.objects.create(
            demand=demand, region=demand.region, reason=reason, submitted_at=now, submitted_by=actor,
            external_ref=_optional_text(external_ref, "external_ref", "省级平台编号", limit=64),
        )
        _demand_event(demand, actor, "escalate", before, f"向省级“企业之家”提出提级办理申请。原因：{reason}")
    return demand


def _transfer_to_parent(*, demand: Demand, actor: User, parent: Region, reason: str, now: datetime, ticket: Ticket | None = None) -> Demand:
    host = _region_office_host(parent)
    triage = start_clock("triage", now)
    transfer = Demand.objects.create(
        number=NumberSequence.next_number("SQ"),
        channel=Channel.TRANSFER,
        region=parent,
        enterprise=demand.enterprise,
        enterprise_name=demand.enterprise_name,
        requester_name=demand.requester_name,
        requester_phone=demand.requester_phone,
        anonymous=demand.anonymous,
        title=demand.title,
        content=f"{demand.content}\n\n【{demand.region.name}提级原因】{reason}",
        domain=demand.domain,
        received_at=now,
        registered_at=now,
        first_contact_department=host,
        registered_by=actor,
        source_demand=demand if ticket is None else None,
        source_ticket=ticket,
        triage_due_at=triage.due,
        triage_due_provisional=triage.provisional,
    )
    _demand_event(transfer, actor, "register", "", f"由{demand.region.name}提级转办（原诉求 {demand.number}）")
    notices.transfer_received(transfer, from_region=demand.region)
    return transfer


@transaction.atomic
def demand_reject(*, actor: User, demand: Demand, reason: str, note: str = "") -> Demand:
    """不予受理 (§4.2.2); the first-contact department explains it to the requester."""
    demand = _lock_demand(demand)
    _authorize(demand.reject, actor, "作不予受理")
    if reason not in RejectReason.values:
        raise field_error("reason", "请选择不予受理原因。")
    note = _required_text(note, "note", "不予受理说明")
    before = demand.state
    demand.reject()
    demand.reject_reason, demand.reject_note = reason, note
    demand.decided_at = timezone.now()
    demand.triage_due_at = None
    demand.save(update_fields=["state", "reject_reason", "reject_note", "decided_at", "triage_due_at"])
    _demand_event(demand, actor, "reject", before, f"{RejectReason(reason).label}。{note}")
    return demand


@transaction.atomic
def demand_withdraw(*, actor: User, demand: Demand, note: str = "") -> Demand:
    demand = _lock_demand(demand)
    _authorize(demand.withdraw, actor, "撤回该诉求")
    note = _optional_text(note, "note", "撤回说明", limit=500)
    before = demand.state
    demand.withdraw()
    demand.triage_due_at = None
    demand.save(update_fields=["state", "triage_due_at"])
    _demand_event(demand, actor, "withdraw", before, note or "企业撤回诉求")
    return demand


# --- sign, objection and the lead decision (§4.3) ------------------------------------------------------------------
@transaction.atomic
def ticket_sign(*, actor: User, ticket: Ticket) -> Ticket:
    ticket = _lock_ticket(ticket)
    _authorize(ticket.sign, actor, "签收该工单")
    now = timezone.now()
    before = ticket.state
    ticket.sign()
    ticket.signed_at = now
    ticket.first_signed_at = ticket.first_signed_at or now
    _start_handle_clock(ticket, now)
    ticket.save(update_fields=["state", "signed_at", "first_signed_at", "handle_started_at", "handle_due_at", "handle_due_provisional"])
    late = ticket.sign_due_at is not None and now > ticket.sign_due_at
    _ticket_event(ticket, actor, "sign", before, "逾期签收" if late else "")
    return ticket


@transaction.atomic
def ticket_object(*, actor: User, ticket: Ticket, reason: str) -> Ticket:
    ticket = _lock_ticket(ticket)
    _authorize(ticket.object, actor, "对该工单提出办理异议")
    reason = _required_text(reason, "reason", "异议理由")
    before = ticket.state
    ticket.object()
    ticket.dispute_reason = reason
    ticket.disputed_at = timezone.now()
    ticket.disputed_by_department = ticket.lead_department
    ticket.save(update_fields=["state", "dispute_reason", "disputed_at", "disputed_by_department"])
    _ticket_event(ticket, actor, "object", before, reason, internal=True)
    notices.objection_raised(ticket)
    return ticket


def _redispatch(ticket: Ticket, *, actor: User, lead_department, co_departments, action: str, before: str, note: str) -> Ticket:
    errors: dict[str, list[str]] = {}
    lead = None
    try:
        lead = _department(lead_department, "lead_department", region=ticket.region)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    co = None
    if co_departments is not None:
        try:
            co = _departments(co_departments, "co_departments", region=ticket.region, exclude=lead)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    ticket.lead_department = lead
    _start_sign_clock(ticket, now)
    ticket.save(update_fields=["state", "lead_department", "dispatched_at", "sign_due_at", "sign_due_provisional"])
    if co is not None:
        ticket.co_links.exclude(department__in=co).delete()
        existing = set(ticket.co_links.values_list("department_id", flat=True))
        for department in co:
            if department.id not in existing:
                TicketCoDepartment.objects.create(ticket=ticket, department=department, added_at=now, added_by=actor)
    else:
        # The new lead cannot also be a co-department.
        ticket.co_links.filter(department=lead).delete()
    text = f"牵头部门：{lead.name}"
    if co is not None:
        text += "；协办部门：" + ("、".join(d.name for d in co) or "无")
    _ticket_event(ticket, actor, action, before, text + (f"。{note}" if note else ""), internal=True)
    notices.objection_resolved(ticket, action=action, objecting_department=ticket.disputed_by_department, co_departments=co or ())
    return ticket


@transaction.atomic
def ticket_reassign(*, actor: User, ticket: Ticket, lead_department, co_departments=None, note: str = "") -> Ticket:
    """The office resolves an objection: a new (or the same) lead and a new sign clock (§4.3.2)."""
    ticket = _lock_ticket(ticket)
    _authorize(ticket.reassign, actor, "重新派单")
    note = _optional_text(note, "note", "说明")
    before = ticket.state
    ticket.reassign()
    return _redispatch(ticket, actor=actor, lead_department=lead_department, co_departments=co_departments,
                       action="reassign", before=before, note=note)


@transaction.atomic
def ticket_refer_to_government(*, actor: User, ticket: Ticket, note: str) -> Ticket:
    ticket = _lock_ticket(ticket)
    _authorize(ticket.refer_to_government, actor, "报请政府确定牵头部门")
    note = _required_text(note, "note", "协调情况说明")
    before = ticket.state
    ticket.refer_to_government()
    ticket.referral_note = note
    ticket.save(update_fields=["state", "referral_note"])
    _ticket_event(ticket, actor, "refer_to_government", before, note, internal=True)
    notices.referred_to_government(ticket)
    return ticket


@transaction.atomic
def ticket_decide_lead(*, actor: User, ticket: Ticket, lead_department, note: str = "") -> Ticket:
    """The government names the lead of a disputed ticket (§4.3.2, §3.1.2)."""
    ticket = _lock_ticket(ticket)
    _authorize(ticket.decide_lead, actor, "确定牵头部门")
    note = _optional_text(note, "note", "说明")
    before = ticket.state
    ticket.decide_lead()
    return _redispatch(ticket, actor=actor, lead_department=lead_department, co_departments=None,
                       action="decide_lead", before=before, note=note)


def ticket_auto_sign(*, ticket_id: int, now: datetime | None = None) -> bool:
    """视为签收: a sign clock expired with no sign and no objection. Safe to call twice; returns whether it acted."""
    now = now or timezone.now()
    if not WorkflowSettings.current().auto_sign_enabled:
        return False
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        if ticket is None or ticket.state != Ticket.State.DISPATCHED or ticket.sign_due_at is None or ticket.sign_due_at >= now:
            return False
        before = ticket.state
        ticket.auto_sign()
        ticket.auto_signed = True
        ticket.signed_at = ticket.sign_due_at
        ticket.first_signed_at = ticket.first_signed_at or ticket.sign_due_at
        # The handling clock runs from the moment the sign clock expired.
        _start_handle_clock(ticket, ticket.sign_due_at)
        ticket.save(update_fields=[
            "state", "auto_signed", "signed_at", "first_signed_at", "handle_started_at", "handle_due_at",
            "handle_due_provisional",
        ])
        _ticket_event(ticket, None, "auto_sign", before, "签收期限届满未签收也未提出异议，视为签收（逾期）")
    return True


# --- handling: co-departments, extension, termination, escalation (§4.4) -------------------------------------------
def _require_handling(ticket: Ticket, what: str) -> None:
    if ticket.state != Ticket.State.HANDLING:
        raise Conflict(f"当前状态为“{ticket.get_state_display()}”，不能{what}。")


def _require_lead(ticket: Ticket, actor: User, what: str) -> None:
    if not rules.is_lead_handler(ticket, actor):
        raise PermissionDenied(f"只有牵头部门的工作人员可以{what}。")


def _require_region_office(ticket: Ticket, actor: User, what: str) -> None:
    if not rules.is_region_office(ticket, actor):
        raise PermissionDenied(f"只有本级联合服务办公室可以{what}。")


@transaction.atomic
def ticket_add_co_department(*, actor: User, ticket: Ticket, department) -> TicketCoDepartment:
    ticket = _lock_ticket(ticket)
    _require_lead(ticket, actor, "添加协办部门")
    _require_handling(ticket, "添加协办部门")
    chosen = _departments([department], "department", region=ticket.region, exclude=ticket.lead_department)[0]
    if ticket.co_links.filter(department=chosen).exists():
        raise field_error("department", f"“{chosen.name}”已是协办部门。")
    link = TicketCoDepartment.objects.create(ticket=ticket, department=chosen, added_at=timezone.now(), added_by=actor)
    _ticket_event(ticket, actor, "add_co_department", ticket.state, chosen.name)
    notices.co_department_added(ticket, link)
    return link


def _own_co_link(ticket: Ticket, actor: User, what: str) -> TicketCoDepartment:
    link = ticket.co_links.select_for_update().filter(department_id=actor.department_id).first() if actor.role == Role.HANDLER else None
    if link is None:
        raise PermissionDenied(f"只有协办部门的工作人员可以{what}。")
    return link


@transaction.atomic
def ticket_co_confirm(*, actor: User, ticket: Ticket) -> TicketCoDepartment:
    ticket = _lock_ticket(ticket)
    link = _own_co_link(ticket, actor, "确认协办")
    _require_handling(ticket, "确认协办")
    if link.confirmed_at:
        raise Conflict("本部门已确认协办。")
    link.confirmed_at = timezone.now()
    link.save(update_fields=["confirmed_at"])
    _ticket_event(ticket, actor, "co_confirm", ticket.state, link.department.name)
    return link


@transaction.atomic
def ticket_co_feedback(*, actor: User, ticket: Ticket, content: str) -> TicketCoDepartment:
    """The co-department reports what it did to the lead (§4.4.3); feeding back implies confirming."""
    ticket = _lock_ticket(ticket)
    link = _own_co_link(ticket, actor, "反馈协办情况")
    _require_handling(ticket, "反馈协办情况")
    content = _required_text(content, "content", "协办反馈")
    now = timezone.now()
    link.confirmed_at = link.confirmed_at or now
    link.feedback, link.feedback_at = content, now
    link.save(update_fields=["confirmed_at", "feedback", "feedback_at"])
    _ticket_event(ticket, actor, "co_feedback", ticket.state, f"{link.department.name}：{content}", internal=True)
    notices.co_feedback_given(ticket, link)
    return link


@transaction.atomic
def ticket_request_extension(*, actor: User, ticket: Ticket, due_date, reason: str) -> ExtensionRequest:
    ticket = _lock_ticket(ticket)
    _require_lead(ticket, actor, "申请延期")
    _require_handling(ticket, "申请延期")
    reason = _required_text(reason, "reason", "延期理由")
    if due_date is None:
        raise field_error("due_date", "请填写承诺办结日期。")
    current = timezone.localdate(ticket.handle_due_at)
    if due_date <= current:
        raise field_error("due_date", f"承诺办结日期必须晚于当前办理期限（{current:%Y-%m-%d}）。")
    if ticket.extensions.filter(state=Decision.PENDING).exists():
        raise Conflict("该工单已有待审批的延期申请。")
    request = ExtensionRequest.objects.create(
        ticket=ticket, due_date=due_date, reason_note=reason, requested_at=timezone.now(), requested_by=actor,
        previous_due_at=ticket.handle_due_at,
    )
    _ticket_event(ticket, actor, "request_extension", ticket.state, f"承诺于 {due_date:%Y-%m-%d} 前办结。{reason}")
    notices.extension_requested(ticket, request)
    return request


@transaction.atomic
def ticket_decide_extension(*, actor: User, ticket: Ticket, approve: bool, note: str = "") -> ExtensionRequest:
    ticket = _lock_ticket(ticket)
    _require_region_office(ticket, actor, "审批延期申请")
    request = ticket.extensions.select_for_update().filter(state=Decision.PENDING).first()
    if request is None:
        raise Conflict("该工单没有待审批的延期申请。")
    _require_handling(ticket, "审批延期申请")
    if not isinstance(approve, bool):
        raise field_error("approve", "请选择是否同意延期。")
    note = _optional_text(note, "note", "审批意见")
    now = timezone.now()
    request.state = Decision.APPROVED if approve else Decision.REJECTED
    request.decided_at, request.decided_by, request.decision_note = now, actor, note
    request.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
    if approve:
        deadline = end_of_working_day(request.due_date)
        ticket.handle_due_at, ticket.handle_due_provisional = deadline.due, deadline.provisional
        ticket.save(update_fields=["handle_due_at", "handle_due_provisional"])
    verdict = f"同意延期至 {request.due_date:%Y-%m-%d}" if approve else "不同意延期"
    _ticket_event(ticket, actor, "decide_extension", ticket.state, verdict + (f"。{note}" if note else ""))
    notices.extension_decided(ticket, request)
    return request


@transaction.atomic
def ticket_request_termination(*, actor: User, ticket: Ticket, reason: str, note: str) -> TerminationRequest:
    ticket = _lock_ticket(ticket)
    _require_lead(ticket, actor, "申请终止办理")
    _require_handling(ticket, "申请终止办理")
    if reason not in TerminationReason.values:
        raise field_error("reason", "请选择终止原因。")
    note = _required_text(note, "note", "终止说明")
    if ticket.terminations.filter(state=Decision.PENDING).exists():
        raise Conflict("该工单已有待审批的终止申请。")
    request = TerminationRequest.objects.create(
        ticket=ticket, reason=reason, reason_note=note, requested_at=timezone.now(), requested_by=actor
    )
    _ticket_event(ticket, actor, "request_termination", ticket.state, f"{TerminationReason(reason).label}。{note}")
    notices.termination_requested(ticket, request)
    return request


@transaction.atomic
def ticket_decide_termination(*, actor: User, ticket: Ticket, approve: bool, note: str = "") -> TerminationRequest:
    ticket = _lock_ticket(ticket)
    request = ticket.terminations.select_for_update().filter(state=Decision.PENDING).first()
    if approve:
        _authorize(ticket.terminate, actor, "审批终止办理")
    else:
        _require_region_office(ticket, actor, "审批终止办理")
        _require_handling(ticket, "审批终止办理")
    if request is None:
        raise Conflict("该工单没有待审批的终止申请。")
    if not isinstance(approve, bool):
        raise field_error("approve", "请选择是否同意终止办理。")
    note = _optional_text(note, "note", "审批意见")
    now = timezone.now()
    request.state = Decision.APPROVED if approve else Decision.REJECTED
    request.decided_at, request.decided_by, request.decision_note = now, actor, note
    request.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
    before = ticket.state
    if approve:
        ticket.terminate()
        ticket.terminated_at = now
        ticket.save(update_fields=["state", "terminated_at"])
    _ticket_event(ticket, actor, "decide_termination", before, ("同意终止办理" if approve else "不同意终止，继续办理") + (f"。{note}" if note else ""))
    notices.termination_decided(ticket, request)
    return request


@transaction.atomic
def ticket_escalate(*, actor: User, ticket: Ticket, reason: str, external_ref: str = "") -> Ticket:
    """提级办理 from handling (§4.4.5): a county ticket becomes a linked transfer demand of the city; a city one goes to the province."""
    ticket = _lock_ticket(ticket)
    _authorize(ticket.escalate, actor, "提级办理")
    reason = _required_text(reason, "reason", "提级原因")
    now = timezone.now()
    before = ticket.state
    ticket.escalate()
    ticket.escalation_reason = reason
    ticket.save(update_fields=["state", "escalation_reason"])
    parent = ticket.region.parent
    if parent is not None:
        source = ticket.demands.order_by("registered_at").first()
        transfer = _transfer_to_parent(demand=source, actor=actor, parent=parent, reason=reason, now=now, ticket=ticket)
        _ticket_event(ticket, actor, "escalate", before, f"提级至{parent.name}，转办诉求 {transfer.number}。原因：{reason}")
    else:
        ProvincialEscalation.objects.create(
            ticket=ticket, region=ticket.region, reason=reason, submitted_at=now, submitted_by=actor,
            external_ref=_optional_text(external_ref, "external_ref", "省级平台编号", limit=64),
        )
        _ticket_event(ticket, actor, "escalate", before, f"向省级“企业之家”提出提级办理申请。原因：{reason}")
    return ticket


@transaction.atomic
def escalation_update(*, actor: User, escalation: ProvincialEscalation, status: str, external_ref: str | None = None,
                      result: str | None = None) -> ProvincialEscalation:
    """The office records what the provincial platform did with a city escalation."""
    escalation = ProvincialEscalation.objects.select_for_update().get(pk=escalation.pk)
    if not (actor.role == Role.OFFICE and actor.department.region_id == escalation.region_id):
        raise PermissionDenied("只有本级联合服务办公室可以更新提级记录。")
    if status not in ProvincialEscalation.Status.values:
        raise field_error("status", "请选择状态：已提交、省级已受理、省级退回或省级已办结。")
    if external_ref is not None:
        escalation.external_ref = _optional_text(external_ref, "external_ref", "省级平台编号", limit=64)
    if result is not None:
        escalation.result = _optional_text(result, "result", "处理结果")
    if status == ProvincialEscalation.Status.RESOLVED and not escalation.result:
        raise field_error("result", "省级已办结时请填写处理结果。")
    escalation.status = status
    escalation.save()
    subject = escalation.ticket or escalation.demand
    entry = _ticket_event if escalation.ticket_id else _demand_event
    entry(subject, actor, "escalation_update", subject.state,
          f"省级提级记录：{escalation.get_status_display()}" + (f"。{escalation.result}" if escalation.result else ""))
    return escalation


# --- closure, callback, rework, review (§4.5, §4.7, §4.8) ------------------------------------------------------------
@transaction.atomic
def ticket_close(*, actor: User, ticket: Ticket, standard: str, result: str, explanation: str = "",
                 files: Sequence = ()) -> Ticket:
    ticket = _lock_ticket(ticket)
    _authorize(ticket.close, actor, "办结该工单")
    errors: dict[str, list[str]] = {}
    if standard not in ClosureStandard.values:
        errors["standard"] = ["请选择办结标准。"]
    result = (result or "").strip()
    explanation = (explanation or "").strip()
    if not result:
        errors["result"] = ["请填写向企业反馈的办理结果。"]
    elif len(result) > 5000:
        errors["result"] = ["办理结果不能超过 5000 个字。"]
    if standard == ClosureStandard.PARTIAL and not explanation:
        errors["explanation"] = ["部分解决或难以解决的，须书面释明原因。"]
    if standard == ClosureStandard.LEGAL_ROUTE and not explanation:
        errors["explanation"] = ["应通过法定途径解决的，须书面给出解决路径。"]
    for upload in files:
        try:
            validate_upload(upload, "files")
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    missing = [link.department.name for link in ticket.co_links.select_related("department") if not link.feedback_at]
    if missing:
        raise Conflict("以下协办部门尚未反馈，暂不能办结：" + "、".join(missing) + "。")
    now = timezone.now()
    before = ticket.state
    ticket.close()
    ticket.closure_standard, ticket.closure_result, ticket.closure_explanation = standard, result, explanation
    ticket.closed_at, ticket.closed_by = now, actor
    ticket.first_closed_at = ticket.first_closed_at or now
    callback = start_clock("callback", now)
    ticket.callback_due_at, ticket.callback_due_provisional = callback.due, callback.provisional
    ticket.save(update_fields=[
        "state", "closure_standard", "closure_result", "closure_explanation", "closed_at", "closed_by",
        "first_closed_at", "callback_due_at", "callback_due_provisional",
    ])
    for upload in files:
        attach_file(actor=actor, ticket=ticket, upload=upload, kind=Attachment.Kind.EVIDENCE, check=False)
    _ticket_event(ticket, actor, "close", before, f"{ClosureStandard(standard).label}。{result}")
    notices.result_given(ticket)
    return ticket


def _bool_field(value, field: str, label: str, errors: dict) -> bool | None:
    if isinstance(value, bool):
        return value
    errors[field] = [f"请选择{label}（是或否）。"]
    return None


def _callback_answers(reached, satisfaction, consistent, meets_standard, note):
    """Validated answers of a callback: a reached one needs all three answers, an unreached one a note of the attempt."""
    errors: dict[str, list[str]] = {}
    reached = _bool_field(reached, "reached", "是否联系上诉求人", errors)
    note = (note or "").strip()
    if reached:
        if satisfaction not in Satisfaction.values:
            errors["satisfaction"] = ["请选择满意度。"]
        consistent = _bool_field(consistent, "consistent", "回访情况是否与办结信息一致", errors)
        meets_standard = _bool_field(meets_standard, "meets_standard", "是否符合办结标准", errors)
    else:
        satisfaction, consistent, meets_standard = "", None, None
        if not note:
            errors["note"] = ["未联系上时请记录联系情况（时间、号码、结果）。"]
    if errors:
        raise ValidationError(errors)
    return reached, satisfaction, consistent, meets_standard, note


@transaction.atomic
def ticket_callback(*, actor: User, ticket: Ticket, reached, satisfaction: str = "", consistent=None,
                    meets_standard=None, note: str = "") -> Callback:
    """全量回访 (§4.7): unreached attempts are recorded; a reached one archives the ticket or returns it for rework."""
    ticket = _lock_ticket(ticket)
    if not rules.may_call_back(ticket, actor):
        raise PermissionDenied("只有本级联合服务办公室或企业服务专员可以回访。")
    if ticket.state != Ticket.State.CLOSED:
        raise Conflict(f"当前状态为“{ticket.get_state_display()}”，不能回访。")
    reached, satisfaction, consistent, meets_standard, note = _callback_answers(
        reached, satisfaction, consistent, meets_standard, note
    )
    now = timezone.now()
    returned = bool(reached) and not (consistent and meets_standard)
    record = Callback.objects.create(
        ticket=ticket, at=now, by=actor, reached=reached, satisfaction=satisfaction, consistent=consistent,
        meets_standard=meets_standard, note=note, returned=returned,
    )
    before = ticket.state
    if not reached:
        _ticket_event(ticket, actor, "callback", before, f"未联系上：{note}")
    elif not returned:
        ticket.archive_after_callback()
        ticket.archived_at = now
        ticket.save(update_fields=["state", "archived_at"])
        _ticket_event(ticket, actor, "callback", before, f"回访{Satisfaction(satisfaction).label}，办结信息一致且符合标准，归档。{note}")
    else:
        ticket.return_for_rework()
        ticket.rework_count += 1
        ticket.callback_due_at = None
        _start_handle_clock(ticket, now)
        ticket.save(update_fields=["state", "rework_count", "callback_due_at", "handle_started_at", "handle_due_at", "handle_due_provisional"])
        why = "与办结信息不一致" if not consistent else "不符合办结标准"
        _ticket_event(ticket, actor, "return_for_rework", before, f"回访{Satisfaction(satisfaction).label}，{why}，退回牵头部门重新办理。{note}")
    if returned:
        notices.returned_for_rework(ticket, record)
    notices.called_back(ticket, record)
    supervision.supervision_after_callback(ticket=ticket, callback=record, now=now)
    return record


@transaction.atomic
def ticket_request_review(*, actor: User, ticket: Ticket, reason: str) -> Review:
    ticket = _lock_ticket(ticket)
    _authorize(ticket.request_review, actor, "申请复查复核（仅限被退回重办的工单）")
    reason = _required_text(reason, "reason", "复查复核建议")
    before = ticket.state
    ticket.request_review()
    ticket.save(update_fields=["state"])
    review = Review.objects.create(ticket=ticket, reason=reason, requested_at=timezone.now(), requested_by=actor)
    _ticket_event(ticket, actor, "request_review", before, reason)
    notices.review_requested(ticket, review)
    return review


@transaction.atomic
def ticket_review(*, actor: User, ticket: Ticket, outcome: str, opinion: str, due_date=None) -> Review:
    """复查复核 (§4.8): uphold (archive) or order rectification with an opinion and a due date (back to handling)."""
    ticket = _lock_ticket(ticket)
    _authorize(ticket.uphold_review, actor, "作出复查复核结论")
    errors: dict[str, list[str]] = {}
    if outcome not in Review.Outcome.values:
        errors["outcome"] = ["请选择复查复核结论：维持或责令整改。"]
    opinion = (opinion or "").strip()
    if not opinion:
        errors["opinion"] = ["请填写处置意见。"]
    if outcome == Review.Outcome.RECTIFY:
        if due_date is None:
            errors["due_date"] = ["责令整改时请填写整改期限。"]
        elif due_date <= timezone.localdate():
            errors["due_date"] = ["整改期限必须晚于今天。"]
    if errors:
        raise ValidationError(errors)
    review = ticket.reviews.select_for_update().filter(outcome="").order_by("-requested_at").first()
    now = timezone.now()
    before = ticket.state
    if outcome == Review.Outcome.UPHELD:
        ticket.uphold_review()
        ticket.archived_at = now
        ticket.save(update_fields=["state", "archived_at"])
        text = f"维持办结结果，归档。{opinion}"
    else:
        ticket.order_rectification()
        deadline = end_of_working_day(due_date)
        ticket.handle_started_at = now
        ticket.handle_due_at, ticket.handle_due_provisional = deadline.due, deadline.provisional
        ticket.save(update_fields=["state", "handle_started_at", "handle_due_at", "handle_due_provisional"])
        text = f"责令整改，{due_date:%Y-%m-%d} 前完成。{opinion}"
    if review is not None:
        review.outcome, review.opinion, review.rectify_due_date = outcome, opinion, due_date
        review.decided_at, review.decided_by = now, actor
        review.save(update_fields=["outcome", "opinion", "rectify_due_date", "decided_at", "decided_by"])
    _ticket_event(ticket, actor, "review", before, text)
    notices.review_decided(ticket, review, outcome=outcome, opinion=opinion, due_date=due_date)
    return review


@transaction.atomic
def ticket_rate(*, actor: User, ticket: Ticket, satisfaction: str, comment: str = "") -> Rating:
    """The enterprise rates the result online, once, after closing (SPEC §8)."""
    ticket = _lock_ticket(ticket)
    if actor.role != Role.ENTERPRISE or not ticket.demands.filter(enterprise_id=actor.enterprise_id).exists():
        raise PermissionDenied("只有提出诉求的企业可以评价办理结果。")
    if ticket.state != Ticket.State.CLOSED:
        # After closing and before the ticket is archived (archived tickets are read-only) or reworked.
        raise Conflict(f"当前状态为“{ticket.get_state_display()}”，只能在办结后、归档前评价。")
    if Rating.objects.filter(ticket=ticket).exists():
        raise Conflict("该工单已评价过。")
    if satisfaction not in Satisfaction.values:
        raise field_error("satisfaction", "请选择满意、基本满意或不满意。")
    comment = _optional_text(comment, "comment", "评价", limit=1000)
    rating = Rating.objects.create(ticket=ticket, satisfaction=satisfaction, comment=comment, at=timezone.now(), by=actor)
    _ticket_event(ticket, actor, "rate", ticket.state, f"企业评价：{Satisfaction(satisfaction).label}" + (f"。{comment}" if comment else ""))
    return rating


@transaction.atomic
def ticket_sampled_callback(*, actor: User, batch: SamplingBatch, ticket: Ticket, reached, satisfaction: str = "",
                            consistent=None, meets_standard=None, note: str = "") -> Callback:
    """抽访 (§3.2.4): the city office calls back a county ticket of a sampling batch. Recorded only: the county's own
    callback decides the ticket's state; a failed sampled callback counts against the county."""
    if not rules.is_parent_region_office(ticket, actor) or batch.sampling_region_id != actor.department.region_id:
        raise PermissionDenied("只有上级联合服务办公室可以抽访。")
    if not batch.tickets.filter(pk=ticket.pk).exists():
        raise field_error("ticket", "该工单不在本抽访批次中。")
    reached, satisfaction, consistent, meets_standard, note = _callback_answers(
        reached, satisfaction, consistent, meets_standard, note
    )
    record = Callback.objects.create(
        ticket=ticket, at=timezone.now(), by=actor, reached=reached, satisfaction=satisfaction, consistent=consistent,
        meets_standard=meets_standard, note=note, sampled=True, batch=batch,
    )
    verdict = "未联系上" if not reached else (f"{Satisfaction(satisfaction).label}，抽访不合格" if record.failed else f"{Satisfaction(satisfaction).label}")
    _ticket_event(ticket, actor, "sampled_callback", ticket.state, f"{actor.department.region.name}抽访：{verdict}。{note}".rstrip("。"))
    supervision.supervision_after_sampled_callback(ticket=ticket, callback=record, batch=batch, now=record.at)
    return record
