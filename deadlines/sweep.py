"""The deadline sweep (SPEC §6, §7): warnings, overdue marks, auto-sign and automatic supervision, as of an instant.

`sweep(now)` is run every 5 minutes by Celery beat (`deadlines.tasks.sweep_deadlines`) and on demand by
`python manage.py sweep_deadlines [--now ISO8601]`.

1. Window. Only clocks whose due instant lies in (last sweep − margin, horizon] are read, where the horizon is the end of
   the last day that can already be in its warning period. The first sweep (or one run as of an instant before the last
   one) reads every running clock up to the horizon. Partial indexes on the due columns of running clocks keep this a
   range scan, so the cost grows with the number of due items, not with the number of tickets.
2. Auto-sign. Every dispatched ticket whose sign clock has expired is auto-signed, a batch at a time, through
   `workflow.tickets_auto_sign` (which locks the rows with SKIP LOCKED and re-checks the state, so a person signing at
   the same moment wins or loses cleanly), and, when the workflow settings say so, a `system` supervision with trigger
   `overdue` is raised (once per key).
3. Marks. For each clock in the window: overdue when `now` is past the due instant, a warning when the due instant is
   within `DeadlinePolicy.warning_working_days` working days. Each mark is one `ClockAlert` row, inserted with
   ON CONFLICT DO NOTHING against a unique constraint; only the rows actually inserted get a timeline entry and
   notifications, so the same `now` twice (or two sweeps at once) creates nothing new.
   An overdue handling clock also raises an automatic `overdue` supervision to the lead department.
4. The sweep instant is remembered (never moved backwards) for the next window.

Everything is done per batch of up to `BATCH` items in a few statements (read once, write in bulk: the alerts, the
timeline, the notifications after commit through `notify_many`, the supervisions through
`supervisions_raise_automatic`), so a sweep costs a constant number of queries per batch, not per due item.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department
from deadlines.models import ClockAlert, SweepState
from notifications.services import Message, Recipients, notify_many, recipients_for
from supervision.models import Supervision
from supervision.services import AutomaticSupervision, supervisions_raise_automatic
from tickets import workflow
from tickets.models import Demand, DemandEvent, Ticket, TicketEvent, WorkflowSettings
from tickets.models.ticket import handle_policy
from workcalendar.clocks import DEFAULT_WARNING_DAYS, classify
from workcalendar.models import DeadlinePolicy
from workcalendar.workdays import LOCAL_TZ, add_working_days

logger = logging.getLogger(__name__)

# A clock whose due instant passed up to this long before the previous sweep is read again: it covers clocks started in
# transactions that committed after that sweep had read, and clocks moved slightly backwards by a calendar correction.
MARGIN = timedelta(hours=6)
BATCH = 500
FUTURE_TOLERANCE = timedelta(minutes=5)

CLOCK_LABELS = dict(ClockAlert.Clock.choices)


@dataclass
class SweepResult:
    warned: int = 0
    overdue: int = 0
    auto_signed: int = 0
    supervisions: int = 0
    full: bool = False  # read every running clock (no usable previous sweep)

    def summary(self) -> str:
        return (
            f"warned={self.warned} overdue={self.overdue} auto_signed={self.auto_signed} "
            f"supervisions={self.supervisions}"
        )


@dataclass
class _Due:
    """One running clock in the window, with what the sweep needs to mark it and to tell people."""

    clock: str
    subject: str
    due_at: datetime
    region_id: int
    state: str
    number: str
    warn_days: int
    demand_id: int | None = None
    ticket_id: int | None = None
    supervision_id: int | None = None
    department_id: int | None = None  # lead (sign/handle) or addressed (supervision) department; None: the office
    timeline_ticket_id: int | None = None  # where a supervision's mark is written
    extra: dict = field(default_factory=dict)


# --- the window --------------------------------------------------------------------------------------------------
def _policies() -> dict[str, DeadlinePolicy]:
    return {policy.clock: policy for policy in DeadlinePolicy.objects.all()}


def _warn_days(policies: dict[str, DeadlinePolicy], policy_clock: str) -> int:
    policy = policies.get(policy_clock)
    return DEFAULT_WARNING_DAYS if policy is None else policy.warning_working_days


def _end_of_local_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=LOCAL_TZ)


def _horizon(now: datetime, warn_days: int) -> datetime:
    """The latest due instant that can be in its warning period at `now`: before the (warn_days + 1)-th working day."""
    if warn_days <= 0:
        return now
    next_outside = add_working_days(now, warn_days + 1).due.astimezone(LOCAL_TZ).date()
    return _end_of_local_day(next_outside - timedelta(days=1))


def _classify(due: _Due, now: datetime) -> str | None:
    """The same rule as the screens' `due` tag (workcalendar.clocks.classify): a ClockAlert kind, or None."""
    return classify(now, due.due_at, due.warn_days)


