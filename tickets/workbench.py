"""What the tickets app puts on a person's workbench (the `workbench` app collects every app's panels).

Every panel reads through the queues (tickets.queues) and the visibility selectors (tickets.selectors), so it shows
exactly what the full lists show the same user, never more; and each reads in a fixed number of queries.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.urls import reverse

from accounts.models import Role
from accounts.roles import OWN_SUBMISSION_READERS
from core.menu import COUNT_CAP, kept_count_query
from core.workbench import Panel
from tickets import queues
from tickets.listing import by_running_due, enterprise_labels, with_list_relations
from tickets.models import Demand, MergeProposal, Ticket
from tickets.selectors import assigned_to, demands_visible_to, tickets_visible_to
from tickets.standing import where_it_stands
from workcalendar.clocks import DUE_BUCKETS, DueWindows

ROWS = 10  # the soonest dues shown on the workbench; the lists hold the rest
TRIAGE_ROWS = 8
RECENT_DEMANDS = 5

# Panels' places on the workbench (other apps' panels fit between: supervision 30, meetings 50, notifications 90).
ORDER_DUE = 10
ORDER_ASSIGNED = 15
ORDER_TRIAGE = 20
ORDER_OWN = 40


def waiting_queues(user) -> list[QuerySet[Ticket]]:
    """The queues holding the tickets waiting for the user or its department to act, each read on its own with its
    index (one state's rows in due order: the soonest few, and each due group's count as an index range). One OR of
    them all cannot use those indexes and read the whole ticket table (200 ms at a million tickets)."""
    role = user.role
    if role == Role.HANDLER:
        return [queues.to_sign(user), queues.in_hand(user), queues.co_awaiting_feedback(user)]
    if role == Role.OFFICE:
        return [queues.disputes(user), queues.extensions(user), queues.terminations(user), queues.reviews(user),
                queues.callbacks(user)]
    if role == Role.SPECIALIST:
        return [queues.callbacks(user)]
    if role == Role.GOVERNMENT:
        return [queues.awaiting_government(user)]
    return []


_DUE_TITLES = {
    Role.HANDLER: ("本部门待办工单", "待签收、办理中和待反馈协办意见的工单，最早到期的在前。"),
    Role.OFFICE: ("待办工单", "办理异议、延期与终止申请、复查复核和待回访的工单，最早到期的在前。"),
    Role.SPECIALIST: ("待回访工单", "本区域已办结、等待回访的工单，回访期限最早的在前。"),
    Role.GOVERNMENT: ("待确定牵头部门", "经协调仍无法确定牵头部门、报请政府确定的工单。"),
}
_DUE_LISTS = {
    Role.HANDLER: "tickets:inbox_handling",
    Role.OFFICE: "tickets:ticket_list",
    Role.SPECIALIST: "tickets:callback_queue",
    Role.GOVERNMENT: "tickets:government_queue",
}


_BUCKETS = ("overdue", "today", "week", "later")


def _bucket_conditions(now, today_end, week_end) -> dict[str, Q]:
    return {
        "overdue": Q(current_due_at__lt=now),
        "today": Q(current_due_at__gte=now, current_due_at__lte=today_end),
        "week": Q(current_due_at__gt=today_end, current_due_at__lte=week_end),
        "later": Q(current_due_at__gt=week_end) | Q(current_due_at__isnull=True),
    }


def _ticket_panels(user, windows: DueWindows) -> list[Panel]:
    """The due panel (the tickets waiting for the user, grouped overdue / due today / this week / later), a handler's
    我承办的工单 and the office's triage backlog, read together in a fixed number of statements whatever the rows:

    - one counting each waiting queue's tickets of each due group, the handler's assigned tickets and the office's
      triage backlog (up to COUNT_CAP each, as the menu counts: "100+");
    - one for the soonest rows of every waiting queue and of the assigned tickets (UNION ALL: each part reads its own
      queue with its index — one OR of the queues reads the whole ticket table at a million tickets);
    - the rows of both panels at once, with their departments and demands (three);
    - the triage backlog's rows (one).

    A ticket waiting in two queues (an extension and a termination both pending) counts in each: two decisions wait."""
    now = windows.now
    role = user.role
    waiting = waiting_queues(user)
    mine = assigned_to(user) if role == Role.HANDLER else None
    backlog = queues.triage(user) if role == Role.OFFICE else None
    listed = {name: queue for name, queue in (("assigned", mine), ("backlog", backlog)) if queue is not None}
    names = tuple(f"{code}:{i}" for i in range(len(waiting)) for code in _BUCKETS) + tuple(listed)

    def counted_queues(*instants):
        conditions = _bucket_conditions(*instants)
        due = {f"{code}:{i}": queue.filter(conditions[code]) for i, queue in enumerate(waiting) for code in _BUCKETS}
        return {**due, **listed}

    # The statement is built once per user and kept; each request runs it with its own instants.
    instants = (now, windows.today_end, windows.week_end)
    counted = kept_count_query(user, ("workbench", *names), counted_queues, moments=len(instants)).run(instants)

    # Each part's soonest rows; the part's number tells the due panel's (0) from the assigned panel's (1).
    reads = [_soonest(queue, 0) for queue in waiting]
    if mine is not None:
        reads.append(_soonest(mine, 1))
    soonest: dict[int, tuple] = {}  # pk → (current_due_at, created_at)
    parts: tuple[set, set] = (set(), set())
    for pk, due, created, part in reads[0].union(*reads[1:], all=True) if len(reads) > 1 else reads[0]:
        soonest[pk] = (due, created)
        parts[part].add(pk)

    def first(pks):  # by_running_due's order over rows read apart: due first (none last), then the newest
        return sorted(pks, key=lambda pk: (soonest[pk][0] is None, soonest[pk][0] or now,
                                           -soonest[pk][1].timestamp(), -pk))[:ROWS]

    due_first, mine_first = first(parts[0]), first(parts[1])
    wanted = set(due_first) | set(mine_first)
    rows = {ticket.pk: ticket for ticket in with_list_relations(Ticket.objects.filter(pk__in=wanted))} if wanted else {}
    enterprise_labels(rows.values())

    panels = [_due_panel(user, windows, counted, [rows[pk] for pk in due_first if pk in rows])]
    if mine is not None:
        panels.append(_assigned_panel(counted["assigned"], [rows[pk] for pk in mine_first if pk in rows]))
    if backlog is not None:
        panels.append(_triage_panel(backlog, counted["backlog"]))
    return panels


def _soonest(queue: QuerySet[Ticket], part: int) -> QuerySet:
    """The queue's ROWS soonest tickets as (pk, current_due_at, created_at, part), to be read with the other parts in
    one UNION ALL. SQLite allows no LIMIT in a compound statement's parts (Django refuses to build one), so there each
    part reads its rows through a subquery that holds the LIMIT: one statement on both databases."""
    columns = ("pk", "current_due_at", "created_at", "part")
    if connection.features.supports_slicing_ordering_in_compound:
        return by_running_due(queue).annotate(part=Value(part)).values_list(*columns)[:ROWS]
    first = by_running_due(queue).values("pk")[:ROWS]
    return Ticket.objects.filter(pk__in=first).order_by().annotate(part=Value(part)).values_list(*columns)


def _capped(count: int, total: int) -> str:
    """`count` of a queue counted up to COUNT_CAP (`total`): "90+" when the queue holds more than was counted."""
    return f"{count}+" if total >= COUNT_CAP else str(count)


def _due_panel(user, windows: DueWindows, counted: dict[str, int], rows: list[Ticket]) -> Panel:
    counts = {code: sum(value for name, value in counted.items() if name.startswith(f"{code}:")) for code in _BUCKETS}
    capped = {code for code in _BUCKETS if any(value >= COUNT_CAP for name, value in counted.items()
                                               if name.startswith(f"{code}:"))}
    groups = []
    for code, label in DUE_BUCKETS:
        shown = [t for t in rows if windows.bucket(t.current_due_at) == code]
        total = counts[code]
        more = "+" if code in capped else ""
        groups.append({"code": code, "label": label, "total": f"{total}{more}", "count": total, "tickets": shown,
                       "hidden": f"{total - len(shown)}{more}" if total > len(shown) else ""})
    title, hint = _DUE_TITLES[user.role]
    total = sum(group["count"] for group in groups)
    return Panel(
        key="due", title=title, template="tickets/_workbench_due.html", order=ORDER_DUE, icon="list-check", wide=True,
        count=f"{total}+" if capped else str(total), url=reverse(_DUE_LISTS[user.role]),
        context={"groups": [g for g in groups if g["count"]], "hint": hint, "total": total,
                 "co_department": user.department_id if user.role == Role.HANDLER else None},
    )


def _assigned_panel(total: int, rows: list[Ticket]) -> Panel:
    """The open tickets whose 承办人 is the user (我的工单), the soonest due first: a count and the rows."""
    hidden = total - len(rows)
    return Panel(
        key="assigned", title="我承办的工单", template="tickets/_workbench_assigned.html", order=ORDER_ASSIGNED,
        icon="person-check", wide=True, count=_capped(total, total), url=reverse("tickets:my_tickets"),
        context={"tickets": rows, "total": total, "hidden": _capped(hidden, total) if hidden > 0 else ""},
    )


def _triage_panel(backlog: QuerySet[Demand], total: int) -> Panel:
    """The office's backlog: demands of its region waiting for triage, the soonest triage due first."""
    rows = list(
        backlog.select_related("domain", "region")
        .order_by(F("triage_due_at").asc(nulls_last=True), "registered_at", "id")[:TRIAGE_ROWS]
    )
    hidden = total - len(rows)
    return Panel(
        key="triage", title="待研判诉求", template="tickets/_workbench_triage.html", order=ORDER_TRIAGE,
        icon="funnel", wide=True, count=_capped(total, total), url=reverse("tickets:triage_queue"),
        context={"demands": rows, "total": total, "hidden": _capped(hidden, total) if hidden > 0 else ""},
    )


