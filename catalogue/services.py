"""The acts on service items (OUTREACH §1): create a draft, edit, publish, retire, add or remove a file.

Each act: `transaction.atomic`; lock the row; check who may act (403) and from which state (409) through the rules;
validate every field together (ValidationError with Chinese messages per field, nothing saved); write.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import Department, Domain, User
from catalogue import rules
from catalogue.models import (
    GUIDE_FIELDS,
    Kind,
    ServiceAttachment,
    ServiceItem,
    ServiceKind,
)
from catalogue.selectors import managed_item, require_manager
from core.errors import Conflict, PermissionDenied, field_error
from core.files import ALLOWED_EXTENSIONS, extension, validate_upload

Errors = dict[str, list[str]]
TEXT_LIMIT = 5000
SHORT_LIMITS = {"name": ("事项名称", 120), "fee": ("收费标准", 500), "location": ("办理地点", 300),
                "hours": ("办理时间", 200), "phone": ("咨询电话", 64)}
LONG_LABELS = {"basis": "设定依据", "conditions": "申请条件", "steps": "办理流程", "responsibility": "职责依据"}
MATERIAL_KEYS = {"name", "original", "copies", "note"}
MAX_MATERIALS = 100
MAX_DAYS = 999


def ensure_kinds() -> None:
    """The reference list of kinds, as the migration seeds it (again after a test flushed it)."""
    for order, (code, name) in enumerate(Kind.choices):
        ServiceKind.objects.update_or_create(code=code, defaults={"name": str(name), "sort_order": order})


# --- the guide's fields ----------------------------------------------------------------------------------------------
def guide_values(item: ServiceItem) -> dict[str, Any]:
    """The guide as staff edit it now: the pending edit of a published item, else the item's own columns."""
    if item.pending is not None:
        return dict(item.pending)
    values = {name: getattr(item, name) for name in GUIDE_FIELDS if name != "domain"}
    values["domain"] = item.domain.code if item.domain_id else ""
    values["materials"] = list(item.materials or [])
    return values


def _materials(value, errors: Errors) -> list[dict]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        errors["materials"] = ["申请材料必须是列表，每项包含 name、original、copies、note。"]
        return []
    if len(value) > MAX_MATERIALS:
        errors["materials"] = [f"申请材料不能超过 {MAX_MATERIALS} 项。"]
        return []
    cleaned, messages = [], []
    for number, entry in enumerate(value, start=1):
        where = f"第 {number} 项材料"
        if not isinstance(entry, dict):
            messages.append(f"{where}格式不正确，应包含 name、original、copies、note。")
            continue
        unknown = set(entry) - MATERIAL_KEYS
        if unknown:
            messages.append(f"{where}含有不认识的字段：{'、'.join(sorted(map(str, unknown)))}。")
        name = entry.get("name")
        name = name.strip() if isinstance(name, str) else ""
        if not name:
            messages.append(f"{where}：请填写材料名称。")
        elif len(name) > 200:
            messages.append(f"{where}：材料名称不能超过 200 个字。")
        original = entry.get("original", False)
        if not isinstance(original, bool):
            messages.append(f"{where}：“是否原件”只能是 true 或 false。")
        copies = entry.get("copies", 1)
        if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 99:
            messages.append(f"{where}：份数必须是 1～99 的整数。")
        note = entry.get("note", "")
        if note is None:
            note = ""
        if not isinstance(note, str):
            messages.append(f"{where}：备注必须是文字。")
        elif len(note.strip()) > 500:
            messages.append(f"{where}：备注不能超过 500 个字。")
        cleaned.append({"name": name, "original": original, "copies": copies,
                        "note": note.strip() if isinstance(note, str) else ""})
    if messages:
        errors["materials"] = messages
    return cleaned


def _days(value, field: str, label: str, errors: Errors) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors[field] = [f"请填写{label}（工作日）。"]
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        days = value
    elif isinstance(value, str) and value.strip().isdigit():
        days = int(value.strip())
    else:
        errors[field] = [f"{label}必须是整数（工作日）。"]
        return None
    if not 0 <= days <= MAX_DAYS:
        errors[field] = [f"{label}必须在 0～{MAX_DAYS} 个工作日之间。"]
        return None
    return days


