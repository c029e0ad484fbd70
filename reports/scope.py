"""Who may read which region's figures, and the query string of the report screens and the stats API, read into a
`kpis.Scope` with Chinese messages for every bad value (one parser, so the screens and the API agree)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.access import require_role
from accounts.models import Department, Domain, Region
from accounts.roles import REPORT_READERS
from core.dates import bounds_message
from reports.kpis import Scope
from tickets.models.demand import Channel
from tickets.models.ticket import Category

MAX_PERIOD_DAYS = 366 * 5
TRUE_VALUES = ("1", "true", "on", "yes")
FALSE_VALUES = ("", "0", "false", "off", "no")


def require_reader(user) -> None:
    require_role(user, REPORT_READERS, "只有联合服务办公室、政府办公室和召集人可以查看运行统计。")


def readable_regions(user) -> list[Region]:
    """The reader's own region and the regions directly below it (a city reads its counties)."""
    own = user.department.region
    return [own, *Region.objects.filter(parent=own).order_by("sort_order", "code")]


def _date(value: str, field: str, label: str, errors: dict) -> date | None:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        errors[field] = [f"{label}格式不正确，应为 YYYY-MM-DD，例如 2026-01-31。"]
        return None
    if message := bounds_message(label, day):
        errors[field] = [message]
        return None
    return day


def _flag(params, name: str, label: str, errors: dict, default: bool) -> bool:
    raw = params.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    errors[name] = [f"{label}只能是 true 或 false。"]
    return default


def parse_scope(user, params, *, require_period: bool) -> Scope:
    """Read region, from, to, include_children, department, channel, domain and category.

    1. Bad values → ValidationError {field: [Chinese message]} (400 / the form's errors).
    2. A region that does not exist or lies outside the reader's regions → Http404 (existence is not leaked).
    Without `require_period`, a missing period is this year up to today.
    """
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    raw_from, raw_to = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    if require_period:
        if not raw_from:
            errors["from"] = ["请提供开始日期 from（YYYY-MM-DD）。"]
        if not raw_to:
            errors["to"] = ["请提供结束日期 to（YYYY-MM-DD，含当日）。"]
    start = _date(raw_from, "from", "开始日期", errors) if raw_from else today.replace(month=1, day=1)
    end = _date(raw_to, "to", "结束日期", errors) if raw_to else today
    if start and end and "from" not in errors and "to" not in errors:
        if start > end:
            errors["to"] = ["结束日期不能早于开始日期。"]
        elif (end - start) > timedelta(days=MAX_PERIOD_DAYS):
            errors["to"] = ["统计区间不能超过 5 年。"]

    regions = readable_regions(user)
    code = (params.get("region") or "").strip()
    if require_period and not code:
        errors["region"] = ["请提供区域编码 region，例如 anshun。"]
    region = regions[0]
    if code:
        chosen = next((r for r in regions if r.code == code), None)
        if chosen is None and not errors:
            raise Http404("区域不存在或无权查看。")
        region = chosen or region
    include_children = _flag(params, "include_children", "是否包含下级区域", errors, default=False)

    department = None
    department_code = (params.get("department") or "").strip()
    if department_code:
        ids = [region.pk] + ([r.pk for r in regions[1:]] if include_children and region == regions[0] else [])
        department = Department.objects.filter(code=department_code, region_id__in=ids).first()
        if department is None:
            errors["department"] = ["部门不存在或不属于所选区域。"]
    channel = (params.get("channel") or "").strip()
    if channel and channel not in Channel.values:
        errors["channel"] = ["渠道不正确。"]
    domain = None
    domain_code = (params.get("domain") or "").strip()
    if domain_code:
        domain = Domain.objects.filter(code=domain_code).first()
        if domain is None:
            errors["domain"] = ["业务领域不正确。"]
    category = (params.get("category") or "").strip()
    if category and category not in Category.values:
        errors["category"] = ["工单类别不正确。"]
    if errors:
        raise ValidationError(errors)
    return Scope(
        region=region, start=start, end=end, include_children=include_children and region.level == Region.Level.CITY,
        department=department, channel=channel, domain=domain, category=category,
    )


def parse_quarter(value: str) -> tuple[date, date]:
    """'2026Q3' (or '2026-Q3') → first and last day of that quarter; ValidationError otherwise."""
    text = (value or "").strip().upper().replace("-", "")
    message = "季度格式不正确，应为 YYYYQn，例如 2026Q3。"
    if len(text) != 6 or text[4] != "Q" or not text[:4].isdigit() or text[5] not in "1234":
        raise ValidationError({"quarter": [message]})
    year, quarter = int(text[:4]), int(text[5])
    if year < 2000 or year > 2100:
        raise ValidationError({"quarter": ["季度年份不在有效范围内。"]})
    start = date(year, 3 * quarter - 2, 1)
    end = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(days=1)
    return start, end


def current_quarter() -> str:
    today = timezone.localdate()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"
