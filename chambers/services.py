"""Every change of chambers, memberships, rotation plans and activities (OUTREACH §4). Keyword-only acts: atomic,
permission checked here (403), all input errors together per field in Chinese (ValidationError → 400), state
conflicts as core.errors.Conflict (409), one audit row per act."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Department, Region, Role, User
from audit.services import record
from chambers import rules
from chambers.models import (
    Activity,
    ActivityFile,
    Chamber,
    ChamberMembership,
    RotationEntry,
    RotationPlan,
)
from core.dates import bounds_message
from core.errors import Conflict
from core.files import ALLOWED_EXTENSIONS, extension, validate_upload

Errors = dict[str, list[str]]
OVERLAP = "该商会在 {start}～{end} 已有轮值安排（{theme}），同一商会的轮值时间不能重叠。"
MAX_ENTERPRISES = 100000


# --- input helpers -------------------------------------------------------------------------------------------------
def _text(data: dict, name: str, label: str, errors: Errors, *, limit: int, required: bool = True) -> str:
    value = data.get(name)
    value = "" if value is None else str(value).strip()
    if "\x00" in value:
        errors[name] = [f"{label}不能含有特殊字符。"]
    elif required and not value:
        errors[name] = [f"请填写{label}。"]
    elif len(value) > limit:
        errors[name] = [f"{label}不能超过 {limit} 个字。"]
    return value


def _date(data: dict, name: str, label: str, errors: Errors) -> datetime.date | None:
    value = data.get(name)
    if value in (None, ""):
        errors[name] = [f"请填写{label}。"]
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            errors[name] = [f"{label}格式不正确，应为 YYYY-MM-DD。"]
            return None
    if message := bounds_message(label, value):
        errors[name] = [message]
        return None
    return value


def _int(value, name: str, label: str, errors: Errors, *, default: int | None = None) -> int | None:
    if value in (None, ""):
        return default
    if isinstance(value, bool):
        errors[name] = [f"{label}应为整数。"]
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors[name] = [f"{label}应为整数。"]
        return None
    return number


def _own_chamber(actor: User, value, errors: Errors, *, field: str = "chamber") -> Chamber | None:
    """The chamber named by id (or given), in the actor's region; another region's reads as unknown."""
    if isinstance(value, Chamber):
        value = value.pk
    pk = _int(value, field, "商会", errors)
    if pk is None:
        errors.setdefault(field, ["请选择商会或协会。"])
        return None
    chamber = Chamber.objects.filter(pk=pk, region_id=rules.region_id_of(actor)).first()
    if chamber is None:
        errors[field] = ["商会或协会不存在或不属于本区域。"]
    return chamber


def _check(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


# --- chambers and their users --------------------------------------------------------------------------------------
@transaction.atomic
def chamber_create(*, actor: User, data: dict[str, Any]) -> Chamber:
    """A chamber or trade association of the federation's region (`region`, when given, must be that region)."""
    if not rules.is_federation(actor):
        raise PermissionDenied(rules.NOT_FEDERATION)
    region_id = rules.region_id_of(actor)
    named = data.get("region")
    if named not in (None, ""):
        region = Region.objects.filter(code=str(named)).first()
        if region is None:
            raise ValidationError({"region": [f"没有这个区域：{str(named)[:32]}。"]})
        if region.pk != region_id:
            raise PermissionDenied("只能登记本区域的商会和协会。")
    errors: Errors = {}
    name = _text(data, "name", "名称", errors, limit=100)
    contact = _text(data, "contact", "联系人及电话", errors, limit=100, required=False)
    kind = data.get("kind") or Chamber.Kind.CHAMBER
    if kind not in Chamber.Kind.values:
        errors["kind"] = ["类别无效，可选：chamber（商会）、association（行业协会）。"]
    if name and "name" not in errors and Chamber.objects.filter(region_id=region_id, name=name).exists():
        errors["name"] = ["本区域已有同名的商会或协会。"]
    _check(errors)
    try:
        with transaction.atomic():
            chamber = Chamber.objects.create(region_id=region_id, name=name, kind=kind, contact=contact,
                                             created_by=actor)
    except IntegrityError:
        raise ValidationError({"name": ["本区域已有同名的商会或协会。"]}) from None
    record("chambers.chamber_create", actor=actor, obj=chamber, kind=kind)
    return chamber


@transaction.atomic
def membership_set(*, actor: User, user: User, chamber: Chamber) -> ChamberMembership:
    """Place a chamber user of the region in one chamber (moving them when they belonged to another)."""
    region_id = rules.region_id_of(actor)
    if not rules.may_manage(actor, chamber.region_id):
        raise PermissionDenied(rules.NOT_FEDERATION)
    if user.role != Role.CHAMBER or rules.region_id_of(user) != region_id:
        raise ValidationError({"user": ["只能为本区域的商会工作人员账号设置所属商会。"]})
    membership, _created = ChamberMembership.objects.update_or_create(
        user=user, defaults={"chamber": chamber, "assigned_by": actor, "assigned_at": timezone.now()})
    record("chambers.membership_set", actor=actor, obj=membership, user=user.username, chamber=chamber.pk)
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: ChamberMembership) -> None:
    if not rules.may_manage(actor, membership.chamber.region_id):
        raise PermissionDenied(rules.NOT_FEDERATION)
    record("chambers.membership_remove", actor=actor, obj=membership, user=membership.user.username)
    membership.delete()


