"""The enterprise tags the platform starts with (the system administrator may add more in the admin), and granting or
withdrawing a tag (OUTREACH §2: verified facts, each change recorded with who and when)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Enterprise, Role, User

INITIAL_TAGS = [
    ("gaoxin", "高新技术企业", "经认定的国家高新技术企业"),
    ("zhuanjingtexin", "专精特新", "省级及以上专精特新中小企业"),
    ("guishang", "规上工业", "规模以上工业企业（年主营业务收入2000万元及以上）"),
    ("waimao", "外贸企业", "有进出口实绩的外贸企业"),
    ("keji_xiaoxing", "科技型中小企业", "入库的科技型中小企业"),
    ("longtou", "农业产业化龙头企业", "市级及以上农业产业化龙头企业"),
    ("xiaowei_chuangye", "初创小微企业", "成立三年内的小微企业"),
]

# Who may grant: department staff and the office (OUTREACH §2), for enterprises of their region or below.
GRANTING_ROLES = frozenset({Role.HANDLER, Role.SPECIALIST, Role.OFFICE})


def load_tags(Tag) -> None:
    """Create the initial tags when missing (idempotent; names changed by the administrator stay)."""
    for order, (code, name, description) in enumerate(INITIAL_TAGS, start=1):
        Tag.objects.get_or_create(code=code, defaults={"name": name, "description": description, "sort_order": order})


def may_grant(user: User, enterprise: Enterprise) -> bool:
    """Staff of the enterprise's region or of the city above it."""
    if user.role not in GRANTING_ROLES or user.department_id is None or enterprise.region_id is None:
        return False
    own = user.department.region
    region = enterprise.region
    return region.pk == own.pk or region.parent_id == own.pk


@transaction.atomic
def set_tag(*, enterprise: Enterprise, tag_code: str, granted: bool, by: User) -> bool:
    """Grant or withdraw a tag; returns whether anything changed. Raises PermissionDenied or ValidationError."""
    from enterprises.models import EnterpriseTag, Tag, TagChange

    if not may_grant(by, enterprise):
        raise PermissionDenied("只有企业所在区域的部门工作人员或企业之家办公室可以认定企业标签。")
    tag = Tag.objects.filter(code=tag_code, active=True).first()
    if tag is None:
        raise ValidationError({"tag": "没有这个企业标签。"})
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    held = EnterpriseTag.objects.filter(enterprise=enterprise, tag=tag)
    if granted == held.exists():
        return False
    if granted:
        EnterpriseTag.objects.create(enterprise=enterprise, tag=tag, granted_by=by)
    else:
        held.delete()
    TagChange.objects.create(enterprise=enterprise, tag=tag, granted=granted, changed_by=by)
    return True


def tag_codes(enterprise: Enterprise) -> list[str]:
    from enterprises.models import EnterpriseTag

    return list(EnterpriseTag.objects.filter(enterprise=enterprise).order_by("tag__sort_order")
                .values_list("tag__code", flat=True))