def _range(column: str, lower: datetime | None, upper: datetime) -> Q:
    condition = Q(**{f"{column}__lte": upper})
    if lower is not None:
        condition &= Q(**{f"{column}__gt": lower})
    return condition


# --- reading the running clocks in the window ---------------------------------------------------------------------
def _demand_dues(lower, upper, policies) -> Iterable[_Due]:
    warn = _warn_days(policies, "triage")
    rows = (
        Demand.objects.filter(_range("triage_due_at", lower, upper), state__in=[Demand.State.REGISTERED, Demand.State.CONSULTING])
        .order_by("triage_due_at", "id")
        .values_list("id", "triage_due_at", "region_id", "state", "number")
    )
    for pk, due_at, region_id, state, number in rows.iterator(chunk_size=BATCH):
        yield _Due("triage", f"demand:{pk}", due_at, region_id, state, number, warn, demand_id=pk)


_TICKET_CLOCKS = {
    # clock → (state, due column)
    "sign": (Ticket.State.DISPATCHED, "sign_due_at"),
    "handle": (Ticket.State.HANDLING, "handle_due_at"),
    "callback": (Ticket.State.CLOSED, "callback_due_at"),
}


def _ticket_dues(clock: str, lower, upper, policies) -> Iterable[_Due]:
    state, column = _TICKET_CLOCKS[clock]
    rows = (
        Ticket.objects.filter(_range(column, lower, upper), state=state)
        .order_by(column, "id")
        .values_list("id", column, "region_id", "number", "lead_department_id", "category", "complex")
    )
    for pk, due_at, region_id, number, lead_id, category, complex_ in rows.iterator(chunk_size=BATCH):
        policy_clock = handle_policy(category, complex_) if clock == "handle" else clock
        yield _Due(
            clock, f"ticket:{pk}", due_at, region_id, state, number, _warn_days(policies, policy_clock), ticket_id=pk,
            department_id=lead_id if clock in ("sign", "handle") else None, timeline_ticket_id=pk,
        )


def _supervision_dues(lower, upper, policies) -> Iterable[_Due]:
    warn = _warn_days(policies, "supervision_answer")
    rows = (
        Supervision.objects.filter(_range("due_at", lower, upper), answered_at__isnull=True)
        .order_by("due_at", "id")
        .values_list("id", "due_at", "region_id", "number", "department_id", "ticket_id")
    )
    for pk, due_at, region_id, number, department_id, ticket_id in rows.iterator(chunk_size=BATCH):
        yield _Due(
            "supervision", f"supervision:{pk}", due_at, region_id, "", number, warn, supervision_id=pk,
            department_id=department_id, timeline_ticket_id=ticket_id,
        )


# --- recording marks ----------------------------------------------------------------------------------------------
def _insert_alerts(rows: list[tuple[_Due, str]], now: datetime) -> set[tuple[str, str, str]]:
    """INSERT … ON CONFLICT DO NOTHING; returns (subject, clock, kind) of the rows this call inserted."""
    if not rows:
        return set()
    table = ClockAlert._meta.db_table
    fields = {f.name: f for f in ClockAlert._meta.concrete_fields}
    columns = ["kind", "clock", "subject", "demand_id", "ticket_id", "supervision_id", "due_at", "created_at"]
    quote = connection.ops.quote_name
    params: list = []
    for due, kind in rows:
        params += [
            kind, due.clock, due.subject, due.demand_id, due.ticket_id, due.supervision_id,
            fields["due_at"].get_db_prep_value(due.due_at, connection),
            fields["created_at"].get_db_prep_value(now, connection),
        ]
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    sql = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES {placeholders} "
        f"ON CONFLICT ({', '.join(quote(c) for c in ('subject', 'clock', 'due_at', 'kind'))}) DO NOTHING "
        f"RETURNING {quote('subject')}, {quote('clock')}, {quote('kind')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {tuple(row) for row in cursor.fetchall()}


def _local(instant: datetime) -> str:
    return f"{timezone.localtime(instant, LOCAL_TZ):%Y-%m-%d %H:%M}"