def clean_guide(data: dict[str, Any]) -> dict[str, Any]:
    """Every field of a guide checked together; returns the clean values (domain as a Domain) or raises
    ValidationError naming each wrong field in Chinese."""
    errors: Errors = {}
    out: dict[str, Any] = {}
    for field, (label, limit) in SHORT_LIMITS.items():
        value = data.get(field)
        text = value.strip() if isinstance(value, str) else ("" if value is None else None)
        if text is None:
            errors[field] = [f"{label}必须是文字。"]
            continue
        if len(text) > limit:
            errors[field] = [f"{label}不能超过 {limit} 个字。"]
        out[field] = text
    if not out.get("name") and "name" not in errors:
        errors["name"] = ["请填写事项名称。"]
    for field, label in LONG_LABELS.items():
        value = data.get(field)
        text = value.strip() if isinstance(value, str) else ("" if value is None else None)
        if text is None:
            errors[field] = [f"{label}必须是文字。"]
            continue
        if len(text) > TEXT_LIMIT:
            errors[field] = [f"{label}不能超过 {TEXT_LIMIT} 个字。"]
        out[field] = text

    domain = data.get("domain")
    if not isinstance(domain, Domain):
        domain = Domain.objects.filter(code=domain).first() if isinstance(domain, str) and domain else None
    if domain is None:
        errors["domain"] = ["请选择有效的业务领域。"]
    out["domain"] = domain

    kind = data.get("kind")
    if kind not in Kind.values:
        errors["kind"] = [f"请选择事项类型：{'、'.join(f'{label}（{code}）' for code, label in Kind.choices)}。"]
    out["kind"] = kind

    out["materials"] = _materials(data.get("materials"), errors)
    legal = _days(data.get("legal_days"), "legal_days", "法定办结时限", errors)
    promised = _days(data.get("promised_days"), "promised_days", "承诺办结时限", errors)
    if legal is not None and promised is not None and promised > legal:
        errors["promised_days"] = [f"承诺办结时限（{promised} 个工作日）不能超过法定办结时限（{legal} 个工作日）。"]
    out["legal_days"], out["promised_days"] = legal, promised

    url = data.get("online_url")
    url = url.strip() if isinstance(url, str) else ("" if url is None else None)
    if url is None:
        errors["online_url"] = ["网上办理地址必须是文字。"]
    elif url:
        try:
            URLValidator(schemes=["https"])(url)
        except ValidationError:
            errors["online_url"] = ["网上办理地址必须是以 https:// 开头的有效网址。"]
        if len(url) > 500:
            errors["online_url"] = ["网上办理地址不能超过 500 个字符。"]
    out["online_url"] = url or ""
    if errors:
        raise ValidationError(errors)
    return out


def _as_json(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "domain": values["domain"].code}


def _apply(item: ServiceItem, values: dict[str, Any]) -> None:
    """Write clean guide values (domain as a Domain or a code) into the item's columns."""
    for name in GUIDE_FIELDS:
        value = values[name]
        if name == "domain" and not isinstance(value, Domain):
            value = Domain.objects.get(code=value)
        setattr(item, name, value)
    item.search_text = item.search_document()


