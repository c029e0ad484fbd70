"""Daily figures (tickets.models.TicketDay, DemandDay) and the events they count (SPEC §9), kept by the acts.

A ticket, callback or demand contributes fixed counts to the days of its events (the ticket's formation, first sign,
first close, latest closure and archive; the callback's time; the demand's reception); the definitions below are the
ones reports.kpis counts with. Each act that saves such a row records the difference it made, explicitly and in the
same transaction (`record_ticket`, `record_callback`, `record_demand`: an `INSERT … ON CONFLICT DO UPDATE`, safe under
concurrent saves). So the dashboard and the stats API read a few hundred day rows instead of every ticket of the year.

Rules this relies on: KPI-relevant columns change only in the acts of tickets.workflow, which record the difference
(the sweep's and the provisional-due recomputation's `update()` calls touch only clocks of tickets not yet closed, which
count nowhere); `rebuild()` (`python manage.py rebuild_daily_figures`) recomputes everything from the tickets, e.g. after
loading rows with raw SQL or after the working-day calendar of a past year is corrected.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time

from django.db import connection, transaction
from django.db.models import Case, Count, DateTimeField, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, TruncDate

from accounts.models import Domain
from tickets.models import Callback, Demand, DemandDay, Ticket, TicketDay
from tickets.models.handling import ClosureStandard, Satisfaction
from workcalendar.workdays import LOCAL_TZ, working_days_between

# --- what each event counts (reports.kpis counts with the same definitions) -----------------------------------------
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)
RESOLVED = (ClosureStandard.RESOLVED, ClosureStandard.PARTIAL)
NOT_TICKETED = "not_ticketed"
SIGNED_ON_TIME = Q(auto_signed=False) & (Q(sign_due_at__isnull=True) | Q(first_signed_at__lte=F("sign_due_at")))


def first_close_due():
    """The handling due in force when the ticket was first closed (extensions approved before then included).

    The ticket row keeps only the current `handle_due_at`. After the first close a ticket leaves `closed` only by
    archiving (the due is untouched) or by a return for rework, which restarts the handling clock and raises
    `rework_count`; a review's rectification happens only after such a return. So while rework_count is 0 the
    current due is the one in force at the first close. For a reworked ticket we read the ticket's own history
    (django-simple-history writes a row on every save): the earliest historical row whose `closed_at` equals
    `first_closed_at` is the one written by the first close, holding the due in force at that moment. Rows loaded
    without history (none are written by the acts) fall back to the current due.
    """
    history = Ticket.history.model.objects.filter(id=OuterRef("pk"), closed_at=OuterRef("first_closed_at"))
    at_first_close = history.order_by("history_date", "history_id").values("handle_due_at")[:1]
    return Case(
        When(rework_count=0, then=F("handle_due_at")),
        default=Coalesce(Subquery(at_first_close, output_field=DateTimeField()), F("handle_due_at")),
        output_field=DateTimeField(),
    )


def closed_on_time_q() -> Q:
    return Q(first_closed_at__lte=first_close_due())


def handle_working_days(sign_day: date, close_day: date) -> int:
    """Working days from the local day of the first sign to that of the first close."""
    noon = time(12, tzinfo=LOCAL_TZ)
    return working_days_between(datetime.combine(sign_day, noon), datetime.combine(close_day, noon))

TICKET_COUNTS = (
    "tickets_dispatched", "signed", "signed_on_time", "first_closed", "closed_on_time", "closures", "resolved",
    "archived", "reworked", "callbacks", "satisfied", "handle_days", "handle_tickets",
)
TICKET_FIELDS = (
    "region_id", "lead_department_id", "created_at", "first_signed_at", "auto_signed", "sign_due_at",
    "first_closed_at", "handle_due_at", "rework_count", "closed_at", "closure_standard", "archived_at",
)
CALLBACK_FIELDS = ("ticket_id", "at", "reached", "sampled", "satisfaction")
DEMAND_FIELDS = ("region_id", "received_at", "channel", "domain_id", "ticket_id")


def local_day(instant: datetime) -> date:
    return instant.astimezone(LOCAL_TZ).date()


# --- contributions -----------------------------------------------------------------------------------------------
def _due_at_first_close(pk: int, v: dict) -> datetime | None:
    """As `first_close_due`: the current due until a rework; then the ticket's history at its first close."""
    if not v["rework_count"]:
        return v["handle_due_at"]
    due = (
        Ticket.history.model.objects.filter(id=pk, closed_at=v["first_closed_at"])
        .order_by("history_date", "history_id").values_list("handle_due_at", flat=True).first()
    )
    return due or v["handle_due_at"]


