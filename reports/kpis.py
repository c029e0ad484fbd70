"""The KPIs of SPEC §9, for a period, a region (optionally with its counties), and optionally one department, channel,
domain or category. One definition per figure, used by the dashboard, the stats API, the drill-down lists, the
operations report and the ledger, so a number and the tickets behind it can never disagree.

Periods are whole local days (Asia/Shanghai), both ends inclusive: [from 00:00, to+1 00:00).
Every figure is counted by the time of its own event:
- demands_received: demands whose channel received them (`received_at`) in the period;
- tickets_dispatched: tickets formed (and so dispatched) in the period (`created_at`; a self-handled ticket is formed
  and signed at once and counts too);
- sign_on_time_rate: of tickets first signed in the period, those signed explicitly by their sign due (auto-sign = late);
- close_on_time_rate: of tickets first closed in the period, those closed by the handling due in force at that moment;
- resolution_rate: of tickets whose (latest) closure fell in the period, those with standard resolved or partial;
- satisfaction_rate: of reached full callbacks (全量回访) in the period, those rated satisfied or basically satisfied;
- rework_rate: of tickets archived in the period, those returned for rework at least once;
- overdue_open: open tickets whose running clock is past due now (tickets.clocks.overdue_tickets_q);
- avg_handle_working_days: mean working days from first sign to first close, over tickets first closed in the period.
Per department, a ticket belongs to its lead department.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.db.models import (
    Count,
    DateField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Trunc, TruncDate
from django.utils import timezone

from accounts.models import Department, Domain, Region
from core.db import parallel_reads
from reports.models import RankingWeights
from tickets.clocks import overdue_tickets_q
from tickets.figures import (
    NOT_TICKETED,
    RESOLVED,
    SATISFIED,
    SIGNED_ON_TIME,
    closed_on_time_q,
    handle_working_days,
)
from tickets.models import Callback, Demand, DemandDay, Ticket, TicketDay
from tickets.models.demand import Channel
from tickets.models.ticket import Category
from workcalendar.workdays import LOCAL_TZ

COUNT_NAMES = (
    "tickets_dispatched", "signed", "signed_on_time", "first_closed", "closed_on_time", "closures", "resolved",
    "callbacks", "satisfied", "archived", "reworked", "overdue_open",
)
RATE_NAMES = ("sign_on_time_rate", "close_on_time_rate", "resolution_rate", "satisfaction_rate", "rework_rate")


@dataclass(frozen=True)
class Scope:
    region: Region
    start: date
    end: date  # inclusive
    include_children: bool = False
    department: Department | None = None
    channel: str = ""
    domain: Domain | None = None
    category: str = ""

    @cached_property
    def region_ids(self) -> list[int]:
        if not self.include_children:
            return [self.region.pk]
        return [self.region.pk, *Region.objects.filter(parent_id=self.region.pk).values_list("pk", flat=True)]

    @property
    def window(self) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time.min, LOCAL_TZ),
            datetime.combine(self.end + timedelta(days=1), time.min, LOCAL_TZ),
        )

    def during(self, field_name: str) -> Q:
        start, end = self.window
        return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


# --- the sets behind the numbers ---------------------------------------------------------------------------------
def ticket_q(scope: Scope, prefix: str = "") -> Q:
    """Tickets in scope; `prefix` ("ticket__") applies it to a related model."""
    q = Q(**{f"{prefix}region_id__in": scope.region_ids})
    if scope.department is not None:
        q &= Q(**{f"{prefix}lead_department_id": scope.department.pk})
    if scope.domain is not None:
        q &= Q(**{f"{prefix}domain_id": scope.domain.pk})
    if scope.category:
        q &= Q(**{f"{prefix}category": scope.category})
    if scope.channel:
        # A ticket has no channel of its own: it counts for every channel one of its demands came by.
        q &= Exists(Demand.objects.filter(ticket_id=OuterRef(f"{prefix}pk" if prefix else "pk"), channel=scope.channel))
    return q


def tickets_in_scope(scope: Scope) -> QuerySet[Ticket]:
    return Ticket.objects.filter(ticket_q(scope))


def demands_in_scope(scope: Scope) -> QuerySet[Demand]:
    demands = Demand.objects.filter(region_id__in=scope.region_ids)
    if scope.department is not None:
        demands = demands.filter(ticket__lead_department_id=scope.department.pk)
    if scope.domain is not None:
        demands = demands.filter(domain_id=scope.domain.pk)
    if scope.category:
        demands = demands.filter(ticket__category=scope.category)
    if scope.channel:
        demands = demands.filter(channel=scope.channel)
    return demands


def _ticket_sets(scope: Scope, now: datetime) -> dict[str, Q]:
    """The condition on a ticket of each count (within tickets in scope)."""
    return {
        "tickets_dispatched": scope.during("created_at"),
        "signed": scope.during("first_signed_at"),
        "signed_on_time": scope.during("first_signed_at") & SIGNED_ON_TIME,
        "first_closed": scope.during("first_closed_at"),
        "closed_on_time": scope.during("first_closed_at") & closed_on_time_q(),
        "closures": scope.during("closed_at"),
        "resolved": scope.during("closed_at") & Q(closure_standard__in=RESOLVED),
        "archived": scope.during("archived_at"),
        "reworked": scope.during("archived_at") & Q(rework_count__gte=1),
        "overdue_open": overdue_tickets_q(now),
    }


# Drill-down: each number of the dashboard links to the list of what it counts.
DRILLS: dict[str, str] = {
    "demands_received": "受理诉求",
    "tickets_dispatched": "派发工单",
    "signed": "首次签收的工单",
    "signed_late": "未按时签收（含视为签收）的工单",
    "first_closed": "首次办结的工单",
    "closed_late": "超期办结的工单",
    "closures": "办结的工单",
    "not_resolved": "未解决（应通过法定途径解决）的工单",
    "callbacks": "已联系上的回访工单",
    "unsatisfied": "回访不满意的工单",
    "archived": "归档的工单",
    "reworked": "经退回重办后归档的工单",
    "overdue_open": "当前超期未办结的工单",
}


def drill_queryset(scope: Scope, metric: str, *, now: datetime | None = None) -> QuerySet:
    """The demands (for demands_received) or tickets behind one number. Unknown metric → KeyError."""
    if metric not in DRILLS:
        raise KeyError(metric)
    now = now or timezone.now()
    if metric == "demands_received":
        return demands_in_scope(scope).filter(scope.during("received_at"))
    tickets = tickets_in_scope(scope)
    sets = _ticket_sets(scope, now)
    if metric == "signed_late":
        return tickets.filter(sets["signed"]).exclude(SIGNED_ON_TIME)
    if metric == "closed_late":
        return tickets.filter(sets["first_closed"]).exclude(closed_on_time_q())
    if metric == "not_resolved":
        return tickets.filter(sets["closures"]).exclude(closure_standard__in=RESOLVED)
    if metric in ("callbacks", "unsatisfied"):
        reached = Callback.objects.filter(ticket_id=OuterRef("pk"), reached=True, sampled=False).filter(scope.during("at"))
        if metric == "unsatisfied":
            reached = reached.exclude(satisfaction__in=SATISFIED)
        return tickets.filter(Exists(reached))
    return tickets.filter(sets[metric])


# --- the figures -------------------------------------------------------------------------------------------------
def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


@dataclass
class Figures:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    handle_days: int = 0
    handle_tickets: int = 0

    def as_dict(self) -> dict:
        c = self.counts
        return {
            "tickets_dispatched": c["tickets_dispatched"],
            "sign_on_time_rate": rate(c["signed_on_time"], c["signed"]),
            "close_on_time_rate": rate(c["closed_on_time"], c["first_closed"]),
            "resolution_rate": rate(c["resolved"], c["closures"]),
            "satisfaction_rate": rate(c["satisfied"], c["callbacks"]),
            "rework_rate": rate(c["reworked"], c["archived"]),
            "overdue_open": c["overdue_open"],
            "avg_handle_working_days": (
                round(self.handle_days / self.handle_tickets, 2) if self.handle_tickets else None
            ),
            "counts": {
                **{name: c[name] for name in COUNT_NAMES},
                "signed_late": c["signed"] - c["signed_on_time"],
                "closed_late": c["first_closed"] - c["closed_on_time"],
                "not_resolved": c["closures"] - c["resolved"],
                "unsatisfied": c["callbacks"] - c["satisfied"],
            },
        }


def uses_daily(scope: Scope) -> bool:
    """The day rows (tickets.figures) hold region × lead department × day; channel, domain and category filters are
    answered from the tickets themselves."""
    return not (scope.channel or scope.domain or scope.category)


def _daily_department_figures(scope: Scope, now: datetime) -> dict[int, Figures]:
    """Counts per lead department from the day rows (one query), and the open overdue tickets (one query)."""
    figures: dict[int, Figures] = defaultdict(Figures)
    rows = TicketDay.objects.filter(region_id__in=scope.region_ids, day__gte=scope.start, day__lte=scope.end)
    if scope.department is not None:
        rows = rows.filter(department_id=scope.department.pk)
    names = [name for name in COUNT_NAMES if name != "overdue_open"] + ["handle_days", "handle_tickets"]
    sums = {name: Sum(name) for name in names}
    for row in rows.values("department_id").annotate(**sums).order_by():
        entry = figures[row.pop("department_id")]
        entry.handle_days += row.pop("handle_days")
        entry.handle_tickets += row.pop("handle_tickets")
        for name, value in row.items():
            entry.counts[name] += value
    overdue = tickets_in_scope(scope).filter(overdue_tickets_q(now)).values("lead_department_id").annotate(n=Count("id"))
    for row in overdue.order_by():
        figures[row["lead_department_id"]].counts["overdue_open"] += row["n"]
    return figures


def _department_figures(scope: Scope, now: datetime) -> dict[int, Figures]:
    """Counts per lead department, from the tickets, in three queries (tickets, callbacks, sign/close day pairs)."""
    figures: dict[int, Figures] = defaultdict(Figures)
    sets = _ticket_sets(scope, now)
    active = Q()
    for name in ("tickets_dispatched", "signed", "first_closed", "closures", "archived", "overdue_open"):
        active |= sets[name]
    rows = (
        tickets_in_scope(scope)
        .filter(active)
        .values("lead_department_id")
        .annotate(**{name: Count("id", filter=condition) for name, condition in sets.items()})
        .order_by()
    )
    for row in rows:
        counts = figures[row.pop("lead_department_id")].counts
        for name, value in row.items():
            counts[name] += value

    callbacks = (
        Callback.objects.filter(ticket_q(scope, "ticket__"), scope.during("at"), reached=True, sampled=False)
        .values("ticket__lead_department_id")
        .annotate(callbacks=Count("id"), satisfied=Count("id", filter=Q(satisfaction__in=SATISFIED)))
        .order_by()
    )
    for row in callbacks:
        counts = figures[row["ticket__lead_department_id"]].counts
        counts["callbacks"] += row["callbacks"]
        counts["satisfied"] += row["satisfied"]

    # Working days depend on the calendar only through the two dates: group by them, count each pair once.
    pairs = (
        tickets_in_scope(scope)
        .filter(sets["first_closed"], first_signed_at__isnull=False)
        .values(
            "lead_department_id",
            sign_day=TruncDate("first_signed_at", tzinfo=LOCAL_TZ),
            close_day=TruncDate("first_closed_at", tzinfo=LOCAL_TZ),
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in pairs:
        entry = figures[row["lead_department_id"]]
        entry.handle_days += handle_working_days(row["sign_day"], row["close_day"]) * row["n"]
        entry.handle_tickets += row["n"]
    return figures


def _daily_demand_breakdown(scope: Scope) -> dict:
    rows = (
        DemandDay.objects.filter(region_id__in=scope.region_ids, day__gte=scope.start, day__lte=scope.end)
        .values("dimension", "code").annotate(n=Sum("count")).order_by()
    )
    out = {
        "by_channel": {code: 0 for code in Channel.values},
        "by_domain": {code: 0 for code in Domain.objects.order_by("sort_order", "code").values_list("code", flat=True)},
        "by_category": {code: 0 for code in [*Category.values, NOT_TICKETED]},
    }
    for row in rows:
        counts = out[f"by_{row['dimension']}"]
        counts[row["code"]] = counts.get(row["code"], 0) + row["n"]
    return {"demands_received": sum(out["by_channel"].values()), **out}


def _demand_breakdown(scope: Scope) -> dict:
    rows = (
        demands_in_scope(scope)
        .filter(scope.during("received_at"))
        .values("channel", "domain__code", "ticket__category")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_channel = {code: 0 for code in Channel.values}
    by_domain = {code: 0 for code in Domain.objects.order_by("sort_order", "code").values_list("code", flat=True)}
    by_category = {code: 0 for code in [*Category.values, NOT_TICKETED]}
    total = 0
    for row in rows:
        total += row["n"]
        by_channel[row["channel"]] = by_channel.get(row["channel"], 0) + row["n"]
        by_domain[row["domain__code"]] = by_domain.get(row["domain__code"], 0) + row["n"]
        category = row["ticket__category"] or NOT_TICKETED
        by_category[category] = by_category.get(category, 0) + row["n"]
    return {"demands_received": total, "by_channel": by_channel, "by_domain": by_domain, "by_category": by_category}


def score(rates: dict, weights: RankingWeights) -> float | None:
    """Weighted mean of the three rates. A rate with no denominator is left out and the other weights renormalised,
    so a department is neither rewarded nor punished for something it had no cases of; no rate at all → None."""
    parts = [
        (float(weights.sign_weight), rates["sign_on_time_rate"]),
        (float(weights.resolution_weight), rates["resolution_rate"]),
        (float(weights.satisfaction_weight), rates["satisfaction_rate"]),
    ]
    present = [(w, r) for w, r in parts if r is not None and w > 0]
    total = sum(w for w, _ in present)
    if not present or total == 0:
        return None
    return round(sum(w * r for w, r in present) / total, 4)


@parallel_reads()  # aggregates over the whole period's tickets (core.db)
def compute(scope: Scope, *, now: datetime | None = None, source: str = "auto") -> dict:
    """Every KPI of the scope, overall and per lead department (ranked by score, best first).

    `source` "auto" reads the day rows when the scope allows it (uses_daily), "live" always counts the tickets
    (the reference the day rows are tested against)."""
    now = now or timezone.now()
    daily = source == "auto" and uses_daily(scope)
    figures = _daily_department_figures(scope, now) if daily else _department_figures(scope, now)
    per_department = {pk: entry for pk, entry in figures.items() if any(entry.counts.values())}
    overall = Figures()
    for entry in per_department.values():
        for name, value in entry.counts.items():
            overall.counts[name] += value
        overall.handle_days += entry.handle_days
        overall.handle_tickets += entry.handle_tickets

    weights = RankingWeights.current()
    departments = {d.pk: d for d in Department.objects.filter(pk__in=per_department).select_related("region")}
    ranking = []
    for pk, entry in per_department.items():
        department = departments[pk]
        row = {"department": department.code, "name": department.name, "region": department.region.code,
               **entry.as_dict()}
        row["score"] = score(row, weights)
        ranking.append(row)
    ranking.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["department"]))
    for position, row in enumerate(ranking, start=1):
        row["rank"] = position if row["score"] is not None else None

    return {
        "region": scope.region.code,
        "from": scope.start.isoformat(),
        "to": scope.end.isoformat(),
        "include_children": scope.include_children,
        **(_daily_demand_breakdown(scope) if daily and scope.department is None else _demand_breakdown(scope)),
        **overall.as_dict(),
        "departments": ranking,
        "weights": {
            "sign_on_time_rate": float(weights.sign_weight),
            "resolution_rate": float(weights.resolution_weight),
            "satisfaction_rate": float(weights.satisfaction_weight),
        },
    }


# --- trends ------------------------------------------------------------------------------------------------------
def buckets(scope: Scope, unit: str) -> list[date]:
    """The first day of every week (Monday) or month touching the period."""
    if unit == "week":
        day = scope.start - timedelta(days=scope.start.weekday())
        step = lambda d: d + timedelta(days=7)  # noqa: E731
    else:
        day = scope.start.replace(day=1)
        step = lambda d: (d.replace(day=28) + timedelta(days=4)).replace(day=1)  # noqa: E731
    out = []
    while day <= scope.end:
        out.append(day)
        day = step(day)
    return out


def bucket_label(day: date, unit: str) -> str:
    if unit == "week":
        return f"{day:%m-%d}起"
    return f"{day:%Y-%m}"


@parallel_reads()
def trend(scope: Scope, unit: str, *, source: str = "auto") -> list[dict]:
    """Per week or month of the period: demands received, tickets dispatched and first closed, and the on-time,
    resolution and satisfaction rates of that bucket (same definitions as compute)."""
    if unit not in ("week", "month"):
        raise ValueError(unit)
    keys = buckets(scope, unit)
    table = {k: defaultdict(int) for k in keys}
    if source == "auto" and uses_daily(scope):
        _daily_trend(scope, unit, table)
    else:
        _live_trend(scope, unit, table)
    return _trend_rows(keys, table, unit)


def _daily_trend(scope: Scope, unit: str, table: dict) -> None:
    bucket = Trunc("day", unit, output_field=DateField())
    rows = TicketDay.objects.filter(region_id__in=scope.region_ids, day__gte=scope.start, day__lte=scope.end)
    if scope.department is not None:
        rows = rows.filter(department_id=scope.department.pk)
    names = ("tickets_dispatched", "signed", "signed_on_time", "first_closed", "closed_on_time", "closures", "resolved",
             "callbacks", "satisfied")
    for row in rows.annotate(bucket=bucket).values("bucket").annotate(**{n: Sum(n) for n in names}).order_by():
        day = row.pop("bucket")
        if day in table:
            row["dispatched"] = row.pop("tickets_dispatched")
            for name, value in row.items():
                table[day][name] += value
    if scope.department is not None:
        demands = demands_in_scope(scope).filter(scope.during("received_at"))
        for row in demands.annotate(bucket=Trunc("received_at", unit, tzinfo=LOCAL_TZ)).values("bucket").annotate(n=Count("id")).order_by():
            day = row["bucket"].date()
            if day in table:
                table[day]["received"] += row["n"]
        return
    received = DemandDay.objects.filter(
        region_id__in=scope.region_ids, day__gte=scope.start, day__lte=scope.end, dimension=DemandDay.Dimension.CHANNEL
    )
    for row in received.annotate(bucket=bucket).values("bucket").annotate(n=Sum("count")).order_by():
        if row["bucket"] in table:
            table[row["bucket"]]["received"] += row["n"]


def _live_trend(scope: Scope, unit: str, table: dict) -> None:
    def grouped(queryset, field_name: str, **aggregates):
        rows = (
            queryset.filter(scope.during(field_name))
            .annotate(bucket=Trunc(field_name, unit, tzinfo=LOCAL_TZ))
            .values("bucket")
            .annotate(**aggregates)
            .order_by()
        )
        for row in rows:
            bucket = row.pop("bucket")
            day = bucket.date() if isinstance(bucket, datetime) else bucket
            if day in table:
                for name, value in row.items():
                    table[day][name] += value

    tickets = tickets_in_scope(scope)
    grouped(demands_in_scope(scope), "received_at", received=Count("id"))
    grouped(tickets, "created_at", dispatched=Count("id"))
    grouped(tickets, "first_signed_at", signed=Count("id"), signed_on_time=Count("id", filter=SIGNED_ON_TIME))
    grouped(tickets, "first_closed_at", first_closed=Count("id"), closed_on_time=Count("id", filter=closed_on_time_q()))
    grouped(tickets, "closed_at", closures=Count("id"), resolved=Count("id", filter=Q(closure_standard__in=RESOLVED)))
    grouped(
        Callback.objects.filter(ticket_q(scope, "ticket__"), reached=True, sampled=False), "at",
        callbacks=Count("id"), satisfied=Count("id", filter=Q(satisfaction__in=SATISFIED)),
    )


def _trend_rows(keys: list[date], table: dict, unit: str) -> list[dict]:
    out = []
    for day in keys:
        c = table[day]
        out.append({
            "bucket": day.isoformat(),
            "label": bucket_label(day, unit),
            "received": c["received"],
            "dispatched": c["dispatched"],
            "first_closed": c["first_closed"],
            "sign_on_time_rate": rate(c["signed_on_time"], c["signed"]),
            "close_on_time_rate": rate(c["closed_on_time"], c["first_closed"]),
            "resolution_rate": rate(c["resolved"], c["closures"]),
            "satisfaction_rate": rate(c["satisfied"], c["callbacks"]),
        })
    return out


RATE_NAMES = ("sign_on_time_rate", "close_on_time_rate", "resolution_rate", "satisfaction_rate")


def from_first_data(rows: list[dict]) -> list[dict]:
    """The trend from the first bucket that holds anything (a count or a rate), so that a year whose data starts in
    October does not draw nine empty months first; the period's own start when the data starts earlier. A period
    without any data keeps its last bucket (the table says 0 rather than nothing)."""
    for i, row in enumerate(rows):
        if row["received"] or row["dispatched"] or row["first_closed"] or any(row[n] is not None for n in RATE_NAMES):
            return rows[i:]
    return rows[-1:]
