"""The day rows the acts keep (tickets.figures) agree with counting the tickets themselves (reports.kpis), and a rebuild
writes the same rows."""

from datetime import date

import pgtrigger
import pytest
import time_machine
from django.core.management import call_command

from accounts.models import Region
from accounts.tests.factories import department
from reports import kpis
from reports.tests.builders import at
from tickets import workflow
from tickets.models import DemandDay, TicketDay
from tickets.tests.helpers import dispatched_ticket

pytestmark = pytest.mark.django_db
NOW = at(3, 31, 12)


def scope(**kwargs):
    values = {"region": Region.objects.get(code="anshun"), "start": date(2026, 2, 1), "end": date(2026, 3, 31)}
    values.update(kwargs)
    return kpis.Scope(**values)


def snapshot():
    ticket_rows = sorted(
        tuple(row) for row in TicketDay.objects.exclude(
            tickets_dispatched=0, signed=0, first_closed=0, closures=0, archived=0, callbacks=0
        ).values_list("day", "region_id", "department_id", "tickets_dispatched", "signed", "signed_on_time",
                      "first_closed", "closed_on_time", "closures", "resolved", "archived", "reworked", "callbacks",
                      "satisfied", "handle_days", "handle_tickets")
    )
    demand_rows = sorted(tuple(r) for r in DemandDay.objects.exclude(count=0).values_list("day", "region_id", "dimension", "code", "count"))
    return ticket_rows, demand_rows


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"start": date(2026, 3, 1), "end": date(2026, 3, 31)},
        {"start": date(2026, 3, 2), "end": date(2026, 3, 2)},
        {"start": date(2026, 3, 12), "end": date(2026, 3, 20)},
        {"include_children": True},
    ],
)
def test_day_rows_agree_with_the_tickets(march, kwargs):
    s = scope(**kwargs)
    assert kpis.compute(s, now=NOW) == kpis.compute(s, now=NOW, source="live")
    for unit in ("week", "month"):
        assert kpis.trend(s, unit) == kpis.trend(s, unit, source="live")


def test_department_scope_agrees_too(march):
    s = scope(department=department("anshun-scjg"))
    assert kpis.uses_daily(s)
    assert kpis.compute(s, now=NOW) == kpis.compute(s, now=NOW, source="live")
    assert kpis.trend(s, "month") == kpis.trend(s, "month", source="live")


def test_the_reclosed_ticket_moves_its_closure_to_the_new_day(march):
    # C closed 12 Mar then again 16 Mar: only the latest closure counts, on its own day.
    twelfth = kpis.compute(scope(start=date(2026, 3, 12), end=date(2026, 3, 12)), now=NOW)
    sixteenth = kpis.compute(scope(start=date(2026, 3, 16), end=date(2026, 3, 16)), now=NOW)
    assert twelfth["counts"]["closures"] == 0 and twelfth["counts"]["first_closed"] == 1
    assert sixteenth["counts"]["closures"] == 1 and sixteenth["counts"]["not_resolved"] == 1


def test_reassigning_moves_the_ticket_between_departments(office_clerk, lead_handler):
    with time_machine.travel(at(3, 2), tick=False):
        ticket = dispatched_ticket(office_clerk, lead=lead_handler.department.code)
        workflow.ticket_object(actor=lead_handler, ticket=ticket, reason="不属于本部门职责")
        workflow.ticket_reassign(actor=office_clerk, ticket=ticket, lead_department="anshun-sw")
    result = kpis.compute(scope(), now=NOW)
    assert [(r["department"], r["tickets_dispatched"]) for r in result["departments"]] == [("anshun-sw", 1)]
    assert result == kpis.compute(scope(), now=NOW, source="live")


def test_rebuild_writes_the_same_rows_as_the_workflow(march, capsys):
    before = snapshot()
    assert before[0] and before[1]
    call_command("rebuild_daily_figures")
    assert "工单日统计" in capsys.readouterr().out
    assert snapshot() == before


def test_rows_deleted_by_hand_count_until_the_rebuild_step(march):
    """No act deletes a ticket: the day rows are written only by the acts (no model signals). Rows removed by hand (a
    data correction) keep counting until `rebuild_daily_figures`, which then makes the figures agree again."""
    # A correction by hand goes around the timelines' append-only triggers on purpose (PostgreSQL; SECURITY.md §4).
    with pgtrigger.ignore("tickets.DemandEvent:timeline_append_only", "tickets.TicketEvent:timeline_append_only"):
        march["D"].demands.all().delete()
        march["D"].delete()
    assert kpis.compute(scope(), now=NOW)["tickets_dispatched"] == 5
    assert kpis.compute(scope(), now=NOW, source="live")["tickets_dispatched"] == 4
    call_command("rebuild_daily_figures")
    result = kpis.compute(scope(), now=NOW)
    assert result == kpis.compute(scope(), now=NOW, source="live")
    assert result["tickets_dispatched"] == 4 and result["overdue_open"] == 0


# --- two people signing at once (PostgreSQL: two real connections) -----------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_concurrent_signs_on_the_same_day_both_count():
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL and two real connections")
    from accounts.models import Role
    from accounts.tests.factories import UserFactory
    from qiyezhijia.testing import load_reference_data

    load_reference_data()
    office = UserFactory(username="race_office", role=Role.OFFICE, department=department("anshun-zwfw"))
    handlers = [UserFactory(username=f"race_handler{i}", role=Role.HANDLER, department=department("anshun-scjg")) for i in range(2)]
    with time_machine.travel(at(3, 2), tick=False):
        tickets = [dispatched_ticket(office, lead="anshun-scjg") for _ in range(2)]
    barrier = threading.Barrier(2)
    errors = []

    def sign(handler, ticket):
        try:
            barrier.wait(10)
            workflow.ticket_sign(actor=handler, ticket=ticket)
        except Exception as exc:  # reported below; a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=pair) for pair in zip(handlers, tickets)]
    with time_machine.travel(at(3, 3), tick=False):  # patches the clock for every thread
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert errors == []
    s = kpis.Scope(region=Region.objects.get(code="anshun"), start=date(2026, 3, 3), end=date(2026, 3, 3))
    assert TicketDay.objects.get(day=date(2026, 3, 3)).signed == 2
    assert kpis.compute(s, now=NOW) == kpis.compute(s, now=NOW, source="live")