def ticket_contribution(pk: int, v: dict | None) -> dict:
    out: dict = defaultdict(Counter)
    if not v:
        return out
    region, department = v["region_id"], v["lead_department_id"]

    def add(instant, **counts):
        out[(local_day(instant), region, department)].update(counts)

    add(v["created_at"], tickets_dispatched=1)
    if v["first_signed_at"]:
        on_time = not v["auto_signed"] and (v["sign_due_at"] is None or v["first_signed_at"] <= v["sign_due_at"])
        add(v["first_signed_at"], signed=1, signed_on_time=int(on_time))
    if v["first_closed_at"]:
        due = _due_at_first_close(pk, v)
        counts = {"first_closed": 1, "closed_on_time": int(due is not None and v["first_closed_at"] <= due)}
        if v["first_signed_at"]:
            counts["handle_days"] = handle_working_days(local_day(v["first_signed_at"]), local_day(v["first_closed_at"]))
            counts["handle_tickets"] = 1
        add(v["first_closed_at"], **counts)
    if v["closed_at"]:
        add(v["closed_at"], closures=1, resolved=int(v["closure_standard"] in RESOLVED))
    if v["archived_at"]:
        add(v["archived_at"], archived=1, reworked=int(v["rework_count"] >= 1))
    return out


def callback_contribution(v: dict | None) -> dict:
    out: dict = defaultdict(Counter)
    if not v or not v["reached"] or v["sampled"]:
        return out
    ticket = Ticket.objects.filter(pk=v["ticket_id"]).values("region_id", "lead_department_id").first()
    if ticket:
        key = (local_day(v["at"]), ticket["region_id"], ticket["lead_department_id"])
        out[key].update(callbacks=1, satisfied=int(v["satisfaction"] in SATISFIED))
    return out


def demand_contribution(v: dict | None) -> dict:
    out: dict = defaultdict(Counter)
    if not v:
        return out
    day, region = local_day(v["received_at"]), v["region_id"]
    domain = Domain.objects.filter(pk=v["domain_id"]).values_list("code", flat=True).first()
    category = Ticket.objects.filter(pk=v["ticket_id"]).values_list("category", flat=True).first() if v["ticket_id"] else None
    out[(day, region, DemandDay.Dimension.CHANNEL, v["channel"])]["count"] += 1
    out[(day, region, DemandDay.Dimension.DOMAIN, domain or "")]["count"] += 1
    out[(day, region, DemandDay.Dimension.CATEGORY, category or NOT_TICKETED)]["count"] += 1
    return out


# --- applying differences ----------------------------------------------------------------------------------------
def _difference(before: dict, after: dict) -> dict:
    out = {}
    for key in set(before) | set(after):
        delta = Counter(after.get(key, {}))
        delta.subtract(before.get(key, {}))
        nonzero = {name: n for name, n in delta.items() if n}
        if nonzero:
            out[key] = nonzero
    return out


def _upsert(table: str, key_columns: tuple[str, ...], key: tuple, counts: dict) -> None:
    names = list(counts)
    columns = ", ".join([*key_columns, *names])
    marks = ", ".join(["%s"] * (len(key_columns) + len(names)))
    updates = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
            f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {updates}",
            [*key, *counts.values()],
        )


def apply_ticket_days(before: dict, after: dict) -> None:
    # Rows are locked in key order, so two transactions touching the same days cannot deadlock.
    for key, counts in sorted(_difference(before, after).items()):
        _upsert(TicketDay._meta.db_table, ("day", "region_id", "department_id"), key, counts)


def apply_demand_days(before: dict, after: dict) -> None:
    for key, counts in sorted(_difference(before, after).items()):
        _upsert(DemandDay._meta.db_table, ("day", "region_id", "dimension", "code"), key, counts)


def _current(instance, fields) -> dict:
    return {name: getattr(instance, name) for name in fields}


# --- recording: the acts call these after each save, in the same transaction ---------------------------------------
def of_ticket(ticket: Ticket) -> dict:
    """What a ticket contributes as it stands (take it before changing the ticket, pass it to `record_ticket`)."""
    return ticket_contribution(ticket.pk, _current(ticket, TICKET_FIELDS)) if ticket.pk else {}


def record_ticket(before: dict, ticket: Ticket) -> None:
    """The ticket was saved: add the difference its new state makes to the day rows."""
    apply_ticket_days(before, of_ticket(ticket))


def record_callback(callback: Callback) -> None:
    """A callback was recorded (callbacks never change afterwards)."""
    apply_ticket_days({}, callback_contribution(_current(callback, CALLBACK_FIELDS)))


def of_demand(demand: Demand) -> dict:
    return demand_contribution(_current(demand, DEMAND_FIELDS)) if demand.pk else {}


def record_demand(before: dict, demand: Demand) -> None:
    """The demand was created, or its ticket set (its category then counts)."""
    apply_demand_days(before, of_demand(demand))


