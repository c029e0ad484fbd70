"""Registration of demands (SPEC §3, the first-contact rule of §4.1), and the transfer demand an escalation creates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import uscc as uscc_rules
from accounts.models import Department, Domain, Enterprise, Region, Role, User
from accounts.roles import FIRST_CONTACT_NAMERS
from catalogue.models import ServiceItem
from catalogue.selectors import published_item_or_none
from core.dates import bounds_message
from core.errors import PermissionDenied
from core.files import validate_uploads
from core.models import next_number
from enterprises.models import PhoneCode
from enterprises.phonecodes import PhoneCodeError, normalize_mobile, phone_code_check
from notifications.services import QUERY_CODE_EVENT, sms_to_outbox
from tickets import figures, notices, rules, tracking
from tickets.models import Attachment, Demand, Ticket
from tickets.models.demand import Channel
from tickets.models.ticket import Category
from tickets.workflow._shared import (
    PHONE_RE,
    demand_event,
    office_host,
    pick_department,
    save_demand,
)
from tickets.workflow.attachments import store_file
from tickets.workflow.dispatch import create_ticket, sign_at_once
from workcalendar.workdays import start_clock

Errors = dict[str, list[str]]


@dataclass
class _Intake:
    """A registration whose every field has been checked: what `_record` writes."""

    channel: str
    region: Region
    first_contact: Department
    enterprise_name: str
    enterprise_uscc: str
    requester_name: str
    requester_phone: str
    anonymous: bool
    title: str
    content: str
    domain: Domain
    received_at: datetime
    external_ref: str | None
    self_handle: bool
    category: str | None
    complex_: bool
    files: Sequence = field(default_factory=tuple)
    service_item: ServiceItem | str | None = None


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
    service_item: str | ServiceItem | None = None,
) -> tuple[Demand, bool]:
    """Register a demand received on `channel`. Returns (demand, created); a known channel+external_ref is not repeated.

    1. The role may register on this channel (403 otherwise); a channel + external reference seen before returns the
       demand already registered.
    2. Who received it: the enterprise's own region office for an online demand, else the registrar's department (or
       another department of the region an office or a specialist names); self-handling only by that department.
    3. Every field is checked, all errors together; nothing is saved when one is wrong.
    4. Number it, start the 1-working-day triage clock, write the timeline; `self_handle` forms the ticket at once with
       the first-contact department as lead, signed, handling clock running.
    """
    now = timezone.now()
    errors: Errors = {}
    _check_channel(actor, channel, errors)
    external_ref = (external_ref or "").strip() or None
    if external_ref and len(external_ref) > 64:
        errors["external_ref"] = ["外部编号不能超过 64 个字符。"]
    elif external_ref and not errors:
        existing = Demand.objects.filter(channel=channel, external_ref=external_ref).first()
        if existing is not None:
            return existing, False

    if actor.role == Role.ENTERPRISE:
        enterprise = actor.enterprise
        region = enterprise.region or Region.objects.get(parent__isnull=True, level=Region.Level.CITY)
        first_contact = office_host(region)
        anonymous = False
        enterprise_name, enterprise_uscc = enterprise.name, enterprise.uscc
        requester_name = requester_name or actor.get_full_name()
        requester_phone = requester_phone or actor.phone or enterprise.contact_phone
    else:
        first_contact = _first_contact(actor, first_contact_department, errors)
        region = first_contact.region
    if self_handle:
        if actor.role not in rules.SELF_HANDLE_ROLES or first_contact.id != actor.department_id:
            raise PermissionDenied("只有首问部门本部门的工作人员可以选择由本部门直接办理。")
        if category not in Category.values:
            errors["category"] = ["本部门直接办理时请选择诉求类别。"]

    intake = _Intake(
        channel=channel, region=region, first_contact=first_contact, enterprise_name=enterprise_name,
        enterprise_uscc=enterprise_uscc, requester_name=requester_name, requester_phone=requester_phone,
        anonymous=anonymous, title=title, content=content, domain=domain, received_at=received_at or now,
        external_ref=external_ref, self_handle=self_handle, category=category, complex_=complex_, files=files,
        service_item=service_item,
    )
    _check_fields(intake, errors, now=now, received_given=received_at is not None)
    if errors:
        raise ValidationError(errors)

    try:
        with transaction.atomic():
            demand = _record(intake, actor=actor, now=now)
    except IntegrityError:
        # Another request registered the same channel + external_ref a moment ago.
        if external_ref:
            existing = Demand.objects.filter(channel=channel, external_ref=external_ref).first()
            if existing is not None:
                return existing, False
        raise
    return demand, True


def demand_submit_public(
    *,
    region: str | Region,
    title: str,
    content: str,
    domain: str | Domain,
    anonymous: bool,
    requester_name: str = "",
    requester_phone: str = "",
    phone_code: str = "",
    enterprise_name: str = "",
    enterprise_uscc: str = "",
    files: Sequence = (),
    service_item: str | ServiceItem | None = None,
) -> tuple[Demand, str]:
    """A visitor without an account submits a demand (SECURITY.md §1). Returns (demand, query code); the code exists
    only in this return value and, for a verified phone, in the SMS that carries it.

    No person registers it (`registered_by` stays empty; the timeline names the visitor): the channel is `online`, the
    first contact the chosen region's office host, so it waits in that office's triage queue like any online demand.
    1. Every field is checked, all errors together, before the SMS code is looked at: a typing mistake elsewhere never
       uses the code up. An anonymous demand keeps no name and no phone; otherwise the phone must be a mobile number,
       the enterprise is required (SPEC §3) and the SMS code (purpose `public_submit`) must be right — a wrong code
       counts one of its tries (enterprises.phonecodes) and saves nothing.
    2. Record it as `demand_register` does, with a new query code whose keyed digest alone is stored.
    3. After commit, a verified phone receives the number and the code by SMS.
    """
    now = timezone.now()
    errors: Errors = {}
    region_row = region if isinstance(region, Region) else Region.objects.filter(code=region or "", active=True).first()
    first_contact = None
    if region_row is None:
        errors["region"] = ["请选择诉求所在的区域。"]
    else:
        try:
            first_contact = office_host(region_row)
        except ValidationError as exc:
            errors["region"] = exc.messages
    if anonymous:
        requester_name, requester_phone = "", ""
    intake = _Intake(
        channel=Channel.ONLINE, region=region_row, first_contact=first_contact, enterprise_name=enterprise_name,
        enterprise_uscc=enterprise_uscc, requester_name=requester_name, requester_phone=requester_phone,
        anonymous=anonymous, title=title, content=content, domain=domain, received_at=now, external_ref=None,
        self_handle=False, category=None, complex_=False, files=files, service_item=service_item,
    )
    _check_fields(intake, errors, now=now, received_given=False)
    if not anonymous and "requester.phone" not in errors:
        try:
            intake.requester_phone = normalize_mobile(intake.requester_phone)
        except PhoneCodeError as exc:
            errors["requester.phone"] = [exc.message]
    if not anonymous and not errors:
        try:
            phone_code_check(phone=intake.requester_phone, purpose=PhoneCode.Purpose.PUBLIC_SUBMIT, code=phone_code)
        except PhoneCodeError as exc:
            errors["phone_code"] = [exc.message]
    if errors:
        raise ValidationError(errors)

    code = tracking.new_query_code()
    with transaction.atomic():
        demand = _record(intake, actor=None, now=now, query_code=code)
        if intake.requester_phone:
            text = (
                f"【安顺市企业之家】您的诉求已提交，编号 {demand.number}，查询码 {code}。"
                "可凭编号和查询码查询办理进度，请妥善保管。"
            )
            # Through the outbox (SECURITY §7): the page shows number and code at once, the SMS leaves after the
            # commit and is retried when the gateway fails; the request never waits on the gateway.
            sms_to_outbox(phone=intake.requester_phone, text=text, event=QUERY_CODE_EVENT,
                          key=f"query-code-{demand.number}")
    return demand, code


# --- step 1 and 2: who may register, who received it ----------------------------------------------------------------
def _check_channel(actor: User, channel: str, errors: Errors) -> None:
    if actor.role not in rules.ROLE_CHANNELS:
        raise PermissionDenied("您的角色不能登记企业诉求。")
    if channel not in Channel.values:
        errors["channel"] = ["请选择有效的渠道。"]
    elif channel not in rules.ROLE_CHANNELS[actor.role]:
        raise PermissionDenied(f"您的角色不能登记“{Channel(channel).label}”渠道的诉求。")


def _first_contact(actor: User, named, errors: Errors) -> Department:
    """The registrar's department, or the department of the region an office or a specialist names."""
    own = actor.department
    if named in (None, ""):
        return own
    try:
        chosen = pick_department(named, "first_contact_department")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return own
    if chosen.id != own.id:
        if actor.role not in FIRST_CONTACT_NAMERS:
            raise PermissionDenied("只能以本部门作为首问部门登记诉求。")
        if chosen.region_id != own.region_id:
            errors["first_contact_department"] = ["首问部门必须是本区域的部门。"]
    return chosen