def _own_panel(user) -> Panel:
    """A supervisor's or chamber's own registrations, the newest first (they read nothing else)."""
    demands = list(
        demands_visible_to(user).select_related("region__parent", "ticket__lead_department")
        .order_by("-registered_at", "-id")[:RECENT_DEMANDS]
    )
    for demand in demands:
        demand.standing = where_it_stands(demand)
    return Panel(
        key="own", title="我登记的诉求", template="tickets/_workbench_own.html", order=ORDER_OWN, icon="journal-text",
        wide=True, url=reverse("tickets:demand_list"), context={"demands": demands},
    )


def workbench_panels(user, *, windows: DueWindows) -> list[Panel]:
    panels = []
    if user.role in _DUE_TITLES and user.department_id:
        panels.extend(_ticket_panels(user, windows))
    if user.role in OWN_SUBMISSION_READERS:
        panels.append(_own_panel(user))
    return panels


# --- the enterprise's home -----------------------------------------------------------------------------------------
def enterprise_home(user) -> dict:
    """What the enterprise's home shows: what needs its action (materials to supply, merges to confirm, results to
    rate) and its recent demands with one sentence each. Five queries whatever the rows."""
    demands = demands_visible_to(user)
    to_supply = list(
        demands.filter(state=Demand.State.AWAITING_MATERIALS).order_by("-registered_at", "-id")[:RECENT_DEMANDS]
    )
    to_merge = list(
        demands.filter(state=Demand.State.REGISTERED, merge_proposals__state=MergeProposal.State.PENDING)
        .order_by("-registered_at", "-id")[:RECENT_DEMANDS]
    )
    to_rate = list(
        tickets_visible_to(user).filter(state=Ticket.State.CLOSED, rating__isnull=True)
        .order_by("-closed_at", "-id")[:RECENT_DEMANDS]
    )
    recent = list(
        demands.select_related("region__parent", "ticket__lead_department")
        .order_by("-registered_at", "-id")[:RECENT_DEMANDS]
    )
    for demand in recent:
        demand.standing = where_it_stands(demand)
    return {"to_supply": to_supply, "to_merge": to_merge, "to_rate": to_rate, "recent": recent}
