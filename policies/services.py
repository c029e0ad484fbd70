"""Every change of a policy (OUTREACH §2): create, update, publish, withdraw, attach a file; and an enterprise's
reading and marking of a policy that fits it. Keyword-only acts: atomic, the row locked, permission checked here
(403 for a role that edits no policy or a department that does not own it), rule errors per field in Chinese,
the precise push queued after commit.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.industries import SECTION_NAMES
from accounts.models import Department, Domain, Enterprise, Region, Role, User
from core.dates import EARLIEST_HISTORIC_DATE, bounds_message
from core.errors import Conflict
from core.files import validate_upload
from core.search import document
from policies import selectors
from policies.models import Mode, Policy, PolicyAttachment, Reach, Scale
from policies.push import schedule_push

Errors = dict[str, list[str]]

TEXT_LIMITS = {"title": 200, "doc_number": 64, "contact": 100, "apply_url": 300}
# The fields matching reads: changing one of a published policy reaches enterprises not told before.
ELIGIBILITY_FIELDS = ("industries", "scales", "regions", "min_years", "max_years", "tags")
POLICY_FIELDS = (
    "title", "doc_number", "issued_on", "effective_from", "effective_to", "summary", "full_text", "domains", "mode",
    "apply_url", "contact", *ELIGIBILITY_FIELDS,
)
NOT_OWNER = "只有发布部门的工作人员或本区域联合服务办公室可以修改这项政策。"


# --- validation ----------------------------------------------------------------------------------------------------
def _codes(value, field: str, errors: Errors, label: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple):
        errors[field] = [f"{label}应为编码列表。"]
        return []
    codes = []
    for item in value:
        code = str(item).strip()
        if code and code not in codes:
            codes.append(code)
    return codes


def _date(value, field: str, errors: Errors, label: str, *, required: bool) -> datetime.date | None:
    if value in (None, ""):
        if required:
            errors[field] = [f"请填写{label}。"]
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        if message := bounds_message(label, value, earliest=EARLIEST_HISTORIC_DATE):
            errors[field] = [message]
        return value
    try:
        return _date(datetime.date.fromisoformat(str(value)), field, errors, label, required=required)
    except ValueError:
        errors[field] = [f"{label}格式不正确，应为 YYYY-MM-DD。"]
        return None


def _years(value, field: str, errors: Errors, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        years = int(value)
        if str(value).strip() != str(years) and not isinstance(value, int):
            raise ValueError
    except (TypeError, ValueError):
        errors[field] = [f"{label}应为整数（年）。"]
        return None
    if isinstance(value, bool) or years < 0 or years > 200:
        errors[field] = [f"{label}应为 0～200 之间的整数（年）。"]
        return None
    return years


def region_choices(region: Region) -> list[Region]:
    """The regions a policy of `region` may name: the region and the regions right below it."""
    return [region, *Region.objects.filter(parent=region, active=True).order_by("sort_order", "code")]


def validated(data: dict[str, Any], *, region: Region) -> dict[str, Any]:
    """Every policy field checked and turned into what the model stores; all errors together (ValidationError)."""
    from enterprises.models import Tag

    errors: Errors = {}
    out: dict[str, Any] = {}
    for name in ("title", "doc_number", "summary", "full_text", "contact", "apply_url"):
        value = data.get(name)
        out[name] = "" if value is None else str(value).strip()
        limit = TEXT_LIMITS.get(name)
        if limit and len(out[name]) > limit:
            errors[name] = [f"不能超过 {limit} 个字。"]
    if not out["title"]:
        errors["title"] = ["请填写政策名称。"]
    if not out["summary"]:
        errors["summary"] = ["请填写政策要点。"]
    url = out["apply_url"]
    if url and (not url.lower().startswith("https://") or len(url) <= len("https://")):
        errors["apply_url"] = ["申请网址必须是以 https:// 开头的完整网址。"]
    elif url and any(ch.isspace() for ch in url):
        errors["apply_url"] = ["申请网址不能包含空格。"]

    out["issued_on"] = _date(data.get("issued_on"), "issued_on", errors, "发文日期", required=True)
    out["effective_from"] = _date(data.get("effective_from"), "effective_from", errors, "生效日期", required=True)
    out["effective_to"] = _date(data.get("effective_to"), "effective_to", errors, "失效日期", required=False)
    if out["effective_from"] and out["effective_to"] and out["effective_to"] < out["effective_from"]:
        errors["effective_to"] = ["失效日期不能早于生效日期。"]

    mode = data.get("mode") or Mode.APPLY
    if mode not in Mode.values:
        errors["mode"] = [f"兑现方式无效，可选：{'、'.join(f'{m.value}（{m.label}）' for m in Mode)}。"]
    out["mode"] = mode

    domains = _codes(data.get("domains"), "domains", errors, "业务领域")
    found = {d.code: d for d in Domain.objects.filter(code__in=domains)}
    unknown = [c for c in domains if c not in found]
    if unknown:
        errors["domains"] = [f"没有这个业务领域：{'、'.join(unknown)}。"]
    out["domains"] = [found[c] for c in domains if c in found]

    industries = _codes(data.get("industries"), "industries", errors, "适用行业")
    bad = [c for c in industries if c not in SECTION_NAMES]
    if bad:
        errors["industries"] = [f"行业门类必须是 A～T 的门类字母，无效：{'、'.join(bad)}。"]
    out["industries"] = sorted(industries)

    scales = _codes(data.get("scales"), "scales", errors, "适用规模")
    bad = [c for c in scales if c not in Scale.values]
    if bad:
        errors["scales"] = [f"企业规模无效：{'、'.join(bad)}；可选：大型 large、中型 medium、小型 small、微型 micro。"]
    out["scales"] = [c for c in Scale.values if c in scales]

    regions = _codes(data.get("regions"), "regions", errors, "适用区域")
    allowed = {r.code for r in region_choices(region)}
    bad = [c for c in regions if c not in allowed]
    if bad:
        errors["regions"] = [f"适用区域必须是{region.name}或其下辖区域，无效：{'、'.join(bad)}。"]
    out["regions"] = regions

    tags = _codes(data.get("tags"), "tags", errors, "企业标签")
    active = set(Tag.objects.filter(code__in=tags, active=True).values_list("code", flat=True))
    bad = [c for c in tags if c not in active]
    if bad:
        errors["tags"] = [f"没有这个企业标签（或已停用）：{'、'.join(bad)}。"]
    out["tags"] = tags

    out["min_years"] = _years(data.get("min_years"), "min_years", errors, "成立年限下限")
    out["max_years"] = _years(data.get("max_years"), "max_years", errors, "成立年限上限")
    if out["min_years"] is not None and out["max_years"] is not None and out["max_years"] < out["min_years"]:
        errors["max_years"] = ["成立年限上限不能小于下限。"]

    if errors:
        raise ValidationError(errors)
    return out


# --- permission ----------------------------------------------------------------------------------------------------
def _check_may_edit(actor: User, policy: Policy) -> None:
    selectors.require_editor(actor)
    if not selectors.may_edit(actor, policy):
        raise PermissionDenied(NOT_OWNER)


def _issuer(actor: User, department: str | Department | None) -> Department:
    """The caller's department; the office may name another department of its region."""
    selectors.require_editor(actor)
    own = actor.department
    if department in (None, "") or department == own or department == own.code:
        return own
    if actor.role != Role.OFFICE:
        raise PermissionDenied("部门工作人员只能以本部门名义发布政策。")
    chosen = department if isinstance(department, Department) else (
        Department.objects.filter(code=department, active=True).select_related("region").first())
    if chosen is None or chosen.region_id != own.region_id:
        raise ValidationError({"department": ["发布部门必须是本区域的部门。"]})
    return chosen


