"""Every change of a training session (OUTREACH §3): create, edit, publish, cancel (registrants told, with the reason),
mark held, add a file; an enterprise user's sign-up and its cancellation; attendance; feedback.

Each act: `transaction.atomic`; lock the session's row (`select_for_update`); check who may act (403) and from which
state (409); validate every field together (ValidationError with Chinese messages per field, nothing saved); call the
`@transition`; save `update_fields`; write the audit row; queue notifications on commit.

Capacity is held exactly: a sign-up locks the session row, so sign-ups of one session run one after another, and
`seats_taken` is read after the lock is granted and written in the same transaction (a CHECK keeps it ≤ capacity).
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_fsm import can_proceed, has_transition_perm

from accounts.models import Department, Role, User
from audit.services import record
from core.dates import bounds_message
from core.errors import Conflict
from core.files import ALLOWED_EXTENSIONS, extension, validate_upload
from notifications.services import notify
from trainings import rules, selectors
from trainings.models import (
    Feedback,
    Registration,
    Topic,
    TrainingAttachment,
    TrainingSession,
)

Errors = dict[str, list[str]]
FIELDS = ("topic", "title", "description", "starts_at", "ends_at", "venue", "online_url", "capacity",
          "signup_closes_at", "policies")
MAX_CAPACITY = 100_000
FULL = "已满：这场培训的名额已报满。"
CLOSED = "报名已截止。"
CANCELLED = "这场培训已取消。"
ALREADY = "您已报名这场培训。"


# --- validation ----------------------------------------------------------------------------------------------------
def _moment(value, field: str, label: str, errors: Errors) -> datetime.datetime | None:
    if value in (None, ""):
        errors[field] = [f"请填写{label}。"]
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value.strip())
        if parsed is None:
            errors[field] = [f"{label}格式不正确，应为 YYYY-MM-DDTHH:MM:SS+08:00。"]
            return None
        value = parsed
    if not isinstance(value, datetime.datetime):
        errors[field] = [f"{label}格式不正确。"]
        return None
    if message := bounds_message(label, value):
        errors[field] = [message]
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def validated(data: dict[str, Any], *, region_id: int) -> dict[str, Any]:
    """Every session field checked and turned into what the model stores; all errors together (ValidationError)."""
    from policies.models import Policy

    errors: Errors = {}
    out: dict[str, Any] = {}
    topic = data.get("topic")
    if topic not in Topic.values:
        errors["topic"] = [f"请选择主题：{'、'.join(f'{label}（{code}）' for code, label in Topic.choices)}。"]
    out["topic"] = topic
    for name, label, limit in (("title", "标题", 200), ("description", "内容介绍", 5000), ("venue", "地点", 200),
                               ("online_url", "线上参加网址", 300)):
        value = data.get(name)
        value = "" if value is None else value
        if not isinstance(value, str):
            errors[name] = [f"{label}必须是文字。"]
            value = ""
        value = value.strip()
        if len(value) > limit:
            errors[name] = [f"{label}不能超过 {limit} 个字。"]
        out[name] = value
    if not out["title"] and "title" not in errors:
        errors["title"] = ["请填写标题。"]
    if out["online_url"]:
        try:
            URLValidator(schemes=["https"])(out["online_url"])
        except ValidationError:
            errors["online_url"] = ["线上参加网址必须是以 https:// 开头的有效网址。"]
    if not out["venue"] and not out["online_url"] and "venue" not in errors and "online_url" not in errors:
        errors["venue"] = ["请填写地点或线上参加网址（至少一项）。"]

    capacity = data.get("capacity")
    try:
        if isinstance(capacity, bool) or capacity in (None, ""):
            raise ValueError
        capacity = int(str(capacity).strip()) if not isinstance(capacity, int) else capacity
    except (TypeError, ValueError):
        errors["capacity"] = ["请填写名额（正整数）。"]
        capacity = None
    if capacity is not None and not 0 < capacity <= MAX_CAPACITY:
        errors["capacity"] = [f"名额应为 1～{MAX_CAPACITY} 之间的整数。"]
        capacity = None
    out["capacity"] = capacity

    out["starts_at"] = _moment(data.get("starts_at"), "starts_at", "开始时间", errors)
    out["ends_at"] = _moment(data.get("ends_at"), "ends_at", "结束时间", errors)
    out["signup_closes_at"] = _moment(data.get("signup_closes_at"), "signup_closes_at", "报名截止时间", errors)
    if out["starts_at"] and out["ends_at"] and out["ends_at"] <= out["starts_at"]:
        errors["ends_at"] = ["结束时间必须晚于开始时间。"]
    if out["starts_at"] and out["signup_closes_at"] and out["signup_closes_at"] > out["starts_at"]:
        errors["signup_closes_at"] = ["报名截止时间不能晚于开始时间。"]

    ids = data.get("policies") or []
    if isinstance(ids, str | int) or not isinstance(ids, list | tuple | set):
        errors["policies"] = ["相关政策应为政策 id 列表。"]
        ids = []
    clean_ids = []
    for value in ids:
        pk = value.pk if isinstance(value, Policy) else value
        if isinstance(pk, bool) or not str(pk).strip().isdigit():
            errors["policies"] = ["相关政策应为政策 id 列表。"]
            break
        clean_ids.append(int(str(pk).strip()))
    found = {p.pk: p for p in Policy.objects.filter(pk__in=clean_ids, state=Policy.State.PUBLISHED)}
    missing = [str(pk) for pk in clean_ids if pk not in found]
    if missing and "policies" not in errors:
        errors["policies"] = [f"相关政策不存在或未发布：{'、'.join(missing)}。"]
    out["policies"] = [found[pk] for pk in dict.fromkeys(clean_ids) if pk in found]
    if errors:
        raise ValidationError(errors)
    return out


# --- helpers -------------------------------------------------------------------------------------------------------
def _lock(session: TrainingSession) -> TrainingSession:
    return TrainingSession.objects.select_for_update(of=("self",)).select_related("department", "region").get(
        pk=session.pk)


def _authorize(session: TrainingSession, actor: User, transition: str, what: str) -> None:
    """403 unless the actor manages the session; 409 unless the transition may run from the session's state now."""
    method = getattr(session, transition)
    if not rules.may_manage(session, actor):
        raise PermissionDenied(f"只有主办部门的工作人员或本区域联合服务办公室可以{what}。")
    if not can_proceed(method, check_conditions=False):
        raise Conflict(f"培训当前为“{session.get_state_display()}”，不能{what}。")
    if not can_proceed(method):
        raise Conflict(f"培训尚未开始，不能{what}。")
    if not has_transition_perm(method, actor):
        raise PermissionDenied(f"您没有权限{what}。")


