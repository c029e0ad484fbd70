"""Supervision (督办) and urging (催办) of tickets and unregistered matters (SPEC §7, §4.6 of the mechanism).

Records only: nothing here changes a ticket's state. Manual acts have the shape of every act (atomic, lock, 403 for the
wrong person, 409 for the wrong state, ValidationError with Chinese field messages); automatic supervision comes from
the triggers of §4.6.1 at the moment whoever detects them (a ticket act, the deadline sweep) calls
`supervision_raise_automatic` (or, for many at once, `supervisions_raise_automatic`), at most once per `key`.

This app sits below tickets: a ticket arrives as an argument, its timeline is written through its own `events`
relation, and nothing of the tickets app is imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Department, Region, Role, User
from core.errors import Conflict, PermissionDenied, field_error
from core.models import next_number, next_numbers
from supervision import notices, rules
from supervision.models import Supervision, Urge
from workcalendar.workdays import start_clock

CONTENT_LIMIT = 2000
# A ticket of the tickets app (passed in; this app does not import it).
Ticket = Any

# What the tickets app may use of supervision comes from this module (the dependency contract): the acts below, the
# predicates its screens offer buttons by, the choices its forms show, and the query its API prefetches with.
SupervisionForm = Supervision.Form
SupervisionTrigger = Supervision.Trigger
may_supervise = rules.may_supervise
may_urge = rules.may_urge
may_answer = rules.may_answer


def supervisions_with_addressee():
    """Supervisions with their addressed department, oldest first (a ticket's list of them)."""
    return Supervision.objects.select_related("department").order_by("issued_at", "id")


def supervisions_for_ticket_page():
    """A ticket's supervisions as its page lists them (who issued, who answered)."""
    return Supervision.objects.select_related("department", "issued_by", "answered_by").order_by("issued_at", "id")


def urges_for_ticket_page():
    """A ticket's urges as its page lists them."""
    return Urge.objects.select_related("actor__department", "department").order_by("at", "id")


# --- helpers --------------------------------------------------------------------------------------------------------
def _text(value, field: str, label: str, *, required: bool = True) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if required and not text:
        raise field_error(field, f"请填写{label}。")
    if len(text) > CONTENT_LIMIT:
        raise field_error(field, f"{label}不能超过 {CONTENT_LIMIT} 个字。")
    return text


def _event(ticket: Ticket, actor, action: str, note: str, at: datetime) -> None:
    """An internal entry on the ticket's timeline (no state change)."""
    ticket.events.create(
        actor=actor, action=action, from_state=ticket.state, to_state=ticket.state, note=note, internal=True, at=at,
    )


def _lock_ticket(ticket: Ticket) -> Ticket:
    return ticket._meta.model._default_manager.select_for_update().select_related("region", "lead_department").get(pk=ticket.pk)


def _create(*, region: Region, ticket: Ticket | None, department: Department, trigger: str, form: str, content: str,
            automatic: bool, issued_by: User | None, issuing_department: Department | None, now: datetime,
            key: str | None = None) -> Supervision:
    deadline = start_clock("supervision_answer", now)
    return Supervision.objects.create(
        number=next_number("DB"), region=region, ticket=ticket, department=department, trigger=trigger,
        form=form, content=content, automatic=automatic, issued_by=issued_by, issuing_department=issuing_department,
        issued_at=now, due_at=deadline.due, due_provisional=deadline.provisional, key=key,
    )


def _timeline_note(supervision: Supervision) -> str:
    return (
        f"{supervision.get_form_display()}（{supervision.get_trigger_display()}）{supervision.number}，"
        f"督办对象：{supervision.department.name}，"
        f"回复期限 {timezone.localtime(supervision.due_at):%Y-%m-%d}。{supervision.content}"
    )


# --- automatic supervision ------------------------------------------------------------------------------------------
def supervision_raise_automatic(*, ticket: Ticket, trigger: str, department: Department, content: str, key: str,
                                now: datetime, region: Region | None = None) -> Supervision | None:
    """系统督办 raised by the system (no issuer) when a trigger of §4.6.1 becomes true.

    1. Refuse a second record with the same `key` (unique column; a concurrent twin is caught by the constraint): None.
    2. Answer due 2 working days (policy `supervision_answer`), write the ticket's timeline, notify the department.
    `region` is the supervising office's region (default the ticket's; the city for a failed sampled callback).
    """
    if trigger not in Supervision.Trigger.values:
        raise ValueError(f"unknown supervision trigger {trigger!r}")
    if not key:
        raise ValueError("automatic supervision needs a key")
    if Supervision.objects.filter(key=key).exists():
        return None
    region = region or ticket.region
    try:
        with transaction.atomic():
            supervision = _create(
                region=region, ticket=ticket, department=department, trigger=trigger, form=Supervision.Form.SYSTEM,
                content=content, automatic=True, issued_by=None, issuing_department=region.office_host(), now=now, key=key,
            )
    except IntegrityError:
        if Supervision.objects.filter(key=key).exists():
            return None
        raise
    _event(ticket, None, "supervise", "系统自动督办：" + _timeline_note(supervision), now)
    notices.supervision_issued(supervision)
    return supervision


@dataclass(frozen=True)
class AutomaticSupervision:
    """One trigger for `supervisions_raise_automatic`: the arguments `supervision_raise_automatic` takes."""

    ticket: Ticket
    trigger: str
    department: Department
    content: str
    key: str
    region: Region | None = None  # the supervising office's region; default the ticket's

    @property
    def region_id(self) -> int:
        return self.region.pk if self.region is not None else self.ticket.region_id


def supervisions_raise_automatic(triggers: Iterable[AutomaticSupervision], *, now: datetime) -> list[Supervision]:
    """系统督办 for many triggers at once (the deadline sweep), with the rules of `supervision_raise_automatic`.

    1. Skip the keys that exist (a key repeated in the batch counts once: the first wins).
    2. Number the rest with one reservation (`next_numbers`) and insert them in one statement, answer due 2 working
       days from `now`. When a concurrent twin committed one of the keys meanwhile, the insert fails as a whole, is
       undone with its numbers (no gap), and is tried again without the keys that exist now.
    3. Their history rows, the tickets' timeline entries and the addressees' notices (after commit), each in bulk.
    Returns the supervisions created by this call, in the order of `triggers`. The departments are used as given
    (their kind, region and name: no query per supervision).
    """
    wanted: dict[str, AutomaticSupervision] = {}
    for trigger in triggers:
        if trigger.trigger not in Supervision.Trigger.values:
            raise ValueError(f"unknown supervision trigger {trigger.trigger!r}")
        if not trigger.key:
            raise ValueError("automatic supervision needs a key")
        wanted.setdefault(trigger.key, trigger)
    if not wanted:
        return []

    def taken(keys) -> set[str]:
        return set(Supervision.objects.filter(key__in=list(keys)).values_list("key", flat=True))

    existing = taken(wanted)
    fresh = [trigger for key, trigger in wanted.items() if key not in existing]
    if not fresh:
        return []
    deadline = start_clock("supervision_answer", now)
    hosts = _office_hosts({trigger.region_id for trigger in fresh})
    while True:
        supervisions = [
            Supervision(
                region_id=trigger.region_id, ticket=trigger.ticket, department=trigger.department,
                trigger=trigger.trigger, form=Supervision.Form.SYSTEM, content=trigger.content, automatic=True,
                issued_by=None, issuing_department=hosts.get(trigger.region_id), issued_at=now, due_at=deadline.due,
                due_provisional=deadline.provisional, key=trigger.key,
            )
            for trigger in fresh
        ]
        try:
            with transaction.atomic():
                for supervision, number in zip(supervisions, next_numbers("DB", len(supervisions)), strict=True):
                    supervision.number = number
                Supervision.objects.bulk_create(supervisions)
            break
        except IntegrityError:
            raced = taken(trigger.key for trigger in fresh)
            if not raced:
                raise
            fresh = [trigger for trigger in fresh if trigger.key not in raced]
            if not fresh:
                return []
    Supervision.history.bulk_history_create(supervisions)
    event_model = supervisions[0].ticket.events.model  # the ticket's timeline (this app names no ticket model)
    event_model.objects.bulk_create([
        event_model(
            ticket=supervision.ticket, actor=None, action="supervise", from_state=supervision.ticket.state,
            to_state=supervision.ticket.state, note="系统自动督办：" + _timeline_note(supervision), internal=True, at=now,
        )
        for supervision in supervisions
    ])
    notices.supervisions_issued(supervisions)
    return supervisions


def _office_hosts(region_ids: set[int]) -> dict[int, Department]:
    """`Region.office_host()` of many regions in one query: the first active office-hosting department by code."""
    hosts: dict[int, Department] = {}
    for department in Department.objects.filter(
        region_id__in=region_ids, kind=Department.Kind.OFFICE_HOST, active=True
    ).order_by("region_id", "code"):
        hosts.setdefault(department.region_id, department)
    return hosts


def supervision_after_callback(*, ticket: Ticket, callback, now: datetime) -> list[Supervision]:
    """Triggers that a (full) callback can make true: `below_standard` and `repeated_rework` (§4.6.1(4)(5))."""
    raised = []
    if callback.reached and callback.meets_standard is False:
        raised.append(supervision_raise_automatic(
            ticket=ticket, trigger=Supervision.Trigger.BELOW_STANDARD, department=ticket.lead_department,
            content=f"回访发现工单 {ticket.number} 未达到办结标准即办结，请说明原因并限期整改。",
            key=f"below_standard:callback:{callback.pk}", now=now,
        ))
    if callback.failed and ticket.rework_count >= 2:
        raised.append(supervision_raise_automatic(
            ticket=ticket, trigger=Supervision.Trigger.REPEATED_REWORK, department=ticket.lead_department,
            content=f"工单 {ticket.number} 已退回重办 {ticket.rework_count} 次，回访仍不满意，请说明原因并限期办结。",
            key=f"repeated_rework:{ticket.pk}:{ticket.rework_count}", now=now,
        ))
    return [s for s in raised if s is not None]


def supervision_after_sampled_callback(*, ticket: Ticket, callback, batch,
                                       now: datetime) -> Supervision | None:
    """A failed sampled callback (§3.2.4) raises supervision by the sampling office towards the county's office."""
    if not callback.failed:
        return None
    county_office = ticket.region.office_host()
    if county_office is None:
        return None
    return supervision_raise_automatic(
        ticket=ticket, trigger=Supervision.Trigger.BELOW_STANDARD, department=county_office,
        content=(
            f"{batch.sampling_region.name}抽访工单 {ticket.number} 不合格（{callback.get_satisfaction_display()}"
            f"{'，与办结信息不一致' if callback.consistent is False else ''}"
            f"{'，不符合办结标准' if callback.meets_standard is False else ''}），请核查并回复整改情况。"
        ),
        key=f"sampled_callback:{callback.pk}", now=now, region=batch.sampling_region,
    )


# --- manual supervision ---------------------------------------------------------------------------------------------
def _validated(*, form, trigger, content) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    if form not in Supervision.Form.values:
        errors["form"] = ["请选择督办方式：电话督办、系统督办、书面督办或专项督办。"]
    if trigger not in Supervision.Trigger.values:
        errors["trigger"] = ["请选择督办情形。"]
    try:
        content = _text(content, "content", "督办事项及要求")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return form, trigger, content


def _addressee(value, region: Region) -> Department:
    if isinstance(value, Department):
        department = value
    else:
        code = value.strip() if isinstance(value, str) else ""
        if not code:
            raise field_error("department", "请选择督办对象部门。")
        department = Department.objects.filter(code=code).select_related("region").first()
        if department is None:
            raise field_error("department", f"部门编码“{code}”不存在。")
    if not department.active:
        raise field_error("department", f"部门“{department.name}”已停用。")
    if department.region_id != region.id:
        raise field_error("department", f"部门“{department.name}”不属于{region.name}。")
    return department


@transaction.atomic
def ticket_supervise(*, actor: User, ticket: Ticket, form: str, trigger: str, content: str,
                     department=None) -> Supervision:
    """督办 an open ticket (§4.6.2). Addressed to the lead department unless another department of the region is named."""
    ticket = _lock_ticket(ticket)
    if not rules.may_supervise(ticket, actor):
        raise PermissionDenied("只有本级联合服务办公室或政府办公室（专项督办）可以督办。")
    if not ticket.is_open:
        raise Conflict(f"当前状态为“{ticket.get_state_display()}”，不能督办。")
    form, trigger, content = _validated(form=form, trigger=trigger, content=content)
    if actor.role == Role.GOVERNMENT and form != Supervision.Form.SPECIAL:
        raise PermissionDenied("政府办公室只能发起专项督办（一事一议）。")
    addressee = ticket.lead_department if department in (None, "") else _addressee(department, ticket.region)
    now = timezone.now()
    supervision = _create(
        region=ticket.region, ticket=ticket, department=addressee, trigger=trigger, form=form, content=content,
        automatic=False, issued_by=actor, issuing_department=actor.department, now=now,
    )
    _event(ticket, actor, "supervise", _timeline_note(supervision), now)
    notices.supervision_issued(supervision)
    return supervision


@transaction.atomic
def supervision_issue_unregistered(*, actor: User, department, content: str, form: str = Supervision.Form.WRITTEN) -> Supervision:
    """督办 a department that left an enterprise's matter unregistered (§4.6.1(1)): no ticket exists."""
    if actor.role != Role.OFFICE or not actor.department_id:
        raise PermissionDenied("只有联合服务办公室可以督办未登记事项。")
    region = actor.department.region
    errors: dict[str, list[str]] = {}
    try:
        form, _, content = _validated(form=form, trigger=Supervision.Trigger.UNREGISTERED, content=content)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    addressee = None
    try:
        addressee = _addressee(department, region)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    supervision = _create(
        region=region, ticket=None, department=addressee, trigger=Supervision.Trigger.UNREGISTERED, form=form,
        content=content, automatic=False, issued_by=actor, issuing_department=actor.department, now=timezone.now(),
    )
    notices.supervision_issued(supervision)
    return supervision


@transaction.atomic
def supervision_answer(*, actor: User, supervision: Supervision, content: str) -> Supervision:
    """The addressed department answers, once; the supervising office is told."""
    supervision = Supervision.objects.select_for_update(of=("self",)).select_related("department", "ticket").get(pk=supervision.pk)
    if not rules.may_answer(supervision, actor):
        raise PermissionDenied("只有被督办部门的工作人员可以回复督办。")
    if supervision.answered_at is not None:
        raise Conflict("该督办已回复，不能重复回复。")
    content = _text(content, "content", "回复内容")
    now = timezone.now()
    supervision.answer, supervision.answered_at, supervision.answered_by = content, now, actor
    supervision.save(update_fields=["answer", "answered_at", "answered_by"])
    late = "（逾期回复）" if now > supervision.due_at else ""
    if supervision.ticket_id:
        _event(supervision.ticket, actor, "supervision_answer", f"{supervision.department.name}回复督办 {supervision.number}{late}：{content}", now)
    notices.supervision_answered(supervision, late=late)
    return supervision


# --- urging ---------------------------------------------------------------------------------------------------------
@transaction.atomic
def ticket_urge(*, actor: User, ticket: Ticket, note: str) -> Urge:
    """催办 an open ticket: recorded on its timeline, the lead department is told."""
    ticket = _lock_ticket(ticket)
    if not rules.may_urge(ticket, actor):
        raise PermissionDenied("只有本级联合服务办公室或企业服务专员可以催办。")
    if not ticket.is_open:
        raise Conflict(f"当前状态为“{ticket.get_state_display()}”，不能催办。")
    note = _text(note, "note", "催办内容")
    now = timezone.now()
    urge = Urge.objects.create(ticket=ticket, department=ticket.lead_department, actor=actor, note=note, at=now)
    _event(ticket, actor, "urge", f"催办{ticket.lead_department.name}：{note}", now)
    notices.urged(ticket, urge)
    return urge


# --- concentrated complaints (§4.6.1(3)) -----------------------------------------------------------------------------
def supervision_raise_concentrated(*, ticket: Ticket, run: list[tuple[int, str]], now: datetime) -> Supervision | None:
    """A run of complaint tickets about one lead department and domain (detected by the tickets app, oldest first as
    (id, number)) is a concentrated matter: a supervision to that department, once per run (keyed by the run's oldest
    ticket, so a run a month later alerts again), and an alert to the region's office."""
    numbers = "、".join(number for _, number in run)
    supervision = supervision_raise_automatic(
        ticket=ticket, trigger=Supervision.Trigger.CONCENTRATED, department=ticket.lead_department,
        content=(
            f"近 30 日内涉及{ticket.lead_department.name}“{ticket.domain.name}”领域的投诉举报类工单已达 {len(run)} 件"
            f"（{numbers}），属集中投诉事项，请重点研究、统筹办理并回复。"
        ),
        key=f"concentrated:{ticket.lead_department_id}:{ticket.domain_id}:{run[0][0]}", now=now,
    )
    if supervision is not None:
        notices.concentrated_alert(
            ticket.region, supervision=supervision,
            title=f"集中投诉预警：{ticket.lead_department.name}·{ticket.domain.name}",
            body=f"近 30 日内投诉举报类工单 {len(run)} 件：{numbers}。已自动督办。",
        )
    return supervision
