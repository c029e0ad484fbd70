"""The sweep works a batch at a time: its query count does not grow with the number of due items (issue 10), and a
batch of many items is marked, auto-signed, supervised and notified exactly as one item is."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deadlines.models import ClockAlert, SweepState
from deadlines.sweep import sweep
from notifications.models import Notification
from supervision.models import Supervision
from supervision.services import ticket_supervise
from tickets.models import Ticket, TicketEvent, WorkflowSettings
from tickets.tests.helpers import dispatched_ticket, handling_ticket

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def due_world(office, handler, size: int, day: datetime, *, supervised: bool = True) -> None:
    """`size` of each, seen from two days after `day` (a Monday): an expired sign clock (overdue, auto-sign,
    supervision), an expired handling clock (overdue, supervision), an unanswered supervision past its answer due,
    and a sign clock on its due day (warning)."""
    with time_machine.travel(day, tick=False):
        for _ in range(size):
            dispatched_ticket(office, lead=handler.department.code)
            ticket = handling_ticket(office, handler, category="consultation")
            if supervised:
                ticket_supervise(actor=office, ticket=ticket, form="phone", trigger="overdue", content="请加快办理")
    with time_machine.travel(day.replace(day=day.day + 1), tick=False):
        for _ in range(size):
            dispatched_ticket(office, lead=handler.department.code)


def queries_of_a_sweep(now, capture) -> tuple[int, object]:
    """Every query of one sweep, the notifications it writes after each batch commits included."""
    with time_machine.travel(now, tick=False), CaptureQueriesContext(connection) as captured, capture(execute=True):
        result = sweep(now)
    return len(captured.captured_queries), result


def test_a_sweep_costs_the_same_queries_for_5_or_25_due_items_of_each_kind(
    office_clerk, lead_handler, django_capture_on_commit_callbacks
):
    WorkflowSettings.current()
    # Mon Nov 2: sign clocks due Wed Nov 4, consultation handling due Tue Nov 3; swept Thu Nov 5.
    SweepState.objects.create(pk=1, last_now=at(2026, 11, 2, 9, 0))
    due_world(office_clerk, lead_handler, 5, at(2026, 11, 2, 10, 0))
    few, first = queries_of_a_sweep(at(2026, 11, 5, 9, 0), django_capture_on_commit_callbacks)
    queries_of_a_sweep(at(2026, 11, 6, 9, 0), django_capture_on_commit_callbacks)  # the warned ones expire and go
    # The same a week later with five times as many (the first ones are outside the window by then).
    due_world(office_clerk, lead_handler, 25, at(2026, 11, 9, 10, 0))
    many, second = queries_of_a_sweep(at(2026, 11, 12, 9, 0), django_capture_on_commit_callbacks)

    assert (first.warned, first.overdue, first.auto_signed, first.supervisions) == (5, 15, 5, 10)
    # Overdue too: the 15 automatic supervisions of the first week, unanswered.
    assert (second.warned, second.overdue, second.auto_signed, second.supervisions) == (25, 75 + 15, 25, 50)
    # PostgreSQL writes a batch in one statement per table; SQLite's INSERTs are cut at 999 parameters (Django's limit
    # for it), which is one more statement per 24 history rows of tickets.
    assert few <= many <= few + (0 if connection.vendor == "postgresql" else 2)
    assert many <= 90


def test_a_batch_tells_each_person_once_per_mark_and_supervises_each_ticket_once(
    office_clerk, lead_handler, django_capture_on_commit_callbacks
):
    due_world(office_clerk, lead_handler, 4, at(2026, 11, 2, 10, 0), supervised=False)
    _, result = queries_of_a_sweep(at(2026, 11, 5, 9, 0), django_capture_on_commit_callbacks)
    assert (result.warned, result.overdue, result.auto_signed, result.supervisions) == (4, 8, 4, 8)
    # The lead hears of each mark and each supervision; the office of each overdue mark only.
    lead = Notification.objects.filter(recipient=lead_handler)
    assert (lead.filter(event="clock_warning").count(), lead.filter(event="clock_overdue").count(),
            lead.filter(event="supervision").count()) == (4, 8, 8)
    assert sorted(set(Notification.objects.filter(recipient=office_clerk).values_list("event", flat=True))) == ["clock_overdue"]
    assert Notification.objects.filter(recipient=office_clerk).count() == 8
    numbers = sorted(Supervision.objects.values_list("number", flat=True))
    assert numbers == [f"DB20261105-{n:04d}" for n in range(1, 9)]
    for ticket in Ticket.objects.filter(state=Ticket.State.HANDLING):
        assert Supervision.objects.filter(ticket=ticket).count() == 1
        assert TicketEvent.objects.filter(ticket=ticket, action="supervise").count() == 1
    assert ClockAlert.objects.count() == 12

    counts = (Notification.objects.count(), Supervision.objects.count(), TicketEvent.objects.count())
    SweepState.objects.all().delete()  # a full catch-up of the same instant finds nothing new
    _, again = queries_of_a_sweep(at(2026, 11, 5, 9, 0), django_capture_on_commit_callbacks)
    assert (again.warned, again.overdue, again.auto_signed, again.supervisions) == (0, 0, 0, 0)
    assert (Notification.objects.count(), Supervision.objects.count(), TicketEvent.objects.count()) == counts