# --- the rotation plan ---------------------------------------------------------------------------------------------
def _plan(region_id: int, year: int) -> RotationPlan:
    plan, _created = RotationPlan.objects.get_or_create(region_id=region_id, year=year)
    return plan


@transaction.atomic
def entry_add(*, actor: User, data: dict[str, Any]) -> RotationEntry:
    """A chamber's turn in the year's plan (the plan is created as a draft when it has none yet).

    1. Only the federation of the actor's region; the chamber must be of that region.
    2. Every field checked, all errors together: dates within the platform's bounds, `ends_on` ≥ `starts_on`, the turn
       starting in the plan's year.
    3. The chamber's row is locked, so two turns of one chamber are never checked side by side; an overlap is refused
       with the turn it collides with (on PostgreSQL the exclusion constraint says the same).
    """
    if not rules.is_federation(actor):
        raise PermissionDenied(rules.NOT_FEDERATION)
    errors: Errors = {}
    year = _int(data.get("year"), "year", "年度", errors)
    if year is None and "year" not in errors:
        errors["year"] = ["请填写年度。"]
    elif year is not None and not 2000 <= year <= 2099:
        errors["year"] = ["年度应在 2000～2099 之间。"]
    chamber = _own_chamber(actor, data.get("chamber"), errors)
    starts_on = _date(data, "starts_on", "开始日期", errors)
    ends_on = _date(data, "ends_on", "结束日期", errors)
    theme = _text(data, "theme", "轮值主题", errors, limit=200)
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = ["结束日期不能早于开始日期。"]
    if starts_on and year and "year" not in errors and starts_on.year != year:
        errors["starts_on"] = [f"开始日期应在 {year} 年内。"]
    _check(errors)

    Chamber.objects.select_for_update().filter(pk=chamber.pk).first()
    clash = (RotationEntry.objects.filter(chamber=chamber, starts_on__lte=ends_on, ends_on__gte=starts_on)
             .order_by("starts_on").first())
    if clash is not None:
        raise ValidationError({"starts_on": [_overlap(clash)]})
    plan = _plan(chamber.region_id, year)
    try:
        with transaction.atomic():
            entry = RotationEntry.objects.create(plan=plan, chamber=chamber, starts_on=starts_on, ends_on=ends_on,
                                                 theme=theme, created_by=actor)
    except IntegrityError:
        # The database's exclusion constraint (PostgreSQL): a turn committed between the check and the insert.
        raise ValidationError({"starts_on": ["该商会在这段时间已有轮值安排，同一商会的轮值时间不能重叠。"]}) from None
    record("chambers.entry_add", actor=actor, obj=entry, year=year, chamber=chamber.pk)
    return entry


def _overlap(entry: RotationEntry) -> str:
    return OVERLAP.format(start=f"{entry.starts_on:%Y-%m-%d}", end=f"{entry.ends_on:%Y-%m-%d}", theme=entry.theme)


@transaction.atomic
def plan_publish(*, actor: User, year: int) -> RotationPlan:
    """Publish the region's plan of `year` for everyone to read (409 when already published or empty)."""
    if not rules.is_federation(actor):
        raise PermissionDenied(rules.NOT_FEDERATION)
    plan = RotationPlan.objects.select_for_update().filter(region_id=rules.region_id_of(actor), year=year).first()
    if plan is None or not plan.entries.exists():
        raise Conflict(f"{year} 年的轮值计划还没有任何安排，不能发布。")
    if plan.published:
        raise Conflict(f"{year} 年的轮值计划已发布。")
    plan.published_at, plan.published_by = timezone.now(), actor
    plan.save(update_fields=["published_at", "published_by"])
    record("chambers.plan_publish", actor=actor, obj=plan, year=year)
    return plan