def _organiser(actor: User, department) -> Department:
    """The caller's department; the office may name another department of its region."""
    selectors.require_manager(actor)
    own = actor.department
    if department in (None, "") or department == own or department == own.code:
        return own
    if actor.role != Role.OFFICE:
        raise PermissionDenied("部门工作人员只能以本部门名义举办培训。")
    chosen = department if isinstance(department, Department) else (
        Department.objects.filter(code=department, active=True).first())
    if chosen is None or chosen.region_id != own.region_id:
        raise ValidationError({"department": ["主办部门必须是本区域的在用部门。"]})
    return chosen


def _apply(session: TrainingSession, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name != "policies":
            setattr(session, name, value)


def session_url(session: TrainingSession) -> str:
    return reverse("trainings:public_detail", args=[session.pk])


# --- the organiser's acts ------------------------------------------------------------------------------------------
@transaction.atomic
def session_create(*, actor: User, data: dict[str, Any], department=None) -> TrainingSession:
    """A draft session of the caller's department (the office may name a department of its region)."""
    organiser = _organiser(actor, department)
    values = validated(data, region_id=organiser.region_id)
    session = TrainingSession(department=organiser, region_id=organiser.region_id, created_by=actor)
    _apply(session, values)
    session.save(force_insert=True)
    session.policies.set(values["policies"])
    record("training.create", actor=actor, obj=session, department=organiser.code)
    return session


@transaction.atomic
def session_update(*, actor: User, session: TrainingSession, data: dict[str, Any]) -> TrainingSession:
    """Change a draft or published session (absent fields keep their value); the capacity never drops below the
    seats already taken."""
    selectors.require_manager(actor)
    session = _lock(session)
    if not rules.may_manage(session, actor):
        raise PermissionDenied("只有主办部门的工作人员或本区域联合服务办公室可以修改这场培训。")
    if session.state not in (TrainingSession.State.DRAFT, TrainingSession.State.PUBLISHED):
        raise Conflict(f"培训当前为“{session.get_state_display()}”，不能再修改。")
    current = {name: getattr(session, name) for name in FIELDS if name != "policies"}
    current["policies"] = list(session.policies.values_list("pk", flat=True))
    values = validated({**current, **{k: v for k, v in data.items() if k in FIELDS}}, region_id=session.region_id)
    if values["capacity"] < session.seats_taken:
        raise ValidationError({"capacity": [f"已有 {session.seats_taken} 人报名，名额不能少于已报名人数。"]})
    _apply(session, values)
    session.save()
    session.policies.set(values["policies"])
    record("training.update", actor=actor, obj=session)
    return session


@transaction.atomic
def session_publish(*, actor: User, session: TrainingSession) -> TrainingSession:
    session = _lock(session)
    _authorize(session, actor, "publish", "发布这场培训")
    if session.signup_closes_at <= timezone.now():
        raise ValidationError({"signup_closes_at": ["报名截止时间已过，请先修改时间再发布。"]})
    session.publish()
    session.save(update_fields=["state", "published_at", "updated_at"])
    record("training.publish", actor=actor, obj=session)
    return session


@transaction.atomic
def session_hold(*, actor: User, session: TrainingSession) -> TrainingSession:
    """The organiser marks a published session held once it has started."""
    session = _lock(session)
    _authorize(session, actor, "hold", "标记为已举办")
    session.hold()
    session.save(update_fields=["state", "held_at", "updated_at"])
    record("training.hold", actor=actor, obj=session)
    return session


@transaction.atomic
def session_cancel(*, actor: User, session: TrainingSession, reason: str) -> TrainingSession:
    """Cancel a draft or published session; every registrant is told, in the app and by SMS/email, with the reason."""
    session = _lock(session)
    _authorize(session, actor, "cancel", "取消这场培训")
    reason = (reason or "").strip() if isinstance(reason, str | type(None)) else ""
    if not reason:
        raise ValidationError({"reason": ["请填写取消原因。"]})
    if len(reason) > 500:
        raise ValidationError({"reason": ["取消原因不能超过 500 个字。"]})
    session.cancel(reason=reason)
    session.save(update_fields=["state", "cancelled_at", "cancel_reason", "updated_at"])
    record("training.cancel", actor=actor, obj=session, registrants=session.seats_taken)
    people = list(User.objects.filter(training_registrations__session=session, is_active=True))
    starts = timezone.localtime(session.starts_at)
    notify(
        recipients=people, event="training_cancel", key=f"training-cancel-{session.pk}",
        title=f"培训取消：{session.title}",
        body=f"您报名的“{session.title}”（原定 {starts:%Y-%m-%d %H:%M}）已取消。原因：{reason}",
        url=reverse("trainings:mine"),  # the session's public page is gone; "我的培训" says why
    )
    return session


@transaction.atomic
def attachment_add(*, actor: User, session: TrainingSession, upload) -> TrainingAttachment:
    session = _lock(session)
    if not rules.may_manage(session, actor):
        raise PermissionDenied("只有主办部门的工作人员或本区域联合服务办公室可以上传培训资料。")
    if session.state == TrainingSession.State.CANCELLED:
        raise Conflict("已取消的培训不能再上传资料。")
    if upload is None:
        raise ValidationError({"file": ["请选择要上传的文件。"]})
    validate_upload(upload, "file")
    attachment = TrainingAttachment.objects.create(
        session=session, file=upload, original_name=os.path.basename(upload.name)[:200],
        content_type=ALLOWED_EXTENSIONS[extension(upload.name)], size=upload.size, uploaded_by=actor,
    )
    record("training.attachment", actor=actor, obj=session, file=attachment.original_name)
    return attachment


@transaction.atomic
def attendance_record(*, actor: User, session: TrainingSession, usernames: list[str], attended: bool) -> int:
    """Mark registrants present (or absent) once the session has started; a name that is not a registrant → 400."""
    session = _lock(session)
    if not rules.may_manage(session, actor):
        raise PermissionDenied("只有主办部门的工作人员或本区域联合服务办公室可以登记出席。")
    if session.state not in (TrainingSession.State.PUBLISHED, TrainingSession.State.HELD):
        raise Conflict(f"培训当前为“{session.get_state_display()}”，不能登记出席。")
    if session.starts_at > timezone.now():
        raise Conflict("培训尚未开始，不能登记出席。")
    if not isinstance(usernames, list | tuple) or not all(isinstance(name, str) for name in usernames):
        raise ValidationError({"users": ["users 应为用户名列表。"]})
    names = list(dict.fromkeys(name.strip() for name in usernames if name.strip()))
    if not names:
        raise ValidationError({"users": ["请至少选择一名报名人。"]})
    rows = {r.user.username: r for r in session.registrations.select_related("user").filter(user__username__in=names)}
    unknown = [name for name in names if name not in rows]
    if unknown:
        raise ValidationError({"users": [f"以下用户没有报名这场培训：{'、'.join(unknown[:20])}。"]})
    now = timezone.now()
    changed = Registration.objects.filter(pk__in=[r.pk for r in rows.values()]).update(
        attended=bool(attended), attendance_recorded_at=now)
    record("training.attendance", actor=actor, obj=session, count=changed, attended=bool(attended))
    return changed


def attendance_set(*, actor: User, session: TrainingSession, present: set[str]) -> None:
    """The web form: every registrant listed, the ticked ones present and the others absent."""
    with transaction.atomic():
        all_names = set(session.registrations.values_list("user__username", flat=True))
        if present:
            attendance_record(actor=actor, session=session, usernames=sorted(present), attended=True)
        absent = all_names - set(present)
        if absent:
            attendance_record(actor=actor, session=session, usernames=sorted(absent), attended=False)
        if not all_names:
            raise ValidationError({"users": ["还没有人报名，无需登记出席。"]})


# --- the enterprise user's acts ------------------------------------------------------------------------------------
def _require_enterprise(actor: User) -> None:
    if not rules.is_enterprise_user(actor):
        raise PermissionDenied("只有企业用户可以报名参加培训。")


@transaction.atomic
def signup(*, actor: User, session: TrainingSession) -> Registration:
    """Take one seat: 409 when the session is full ("已满"), closed, cancelled, or the user already has a seat.

    1. Lock the session row: sign-ups of one session queue here, so each reads the seats taken by those before it.
    2. Refuse by state, by closing time, by an existing seat, by capacity.
    3. Write the registration and add one seat in the same transaction.
    """
    _require_enterprise(actor)
    session = _lock(session)
    if session.state == TrainingSession.State.CANCELLED:
        raise Conflict(CANCELLED)
    if session.state != TrainingSession.State.PUBLISHED:
        raise Conflict(f"培训当前为“{session.get_state_display()}”，不能报名。")
    if timezone.now() >= session.signup_closes_at:
        raise Conflict(CLOSED)
    if Registration.objects.filter(session=session, user=actor).exists():
        raise Conflict(ALREADY)
    if session.seats_taken >= session.capacity:
        raise Conflict(FULL)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(session=session, user=actor, enterprise_id=actor.enterprise_id)
    except IntegrityError:
        raise Conflict(ALREADY) from None
    TrainingSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)
    record("training.signup", actor=actor, obj=session)
    return registration


