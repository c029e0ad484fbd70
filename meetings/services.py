"""The acts on meetings (OUTREACH §5): call a meeting, edit it, put items on its agenda, hold it with minutes, cancel
it, decide each item, record an item's follow-up.

Each act has the STYLE shape: `transaction.atomic`; lock the meeting's row; check who may act (403) and from which
state (409) through meetings.rules; check every input (ValidationError with Chinese messages per field, nothing saved);
call the `@transition` where the state changes; save `update_fields`; write the audit row; queue the notifications
(notifications.services sends them after commit).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from accounts import uscc as uscc_rules
from accounts.models import Department, Enterprise, Region, User
from audit.services import record
from core.dates import bounds_message
from core.errors import Conflict, PermissionDenied, field_error
from meetings import rules, selectors
from meetings.models import AgendaItem, Kind, Meeting, Outcome
from notifications.services import notify_department
from tickets.models import Ticket
from tickets.selectors import demands_visible_to, tickets_visible_to
from workcalendar.workdays import add_working_days, end_of_working_day

Errors = dict[str, list[str]]
TEXT_LIMIT = 10000
MAX_WORKING_DAYS = 250
EVENT_INVITE = "meeting_invite"
EVENT_CANCELLED = "meeting_cancelled"
EVENT_HELD = "meeting_held"
EVENT_ASSIGNED = "meeting_assigned"
KIND_HOLDERS = {
    Kind.ANALYSIS: "分析研判会由联合服务办公室召开。",
    Kind.ENTREPRENEUR: "企业家见面会由联合服务办公室召开。",
    Kind.COORDINATION: "协调会由工单的牵头部门或联合服务办公室召开。",
    Kind.SPECIAL: "一事一议专项调度由政府办公室召开。",
}


# --- input ----------------------------------------------------------------------------------------------------------
def _text(value, field: str, label: str, errors: Errors, *, limit: int, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = [f"{label}必须是文字。"]
        return ""
    value = value.strip()
    if required and not value:
        errors[field] = [f"请填写{label}。"]
    elif len(value) > limit:
        errors[field] = [f"{label}不能超过 {limit} 个字。"]
    return value


def _starts_at(value, errors: Errors) -> datetime.datetime | None:
    if value in (None, ""):
        errors["starts_at"] = ["请填写召开时间。"]
        return None
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            errors["starts_at"] = ["召开时间格式不正确，例如 2026-12-08T09:30:00+08:00。"]
            return None
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        errors["starts_at"] = ["召开时间必须带时区，例如 2026-12-08T09:30:00+08:00。"]
        return None
    if message := bounds_message("召开时间", value):
        errors["starts_at"] = [message]
        return None
    return value


def _departments(values, region: Region | None, errors: Errors) -> list[Department]:
    if values in (None, ""):
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        errors["departments"] = ["参会部门应为部门编码列表。"]
        return []
    chosen: list[Department] = []
    wrong: list[str] = []
    for value in values:
        department = value if isinstance(value, Department) else (
            Department.objects.filter(code=str(value).strip()).first() if value else None
        )
        if department is None or not department.active or (region is not None and department.region_id != region.id):
            wrong.append(str(getattr(value, "code", value)))
        elif department not in chosen:
            chosen.append(department)
    if wrong:
        errors["departments"] = [f"部门“{'、'.join(wrong)}”不存在、已停用或不属于本区域。"]
    return chosen


def _enterprises(values, errors: Errors) -> list[Enterprise]:
    if values in (None, ""):
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        errors["enterprises"] = ["受邀企业应为统一社会信用代码列表。"]
        return []
    chosen: list[Enterprise] = []
    wrong: list[str] = []
    for value in values:
        enterprise = value if isinstance(value, Enterprise) else (
            Enterprise.objects.filter(uscc=uscc_rules.normalize(str(value))).first() if value else None
        )
        if enterprise is None:
            wrong.append(str(value))
        elif enterprise not in chosen:
            chosen.append(enterprise)
    if wrong:
        errors["enterprises"] = [f"统一社会信用代码“{'、'.join(wrong)}”对应的企业不存在。"]
    return chosen


def _pk(value):
    """An id as given by a body or a form (an int, a digit string or a model instance); None for anything else."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _ticket(actor: User, value, errors: Errors) -> Ticket | None:
    if value in (None, ""):
        return None
    pk = _pk(value)
    ticket = (
        tickets_visible_to(actor).select_related("lead_department", "region").filter(pk=pk).first()
        if pk is not None else None
    )
    if ticket is None:
        errors["ticket"] = ["工单不存在或无权查看。"]
    return ticket


