"""How ticket tables are shaped, for every list that shows tickets (queues, the ticket list, reports' drill-downs):
the related rows a row shows in a constant number of queries, the enterprise column, the keyword filter and the
order by the running clock."""

from __future__ import annotations

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


def department_choices(user) -> QuerySet[Department]:
    """Departments a user may filter tickets by: its region's, and for region readers those of the regions below."""
    ids = region_ids(user, with_children=user.role in REGION_TREE_READERS)
    return Department.objects.filter(region_id__in=ids).select_related("region").order_by(
        "region__sort_order", "sort_order", "code"
    )