@transaction.atomic
def signup_cancel(*, actor: User, session: TrainingSession) -> None:
    """Give the seat back, before the sign-up closes."""
    _require_enterprise(actor)
    session = _lock(session)
    registration = Registration.objects.filter(session=session, user=actor).first()
    if registration is None:
        raise Conflict("您没有报名这场培训。")
    if session.state != TrainingSession.State.PUBLISHED:
        raise Conflict(f"培训当前为“{session.get_state_display()}”，不能取消报名。")
    if timezone.now() >= session.signup_closes_at:
        raise Conflict("报名已截止，不能再取消报名。如不能参加，请联系主办部门。")
    registration.delete()
    TrainingSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") - 1)
    record("training.signup_cancel", actor=actor, obj=session)


@transaction.atomic
def feedback_give(*, actor: User, session: TrainingSession, score, comment: str = "") -> Feedback:
    """An attendee's score (1–5) and comment, once, after the session ended."""
    _require_enterprise(actor)
    session = _lock(session)
    registration = Registration.objects.select_for_update().filter(session=session, user=actor).first()
    if registration is None or not registration.attended:
        raise PermissionDenied("只有出席了这场培训的报名人可以评价。")
    if session.state not in (TrainingSession.State.PUBLISHED, TrainingSession.State.HELD):
        raise Conflict(f"培训当前为“{session.get_state_display()}”，不能评价。")
    if timezone.now() < session.ends_at:
        raise Conflict("培训结束后才能评价。")
    errors: Errors = {}
    if isinstance(score, bool) or not isinstance(score, int | str):
        errors["score"] = ["评分应为 1～5 的整数。"]
    else:
        try:
            score = int(str(score).strip())
        except ValueError:
            errors["score"] = ["评分应为 1～5 的整数。"]
        else:
            if not 1 <= score <= 5:
                errors["score"] = ["评分应为 1～5 的整数。"]
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        errors["comment"] = ["意见建议必须是文字。"]
    elif len(comment.strip()) > 1000:
        errors["comment"] = ["意见建议不能超过 1000 个字。"]
    if errors:
        raise ValidationError(errors)
    if Feedback.objects.filter(registration=registration).exists():
        raise Conflict("您已评价过这场培训。")
    feedback = Feedback.objects.create(registration=registration, score=score, comment=comment.strip())
    record("training.feedback", actor=actor, obj=session, score=score)
    return feedback
