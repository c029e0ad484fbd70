"""The enterprise's own profile as policy matching reads it (OUTREACH §2): its users edit industry section, scale and
founding date; its region comes from registration and its tags are granted by staff (enterprises.tags)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.industries import SECTION_NAMES
from accounts.models import Enterprise, IndustrySection, Role, Scale, User

PROFILE_FIELDS = ("industry", "scale", "established_on")


def own_enterprise(user: User) -> Enterprise:
    if not user.is_authenticated or user.role != Role.ENTERPRISE or not user.enterprise_id:
        raise PermissionDenied("只有企业用户可以维护本企业画像。")
    return user.enterprise


@transaction.atomic
def profile_update(*, actor: User, data: dict[str, Any]) -> Enterprise:
    """Change the fields of `data` among industry (section letter or empty), scale (or empty) and established_on
    (YYYY-MM-DD or empty); absent fields keep their value. Every error together; nothing saved when one is wrong."""
    enterprise = own_enterprise(actor)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    errors: dict[str, list[str]] = {}
    changed = []
    if "industry" in data:
        industry = data["industry"]
        if industry in ("", None):
            enterprise.industry = None
        elif not isinstance(industry, str) or industry not in SECTION_NAMES:
            errors["industry"] = ["行业门类必须是 GB/T 4754-2017 的门类字母 A～T。"]
        else:
            enterprise.industry = IndustrySection.objects.get(pk=industry)
        changed.append("industry")
    if "scale" in data:
        scale = data["scale"] or ""
        if scale and scale not in Scale.values:
            errors["scale"] = ["企业规模无效，可选：large（大型）、medium（中型）、small（小型）、micro（微型）。"]
        else:
            enterprise.scale = scale
        changed.append("scale")
    if "established_on" in data:
        value = data["established_on"]
        if value in (None, ""):
            enterprise.established_on = None
        else:
            try:
                day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
            except ValueError:
                errors["established_on"] = ["成立日期格式不正确，应为 YYYY-MM-DD。"]
            else:
                if day < datetime.date(1949, 10, 1):
                    errors["established_on"] = ["成立日期不能早于 1949 年 10 月 1 日。"]
                elif day > timezone.localdate():
                    errors["established_on"] = ["成立日期不能晚于今天。"]
                else:
                    enterprise.established_on = day
        changed.append("established_on")
    if errors:
        raise ValidationError(errors)
    if changed:
        enterprise.save(update_fields=changed)
    return enterprise