def _url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def _authorize(meeting: Meeting, actor: User, what: str, *, transition: str | None = None) -> None:
    """403 unless the actor holds meetings of this kind for its region; 409 unless the state allows `what`."""
    if not rules.may_manage(meeting, actor):
        raise PermissionDenied(f"您没有权限{what}。{KIND_HOLDERS[meeting.kind]}")
    if transition is not None and not can_proceed(getattr(meeting, transition)):
        raise Conflict(f"会议当前为“{meeting.get_state_display()}”，不能{what}。")
    if transition is None and meeting.state != Meeting.State.PLANNED:
        raise Conflict(f"会议当前为“{meeting.get_state_display()}”，不能{what}。")


# --- acts -------------------------------------------------------------------------------------------------------------
@transaction.atomic
def meeting_create(*, actor: User, kind: str, title: str, starts_at, place: str, chair: str = "", ticket=None,
                   departments=(), enterprises=()) -> Meeting:
    """Call a meeting of the actor's region.

    1. The kind decides who calls it: analysis and entrepreneur meetings the office, a coordination meeting the office
       or the ticket's lead department (the ticket is required and visible to the actor), a special one the
       government office (403 otherwise).
    2. Every field is checked together; invited departments are of the region; enterprises only for an entrepreneur
       meeting.
    3. The meeting starts planned; the invited departments are told after commit.
    """
    errors: Errors = {}
    if kind not in Kind.values:
        raise field_error("kind", f"请选择会议类型：{'、'.join(f'{label}（{code}）' for code, label in Kind.choices)}。")
    if not actor.is_authenticated or actor.role not in rules.CONVENERS or not actor.department_id:
        raise PermissionDenied("您的角色不能召开会议。")
    region = actor.department.region
    ticket_row = _ticket(actor, ticket, errors)
    if kind == Kind.COORDINATION and ticket_row is None and "ticket" not in errors:
        errors["ticket"] = ["协调会必须指定所协调的工单。"]
    if kind != Kind.COORDINATION:
        ticket_row = None  # only a coordination meeting is about one ticket
    if "ticket" not in errors and not rules.may_convene(kind, actor, region_id=region.id, ticket=ticket_row):
        raise PermissionDenied(f"您没有权限召开{Kind(kind).label}。{KIND_HOLDERS[kind]}")
    if ticket_row is not None and ticket_row.region_id != region.id:
        errors["ticket"] = ["只能就本区域的工单召开协调会。"]
    clean_title = _text(title, "title", "会议名称", errors, limit=200, required=True)
    clean_place = _text(place, "place", "会议地点", errors, limit=200, required=True)
    clean_chair = _text(chair, "chair", "主持人", errors, limit=64, required=False)
    when = _starts_at(starts_at, errors)
    invited = _departments(departments, region, errors)
    guests = _enterprises(enterprises, errors)
    if guests and kind != Kind.ENTREPRENEUR:
        errors["enterprises"] = ["只有企业家见面会邀请企业。"]
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        region=region, kind=kind, title=clean_title, starts_at=when, place=clean_place, chair=clean_chair,
        ticket=ticket_row, created_by=actor,
    )
    meeting.departments.set(invited)
    meeting.enterprises.set(guests)
    record("meeting.create", actor=actor, obj=meeting, kind=kind, departments=[d.code for d in invited])
    _invite(meeting, invited)
    return meeting


