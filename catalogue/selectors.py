"""Reading the catalogue: what the public sees (published items only), what staff manage (their department's, or
their region's for the office), and each item's published versions (its history)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role
from catalogue import rules
from catalogue.models import ServiceItem
from core.errors import PermissionDenied
from core.search import matches

NOT_FOUND = "服务事项不存在或未发布。"
STAFF_ONLY = "只有部门的涉企服务工作人员、企业服务专员和联合服务办公室可以管理服务事项。"


# --- the public ------------------------------------------------------------------------------------------------------
def published_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(state=ServiceItem.State.PUBLISHED)


def public_item(code: str) -> ServiceItem:
    """A published item by its code; anything else (a draft, a retired item, no such code) is 404."""
    item = published_items().select_related("department", "region", "domain").filter(code=code).first()
    if item is None:
        raise Http404(NOT_FOUND)
    return item


def published_item_or_none(code) -> ServiceItem | None:
    """For a demand that names an item: the published item with that code, or None."""
    if not code or not isinstance(code, str):
        return None
    return published_items().select_related("department", "region").filter(code=code.strip()).first()


def search_published(*, q: str = "", department=None, domain=None, kind: str = "") -> QuerySet[ServiceItem]:
    """Published items holding the keyword in their name, conditions or materials' names (core.search: Chinese
    words and substrings, through the bigram index on PostgreSQL), narrowed by department, domain and kind."""
    items = published_items()
    if q and q.strip():
        items = items.filter(matches("search_text", q))
    if department is not None:
        items = items.filter(department=department)
    if domain is not None:
        items = items.filter(domain=domain)
    if kind:
        items = items.filter(kind=kind)
    return items


# --- department staff and the office ---------------------------------------------------------------------------------
def require_manager(user) -> None:
    """403 unless the user's role manages items at all (a department's staff, the office)."""
    if not user.is_authenticated or user.role not in rules.MANAGERS or not user.department_id:
        raise PermissionDenied(STAFF_ONLY)


def managed_items(user) -> QuerySet[ServiceItem]:
    """The items the user manages: their department's (handler, specialist) or their region's (office)."""
    require_manager(user)
    if user.role == Role.OFFICE:
        return ServiceItem.objects.filter(region_id=user.department.region_id)
    return ServiceItem.objects.filter(department_id=user.department_id)


def managed_item(user, code: str, *, lock: bool = False) -> ServiceItem:
    """One item the user manages: 403 for a role that manages none, 404 for another department's or region's."""
    items = managed_items(user).select_related("department", "region", "domain", "created_by")
    if lock:
        items = items.select_for_update(of=("self",))
    item = items.filter(code=code).first()
    if item is None:
        raise Http404("服务事项不存在或不属于您管理的范围。")
    return item


def published_versions(item: ServiceItem) -> list:
    """Every version the public has read, newest first: for each publication, the historical row it wrote."""
    seen: set = set()
    versions = []
    rows = item.history.filter(published_at__isnull=False).order_by("history_id")
    for row in rows:
        if row.published_at in seen or row.state not in (ServiceItem.State.PUBLISHED, ServiceItem.State.RETIRED):
            continue
        seen.add(row.published_at)
        versions.append(row)
    return list(reversed(versions))


def published_version(item: ServiceItem, history_id: int):
    for version in published_versions(item):
        if version.history_id == history_id:
            return version
    raise Http404("该版本不存在。")
