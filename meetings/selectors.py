"""Reading meetings: the region's staff read its meetings (another region's → 404; a role outside the administration
→ 403); the office's board reads the overdue follow-ups; an entrepreneur meeting draws on the demands collected in a
period, by sector. reports reads this module (it may not read services or views)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.roles import TICKET_READERS
from core.errors import PermissionDenied
from meetings import sectors
from meetings.models import AgendaItem, Kind, Meeting, Outcome
from tickets.models import Demand
from tickets.selectors import demands_visible_to

NOT_READER = "只有本区域的联合服务办公室、政府办公室、领导和部门工作人员可以查看会议。"
NOT_FOUND = "会议不存在或不属于本区域。"


def require_reader(user) -> None:
    if not user.is_authenticated or user.role not in TICKET_READERS or not user.department_id:
        raise PermissionDenied(NOT_READER)


def meetings_for(user) -> QuerySet[Meeting]:
    """The meetings of the user's region (403 for a role that reads none)."""
    require_reader(user)
    return Meeting.objects.visible_to(user)


def items_queryset() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.select_related(
        "demand", "demand__enterprise", "ticket", "ticket__lead_department", "department", "decided_by",
        "followed_up_by",
    ).order_by("position", "id")


def meeting_for(user, pk, *, lock: bool = False, with_items: bool = False) -> Meeting:
    """One meeting of the user's region: 403 for a role that reads none, 404 for another region's or none."""
    meetings = meetings_for(user).select_related("region", "ticket", "ticket__lead_department", "chair_user",
                                                 "created_by", "held_by")
    if lock:
        meetings = meetings.select_for_update(of=("self",))
    if with_items:
        meetings = meetings.prefetch_related(
            Prefetch("items", queryset=items_queryset()), "departments", "enterprises",
            Prefetch("demands", queryset=Demand.objects.select_related("ticket").order_by("registered_at", "id")),
        )
    try:
        return meetings.get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def item_of(meeting: Meeting, item_pk, *, lock: bool = False) -> AgendaItem:
    items = AgendaItem.objects.filter(meeting=meeting).select_related("demand", "ticket", "ticket__lead_department",
                                                                        "department")
    if lock:
        items = items.select_for_update(of=("self",))
    try:
        item = items.get(pk=item_pk)
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise Http404("议题不存在。") from None
    item.meeting = meeting
    return item


def list_meetings(user, *, kind: str = "", state: str = "") -> QuerySet[Meeting]:
    meetings = meetings_for(user).select_related("ticket").annotate(item_count=Count("items"))
    if kind:
        meetings = meetings.filter(kind=kind)
    if state:
        meetings = meetings.filter(state=state)
    return meetings.order_by("-starts_at", "-id")


# --- follow-ups -------------------------------------------------------------------------------------------------------
def open_follow_ups(region_id: int) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(
        meeting__region_id=region_id, outcome=Outcome.ASSIGNED, followed_up_at__isnull=True,
    )


def overdue_follow_ups(region_id: int, *, today: datetime.date | None = None) -> QuerySet[AgendaItem]:
    """Assigned items of the region's meetings not followed up whose due day has ended (the office's board)."""
    today = today or timezone.localdate()
    return (
        open_follow_ups(region_id).filter(due_date__lt=today)
        .select_related("meeting", "department", "ticket", "demand").order_by("due_date", "id")
    )


def my_follow_ups(user) -> QuerySet[AgendaItem]:
    """Assigned items waiting for the follow-up of the user's department."""
    if not user.department_id:
        return AgendaItem.objects.none()
    return AgendaItem.objects.filter(
        department_id=user.department_id, outcome=Outcome.ASSIGNED, followed_up_at__isnull=True,
    )


# --- an entrepreneur meeting's material (§3.6.3) ---------------------------------------------------------------------
def collected_demands(user, meeting: Meeting, *, start: datetime.date, end: datetime.date,
                      sector: str = "") -> QuerySet[Demand]:
    """The demands of the meeting's region the departments collected between `start` and `end` (inclusive, by the
    day they were received), visible to the user, optionally of one sector, not already on the agenda."""
    demands = demands_visible_to(user).filter(
        region_id=meeting.region_id,
        received_at__date__gte=start, received_at__date__lte=end,
    ).exclude(state__in=[Demand.State.WITHDRAWN]).exclude(meeting_items__meeting=meeting)
    if sector == sectors.UNKNOWN:
        demands = demands.filter(Q(enterprise__isnull=True) | Q(enterprise__industry__isnull=True))
    elif sector:
        demands = demands.filter(enterprise__industry_id__in=sectors.sections_of(sector))
    return demands.select_related("enterprise", "first_contact_department", "domain").order_by("received_at", "id")


def group_by_sector(demands) -> list[dict]:
    """[{"sector", "label", "demands": [...]}] in the order 工业, 服务业, 旅游业, 农业, 未注明行业; empty groups left out."""
    groups: dict[str, list] = {code: [] for code in [*dict(sectors.SECTORS), sectors.UNKNOWN]}
    for demand in demands:
        section = demand.enterprise.industry_id if demand.enterprise_id else None
        groups[sectors.sector_of(section)].append(demand)
    return [
        {"sector": code, "label": sectors.SECTOR_LABELS[code], "demands": rows}
        for code, rows in groups.items() if rows
    ]


def menu_queues(user) -> dict[str, QuerySet]:
    """The menu's count beside 会议: decisions waiting for their follow-up — the region's for the office, the
    department's own for its handlers and specialists (a function of who the user is, never of the time)."""
    from accounts.models import Role

    if not user.department_id:
        return {}
    if user.role == Role.OFFICE:
        return {"meeting_follow_ups": open_follow_ups(user.department.region_id)}
    if user.role in (Role.HANDLER, Role.SPECIALIST):
        return {"meeting_follow_ups": my_follow_ups(user)}
    return {}


def dashboard_figures(*, region_ids: list[int], since, until) -> dict:
    """Meetings held in [since, until) of the regions, by kind, and their decided items (SPEC §9 dashboard). One
    query."""
    rows = dict(
        Meeting.objects.filter(region_id__in=region_ids, state=Meeting.State.HELD, starts_at__gte=since,
                               starts_at__lt=until)
        .order_by().values_list("kind").annotate(n=Count("pk"))
    )
    return {"held": sum(rows.values()),
            "by_kind": [{"kind": code, "label": label, "count": rows.get(code, 0)} for code, label in Kind.choices]}
