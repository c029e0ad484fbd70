"""The deadline sweep (SPEC §6, §7): warnings on the right working day, overdue marks, auto-sign, automatic supervision,
notifications once, idempotency, the window it reads, and a real race with a person signing (PostgreSQL)."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections, transaction

from deadlines.models import ClockAlert, SweepState
from deadlines.sweep import sweep
from notifications.models import Notification
from supervision.models import Supervision
from supervision.services import ticket_supervise
from tickets import workflow
from tickets.models import Ticket, TicketEvent, WorkflowSettings
from tickets.tests.helpers import closed_ticket, dispatched_ticket, handling_ticket, register
from workcalendar.models import DeadlinePolicy

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


def run(now, capture):
    """One sweep as of `now` (the clock standing at `now`), with its after-commit notifications delivered."""
    with time_machine.travel(now, tick=False), capture(execute=True):
        return sweep(now)


def alerts(obj=None, **filters):
    qs = ClockAlert.objects.filter(**filters)
    if obj is not None:
        qs = qs.filter(**{obj._meta.model_name: obj})
    return sorted(qs.values_list("clock", "kind"))


def notified(user, event=None):
    qs = Notification.objects.filter(recipient=user)
    if event:
        qs = qs.filter(event=event)
    return list(qs.values_list("event", flat=True))


@pytest.fixture
def national_day_ticket(office_clerk):
    """Dispatched Wed 2026-09-30 15:00; 2 working days over the National Day block → due Fri 2026-10-09 23:59:59."""
    with time_machine.travel(at(2026, 9, 30, 15, 0), tick=False):
        ticket = dispatched_ticket(office_clerk)
    assert ticket.sign_due_at == at(2026, 10, 9, 23, 59, 59)
    return ticket


# --- warnings on the right day ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("now", "warned"),
    [
        (at(2026, 9, 30, 16, 0), 0),  # Oct 8 and 9 still ahead
        (at(2026, 10, 3, 10, 0), 0),  # a holiday: two working days still ahead
        (at(2026, 10, 7, 23, 0), 0),  # the last holiday
        (at(2026, 10, 8, 0, 5), 1),  # Thu Oct 8: one working day left
        (at(2026, 10, 9, 23, 59), 1),  # the due day itself
    ],
)
def test_sign_warning_starts_one_working_day_before_the_due_day(national_day_ticket, django_capture_on_commit_callbacks, now, warned):
    result = run(now, django_capture_on_commit_callbacks)
    assert (result.warned, result.overdue, result.auto_signed) == (warned, 0, 0)
    assert alerts(national_day_ticket) == ([("sign", "warning")] if warned else [])


def test_sign_warning_is_recorded_once_with_timeline_and_notification_to_the_lead(
    national_day_ticket, lead_handler, other_handler, office_clerk, django_capture_on_commit_callbacks
):
    first = run(at(2026, 10, 8, 9, 0), django_capture_on_commit_callbacks)
    again = run(at(2026, 10, 8, 9, 0), django_capture_on_commit_callbacks)
    later = run(at(2026, 10, 8, 9, 5), django_capture_on_commit_callbacks)
    assert first.warned == 1
    assert (again.warned, later.warned) == (0, 0)
    alert = ClockAlert.objects.get()
    assert (alert.ticket_id, alert.clock, alert.kind, alert.due_at) == (
        national_day_ticket.pk, "sign", "warning", at(2026, 10, 9, 23, 59, 59)
    )
    events = national_day_ticket.events.filter(action="clock_warning")
    assert events.count() == 1
    assert "2026-10-09 23:59" in events.get().note
    assert notified(lead_handler) == ["clock_warning"]
    assert notified(other_handler) == []
    assert notified(office_clerk) == []  # a warning goes to the responsible department only


# --- overdue and auto-sign ----------------------------------------------------------------------------------------
def test_expired_sign_clock_is_marked_overdue_and_auto_signed_late(
    national_day_ticket, lead_handler, office_clerk, django_capture_on_commit_callbacks
):
    result = run(at(2026, 10, 10, 0, 10), django_capture_on_commit_callbacks)
    assert (result.warned, result.overdue, result.auto_signed, result.supervisions) == (0, 1, 1, 1)
    ticket = Ticket.objects.get(pk=national_day_ticket.pk)
    assert ticket.state == Ticket.State.HANDLING
    assert ticket.auto_signed
    assert ticket.signed_at == ticket.first_signed_at == at(2026, 10, 9, 23, 59, 59)
    # The handling clock starts at the sign due: Sat Oct 10 is a make-up working day, so 10 working days end Oct 22.
    assert ticket.handle_started_at == at(2026, 10, 9, 23, 59, 59)
    assert ticket.handle_due_at == at(2026, 10, 22, 23, 59, 59)
    auto = ticket.events.get(action="auto_sign")
    assert "逾期" in auto.note and auto.actor is None
    assert ticket.events.filter(action="clock_overdue").count() == 1
    supervision = Supervision.objects.get()
    assert (supervision.ticket_id, supervision.department_id, supervision.trigger, supervision.form, supervision.automatic) == (
        ticket.pk, ticket.lead_department_id, "overdue", "system", True
    )
    assert sorted(notified(lead_handler)) == ["clock_overdue", "supervision"]
    assert notified(office_clerk) == ["clock_overdue"]  # the office hears of every overdue clock


def test_the_same_now_twice_creates_nothing_new(national_day_ticket, lead_handler, django_capture_on_commit_callbacks):
    now = at(2026, 10, 10, 0, 10)
    run(now, django_capture_on_commit_callbacks)
    counts = (ClockAlert.objects.count(), TicketEvent.objects.count(), Supervision.objects.count(), Notification.objects.count())
    SweepState.objects.all().delete()  # even a full catch-up (no remembered window) finds nothing new
    again = run(now, django_capture_on_commit_callbacks)
    assert (again.warned, again.overdue, again.auto_signed, again.supervisions) == (0, 0, 0, 0)
    assert (ClockAlert.objects.count(), TicketEvent.objects.count(), Supervision.objects.count(), Notification.objects.count()) == counts


def test_auto_sign_switched_off_marks_overdue_only(national_day_ticket, django_capture_on_commit_callbacks):
    WorkflowSettings.objects.update_or_create(pk=1, defaults={"auto_sign_enabled": False})
    result = run(at(2026, 10, 12, 9, 0), django_capture_on_commit_callbacks)
    assert (result.overdue, result.auto_signed, result.supervisions) == (1, 0, 0)
    assert Ticket.objects.get(pk=national_day_ticket.pk).state == Ticket.State.DISPATCHED


def test_auto_sign_without_supervision_when_the_switch_is_off(national_day_ticket, django_capture_on_commit_callbacks):
    WorkflowSettings.objects.update_or_create(pk=1, defaults={"auto_sign_raises_supervision": False})
    result = run(at(2026, 10, 12, 9, 0), django_capture_on_commit_callbacks)
    assert (result.auto_signed, result.supervisions) == (1, 0)
    assert not Supervision.objects.exists()


def test_a_signed_ticket_is_neither_warned_nor_auto_signed(national_day_ticket, lead_handler, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2026, 9, 30, 16, 0), tick=False):
        workflow.ticket_sign(actor=lead_handler, ticket=national_day_ticket)
    result = run(at(2026, 10, 10, 0, 10), django_capture_on_commit_callbacks)
    assert (result.warned, result.overdue, result.auto_signed) == (0, 0, 0)
    assert not national_day_ticket.events.filter(action="auto_sign").exists()


def test_sign_in_time_after_a_warning_stops_the_clock(national_day_ticket, lead_handler, django_capture_on_commit_callbacks):
    run(at(2026, 10, 8, 9, 0), django_capture_on_commit_callbacks)
    with time_machine.travel(at(2026, 10, 8, 10, 0), tick=False):
        workflow.ticket_sign(actor=lead_handler, ticket=national_day_ticket)
    result = run(at(2026, 10, 10, 9, 0), django_capture_on_commit_callbacks)
    assert (result.overdue, result.auto_signed) == (0, 0)
    assert alerts(national_day_ticket) == [("sign", "warning")]


# --- handling over the Spring Festival, with automatic supervision -------------------------------------------------
@pytest.fixture
def spring_ticket(office_clerk, lead_handler):
    """Signed Tue 2026-02-10: 10 working days, counting make-up Sat Feb 14 and Feb 28 → due Mon 2026-03-02."""
    with time_machine.travel(at(2026, 2, 10, 10, 0), tick=False):
        ticket = handling_ticket(office_clerk, lead_handler)
    assert ticket.handle_due_at == at(2026, 3, 2, 23, 59, 59)
    return ticket


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(2026, 2, 20, 9, 0), []),  # the holiday block
        (at(2026, 2, 27, 17, 0), []),  # Fri: Feb 28 (make-up) and Mar 2 ahead
        (at(2026, 2, 28, 9, 0), [("handle", "warning")]),  # make-up Saturday: one working day left
        (at(2026, 3, 3, 0, 1), [("handle", "overdue")]),
    ],
)
def test_handling_clock_over_the_spring_festival(spring_ticket, django_capture_on_commit_callbacks, now, expected):
    run(now, django_capture_on_commit_callbacks)
    assert alerts(spring_ticket) == expected


def test_overdue_handling_raises_one_automatic_supervision_to_the_lead(
    spring_ticket, lead_handler, office_clerk, django_capture_on_commit_callbacks
):
    run(at(2026, 2, 28, 9, 0), django_capture_on_commit_callbacks)
    first = run(at(2026, 3, 3, 9, 0), django_capture_on_commit_callbacks)
    again = run(at(2026, 3, 3, 9, 5), django_capture_on_commit_callbacks)
    assert (first.overdue, first.supervisions) == (1, 1)
    assert (again.overdue, again.supervisions) == (0, 0)
    supervision = Supervision.objects.get()
    assert (supervision.trigger, supervision.form, supervision.department_id, supervision.issued_by) == (
        "overdue", "system", lead_handler.department_id, None
    )
    # Answer due 2 working days from the sweep's instant.
    assert supervision.due_at == at(2026, 3, 5, 23, 59, 59)
    assert sorted(notified(lead_handler)) == ["clock_overdue", "clock_warning", "supervision"]
    assert notified(office_clerk) == ["clock_overdue"]
    assert list(spring_ticket.events.filter(action__in=["clock_warning", "clock_overdue", "supervise"])
                .values_list("action", flat=True)) == ["clock_warning", "clock_overdue", "supervise"]


def test_an_extension_gives_a_new_due_instant_that_warns_again(
    spring_ticket, lead_handler, office_clerk, django_capture_on_commit_callbacks
):
    run(at(2026, 2, 28, 9, 0), django_capture_on_commit_callbacks)
    with time_machine.travel(at(2026, 2, 28, 10, 0), tick=False):
        workflow.ticket_request_extension(actor=lead_handler, ticket=spring_ticket, due_date=date(2026, 3, 13), reason="需要现场核查")
        workflow.ticket_decide_extension(actor=office_clerk, ticket=spring_ticket, approve=True)
    assert run(at(2026, 3, 3, 9, 0), django_capture_on_commit_callbacks).overdue == 0
    result = run(at(2026, 3, 12, 9, 0), django_capture_on_commit_callbacks)
    assert result.warned == 1
    assert sorted(ClockAlert.objects.filter(ticket=spring_ticket).values_list("due_at", "kind")) == [
        (at(2026, 3, 2, 23, 59, 59), "warning"), (at(2026, 3, 13, 23, 59, 59), "warning"),
    ]
    assert notified(lead_handler).count("clock_warning") == 2


# --- triage, callback and supervision answers --------------------------------------------------------------------
def test_triage_clock_warns_and_marks_overdue_to_the_office(office_clerk, lead_handler, django_capture_on_commit_callbacks):
    # Registered Fri 2026-02-13: the next working day is the make-up Saturday Feb 14.
    with time_machine.travel(at(2026, 2, 13, 10, 0), tick=False):
        demand = register(office_clerk)
    assert demand.triage_due_at == at(2026, 2, 14, 23, 59, 59)
    assert run(at(2026, 2, 13, 11, 0), django_capture_on_commit_callbacks).warned == 1
    assert run(at(2026, 2, 15, 9, 0), django_capture_on_commit_callbacks).overdue == 1
    assert alerts(demand) == [("triage", "overdue"), ("triage", "warning")]
    assert list(demand.events.filter(action__startswith="clock_").values_list("action", flat=True)) == [
        "clock_warning", "clock_overdue"
    ]
    assert sorted(notified(office_clerk)) == ["clock_overdue", "clock_warning"]
    assert notified(lead_handler) == []


def test_a_triaged_demand_is_not_marked(office_clerk, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2026, 2, 13, 10, 0), tick=False):
        demand = register(office_clerk)
        workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="coordination", complex=False,
                                    lead_department="anshun-scjg", co_departments=[])
    run(at(2026, 2, 15, 9, 0), django_capture_on_commit_callbacks)
    assert alerts(demand) == []


def test_callback_clock_is_the_office_s(office_clerk, lead_handler, django_capture_on_commit_callbacks):
    # Closed Mon 2026-09-28: 5 working days (Sep 29, 30, Oct 8, 9, 10) → due Sat Oct 10, a make-up working day.
    with time_machine.travel(at(2026, 9, 28, 10, 0), tick=False):
        ticket = closed_ticket(office_clerk, lead_handler)
    assert ticket.callback_due_at == at(2026, 10, 10, 23, 59, 59)
    assert run(at(2026, 10, 8, 9, 0), django_capture_on_commit_callbacks).warned == 0
    assert run(at(2026, 10, 9, 9, 0), django_capture_on_commit_callbacks).warned == 1
    assert run(at(2026, 10, 11, 9, 0), django_capture_on_commit_callbacks).overdue == 1
    assert alerts(ticket) == [("callback", "overdue"), ("callback", "warning")]
    assert sorted(notified(office_clerk)) == ["clock_overdue", "clock_warning"]
    assert notified(lead_handler) == []
    assert not Supervision.objects.exists()


def test_unanswered_supervision_is_warned_and_marked_overdue(
    office_clerk, lead_handler, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False):
        ticket = handling_ticket(office_clerk, lead_handler)
        supervision = ticket_supervise(actor=office_clerk, ticket=ticket, form="phone", trigger="overdue",
                                       content="请加快办理")
    # Sep 30, then the holidays, then Thu Oct 8.
    assert supervision.due_at == at(2026, 10, 8, 23, 59, 59)
    assert run(at(2026, 9, 29, 18, 0), django_capture_on_commit_callbacks).warned == 0
    # Wed Sep 30 is the last working day before the due day: the warning comes before the holidays, once.
    assert run(at(2026, 9, 30, 9, 0), django_capture_on_commit_callbacks).warned == 1
    assert run(at(2026, 10, 5, 9, 0), django_capture_on_commit_callbacks).warned == 0
    assert run(at(2026, 10, 9, 9, 0), django_capture_on_commit_callbacks).overdue == 1
    assert alerts(supervision) == [("supervision", "overdue"), ("supervision", "warning")]
    assert ticket.events.filter(action="clock_overdue", note__contains=supervision.number).count() == 1
    assert sorted(notified(lead_handler, "clock_warning") + notified(lead_handler, "clock_overdue")) == [
        "clock_overdue", "clock_warning"
    ]
    assert notified(office_clerk, "clock_overdue") == ["clock_overdue"]


def test_supervision_of_an_unregistered_matter_has_no_ticket_but_is_marked(
    office_clerk, other_handler, lead_handler, django_capture_on_commit_callbacks
):
    from supervision.services import supervision_issue_unregistered

    with time_machine.travel(at(2026, 2, 12, 10, 0), tick=False):
        supervision = supervision_issue_unregistered(actor=office_clerk, department="anshun-sw", content="企业反映的事项未登记")
    assert supervision.due_at == at(2026, 2, 14, 23, 59, 59)  # Fri Feb 13, make-up Sat Feb 14
    result = run(at(2026, 2, 24, 9, 0), django_capture_on_commit_callbacks)
    assert (result.warned, result.overdue) == (0, 1)
    alert = ClockAlert.objects.get()
    assert (alert.supervision_id, alert.ticket_id, alert.clock) == (supervision.pk, None, "supervision")
    assert not TicketEvent.objects.filter(action__startswith="clock_").exists()
    assert notified(other_handler, "clock_overdue") == ["clock_overdue"]
    assert notified(office_clerk, "clock_overdue") == ["clock_overdue"]
    assert notified(lead_handler) == []


def test_an_answered_supervision_is_left_alone(office_clerk, lead_handler, django_capture_on_commit_callbacks):
    from supervision.services import supervision_answer

    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False):
        ticket = handling_ticket(office_clerk, lead_handler)
        supervision = ticket_supervise(actor=office_clerk, ticket=ticket, form="phone", trigger="overdue", content="请加快办理")
        supervision_answer(actor=lead_handler, supervision=supervision, content="已加派人手")
    run(at(2026, 10, 9, 9, 0), django_capture_on_commit_callbacks)
    assert alerts(supervision) == []


def test_warning_days_come_from_the_policy_of_each_clock(national_day_ticket, django_capture_on_commit_callbacks):
    DeadlinePolicy.objects.filter(clock="sign").update(warning_working_days=0)
    assert run(at(2026, 10, 9, 9, 0), django_capture_on_commit_callbacks).warned == 0
    DeadlinePolicy.objects.filter(clock="sign").update(warning_working_days=2)
    SweepState.objects.all().delete()
    assert run(at(2026, 9, 30, 16, 0), django_capture_on_commit_callbacks).warned == 1


@pytest.mark.parametrize(
    ("warning_days", "now", "level", "warned"),
    [
        (1, at(2026, 10, 8, 9, 0), "warning", 1),  # one working day left: both warn
        (1, at(2026, 9, 30, 16, 0), "normal", 0),  # two left: neither
        (2, at(2026, 9, 30, 16, 0), "warning", 1),  # a policy of two working days: both warn already
        (0, at(2026, 10, 9, 9, 0), "normal", 0),  # 0 = never warn, not even on the due day (今日到期 stays normal)
    ],
)
def test_the_screen_and_the_sweep_warn_by_the_same_policy(
    national_day_ticket, client, lead_handler, django_capture_on_commit_callbacks, warning_days, now, level, warned
):
    DeadlinePolicy.objects.filter(clock="sign").update(warning_working_days=warning_days)
    client.force_login(lead_handler)
    with time_machine.travel(now, tick=False):
        page = client.get(f"/tickets/{national_day_ticket.pk}/").content.decode()
    assert f'class="due due-{level}"' in page
    assert run(now, django_capture_on_commit_callbacks).warned == warned


# --- the window ---------------------------------------------------------------------------------------------------
def test_a_sweep_reads_only_the_clocks_due_in_its_window(office_clerk, lead_handler, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2026, 11, 2, 10, 0), tick=False):
        old = handling_ticket(office_clerk, lead_handler, category="consultation")  # due Tue Nov 3
    run(at(2026, 11, 4, 9, 0), django_capture_on_commit_callbacks)
    assert alerts(old) == [("handle", "overdue")]
    ClockAlert.objects.filter(ticket=old).delete()
    # Two days later the window starts at the last sweep (minus a margin): the old due instant is not read again.
    run(at(2026, 11, 6, 9, 0), django_capture_on_commit_callbacks)
    assert alerts(old) == []
    # With no remembered sweep, everything running is read (catch-up).
    SweepState.objects.all().delete()
    run(at(2026, 11, 6, 9, 5), django_capture_on_commit_callbacks)
    assert alerts(old) == [("handle", "overdue")]


def test_a_sweep_as_of_a_future_instant_is_not_remembered(national_day_ticket, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2026, 10, 8, 9, 0), tick=False):
        sweep(at(2026, 10, 20, 9, 0))  # a rehearsal
        assert SweepState.objects.get().last_now is None
        sweep(at(2026, 10, 8, 9, 0))
    assert SweepState.objects.get().last_now == at(2026, 10, 8, 9, 0)


def test_query_count_does_not_grow_with_tickets_outside_the_window(
    office_clerk, lead_handler, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 11, 2, 10, 0), tick=False):
        handling_ticket(office_clerk, lead_handler)  # due Nov 16
    run(at(2026, 11, 3, 9, 0), django_capture_on_commit_callbacks)

    def queries_of_a_sweep(now):
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            sweep(now)
        return len(captured.captured_queries)

    few = queries_of_a_sweep(at(2026, 11, 3, 9, 5))
    with time_machine.travel(at(2026, 11, 3, 10, 0), tick=False):
        for _ in range(5):
            handling_ticket(office_clerk, lead_handler)
    many = queries_of_a_sweep(at(2026, 11, 3, 9, 10))
    assert few == many
    assert few <= 12


# --- racing a person's action (PostgreSQL: two real connections) ---------------------------------------------------
@pytest.fixture
def committed_world(transactional_db):
    """Reference data in a database that threads can see (transactional tests flush it afterwards)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and two real connections")
    from accounts.models import Role
    from accounts.tests.factories import UserFactory, department
    from qiyezhijia.testing import load_reference_data

    load_reference_data()
    office = UserFactory(username="race_office", role=Role.OFFICE, department=department("anshun-zwfw"))
    handler = UserFactory(username="race_handler", role=Role.HANDLER, department=department("anshun-scjg"))
    with time_machine.travel(at(2026, 11, 2, 10, 0), tick=False):
        ticket = dispatched_ticket(office, lead=handler.department.code)
    return ticket, handler


