"""How ticket tables are shaped, for every list that shows tickets (queues, the ticket list, reports' drill-downs):
the related rows a row shows in a constant number of queries, the enterprise column, the keyword filter and the
order by the running clock."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Prefetch, Q, QuerySet

from accounts.access import region_ids
from accounts.models import Department
from accounts.roles import REGION_TREE_READERS
from core.search import matches
from tickets.models import Demand, Ticket, TicketCoDepartment


def with_list_relations(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a ticket table row shows, in a constant number of queries."""
    return queryset.select_related("lead_department", "region").prefetch_related(
        Prefetch(
            "demands",
            queryset=Demand.objects.only("id", "state", "ticket_id", "enterprise_name", "anonymous", "registered_at").order_by(
                "registered_at", "id"
            ),
        ),
        Prefetch("co_links", queryset=TicketCoDepartment.objects.select_related("department")),
    )


def enterprise_labels(tickets) -> None:
    """`ticket.enterprise_label`: the enterprise(s) of the ticket's demands, from a prefetched `demands`."""
    for ticket in tickets:
        names = []
        for demand in ticket.demands.all():
            name = demand.enterprise_name or ("匿名" if demand.anonymous else "")
            if name and name not in names:
                names.append(name)
        ticket.enterprise_label = "、".join(names) or "—"


def keyword_q(keyword: str) -> Q:
    """A ticket whose number or title holds the keyword, or one of whose demands names an enterprise (or has a number)
    holding it: the ticket's searched text, on the bigram index (core.search)."""
    return matches("search_text", keyword)


def by_running_due(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Soonest running due first (overdue ones lead), then the newest without a running clock: the order the indexes
    on `current_due_at` serve."""
    return queryset.order_by(F("current_due_at").asc(nulls_last=True), "-created_at", "-id")


@dataclass(frozen=True)
class Sort:
    """A column a list may be sorted by: its order ascending (descending reverses every term, nulls stay last) and
    the index that serves it at a million rows (named for whoever reads a slow plan)."""

    label: str
    terms: tuple[str, ...]
    index: str
    nullable: tuple[str, ...] = ()  # terms that may be NULL: descending keeps their NULLs last


# `?sort=due` / `?sort=-due`. Every order ends on a unique column, so a page never shows a row twice. The keys are
# the only ones accepted: anything else is ignored (the default order, with a message).
TICKET_SORTS: dict[str, Sort] = {
    "number": Sort("工单编号", ("number",), "number (unique)"),
    "registered": Sort("派单时间", ("created_at", "id"), "ticket_created"),
    "department": Sort("牵头部门", ("lead_department_id", "created_at", "id"), "ticket_lead_created"),
    "state": Sort("状态", ("state", "created_at", "id"), "ticket_state_created"),
    "due": Sort("期限", ("current_due_at", "created_at", "id"), "ticket_running_due / ticket_due_desc",
                nullable=("current_due_at",)),
}
DEFAULT_SORT = "due"


def parse_sort(raw: str | None, sorts: dict[str, Sort] = TICKET_SORTS) -> tuple[str, str]:
    """(the sort as given, or "" when absent; a Chinese warning when it is not one of `sorts`)."""
    raw = (raw or "").strip()
    if not raw:
        return "", ""
    if raw.lstrip("-") in sorts and raw.count("-") <= 1:
        return raw, ""
    return "", "排序方式无效，已按默认顺序显示。"


# The demand list's columns (`tickets.views.demands.demand_list`); its default order ("due" ascending) is the
# waiting demands by triage due, then the decided ones newest first.
DEMAND_SORTS: dict[str, Sort] = {
    "number": Sort("编号", ("number",), "number (unique)"),
    "channel": Sort("渠道", ("channel", "registered_at", "id"), "demand_channel_registered"),
    "state": Sort("状态", ("state", "registered_at", "id"), "demand_state_registered"),
    "registered": Sort("登记时间", ("registered_at", "id"), "demand_registered"),
    "due": Sort("研判期限", ("triage_due_at", "registered_at", "id"), "demand_list_due", nullable=("triage_due_at",)),
}


def sort_terms(sort: str, sorts: dict[str, Sort], default: str) -> list | None:
    """The order_by terms `sort` names (a key of `sorts`, "-" for descending: every term reversed, nulls last), or
    None for the list's own default order."""
    key = sort.lstrip("-")
    if not sort or key == default and not sort.startswith("-") or key not in sorts:
        return None
    spec = sorts[key]
    if not sort.startswith("-"):
        return [F(name).asc() for name in spec.terms]  # PostgreSQL's ascending order puts NULLs last already
    # Descending: NULLs last where a column may hold them; a NOT NULL column plain DESC, which a b-tree index serves
    # read backwards (DESC NULLS LAST would need an index of its own).
    return [F(name).desc(nulls_last=True) if name in spec.nullable else F(name).desc() for name in spec.terms]


def sorted_tickets(queryset: QuerySet[Ticket], sort: str) -> QuerySet[Ticket]:
    """The list in the order `sort` names (a key of TICKET_SORTS, "-" for descending); the running clock's order
    (`by_running_due`) when it names none."""
    terms = sort_terms(sort, TICKET_SORTS, DEFAULT_SORT)
    return by_running_due(queryset) if terms is None else queryset.order_by(*terms)


def sort_links(request, sort: str, sorts: dict[str, Sort] = TICKET_SORTS, default: str = DEFAULT_SORT) -> dict:
    """For each sortable column: the URL that sorts by it (the other way round when it is the current order), its
    `aria-sort` value and an arrow; the other query parameters stay, the page goes back to the first."""
    current = sort or default
    links = {}
    for key, spec in sorts.items():
        params = request.GET.copy()
        params.pop("page", None)
        if current == key:
            params["sort"], state = f"-{key}", "ascending"
        elif current == f"-{key}":
            params["sort"], state = key, "descending"
        else:
            params["sort"], state = key, "none"
        links[key] = {"url": "?" + params.urlencode(), "aria": state, "label": spec.label}
    return links


def department_choices(user) -> QuerySet[Department]:
    """Departments a user may filter tickets by: its region's, and for region readers those of the regions below."""
    ids = region_ids(user, with_children=user.role in REGION_TREE_READERS)
    return Department.objects.filter(region_id__in=ids).select_related("region").order_by(
        "region__sort_order", "sort_order", "code"
    )