# --- activities ----------------------------------------------------------------------------------------------------
def _departments(value, region_id: int, errors: Errors) -> list[Department]:
    if value in (None, ""):
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple):
        errors["departments"] = ["参加部门应为部门编码列表。"]
        return []
    codes = []
    for item in value:
        code = item.code if isinstance(item, Department) else str(item).strip()
        if code and code not in codes:
            codes.append(code)
    found = {d.code: d for d in Department.objects.filter(code__in=codes, region_id=region_id, active=True)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["departments"] = [f"不是本区域的在用部门：{'、'.join(c[:48] for c in unknown[:10])}。"]
    return [found[c] for c in codes if c in found]


def _may_write_activities(actor: User) -> None:
    if not rules.is_reader(actor) or actor.role not in rules.ACTIVITY_WRITERS:
        raise PermissionDenied(rules.NOT_ACTIVITY_WRITER)
    if actor.role != Role.CHAMBER and not rules.is_federation(actor):
        raise PermissionDenied(rules.NOT_ACTIVITY_WRITER)
    if actor.role == Role.CHAMBER and rules.chamber_id_of(actor) is None:
        raise PermissionDenied(rules.NO_CHAMBER)


def _activity_fields(actor: User, chamber: Chamber | None, data: dict[str, Any], errors: Errors) -> dict[str, Any]:
    """The checked fields of an activity (everything but its chamber), the errors collected in `errors`."""
    region_id = rules.region_id_of(actor)
    kind = data.get("kind") or ""
    if kind not in Activity.Kind.values:
        errors["kind"] = [f"请选择活动类型，可选：{'、'.join(f'{k.value}（{k.label}）' for k in Activity.Kind)}。"]
    held_on = _date(data, "held_on", "活动日期", errors)
    if held_on and held_on > timezone.localdate():
        errors["held_on"] = ["活动日期不能晚于今天：活动举办后再登记。"]
    place = _text(data, "place", "活动地点", errors, limit=200)
    summary = _text(data, "summary", "活动情况", errors, limit=5000)
    count = _int(data.get("enterprises_count"), "enterprises_count", "参加企业数", errors, default=0)
    if count is not None and not 0 <= count <= MAX_ENTERPRISES:
        errors["enterprises_count"] = [f"参加企业数应在 0～{MAX_ENTERPRISES} 之间。"]
    departments = _departments(data.get("departments"), region_id, errors)
    entry = None
    named = data.get("rotation")
    if isinstance(named, RotationEntry):
        named = named.pk
    if named not in (None, ""):
        pk = _int(named, "rotation", "轮值安排", errors)
        entry = RotationEntry.objects.filter(pk=pk, plan__region_id=region_id).first() if pk is not None else None
        if entry is None:
            errors.setdefault("rotation", ["轮值安排不存在或不属于本区域。"])
        elif chamber is not None and entry.chamber_id != chamber.pk:
            errors["rotation"] = ["所选轮值安排不是该商会的轮值，请选择该商会的轮值安排。"]
    return {"kind": kind, "held_on": held_on, "place": place, "summary": summary, "enterprises_count": count or 0,
            "entry": entry, "departments": departments}


@transaction.atomic
def activity_record(*, actor: User, data: dict[str, Any]) -> Activity:
    """An activity held by a chamber: by the region's federation for any of its chambers, or by a chamber user for
    their own chamber (another chamber: 403). The plan entry, when named, must be the same chamber's turn."""
    _may_write_activities(actor)
    errors: Errors = {}
    chamber = _own_chamber(actor, data.get("chamber"), errors)
    if chamber is not None and not rules.may_record_for(actor, chamber):
        raise PermissionDenied(rules.OTHER_CHAMBER)
    fields = _activity_fields(actor, chamber, data, errors)
    _check(errors)
    departments = fields.pop("departments")
    activity = Activity.objects.create(chamber=chamber, region_id=chamber.region_id, created_by=actor, **fields)
    if departments:
        activity.departments.set(departments)
    record("chambers.activity_record", actor=actor, obj=activity, chamber=chamber.pk, kind=fields["kind"])
    return activity


@transaction.atomic
def activity_update(*, actor: User, activity: Activity, data: dict[str, Any]) -> Activity:
    """Correct an activity's record (its chamber stays): whoever may record activities for that chamber. The demands
    registered from it stay linked."""
    _may_write_activities(actor)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.region_id != rules.region_id_of(actor) or not rules.may_record_for(actor, activity.chamber):
        raise PermissionDenied(rules.OTHER_CHAMBER)
    errors: Errors = {}
    fields = _activity_fields(actor, activity.chamber, data, errors)
    _check(errors)
    departments = fields.pop("departments")
    changed = [name for name, value in fields.items() if getattr(activity, name) != value]
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save(update_fields=list(fields))
    activity.departments.set(departments)
    record("chambers.activity_update", actor=actor, obj=activity, changed=changed)
    return activity


@transaction.atomic
def file_add(*, actor: User, activity: Activity, upload) -> ActivityFile:
    """A photo or document of the activity (checked by core.files; a JPG/PNG is re-encoded there)."""
    if not rules.may_record_for(actor, activity.chamber):
        raise PermissionDenied("只有工商业联合会的工作人员或本商会的工作人员可以上传活动照片和附件。")
    if upload is None:
        raise ValidationError({"file": ["请选择要上传的文件。"]})
    validate_upload(upload, "file")
    attachment = ActivityFile.objects.create(
        activity=activity, file=upload, original_name=upload.name[:200],
        content_type=_content_type(upload.name), size=upload.size, uploaded_by=actor,
    )
    record("chambers.file_add", actor=actor, obj=attachment, activity=activity.pk)
    return attachment


def _content_type(name: str) -> str:
    """From the checked extension, never from what the browser claimed (a claimed image/svg+xml would run script
    when a photo is shown inline)."""
    return ALLOWED_EXTENSIONS.get(extension(name), "application/octet-stream")