def _lock(policy: Policy) -> Policy:
    return Policy.objects.select_for_update().select_related("region", "department").get(pk=policy.pk)


def _apply(policy: Policy, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name != "domains":
            setattr(policy, name, value)
    policy.search_text = document(policy.title, policy.doc_number, policy.summary)


# --- acts ----------------------------------------------------------------------------------------------------------
@transaction.atomic
def policy_create(*, actor: User, data: dict[str, Any], department: str | Department | None = None) -> Policy:
    """A draft policy of the caller's department (the office may name a department of its region)."""
    issuer = _issuer(actor, department)
    values = validated(data, region=issuer.region)
    policy = Policy(department=issuer, region=issuer.region, created_by=actor)
    _apply(policy, values)
    policy.save()
    policy.domains.set(values["domains"])
    return policy


@transaction.atomic
def policy_update(*, actor: User, policy: Policy, data: dict[str, Any]) -> Policy:
    """Change a draft or published policy. `data` holds the fields to change (absent ones keep their value). A changed
    eligibility of a published policy pushes it to the enterprises it now fits that were not told before."""
    _check_may_edit(actor, policy)
    policy = _lock(policy)
    if policy.state == Policy.State.WITHDRAWN:
        raise Conflict("已撤回的政策不能再修改。")
    current = {name: getattr(policy, name) for name in POLICY_FIELDS if name != "domains"}
    current["domains"] = list(policy.domains.values_list("code", flat=True))
    merged = {**current, **{k: v for k, v in data.items() if k in POLICY_FIELDS}}
    values = validated(merged, region=policy.region)
    eligibility_changed = any(values[name] != current[name] for name in ELIGIBILITY_FIELDS)
    _apply(policy, values)
    policy.save()
    policy.domains.set(values["domains"])
    if policy.state == Policy.State.PUBLISHED and eligibility_changed:
        schedule_push(policy)
    return policy


@transaction.atomic
def policy_publish(*, actor: User, policy: Policy) -> Policy:
    _check_may_edit(actor, policy)
    policy = _lock(policy)
    if policy.state != Policy.State.DRAFT:
        raise Conflict(f"政策当前为“{policy.get_state_display()}”，只有草稿可以发布。")
    policy.publish()
    policy.save(update_fields=["state", "published_at", "updated_at"])
    schedule_push(policy)
    return policy


@transaction.atomic
def policy_withdraw(*, actor: User, policy: Policy, reason: str) -> Policy:
    _check_may_edit(actor, policy)
    policy = _lock(policy)
    if policy.state != Policy.State.PUBLISHED:
        raise Conflict(f"政策当前为“{policy.get_state_display()}”，只有已发布的政策可以撤回。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写撤回原因。"]})
    if len(reason) > 500:
        raise ValidationError({"reason": ["撤回原因不能超过 500 个字。"]})
    policy.withdraw(reason=reason)
    policy.save(update_fields=["state", "withdrawn_at", "withdraw_reason", "updated_at"])
    return policy