def record_tickets(changes: Iterable[tuple[dict, Ticket]]) -> None:
    """Many tickets were saved by one batch act (the sweep's auto-sign): `record_ticket` for each, the differences
    summed per day row and written in one statement."""
    total: dict = defaultdict(Counter)
    for before, ticket in changes:
        for key, counts in _difference(before, of_ticket(ticket)).items():
            total[key].update(counts)
    rows = {key: nonzero for key, counts in total.items() if (nonzero := {name: n for name, n in counts.items() if n})}
    _upsert_many(TicketDay._meta.db_table, ("day", "region_id", "department_id"), rows)


def _upsert_many(table: str, key_columns: tuple[str, ...], rows: dict[tuple, dict]) -> None:
    """`_upsert` of many day rows in one `INSERT … ON CONFLICT DO UPDATE`, in key order (no deadlock with another)."""
    if not rows:
        return
    names = sorted({name for counts in rows.values() for name in counts})
    columns = ", ".join([*key_columns, *names])
    marks = "(" + ", ".join(["%s"] * (len(key_columns) + len(names))) + ")"
    updates = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in names)
    params: list = []
    for key, counts in sorted(rows.items()):
        params += [*key, *(counts.get(n, 0) for n in names)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([marks] * len(rows))} "
            f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {updates}",
            params,
        )


# --- rebuilding from the tickets ---------------------------------------------------------------------------------
def _grouped(queryset, field: str, region: str, department: str | None, **aggregates):
    keys = {"day": TruncDate(field, tzinfo=LOCAL_TZ)}
    names = [region] + ([department] if department else [])
    return queryset.filter(**{f"{field}__isnull": False}).values(*names, **keys).annotate(**aggregates).order_by()


@transaction.atomic
def rebuild() -> tuple[int, int]:
    """Recompute every day row from the tickets, callbacks and demands (set-based; minutes at most for millions).
    Returns the number of ticket-day and demand-day rows written."""
    TicketDay.objects.all().delete()
    DemandDay.objects.all().delete()
    tickets = Ticket.objects.all()
    rows: dict = defaultdict(Counter)

    def collect(queryset, region="region_id", department="lead_department_id"):
        for row in queryset:
            key = (row.pop("day"), row.pop(region), row.pop(department))
            rows[key].update({k: v for k, v in row.items()})

    collect(_grouped(tickets, "created_at", "region_id", "lead_department_id", tickets_dispatched=Count("id")))
    collect(_grouped(tickets, "first_signed_at", "region_id", "lead_department_id",
                     signed=Count("id"), signed_on_time=Count("id", filter=SIGNED_ON_TIME)))
    collect(_grouped(tickets, "first_closed_at", "region_id", "lead_department_id",
                     first_closed=Count("id"), closed_on_time=Count("id", filter=closed_on_time_q())))
    collect(_grouped(tickets, "closed_at", "region_id", "lead_department_id",
                     closures=Count("id"), resolved=Count("id", filter=Q(closure_standard__in=RESOLVED))))
    collect(_grouped(tickets, "archived_at", "region_id", "lead_department_id",
                     archived=Count("id"), reworked=Count("id", filter=Q(rework_count__gte=1))))
    collect(_grouped(Callback.objects.filter(reached=True, sampled=False), "at", "ticket__region_id",
                     "ticket__lead_department_id", callbacks=Count("id"),
                     satisfied=Count("id", filter=Q(satisfaction__in=SATISFIED))),
            region="ticket__region_id", department="ticket__lead_department_id")
    pairs = (
        tickets.filter(first_closed_at__isnull=False, first_signed_at__isnull=False)
        .values("region_id", "lead_department_id", day=TruncDate("first_closed_at", tzinfo=LOCAL_TZ),
                sign_day=TruncDate("first_signed_at", tzinfo=LOCAL_TZ))
        .annotate(n=Count("id")).order_by()
    )
    for row in pairs:
        key = (row["day"], row["region_id"], row["lead_department_id"])
        rows[key].update(handle_days=handle_working_days(row["sign_day"], row["day"]) * row["n"], handle_tickets=row["n"])
    TicketDay.objects.bulk_create(
        [TicketDay(day=day, region_id=region, department_id=department, **{n: counts.get(n, 0) for n in TICKET_COUNTS})
         for (day, region, department), counts in rows.items()],
        batch_size=5000,
    )

    demand_rows = []
    received = Demand.objects.values("region_id", day=TruncDate("received_at", tzinfo=LOCAL_TZ))
    for dimension, field in (("channel", "channel"), ("domain", "domain__code"), ("category", "ticket__category")):
        for row in received.values("region_id", "day", field).annotate(n=Count("id")).order_by():
            code = row[field] or (NOT_TICKETED if dimension == "category" else "")
            demand_rows.append(DemandDay(day=row["day"], region_id=row["region_id"], dimension=dimension, code=code, count=row["n"]))
    DemandDay.objects.bulk_create(demand_rows, batch_size=5000)
    return len(rows), len(demand_rows)