# --- acts ------------------------------------------------------------------------------------------------------------
def _next_code(department: Department) -> str:
    """`{department code}-NNNN`, under a lock on the department's row (two drafts at once never share a number)."""
    Department.objects.select_for_update().filter(pk=department.pk).first()
    prefix = f"{department.code}-"
    last = (
        ServiceItem.objects.filter(department=department, code__startswith=prefix)
        .order_by("-code").values_list("code", flat=True).first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{number:04d}"


@transaction.atomic
def item_create(*, actor: User, department: Department | None = None, **data) -> ServiceItem:
    """A draft item of the actor's department (a department's staff), or of a department of its region that the
    office names. The code is assigned here."""
    require_manager(actor)
    if department is None or department == "":
        department = actor.department
    elif not isinstance(department, Department):
        department = Department.objects.filter(code=department).first()
        if department is None:
            raise field_error("department", "部门编码不存在。")
    if department.id != actor.department_id:
        if actor.role != "office":
            raise PermissionDenied("只能为本部门创建服务事项。")
        if department.region_id != actor.department.region_id:
            raise field_error("department", f"部门“{department.name}”不属于本区域。")
    if not department.active:
        raise field_error("department", f"部门“{department.name}”已停用。")
    values = clean_guide({name: data.get(name) for name in GUIDE_FIELDS})
    item = ServiceItem(department=department, region_id=department.region_id, created_by=actor)
    _apply(item, values)
    item.code = _next_code(department)
    item.save(force_insert=True)
    return item


@transaction.atomic
def item_update(*, actor: User, item: ServiceItem, **changes) -> ServiceItem:
    """Change the guide. A draft changes in place; a published item keeps what the public reads and holds the
    change as pending until it is published again; a retired item is not changed (409)."""
    item = managed_item(actor, item.code, lock=True)
    if not rules.may_manage(item, actor):
        raise PermissionDenied("您没有权限修改该服务事项。")
    if item.state == ServiceItem.State.RETIRED:
        raise Conflict("该服务事项已停用，不能再修改。")
    unknown = set(changes) - set(GUIDE_FIELDS)
    if unknown:
        raise ValidationError({name: ["该字段不能修改。"] for name in sorted(unknown)})
    values = clean_guide({**guide_values(item), **changes})
    if item.state == ServiceItem.State.DRAFT:
        _apply(item, values)
        item.save()
        return item
    proposed = _as_json(values)
    current = _as_json({name: getattr(item, name) for name in GUIDE_FIELDS})
    item.pending = None if proposed == current else proposed
    item.save(update_fields=["pending", "updated_at"])
    return item


def _authorize(item: ServiceItem, transition: str, actor: User, what: str) -> None:
    if not rules.may_manage(item, actor):
        raise PermissionDenied(f"您没有权限{what}。")
    if not can_proceed(getattr(item, transition)):
        if transition == "publish" and item.state == ServiceItem.State.PUBLISHED:
            raise Conflict("该服务事项已发布，且没有待发布的修改。")
        raise Conflict(f"服务事项当前为“{item.get_state_display()}”，不能{what}。")


@transaction.atomic
def item_publish(*, actor: User, item: ServiceItem) -> ServiceItem:
    """Publish a draft, or publish a published item's pending edit (the earlier version stays in its history)."""
    item = managed_item(actor, item.code, lock=True)
    _authorize(item, "publish", actor, "发布该服务事项")
    values = clean_guide(item.pending) if item.pending is not None else None  # checked again before it goes out
    item.publish()
    if values is not None:
        _apply(item, values)
        item.pending = None
    item.published_at = timezone.now()
    item.save()
    return item


@transaction.atomic
def item_retire(*, actor: User, item: ServiceItem) -> ServiceItem:
    """停用: the item leaves the public catalogue; its history and the demands naming it stay."""
    item = managed_item(actor, item.code, lock=True)
    _authorize(item, "retire", actor, "停用该服务事项")
    item.retire()
    item.retired_at = timezone.now()
    item.pending = None
    item.save()
    return item


@transaction.atomic
def attachment_add(*, actor: User, item: ServiceItem, upload, kind: str = ServiceAttachment.Kind.FORM) -> ServiceAttachment:
    item = managed_item(actor, item.code, lock=True)
    if not rules.may_manage(item, actor):
        raise PermissionDenied("您没有权限为该服务事项上传附件。")
    if item.state == ServiceItem.State.RETIRED:
        raise Conflict("该服务事项已停用，不能再上传附件。")
    if upload is None:
        raise field_error("file", "请选择要上传的文件。")
    if kind not in ServiceAttachment.Kind.values:
        raise field_error("kind", "请选择附件类型：空白表格、示范文本或其他。")
    validate_upload(upload)
    return ServiceAttachment.objects.create(
        item=item, kind=kind, file=upload, original_name=os.path.basename(upload.name)[:200],
        content_type=ALLOWED_EXTENSIONS[extension(upload.name)], size=upload.size, uploaded_by=actor,
    )


@transaction.atomic
def attachment_remove(*, actor: User, item: ServiceItem, attachment_id: int) -> None:
    item = managed_item(actor, item.code, lock=True)
    if not rules.may_manage(item, actor):
        raise PermissionDenied("您没有权限删除该服务事项的附件。")
    if item.state == ServiceItem.State.RETIRED:
        raise Conflict("该服务事项已停用，不能再删除附件。")
    attachment = item.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("附件不存在。")
    attachment.file.delete(save=False)
    attachment.delete()