@transaction.atomic
def attachment_add(*, actor: User, policy: Policy, upload) -> PolicyAttachment:
    _check_may_edit(actor, policy)
    if policy.state == Policy.State.WITHDRAWN:
        raise Conflict("已撤回的政策不能再上传附件。")
    validate_upload(upload, "file")
    return PolicyAttachment.objects.create(
        policy=policy, file=upload, original_name=upload.name[:200],
        content_type=getattr(upload, "content_type", "") or "application/octet-stream", size=upload.size,
        uploaded_by=actor,
    )


# --- the enterprise and a policy that fits it ---------------------------------------------------------------------
ENTERPRISE_MARKS = (Reach.Status.INTERESTED, Reach.Status.APPLIED)
ORDER = {Reach.Status.NEW: 0, Reach.Status.READ: 1, Reach.Status.INTERESTED: 2, Reach.Status.APPLIED: 3}


def _enterprise_of(actor: User) -> Enterprise:
    if not actor.is_authenticated or actor.role != Role.ENTERPRISE or not actor.enterprise_id:
        raise PermissionDenied("只有企业用户可以标记为本企业匹配的政策。")
    return actor.enterprise


def _matched_or_404(policy: Policy, enterprise: Enterprise):
    from django.http import Http404

    if not selectors.match_for_enterprise(policy, enterprise):
        raise Http404("这项政策不在为本企业匹配的政策中。")


@transaction.atomic
def policy_mark_read(*, actor: User, policy: Policy) -> Reach | None:
    """Opening a policy that fits the enterprise marks it read (the row is written if the push never reached it).
    A policy that does not fit leaves nothing behind."""
    enterprise = _enterprise_of(actor)
    if not selectors.match_for_enterprise(policy, enterprise):
        return None
    now = timezone.now()
    reach, created = Reach.objects.get_or_create(
        policy=policy, enterprise=enterprise,
        defaults={"status": Reach.Status.READ, "read_at": now, "status_changed_at": now},
    )
    if not created and reach.status == Reach.Status.NEW:
        reach.status, reach.read_at, reach.status_changed_at = Reach.Status.READ, now, now
        reach.save(update_fields=["status", "read_at", "status_changed_at"])
    return reach


@transaction.atomic
def policy_mark(*, actor: User, policy: Policy, status: str) -> Reach:
    """The enterprise says it is interested in, or has applied for, a policy that fits it."""
    enterprise = _enterprise_of(actor)
    if status not in Reach.Status.values:
        raise ValidationError({"status": ["状态无效，可选：interested（感兴趣）、applied（已申报）。"]})
    if status not in ENTERPRISE_MARKS:
        raise ValidationError({"status": ["企业只能标记“感兴趣”（interested）或“已申报”（applied）。"]})
    if not policy.is_active():
        raise Conflict("这项政策已失效或已撤回，不能再标记。")
    _matched_or_404(policy, enterprise)
    now = timezone.now()
    reach, created = Reach.objects.select_for_update().get_or_create(
        policy=policy, enterprise=enterprise,
        defaults={"status": status, "read_at": now, "status_changed_at": now},
    )
    if not created and reach.status != status:
        if ORDER[reach.status] > ORDER[status]:
            raise Conflict("已标记为“已申报”，不能改回“感兴趣”。")
        reach.status, reach.status_changed_at = status, now
        reach.read_at = reach.read_at or now
        reach.save(update_fields=["status", "read_at", "status_changed_at"])
    return reach
