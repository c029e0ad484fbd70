"""The department ledger (台账, SPEC §9, seed §3.6.7): every demand a department handled as lead or co-department,
by quarter, and the operations report's lists. Rows are plain values, so the page and the .xlsx show the same."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from accounts.models import Department
from tickets.figures import SATISFIED, first_close_due
from tickets.models import Callback, Demand, Ticket, TicketCoDepartment
from tickets.models.demand import Channel
from tickets.models.handling import ClosureStandard, Satisfaction
from tickets.models.ticket import Category
from workcalendar.workdays import LOCAL_TZ

LEDGER_HEADERS = [
    "编号", "企业", "渠道", "类别", "诉求摘要", "受理时间", "派单时间", "签收时间", "办结时间", "办理期限", "是否按时",
    "办结标准", "满意度", "重办次数", "承办方式",
]


def local(instant: datetime | None) -> datetime | None:
    """A naive local time for a spreadsheet cell (Excel has no time zones; the platform's is Asia/Shanghai)."""
    return instant.astimezone(LOCAL_TZ).replace(tzinfo=None) if instant else None


def on_time_label(ticket: Ticket, now: datetime) -> str:
    """是否按时: by the first close against the due then in force; an unfinished ticket says where it stands."""
    if ticket.first_closed_at:
        return "是" if ticket.first_closed_at <= ticket.due_at_first_close else "否"
    if ticket.state == Ticket.State.TERMINATED:
        return "已终止"
    if ticket.state == Ticket.State.ESCALATED:
        return "已提级"
    if ticket.state in (Ticket.State.DISPATCHED, Ticket.State.DISPUTED, Ticket.State.GOVERNMENT_DECISION):
        return "未签收"
    if ticket.handle_due_at and now > ticket.handle_due_at:
        return "已超期"
    return "办理中"


def latest_satisfaction(ticket: Ticket) -> str:
    """The last reached full callback's rating (prefetched as `reached_callbacks`), else the enterprise's own."""
    reached = ticket.reached_callbacks
    if reached:
        return str(Satisfaction(reached[-1].satisfaction).label)
    rating = getattr(ticket, "rating", None)
    return f"{Satisfaction(rating.satisfaction).label}（企业评价）" if rating else ""


def _with_ledger_relations(tickets):
    return tickets.annotate(due_at_first_close=first_close_due()).select_related("lead_department", "rating").prefetch_related(
        Prefetch(
            "callbacks",
            queryset=Callback.objects.filter(reached=True, sampled=False).order_by("at", "id"),
            to_attr="reached_callbacks",
        ),
    )


@dataclass(frozen=True)
class LedgerRow:
    values: list
    ticket_id: int

    @property
    def cells(self) -> list[str]:
        return display_cells(self)


def display_cells(row: LedgerRow) -> list[str]:
    """A ledger row's cells after the ticket number as the page shows them: times in local time to the minute, dates
    as dates, "—" for nothing (formatted here: a template's per-cell lookups cost 30 ms on a page of 50 rows)."""
    cells = []
    for value in row.values[1:]:
        if value is None:
            cells.append("—")
        elif isinstance(value, datetime):
            local_value = timezone.localtime(value) if timezone.is_aware(value) else value  # `local` made most naive
            cells.append(local_value.strftime("%Y-%m-%d %H:%M"))
        elif isinstance(value, date):
            cells.append(value.strftime("%Y-%m-%d"))
        else:
            cells.append(str(value))
    return cells


DEMAND_FIELDS = ("id", "number", "state", "enterprise_name", "anonymous", "channel", "title", "registered_at", "ticket_id")


def ledger_demand_ids(department: Department, start: date, end: date) -> list[int]:
    """The ids of the demands whose ticket was formed (dispatched) in [start, end] with `department` as lead or
    co-department, in ledger order (the ticket's dispatch, then the demand's number).

    A department's quarter is a few thousand demands at most: their sort keys are read by two indexed joins (through
    the tickets it leads, through its co-links — rather than one OR that would read the whole ticket table) and
    ordered here, which spares the database sorting every demand for each page and a second pass to count them."""
    window = (
        datetime.combine(start, datetime.min.time(), LOCAL_TZ),
        datetime.combine(end, datetime.max.time(), LOCAL_TZ),
    )
    demands = Demand.objects.filter(ticket__created_at__range=window).order_by()
    keys = {
        pk: (dispatched, number)
        for pk, number, dispatched in [
            *demands.filter(ticket__lead_department=department).values_list("pk", "number", "ticket__created_at"),
            # A link is added when or after its ticket is formed: those added before the window hold none of it.
            *demands.filter(ticket__co_links__department=department, ticket__co_links__added_at__gte=window[0])
            .values_list("pk", "number", "ticket__created_at"),
        ]
    }
    return sorted(keys, key=keys.__getitem__)


def ledger_demands_by_id(ids: list[int]) -> list[Demand]:
    """The demands `ids` (a page of `ledger_demand_ids`) with what the ledger shows of them, in that order."""
    found = Demand.objects.only(*DEMAND_FIELDS).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def ledger_demands(department: Department, start: date, end: date) -> list[Demand]:
    """The ledger's demands of the whole quarter, in ledger order."""
    return ledger_demands_by_id(ledger_demand_ids(department, start, end))


@dataclass(frozen=True)
class LedgerOverviewRow:
    department: Department
    lead: int
    co: int


def ledger_overview(departments, start: date, end: date) -> list[LedgerOverviewRow]:
    """Each department's tickets of the quarter as lead and as co-department: the ledger's landing page before a
    department is chosen, so that a reader of a whole region sees where to look. Two grouped queries on the quarter's
    tickets, whatever the number of departments."""
    window = (
        datetime.combine(start, datetime.min.time(), LOCAL_TZ),
        datetime.combine(end, datetime.max.time(), LOCAL_TZ),
    )
    departments = list(departments)
    ids = [d.pk for d in departments]
    lead = dict(
        Ticket.objects.filter(lead_department_id__in=ids, created_at__range=window)
        .values_list("lead_department_id").annotate(n=Count("id")).order_by()
    )
    co = dict(
        TicketCoDepartment.objects.filter(department_id__in=ids, added_at__gte=window[0], ticket__created_at__range=window)
        .values_list("department_id").annotate(n=Count("ticket_id", distinct=True)).order_by()
    )
    return [LedgerOverviewRow(d, lead.get(d.pk, 0), co.get(d.pk, 0)) for d in departments]


def ledger_rows(department: Department, start: date, end: date, *, now: datetime | None = None,
                demands=None) -> list[LedgerRow]:
    """The ledger's rows: of `demands` (a page of `ledger_demands`) when given, else of the whole quarter."""
    now = now or timezone.now()
    demands = list(ledger_demands(department, start, end) if demands is None else demands)
    tickets = {t.pk: t for t in _with_ledger_relations(Ticket.objects.filter(pk__in={d.ticket_id for d in demands}))}
    rows = []
    for demand in demands:
        t = tickets[demand.ticket_id]
        rows.append(LedgerRow(ticket_id=t.pk, values=[
            demand.number,
            demand.enterprise_name or ("匿名" if demand.anonymous else ""),
            str(Channel(demand.channel).label),
            str(Category(t.category).label),
            demand.title,
            local(demand.registered_at),
            local(t.created_at),
            local(t.first_signed_at),
            local(t.first_closed_at),
            local(t.due_at_first_close if t.first_closed_at else t.handle_due_at),
            on_time_label(t, now),
            str(ClosureStandard(t.closure_standard).label) if t.closure_standard else "",
            latest_satisfaction(t),
            t.rework_count,
            "牵头" if t.lead_department_id == department.pk else "协办",
        ]))
    return rows


def unsatisfied_callbacks(scope):
    """Reached full callbacks in the period not rated satisfied or basically satisfied (the report's list)."""
    from reports.kpis import ticket_q

    return (
        Callback.objects.filter(ticket_q(scope, "ticket__"), scope.during("at"), reached=True, sampled=False)
        .exclude(satisfaction__in=SATISFIED)
        .select_related("ticket__lead_department", "ticket__region")
        .order_by("at", "id")
    )


NOTABLE_ACTIONS = {
    "escalate": "提级办理",
    "refer_to_government": "报请政府确定牵头部门",
    "decide_lead": "政府确定牵头部门",
    "review": "复查复核",
    "decide_termination": "终止办理",
}


def notable_events(scope) -> list:
    """The period's notable items: escalations, disputes taken to the government, reviews and terminations."""
    from reports.kpis import ticket_q
    from tickets.models import TicketEvent

    events = (
        TicketEvent.objects.filter(ticket_q(scope, "ticket__"), scope.during("at"), action__in=list(NOTABLE_ACTIONS))
        .exclude(Q(action="decide_termination") & ~Q(to_state=Ticket.State.TERMINATED))
        .select_related("ticket__lead_department", "ticket__region")
        .order_by("at", "id")
    )
    out = list(events)
    for event in out:
        event.kind_label = NOTABLE_ACTIONS[event.action]
    return out