def _describe(due: _Due, kind: str) -> tuple[str, str]:
    """(title, body) of the mark, as a clerk would read it."""
    label = CLOCK_LABELS[due.clock]
    what = {"triage": f"诉求 {due.number}", "supervision": f"督办 {due.number}"}.get(due.clock, f"工单 {due.number}")
    if kind == ClockAlert.Kind.WARNING:
        return f"{label}时限即将到期：{what}", f"{label}期限为 {_local(due.due_at)}，请抓紧办理。"
    return f"{label}已超期：{what}", f"{label}期限 {_local(due.due_at)} 已过。"


def _url(due: _Due) -> str:
    if due.demand_id:
        return reverse("tickets:demand_detail", args=[due.demand_id])
    if due.timeline_ticket_id:
        return reverse("tickets:ticket_detail", args=[due.timeline_ticket_id])
    return ""


def _message(due: _Due, kind: str, people: Recipients, departments: dict[int, Department]) -> Message | None:
    """The responsible department (lead for sign/handling, the addressee for supervision answers), else the office;
    the region's office also hears of every overdue clock. Each person once per mark (notification key)."""
    title, body = _describe(due, kind)
    event = "clock_warning" if kind == ClockAlert.Kind.WARNING else "clock_overdue"
    key = f"{kind}:{due.clock}:{due.subject}:{int(due.due_at.timestamp())}"
    recipients: dict = {}
    department = departments.get(due.department_id) if due.department_id else None
    if department is not None:
        if department.kind == Department.Kind.OFFICE_HOST:
            # A supervision addressed to a (county) office: its office staff answer it.
            chosen = people.of_region_office(department.region_id)
        else:
            chosen = people.of_department(department.pk)
        recipients.update((user.pk, user) for user in chosen)
    if department is None or kind == ClockAlert.Kind.OVERDUE:
        recipients.update((user.pk, user) for user in people.of_region_office(due.region_id))
    if not recipients:
        return None
    return Message(recipients=list(recipients.values()), event=event, key=key, title=title, body=body, url=_url(due))


def _timeline(marked: list[tuple[_Due, str]], now: datetime) -> None:
    demand_events, ticket_events = [], []
    for due, kind in marked:
        title, body = _describe(due, kind)
        action = "clock_warning" if kind == ClockAlert.Kind.WARNING else "clock_overdue"
        note = f"{title}。{body}"
        if due.demand_id:
            demand_events.append(DemandEvent(
                demand_id=due.demand_id, action=action, from_state=due.state, to_state=due.state, note=note,
                internal=True, at=now,
            ))
        elif due.timeline_ticket_id:
            state = due.state or due.extra.get("ticket_state", "")
            ticket_events.append(TicketEvent(
                ticket_id=due.timeline_ticket_id, action=action, from_state=state, to_state=state, note=note,
                internal=True, at=now,
            ))
    DemandEvent.objects.bulk_create(demand_events)
    TicketEvent.objects.bulk_create(ticket_events)


def _mark(batch: list[_Due], now: datetime, result: SweepResult) -> None:
    """Record the marks of one batch, in one transaction: alerts, timeline entries, notifications, supervision."""
    wanted = [(due, kind) for due in batch if (kind := _classify(due, now)) is not None]
    if not wanted:
        return
    with transaction.atomic():
        inserted = _insert_alerts(wanted, now)
        marked = [(due, kind) for due, kind in wanted if (due.subject, due.clock, kind) in inserted]
        if not marked:
            return
        supervision_tickets = {due.timeline_ticket_id for due, _ in marked if due.clock == "supervision" and due.timeline_ticket_id}
        if supervision_tickets:
            states = dict(Ticket.objects.filter(pk__in=supervision_tickets).values_list("id", "state"))
            for due, _ in marked:
                if due.clock == "supervision" and due.timeline_ticket_id:
                    due.extra["ticket_state"] = states.get(due.timeline_ticket_id, "")
        _timeline(marked, now)
        department_ids = {due.department_id for due, _ in marked if due.department_id}
        departments = Department.objects.in_bulk(department_ids) if department_ids else {}
        people = recipients_for(
            department_ids=departments,
            region_ids={due.region_id for due, _ in marked}
            | {d.region_id for d in departments.values() if d.kind == Department.Kind.OFFICE_HOST},
        )
        messages = []
        for due, kind in marked:
            if (message := _message(due, kind, people, departments)) is not None:
                messages.append(message)
            if kind == ClockAlert.Kind.WARNING:
                result.warned += 1
            else:
                result.overdue += 1
        notify_many(messages)
        overdue_handling = [due for due, kind in marked if due.clock == "handle" and kind == ClockAlert.Kind.OVERDUE]
        if overdue_handling:
            tickets = Ticket.objects.select_related("region", "lead_department").in_bulk([due.ticket_id for due in overdue_handling])
            triggers = []
            for due in overdue_handling:
                ticket = tickets[due.ticket_id]
                triggers.append(AutomaticSupervision(
                    ticket=ticket, trigger=Supervision.Trigger.OVERDUE, department=ticket.lead_department,
                    content=f"工单 {ticket.number} 办理期限 {_local(due.due_at)} 已过仍未办结，请说明原因并尽快办结。",
                    key=f"overdue:handle:{ticket.pk}:{int(due.due_at.timestamp())}",
                ))
            result.supervisions += len(supervisions_raise_automatic(triggers, now=now))