# --- step 3: every field --------------------------------------------------------------------------------------------
def _check_fields(intake: _Intake, errors: Errors, *, now: datetime, received_given: bool) -> None:
    """Check and normalise `intake` in place, adding every problem to `errors`."""
    intake.title = (intake.title or "").strip()
    intake.content = (intake.content or "").strip()
    if not intake.title:
        errors["title"] = ["请填写标题。"]
    elif len(intake.title) > 120:
        errors["title"] = ["标题不能超过 120 个字。"]
    if not intake.content:
        errors["content"] = ["请填写诉求内容。"]
    elif len(intake.content) > 5000:
        errors["content"] = ["诉求内容不能超过 5000 个字。"]

    domain = intake.domain if isinstance(intake.domain, Domain) else Domain.objects.filter(code=intake.domain or "").first()
    if domain is None:
        errors["domain"] = ["请选择有效的业务领域。"]
    else:
        intake.domain = domain

    _check_requester(intake, errors)
    if received_given:
        if timezone.is_naive(intake.received_at):
            errors["received_at"] = ["收到时间必须带时区。"]
        elif message := bounds_message("收到时间", intake.received_at):
            errors["received_at"] = [message]
        elif intake.received_at > now:
            errors["received_at"] = ["收到时间不能晚于当前时间。"]
    try:
        intake.enterprise_name, intake.enterprise_uscc = _validated_enterprise(
            name=intake.enterprise_name, code=intake.enterprise_uscc, anonymous=intake.anonymous
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    _check_service_item(intake, errors)
    try:
        validate_uploads(intake.files, "files")
    except ValidationError as exc:
        errors.setdefault("files", []).extend(exc.messages)


def _check_service_item(intake: _Intake, errors: Errors) -> None:
    """The service item a demand is about (OUTREACH §1): a published item named by its code, or none."""
    named = intake.service_item
    if named in (None, ""):
        intake.service_item = None
        return
    code = named.code if isinstance(named, ServiceItem) else named
    item = published_item_or_none(code) if isinstance(code, str) else None
    if item is None:
        errors["service_item"] = [f"服务事项“{code}”不存在或未发布，请从服务事项清单中选择已发布的事项。"]
    intake.service_item = item


def _check_requester(intake: _Intake, errors: Errors) -> None:
    intake.requester_name = (intake.requester_name or "").strip()
    intake.requester_phone = (intake.requester_phone or "").strip()
    if not intake.anonymous:
        if not intake.requester_name:
            errors["requester.name"] = ["请填写诉求人姓名。"]
        if not intake.requester_phone:
            errors["requester.phone"] = ["请填写联系电话。"]
    if len(intake.requester_name) > 64:
        errors["requester.name"] = ["诉求人姓名不能超过 64 个字。"]
    if intake.requester_phone and not PHONE_RE.match(intake.requester_phone):
        errors["requester.phone"] = ["联系电话格式不正确（7～20 位数字，可含 - 和括号）。"]


def _validated_enterprise(*, name: str, code: str, anonymous: bool) -> tuple[str, str]:
    """(name, normalised uscc), both empty for an anonymous demand that names no enterprise."""
    name = (name or "").strip()
    code = uscc_rules.normalize(code or "")
    if anonymous and not name and not code:
        return "", ""
    errors: Errors = {}
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


# --- step 4: the record ---------------------------------------------------------------------------------------------
def _record(intake: _Intake, *, actor: User | None, now: datetime, query_code: str = "") -> Demand:
    enterprise = None
    if intake.enterprise_uscc:
        enterprise, _ = Enterprise.objects.get_or_create(
            uscc=intake.enterprise_uscc, defaults={"name": intake.enterprise_name, "region": intake.region}
        )
    triage = start_clock("triage", now)
    demand = Demand(
        number=next_number("SQ"),
        channel=intake.channel,
        region=intake.region,
        enterprise=enterprise,
        enterprise_name=intake.enterprise_name,
        requester_name=intake.requester_name,
        requester_phone=intake.requester_phone,
        anonymous=intake.anonymous,
        title=intake.title,
        content=intake.content,
        domain=intake.domain,
        received_at=intake.received_at,
        registered_at=now,
        first_contact_department=intake.first_contact,
        registered_by=actor,
        external_ref=intake.external_ref,
        self_handle=intake.self_handle,
        service_item=intake.service_item,
        triage_due_at=None if intake.self_handle else triage.due,
        triage_due_provisional=False if intake.self_handle else triage.provisional,
    )
    if query_code:
        demand.query_code_digest = tracking.query_code_digest(demand.number, query_code)
    demand.search_text = demand.search_document()
    demand.save(force_insert=True)
    figures.record_demand({}, demand)
    demand_event(demand, actor, "register", "", f"渠道：{Channel(intake.channel).label}")
    for upload in intake.files:
        store_file(actor=actor, demand=demand, upload=upload, kind=Attachment.Kind.MATERIAL)
    if intake.self_handle:
        _self_handle(demand, actor=actor, category=intake.category, complex_=intake.complex_, now=now)
    return demand


def _self_handle(demand: Demand, *, actor: User, category: str, complex_: bool, now: datetime) -> Ticket:
    """首问负责: the first-contact department handles it itself — a ticket at once, already signed (§4.1)."""
    ticket = create_ticket(
        demands=[demand], actor=actor, category=category, complex_=complex_, lead=demand.first_contact_department,
        co=[], now=now, self_handled=True,
    )
    demand._figures_before = figures.of_demand(demand)
    demand.form_ticket()
    demand.ticket = ticket
    demand.decided_at = now
    save_demand(demand, ["state", "ticket", "decided_at"])
    demand_event(demand, actor, "self_handle", Demand.State.REGISTERED, f"首问部门直接办理，形成工单 {ticket.number}")
    sign_at_once(ticket, actor=actor, now=now)
    return ticket


def register_transfer(*, demand: Demand, actor: User, parent: Region, reason: str, now: datetime,
                      ticket: Ticket | None = None) -> Demand:
    """提级 from a county: the matter becomes a `transfer` demand in the parent region's triage queue, linked to the
    county's demand (or ticket)."""
    host = office_host(parent)
    triage = start_clock("triage", now)
    transfer = Demand(
        number=next_number("SQ"),
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
    transfer.search_text = transfer.search_document()
    transfer.save(force_insert=True)
    figures.record_demand({}, transfer)
    demand_event(transfer, actor, "register", "", f"由{demand.region.name}提级转办（原诉求 {demand.number}）")
    notices.transfer_received(transfer, from_region=demand.region)
    return transfer