@pytest.mark.django_db(transaction=True)
def test_auto_sign_racing_the_handler_s_sign_applies_once(committed_world):
    ticket, handler = committed_world
    now = ticket.sign_due_at + timedelta(minutes=5)
    locked, release = threading.Event(), threading.Event()
    outcome = {}

    def person():
        try:
            with transaction.atomic():
                # The handler's sign holds the row lock while the sweep arrives.
                outcome["person"] = workflow.ticket_sign(actor=handler, ticket=ticket).state
                locked.set()
                release.wait(10)
        finally:
            locked.set()
            connections.close_all()

    def machine():
        try:
            locked.wait(10)
            timer = threading.Timer(0.5, release.set)
            timer.start()
            outcome["sweep"] = sweep(now)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=person), threading.Thread(target=machine)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome["person"] == Ticket.State.HANDLING
    assert outcome["sweep"].auto_signed == 0
    ticket.refresh_from_db()
    assert not ticket.auto_signed
    assert list(ticket.events.filter(action__in=["sign", "auto_sign"]).values_list("action", flat=True)) == ["sign"]


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_and_a_sign_at_once_apply_exactly_one_sign(committed_world):
    ticket, handler = committed_world
    now = ticket.sign_due_at + timedelta(minutes=5)
    barrier = threading.Barrier(3)
    results, errors = [], []

    def sweeper():
        try:
            barrier.wait(10)
            results.append(sweep(now))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def person():
        try:
            barrier.wait(10)
            workflow.ticket_sign(actor=handler, ticket=ticket)
            results.append("signed")
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweeper), threading.Thread(target=sweeper), threading.Thread(target=person)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    from core.errors import Conflict

    assert all(isinstance(exc, Conflict) for exc in errors), errors
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.HANDLING
    signs = list(ticket.events.filter(action__in=["sign", "auto_sign"]).values_list("action", flat=True))
    assert len(signs) == 1
    assert ticket.auto_signed == (signs == ["auto_sign"])
    assert sum(r.auto_signed for r in results if not isinstance(r, str)) == (1 if signs == ["auto_sign"] else 0)
    # Marked once at most; not at all when the person's sign committed before either sweep read the running clocks.
    marks = ClockAlert.objects.filter(ticket=ticket, clock="sign", kind="overdue").count()
    assert marks == 1 if signs == ["auto_sign"] else marks <= 1
    assert Supervision.objects.filter(ticket=ticket).count() == (1 if signs == ["auto_sign"] else 0)


# --- the admin only looks -----------------------------------------------------------------------------------------
def test_admin_lists_the_marks_read_only(national_day_ticket, superuser_client, django_capture_on_commit_callbacks):
    from django.urls import reverse

    client = superuser_client
    run(at(2026, 10, 10, 0, 10), django_capture_on_commit_callbacks)
    response = client.get(reverse("admin:deadlines_clockalert_changelist"))
    assert response.status_code == 200
    assert national_day_ticket.number in response.content.decode()
    alert = ClockAlert.objects.get()
    assert client.post(reverse("admin:deadlines_clockalert_delete", args=[alert.pk]), {"post": "yes"}).status_code == 403
    assert ClockAlert.objects.filter(pk=alert.pk).exists()