def _invite(meeting: Meeting, departments: Iterable[Department]) -> None:
    when = timezone.localtime(meeting.starts_at).strftime("%Y年%m月%d日 %H:%M")
    for department in departments:
        notify_department(
            department, event=EVENT_INVITE, key=f"meeting:{meeting.pk}:invite:{department.pk}",
            title=f"会议通知：{meeting.title}",
            body=f"请派员参加{meeting.get_kind_display()}“{meeting.title}”，时间：{when}，地点：{meeting.place}。",
            url=_url(meeting),
        )


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, title: str, starts_at, place: str, chair: str = "",
                   departments=(), enterprises=()) -> Meeting:
    """Change a planned meeting; departments newly invited are told."""
    meeting = selectors.meeting_for(actor, meeting.pk, lock=True)
    _authorize(meeting, actor, "修改会议")
    errors: Errors = {}
    clean_title = _text(title, "title", "会议名称", errors, limit=200, required=True)
    clean_place = _text(place, "place", "会议地点", errors, limit=200, required=True)
    clean_chair = _text(chair, "chair", "主持人", errors, limit=64, required=False)
    when = _starts_at(starts_at, errors)
    invited = _departments(departments, meeting.region, errors)
    guests = _enterprises(enterprises, errors)
    if guests and meeting.kind != Kind.ENTREPRENEUR:
        errors["enterprises"] = ["只有企业家见面会邀请企业。"]
    if errors:
        raise ValidationError(errors)
    before = set(meeting.departments.values_list("pk", flat=True))
    meeting.title, meeting.place, meeting.chair, meeting.starts_at = clean_title, clean_place, clean_chair, when
    meeting.save(update_fields=["title", "place", "chair", "starts_at", "updated_at"])
    meeting.departments.set(invited)
    meeting.enterprises.set(guests)
    record("meeting.update", actor=actor, obj=meeting)
    _invite(meeting, [d for d in invited if d.pk not in before])
    return meeting


@transaction.atomic
def meeting_add_item(*, actor: User, meeting: Meeting, demand=None, ticket=None, title: str = "") -> AgendaItem:
    """Put a demand, a ticket or a free-text matter on a planned meeting's agenda (exactly one of them); the demand
    or ticket must be one the actor may read, of the meeting's region, and not on the agenda already."""
    meeting = selectors.meeting_for(actor, meeting.pk, lock=True)
    _authorize(meeting, actor, "增加议题")
    return _add_item(actor, meeting, demand=demand, ticket=ticket, title=title)


def _add_item(actor: User, meeting: Meeting, *, demand=None, ticket=None, title: str = "") -> AgendaItem:
    title = title.strip() if isinstance(title, str) else ("" if title is None else title)
    given = [name for name, value in (("demand", demand), ("ticket", ticket), ("title", title)) if value not in (None, "")]
    if len(given) != 1:
        raise ValidationError({"__all__": ["议题请选择一项诉求、一张工单或填写一段文字，且只能选其一。"]})
    errors: Errors = {}
    fields: dict = {}
    if given == ["title"]:
        fields["title"] = _text(title, "title", "议题", errors, limit=200, required=True)
    elif given == ["demand"]:
        pk = _pk(demand)
        row = demands_visible_to(actor).filter(pk=pk, region_id=meeting.region_id).first() if pk else None
        if row is None:
            errors["demand"] = ["诉求不存在、无权查看或不属于本区域。"]
        elif AgendaItem.objects.filter(meeting=meeting, demand=row).exists():
            errors["demand"] = [f"诉求 {row.number} 已在本次会议议题中。"]
        fields["demand"] = row
    else:
        pk = _pk(ticket)
        row = tickets_visible_to(actor).filter(pk=pk, region_id=meeting.region_id).first() if pk else None
        if row is None:
            errors["ticket"] = ["工单不存在、无权查看或不属于本区域。"]
        elif AgendaItem.objects.filter(meeting=meeting, ticket=row).exists():
            errors["ticket"] = [f"工单 {row.number} 已在本次会议议题中。"]
        fields["ticket"] = row
    if errors:
        raise ValidationError(errors)
    position = (AgendaItem.objects.filter(meeting=meeting).aggregate(n=Max("position"))["n"] or 0) + 1
    item = AgendaItem.objects.create(meeting=meeting, position=position, added_by=actor, **fields)
    record("meeting.add_item", actor=actor, obj=meeting, item=item.pk, subject=given[0])
    return item


@transaction.atomic
def meeting_remove_item(*, actor: User, meeting: Meeting, item) -> None:
    """Take a matter off a planned meeting's agenda (a wrong number, a matter settled before the meeting); the items
    after it move up one place."""
    meeting = selectors.meeting_for(actor, meeting.pk, lock=True)
    _authorize(meeting, actor, "移除议题")
    item = selectors.item_of(meeting, item.pk if isinstance(item, AgendaItem) else item, lock=True)
    subject = item.ticket.number if item.ticket_id else item.demand.number if item.demand_id else item.title
    pk, position = item.pk, item.position
    item.delete()
    AgendaItem.objects.filter(meeting=meeting, position__gt=position).update(position=F("position") - 1)
    record("meeting.remove_item", actor=actor, obj=meeting, item=pk, subject=subject)