def _mark_all(dues: Iterable[_Due], now: datetime, result: SweepResult) -> None:
    batch: list[_Due] = []
    for due in dues:
        batch.append(due)
        if len(batch) >= BATCH:
            _mark(batch, now, result)
            batch = []
    _mark(batch, now, result)


# --- auto-sign ----------------------------------------------------------------------------------------------------
def _auto_sign(now: datetime, result: SweepResult) -> None:
    """视为签收 for every expired sign clock (the set stays small while the switch is on: each sweep empties it)."""
    settings = WorkflowSettings.current()
    if not settings.auto_sign_enabled:
        return
    expired = list(
        Ticket.objects.filter(state=Ticket.State.DISPATCHED, sign_due_at__lt=now)
        .order_by("sign_due_at", "id")
        .values_list("id", flat=True)
    )
    for start in range(0, len(expired), BATCH):
        with transaction.atomic():
            # Tickets signed, objected or auto-signed by someone else meanwhile (or held by them now) are left out.
            signed = workflow.tickets_auto_sign(ticket_ids=expired[start:start + BATCH], now=now)
            result.auto_signed += len(signed)
            if not signed or not settings.auto_sign_raises_supervision:
                continue
            tickets = Ticket.objects.select_related("region", "lead_department").in_bulk(signed)
            raised = supervisions_raise_automatic(
                [
                    AutomaticSupervision(
                        ticket=ticket, trigger=Supervision.Trigger.OVERDUE, department=ticket.lead_department,
                        content=(
                            f"工单 {ticket.number} 签收期限 {_local(ticket.sign_due_at)} 届满，既未签收也未提出异议，"
                            "已视为签收，请立即办理。"
                        ),
                        key=f"auto_sign:{ticket.pk}:{int(ticket.sign_due_at.timestamp())}",
                    )
                    for ticket in (tickets[pk] for pk in signed)
                ],
                now=now,
            )
            result.supervisions += len(raised)


# --- the sweep ----------------------------------------------------------------------------------------------------
def sweep(now: datetime | None = None) -> SweepResult:
    """One sweep as of `now` (aware; default: the current time). Safe to run twice and concurrently."""
    now = now or timezone.now()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("需要带时区的时间 / an aware datetime is required")
    result = SweepResult()
    state, _ = SweepState.objects.get_or_create(pk=1)
    last = state.last_now
    lower = last - MARGIN if last is not None and last <= now else None
    result.full = lower is None

    policies = _policies()
    upper = _horizon(now, max([p.warning_working_days for p in policies.values()] + [1]))

    # Sign marks first (the overdue mark records the expiry), then the auto-sign; its handling clocks are read after.
    _mark_all(_ticket_dues("sign", lower, upper, policies), now, result)
    _auto_sign(now, result)
    _mark_all(_demand_dues(lower, upper, policies), now, result)
    _mark_all(_ticket_dues("handle", lower, upper, policies), now, result)
    _mark_all(_ticket_dues("callback", lower, upper, policies), now, result)
    _mark_all(_supervision_dues(lower, upper, policies), now, result)

    # Never backwards: a sweep as of an earlier instant leaves the window of the real-time sweeps alone. Nor into the
    # future: a rehearsal as of tomorrow must not make every real sweep until then a full catch-up.
    if now <= timezone.now() + FUTURE_TOLERANCE:
        SweepState.objects.filter(pk=1).filter(Q(last_now__isnull=True) | Q(last_now__lt=now)).update(last_now=now)
    SweepState.objects.filter(pk=1).update(finished_at=timezone.now())
    logger.info("deadline sweep as of %s: %s", now.isoformat(), result.summary())
    return result


def rewind(to: datetime) -> None:
    """Make the next sweep look back to `to`."""
    SweepState.objects.filter(pk=1, last_now__gt=to).update(last_now=to)


def look_back_to(earliest_due: datetime) -> None:
    """A due instant was moved earlier (a calendar correction recounted it): the next sweep reads it, with the margin."""
    rewind(earliest_due - MARGIN)
