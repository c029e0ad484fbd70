"""A month of tickets built through the workflow at fixed instants, with every figure hand-computed (see March)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from tickets import workflow
from tickets.tests.helpers import dispatched_ticket, good_callback

SH = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def close(handler, ticket, standard="resolved"):
    return workflow.ticket_close(actor=handler, ticket=ticket, standard=standard, result="已办结", explanation="书面说明")


def build_march(office, scjg, sw) -> dict:
    """March 2026 (no holidays; 1 March is a Sunday) in anshun; scjg leads A, B, C, E; sw leads D.

    A  coordination: dispatched 2 Mar 09:00, signed 10:00 (on time), closed 5 Mar resolved (3 wd), callback 6 Mar
       satisfied → archived.
    B  coordination: dispatched 2 Mar, never signed: auto-signed at its sign due (4 Mar 23:59:59, late); extension to
       25 Mar approved 10 Mar; closed 20 Mar partial (after the original due 18 Mar, before the extended one: on time;
       12 wd); callback 23 Mar reached, unsatisfied but consistent → archived.
    C  consultation: dispatched 9 Mar, signed 10:00 (due 10 Mar); first closed 12 Mar resolved (late, 3 wd); callback
       12 Mar satisfied but inconsistent → rework (new due 13 Mar, later than the first close: only history tells it
       was late); closed again 16 Mar legal_route; callback 17 Mar unreached; 18 Mar basically satisfied → archived.
    D  complaint (sw): dispatched 2 Mar, signed 3 Mar (due 10 Mar), still handling: overdue on 31 Mar.
    E  coordination: dispatched, signed and closed in February; callback 2 Mar satisfied → archived in March.
    """
    t = {}
    with time_machine.travel(at(2, 26), tick=False):
        t["E"] = dispatched_ticket(office, lead=scjg.department.code, title="二月工单")
    with time_machine.travel(at(2, 26, 10), tick=False):
        workflow.ticket_sign(actor=scjg, ticket=t["E"])
    with time_machine.travel(at(2, 27), tick=False):
        close(scjg, t["E"])
    with time_machine.travel(at(3, 2, 9), tick=False):
        t["A"] = dispatched_ticket(office, lead=scjg.department.code, title="工单A")
        t["B"] = dispatched_ticket(office, lead=scjg.department.code, title="工单B")
        t["D"] = dispatched_ticket(office, lead=sw.department.code, category="complaint", title="工单D", domain="tax")
        good_callback(office, t["E"])
    with time_machine.travel(at(3, 2, 10), tick=False):
        workflow.ticket_sign(actor=scjg, ticket=t["A"])
    with time_machine.travel(at(3, 3), tick=False):
        workflow.ticket_sign(actor=sw, ticket=t["D"])
    with time_machine.travel(at(3, 5, 8), tick=False):
        assert workflow.ticket_auto_sign(ticket_id=t["B"].pk)
    with time_machine.travel(at(3, 5, 10), tick=False):
        close(scjg, t["A"])
    with time_machine.travel(at(3, 6), tick=False):
        good_callback(office, t["A"])
    with time_machine.travel(at(3, 9), tick=False):
        t["C"] = dispatched_ticket(office, lead=scjg.department.code, category="consultation", title="工单C", channel="hall")
    with time_machine.travel(at(3, 9, 10), tick=False):
        workflow.ticket_sign(actor=scjg, ticket=t["C"])
    with time_machine.travel(at(3, 10), tick=False):
        workflow.ticket_request_extension(actor=scjg, ticket=t["B"], due_date=date(2026, 3, 25), reason="需现场核实")
        workflow.ticket_decide_extension(actor=office, ticket=t["B"], approve=True)
    with time_machine.travel(at(3, 12, 10), tick=False):
        close(scjg, t["C"])
    with time_machine.travel(at(3, 12, 15), tick=False):
        good_callback(office, t["C"], consistent=False)
    with time_machine.travel(at(3, 16), tick=False):
        close(scjg, t["C"], standard="legal_route")
    with time_machine.travel(at(3, 17), tick=False):
        workflow.ticket_callback(actor=office, ticket=t["C"], reached=False, note="两次拨打无人接听")
    with time_machine.travel(at(3, 18), tick=False):
        good_callback(office, t["C"], satisfaction="basically_satisfied")
    with time_machine.travel(at(3, 20, 10), tick=False):
        close(scjg, t["B"], standard="partial")
    with time_machine.travel(at(3, 23), tick=False):
        good_callback(office, t["B"], satisfaction="unsatisfied")
    for key, ticket in t.items():
        ticket.refresh_from_db()
    return t