@transaction.atomic
def meeting_add_demands(*, actor: User, meeting: Meeting, demands: Iterable) -> list[AgendaItem]:
    """Put several collected demands on an entrepreneur meeting's agenda at once (all or nothing)."""
    meeting = selectors.meeting_for(actor, meeting.pk, lock=True)
    _authorize(meeting, actor, "增加议题")
    demands = list(demands)
    if not demands:
        raise field_error("demands", "请至少选择一项诉求。")
    return [_add_item(actor, meeting, demand=demand) for demand in demands]


@transaction.atomic
def meeting_hold(*, actor: User, meeting: Meeting, minutes: str) -> Meeting:
    """Record that a planned meeting was held, with its minutes (会议纪要); the invited departments are told."""
    meeting = selectors.meeting_for(actor, meeting.pk, lock=True)
    _authorize(meeting, actor, "登记会议召开", transition="hold")
    errors: Errors = {}
    text = _text(minutes, "minutes", "会议纪要", errors, limit=TEXT_LIMIT, required=True)
    if errors:
        raise ValidationError(errors)
    meeting.hold()
    meeting.minutes, meeting.held_at, meeting.held_by = text, timezone.now(), actor
    meeting.save(update_fields=["state", "minutes", "held_at", "held_by", "updated_at"])
    record("meeting.hold", actor=actor, obj=meeting)
    for department in meeting.departments.all():
        notify_department(
            department, event=EVENT_HELD, key=f"meeting:{meeting.pk}:held:{department.pk}",
            title=f"会议纪要：{meeting.title}", body=f"{meeting.get_kind_display()}“{meeting.title}”已召开，请查阅会议纪要。",
            url=_url(meeting),
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a planned meeting with a reason; the invited departments are told."""
    meeting = selectors.meeting_for(actor, meeting.pk, lock=True)
    _authorize(meeting, actor, "取消会议", transition="cancel")
    errors: Errors = {}
    text = _text(reason, "reason", "取消原因", errors, limit=500, required=True)
    if errors:
        raise ValidationError(errors)
    meeting.cancel()
    meeting.cancel_reason, meeting.cancelled_at = text, timezone.now()
    meeting.save(update_fields=["state", "cancel_reason", "cancelled_at", "updated_at"])
    record("meeting.cancel", actor=actor, obj=meeting)
    for department in meeting.departments.all():
        notify_department(
            department, event=EVENT_CANCELLED, key=f"meeting:{meeting.pk}:cancelled:{department.pk}",
            title=f"会议取消：{meeting.title}", body=f"原定的“{meeting.title}”已取消。原因：{text}", url=_url(meeting),
        )
    return meeting


def due_from(*, due_date=None, due_working_days=None, now: datetime.datetime | None = None,
             errors: Errors) -> tuple[datetime.date | None, bool]:
    """(due date, provisional) of an assigned item: a date as given, or the N-th working day after today (the
    working-day calendar, SPEC §6). Never before today."""
    now = now or timezone.now()
    if due_working_days not in (None, ""):
        days = _pk(due_working_days)
        if days is None or not 1 <= days <= MAX_WORKING_DAYS:
            errors["due_working_days"] = [f"办理时限应为 1～{MAX_WORKING_DAYS} 个工作日。"]
            return None, False
        deadline = add_working_days(now, days)
        return timezone.localtime(deadline.due).date(), deadline.provisional
    if due_date in (None, ""):
        errors["due_date"] = ["明确责任单位限期办理时，请填写办理期限。"]
        return None, False
    if isinstance(due_date, str):
        try:
            due_date = datetime.date.fromisoformat(due_date.strip())
        except ValueError:
            errors["due_date"] = ["办理期限格式不正确，应为 YYYY-MM-DD。"]
            return None, False
    if isinstance(due_date, datetime.datetime):
        due_date = due_date.date()
    if message := bounds_message("办理期限", due_date):
        errors["due_date"] = [message]
        return None, False
    if due_date < timezone.localdate(now):
        errors["due_date"] = ["办理期限不能早于今天。"]
        return None, False
    return due_date, end_of_working_day(due_date).provisional


@transaction.atomic
def item_decide(*, actor: User, meeting: Meeting, item, outcome: str, decision: str, department=None,
                due_date=None, due_working_days=None) -> AgendaItem:
    """The meeting's decision on one item, once the meeting is held (409 before, and once decided).

    1. Only the meeting's holder decides; the outcome is one of resolved, assigned, to_government, to_province; the
       decision text is required.
    2. `assigned` needs the responsible department (of the meeting's region) and a due date (a date, or N working
       days from today on the working-day calendar).
    3. An assigned item tells the responsible department, and for a ticket that ticket's lead department too.
    """
    meeting = selectors.meeting_for(actor, meeting.pk, lock=True)
    item = selectors.item_of(meeting, _pk(item), lock=True)
    if not rules.may_manage(meeting, actor):
        raise PermissionDenied(f"您没有权限作出会议决定。{KIND_HOLDERS[meeting.kind]}")
    if meeting.state != Meeting.State.HELD:
        raise Conflict(f"会议当前为“{meeting.get_state_display()}”，召开后才能对议题作出决定。")
    if item.decided:
        raise Conflict("该议题已作出决定。")
    errors: Errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [f"请选择处理结果：{'、'.join(f'{label}（{code}）' for code, label in Outcome.choices)}。"]
    text = _text(decision, "decision", "会议决定", errors, limit=TEXT_LIMIT, required=True)
    responsible, due, provisional = None, None, False
    if outcome == Outcome.ASSIGNED:
        if department in (None, ""):
            errors["department"] = ["明确责任单位限期办理时，请选择责任单位。"]
        else:
            responsible = department if isinstance(department, Department) else (
                Department.objects.filter(code=str(department).strip()).first()
            )
            if responsible is None or not responsible.active or responsible.region_id != meeting.region_id:
                errors["department"] = ["责任单位不存在、已停用或不属于本区域。"]
                responsible = None
        due, provisional = due_from(due_date=due_date, due_working_days=due_working_days, errors=errors)
    if errors:
        raise ValidationError(errors)
    item.outcome, item.decision, item.department = outcome, text, responsible
    item.due_date, item.due_provisional = due, provisional
    item.decided_at, item.decided_by = timezone.now(), actor
    item.save(update_fields=["outcome", "decision", "department", "due_date", "due_provisional", "decided_at",
                             "decided_by"])
    record("meeting.decide", actor=actor, obj=meeting, item=item.pk, outcome=outcome)
    if outcome == Outcome.ASSIGNED:
        _notify_assigned(meeting, item)
    return item


def _notify_assigned(meeting: Meeting, item: AgendaItem) -> None:
    due = f"{item.due_date:%Y年%m月%d日}"
    body = f"{meeting.get_kind_display()}“{meeting.title}”决定：{item.decision}\n责任单位：{item.department.name}；办理期限：{due}。"
    key = f"meeting-item:{item.pk}:assigned"
    told = set()
    if item.ticket_id and item.ticket.lead_department_id:
        notify_department(item.ticket.lead_department, event=EVENT_ASSIGNED, key=key,
                          title=f"会议交办：工单 {item.ticket.number}", body=body, url=_url(meeting))
        told.add(item.ticket.lead_department_id)
    if item.department_id not in told:
        notify_department(item.department, event=EVENT_ASSIGNED, key=key, title=f"会议交办：{item.subject}"[:120],
                          body=body, url=_url(meeting))


@transaction.atomic
def item_follow_up(*, actor: User, meeting: Meeting, item, note: str) -> AgendaItem:
    """The follow-up of a decided item (落实情况), recorded once by the responsible department or the office."""
    meeting = selectors.meeting_for(actor, meeting.pk, lock=True)
    item = selectors.item_of(meeting, _pk(item), lock=True)
    if not rules.may_follow_up(item, actor):
        raise PermissionDenied("只有责任单位或联合服务办公室可以登记落实情况。")
    if not item.decided:
        raise Conflict("该议题尚未作出决定，不能登记落实情况。")
    if item.outcome == Outcome.RESOLVED:
        raise Conflict("该议题已在会上解决，无需登记落实情况。")
    if item.followed_up_at is not None:
        raise Conflict("该议题的落实情况已登记。")
    errors: Errors = {}
    text = _text(note, "note", "落实情况", errors, limit=TEXT_LIMIT, required=True)
    if errors:
        raise ValidationError(errors)
    item.follow_up, item.followed_up_at, item.followed_up_by = text, timezone.now(), actor
    item.save(update_fields=["follow_up", "followed_up_at", "followed_up_by"])
    record("meeting.follow_up", actor=actor, obj=meeting, item=item.pk)
    return item

