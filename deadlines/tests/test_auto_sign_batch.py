"""workflow.tickets_auto_sign(): 视为签收 for a batch (the sweep) with the effects ticket_auto_sign has on one ticket —
state, sign and handling clocks, the history row reports read, the timeline entry, the daily figures — in a constant
number of queries, skipping rows a person holds (PostgreSQL)."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections, transaction

from tickets import workflow
from tickets.models import Ticket, TicketDay, TicketEvent, WorkflowSettings
from tickets.tests.helpers import dispatched_ticket
from workcalendar.workdays import start_clock

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
DISPATCHED = datetime(2026, 9, 30, 15, 0, tzinfo=SH)  # sign due Fri 2026-10-09 23:59:59, over the National Day block
AFTER_DUE = datetime(2026, 10, 10, 0, 10, tzinfo=SH)
CLOCK_FIELDS = (
    "state", "auto_signed", "signed_at", "first_signed_at", "handle_started_at", "handle_due_at", "handle_due_provisional",
    "current_due_at",
)


def dispatched(office, **kwargs):
    with time_machine.travel(DISPATCHED, tick=False):
        return dispatched_ticket(office, **kwargs)


def clocks(ticket) -> tuple:
    ticket = Ticket.objects.get(pk=ticket.pk)
    return tuple(getattr(ticket, name) for name in CLOCK_FIELDS)


def day_rows() -> list[tuple]:
    return sorted(TicketDay.objects.exclude(tickets_dispatched=0, signed=0, first_closed=0, closures=0, archived=0, callbacks=0)
                  .values_list("day", "region_id", "department_id", "tickets_dispatched", "signed", "signed_on_time",
                               "first_closed", "closed_on_time", "closures", "handle_days", "handle_tickets"))


def test_a_batch_has_the_effects_of_signing_each_ticket_alone(office_clerk):
    alone, batched = dispatched(office_clerk), dispatched(office_clerk)
    with time_machine.travel(AFTER_DUE, tick=False):
        assert workflow.ticket_auto_sign(ticket_id=alone.pk, now=AFTER_DUE)
        assert workflow.tickets_auto_sign(ticket_ids=[batched.pk], now=AFTER_DUE) == [batched.pk]
    assert clocks(batched) == clocks(alone)
    ticket = Ticket.objects.get(pk=batched.pk)
    assert (ticket.state, ticket.auto_signed) == (Ticket.State.HANDLING, True)
    assert ticket.signed_at == ticket.first_signed_at == ticket.handle_started_at == datetime(2026, 10, 9, 23, 59, 59, tzinfo=SH)
    # Sat Oct 10 is a make-up working day: 10 working days of coordination end Thu Oct 22.
    assert ticket.handle_due_at == ticket.current_due_at == datetime(2026, 10, 22, 23, 59, 59, tzinfo=SH)

    def history(t):
        row = Ticket.history.filter(id=t.pk).order_by("-history_date", "-history_id").first()
        return (row.history_type, row.history_user_id, *(getattr(row, name) for name in CLOCK_FIELDS))

    assert history(batched) == history(alone) == ("~", None, *clocks(batched))
    assert Ticket.history.filter(id=batched.pk).count() == Ticket.history.filter(id=alone.pk).count()

    def entry(t):
        event = TicketEvent.objects.get(ticket=t, action="auto_sign")
        return (event.actor_id, event.from_state, event.to_state, event.note, event.internal, event.at)

    assert entry(batched) == entry(alone) == (
        None, "dispatched", "handling", "签收期限届满未签收也未提出异议，视为签收（逾期）", False, AFTER_DUE
    )


def test_the_daily_figures_agree_with_a_rebuild(office_clerk, lead_handler):
    tickets = [dispatched(office_clerk), dispatched(office_clerk, lead="anshun-sw"), dispatched(office_clerk)]
    with time_machine.travel(DISPATCHED + timedelta(hours=1), tick=False):
        workflow.ticket_sign(actor=lead_handler, ticket=tickets[2])  # signed on time by a person: counted by its act
    with time_machine.travel(AFTER_DUE, tick=False):
        assert workflow.tickets_auto_sign(ticket_ids=[t.pk for t in tickets], now=AFTER_DUE) == [t.pk for t in tickets[:2]]
    recorded = day_rows()
    auto_day = [row for row in recorded if row[0] == datetime(2026, 10, 9).date()]
    assert sorted(row[4:6] for row in auto_day) == [(1, 0), (1, 0)]  # signed, never on time
    call_command("rebuild_daily_figures", verbosity=0)
    assert day_rows() == recorded


@pytest.mark.parametrize(
    ("category", "complex_", "policy"),
    [
        ("consultation", False, "handle_consultation"),
        ("coordination", True, "handle_coordination_complex"),
        ("complaint", False, "handle_complaint"),
        ("complaint", True, "handle_complaint_complex"),
    ],
)
def test_the_handling_clock_follows_each_ticket_s_policy(office_clerk, category, complex_, policy):
    ticket = dispatched(office_clerk, category=category, complex_=complex_)
    other = dispatched(office_clerk)  # coordination in the same batch
    with time_machine.travel(AFTER_DUE, tick=False):
        workflow.tickets_auto_sign(ticket_ids=[ticket.pk, other.pk], now=AFTER_DUE)
    ticket = Ticket.objects.get(pk=ticket.pk)
    expected = start_clock(policy, ticket.sign_due_at)
    assert (ticket.handle_due_at, ticket.handle_due_provisional) == (expected.due, expected.provisional)
    assert Ticket.objects.get(pk=other.pk).handle_due_at == start_clock("handle_coordination", other.sign_due_at).due


def test_only_expired_dispatched_tickets_are_signed_and_only_once(office_clerk, lead_handler):
    expired, signed, objected = dispatched(office_clerk), dispatched(office_clerk), dispatched(office_clerk)
    with time_machine.travel(DISPATCHED + timedelta(hours=1), tick=False):
        workflow.ticket_sign(actor=lead_handler, ticket=signed)
        workflow.ticket_object(actor=lead_handler, ticket=objected, reason="不属于本部门职责")
    with time_machine.travel(datetime(2026, 10, 9, 10, 0, tzinfo=SH), tick=False):
        later = dispatched_ticket(office_clerk)  # due Mon Oct 12: not expired at AFTER_DUE
    ids = [expired.pk, signed.pk, objected.pk, later.pk]
    with time_machine.travel(AFTER_DUE, tick=False):
        assert workflow.tickets_auto_sign(ticket_ids=ids, now=expired.sign_due_at) == []  # not yet past the due
        assert workflow.tickets_auto_sign(ticket_ids=ids, now=AFTER_DUE) == [expired.pk]
        assert workflow.tickets_auto_sign(ticket_ids=ids, now=AFTER_DUE) == []
    assert TicketEvent.objects.filter(action="auto_sign").count() == 1
    assert Ticket.objects.get(pk=objected.pk).state == Ticket.State.DISPUTED
    assert Ticket.objects.get(pk=later.pk).state == Ticket.State.DISPATCHED


def test_nothing_happens_while_the_switch_is_off(office_clerk):
    ticket = dispatched(office_clerk)
    WorkflowSettings.objects.update_or_create(pk=1, defaults={"auto_sign_enabled": False})
    assert workflow.tickets_auto_sign(ticket_ids=[ticket.pk], now=AFTER_DUE) == []
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.DISPATCHED


def test_a_batch_costs_the_same_queries_whatever_its_size(office_clerk):
    from django.test.utils import CaptureQueriesContext

    few = [dispatched(office_clerk) for _ in range(2)]
    many = [dispatched(office_clerk, category="consultation" if n % 2 else "coordination") for n in range(10)]
    few.append(dispatched(office_clerk, category="consultation"))

    def queries(batch):
        with time_machine.travel(AFTER_DUE, tick=False), CaptureQueriesContext(connection) as captured:
            assert len(workflow.tickets_auto_sign(ticket_ids=[t.pk for t in batch], now=AFTER_DUE)) == len(batch)
        return len(captured.captured_queries)

    assert queries(few) == queries(many) <= 14


@pytest.mark.django_db(transaction=True)
def test_a_row_a_person_holds_is_skipped_not_waited_for():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and two real connections")
    from accounts.models import Role
    from accounts.tests.factories import UserFactory, department
    from qiyezhijia.testing import load_reference_data

    load_reference_data()
    office = UserFactory(username="race_office", role=Role.OFFICE, department=department("anshun-zwfw"))
    held, free = dispatched(office), dispatched(office)
    locked, release = threading.Event(), threading.Event()

    def person():
        try:
            with transaction.atomic():
                Ticket.objects.select_for_update().get(pk=held.pk)  # e.g. a sign under way
                locked.set()
                release.wait(10)
        finally:
            locked.set()
            connections.close_all()

    thread = threading.Thread(target=person)
    thread.start()
    try:
        assert locked.wait(10)
        assert workflow.tickets_auto_sign(ticket_ids=[held.pk, free.pk], now=AFTER_DUE) == [free.pk]
    finally:
        release.set()
        thread.join(30)
    assert Ticket.objects.get(pk=held.pk).state == Ticket.State.DISPATCHED  # the next sweep finds it again
    assert workflow.tickets_auto_sign(ticket_ids=[held.pk], now=AFTER_DUE) == [held.pk]
