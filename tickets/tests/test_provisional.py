"""Provisional due instants are counted again when a year's official calendar is entered or corrected (SPEC §6)."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction

from deadlines.models import SweepState
from supervision.models import Supervision
from supervision.services import ticket_supervise
from tickets import workflow
from tickets.models import Ticket
from tickets.tests.helpers import closed_ticket, dispatched_ticket, handling_ticket, register
from workcalendar.models import CalendarException, CalendarYear
from workcalendar.services import (
    calendar_edit,
    calendar_exception_save,
    calendar_year_mark_official,
    calendar_year_save,
)

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def end(y, m, d) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=SH)


def mark_official(year: int, holidays=(), workdays=()) -> CalendarYear:
    """What an admin does on the calendar screen: the year, its dates, and the official tick, in one calendar edit."""
    with calendar_edit({year}):
        row, _ = CalendarYear.objects.get_or_create(year=year)
        for day in holidays:
            CalendarException.objects.create(calendar_year=row, date=day, kind="holiday", name="元旦")
        for day in workdays:
            CalendarException.objects.create(calendar_year=row, date=day, kind="workday", name="元旦")
        row.official = True
        row.save()
    return row


@pytest.fixture
def year_end_clocks(office_clerk, lead_handler):
    """Clocks started at the end of 2026 that count into 2027, a year without official data (Monday–Friday)."""
    assert not CalendarYear.objects.filter(year=2027).exists()
    with time_machine.travel(datetime(2026, 12, 30, 10, 0, tzinfo=SH), tick=False):
        sign = dispatched_ticket(office_clerk)  # Dec 31, Fri Jan 1 → due Jan 1
        callback = closed_ticket(office_clerk, lead_handler)  # Dec 31, Jan 1, 4, 5, 6 → due Jan 6
    with time_machine.travel(datetime(2026, 12, 31, 10, 0, tzinfo=SH), tick=False):
        demand = register(office_clerk)  # Jan 1
        handle = handling_ticket(office_clerk, lead_handler, category="consultation")  # Jan 1
        supervision = ticket_supervise(actor=office_clerk, ticket=handle, form="phone", trigger="overdue", content="请加快")
    clocks = {"sign": sign, "callback": callback, "demand": demand, "handle": handle, "supervision": supervision}
    assert (sign.sign_due_at, sign.sign_due_provisional) == (end(2027, 1, 1), True)
    assert (callback.callback_due_at, callback.callback_due_provisional) == (end(2027, 1, 6), True)
    assert (demand.triage_due_at, demand.triage_due_provisional) == (end(2027, 1, 1), True)
    assert (handle.handle_due_at, handle.handle_due_provisional) == (end(2027, 1, 1), True)
    assert (supervision.due_at, supervision.due_provisional) == (end(2027, 1, 4), True)
    return clocks


def reload(clocks):
    return {name: type(obj).objects.get(pk=obj.pk) for name, obj in clocks.items()}


def test_marking_the_year_official_recounts_every_open_provisional_due(year_end_clocks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mark_official(2027, holidays=[date(2027, 1, 1)])
    clocks = reload(year_end_clocks)
    assert (clocks["sign"].sign_due_at, clocks["sign"].sign_due_provisional) == (end(2027, 1, 4), False)
    assert (clocks["callback"].callback_due_at, clocks["callback"].callback_due_provisional) == (end(2027, 1, 7), False)
    assert (clocks["demand"].triage_due_at, clocks["demand"].triage_due_provisional) == (end(2027, 1, 4), False)
    assert (clocks["handle"].handle_due_at, clocks["handle"].handle_due_provisional) == (end(2027, 1, 4), False)
    assert (clocks["supervision"].due_at, clocks["supervision"].due_provisional) == (end(2027, 1, 5), False)
    entry = clocks["sign"].events.get(action="due_recomputed")
    assert "签收期限由 2027-01-01 23:59 调整为 2027-01-04 23:59" in entry.note
    assert clocks["demand"].events.get(action="due_recomputed").note.startswith("研判期限由 2027-01-01 23:59 调整为 2027-01-04 23:59")
    assert clocks["handle"].events.filter(action="due_recomputed").count() == 2  # its handling clock and its supervision


def test_marking_official_again_changes_nothing(year_end_clocks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = mark_official(2027, holidays=[date(2027, 1, 1)])
    with django_capture_on_commit_callbacks(execute=True):
        row.source = "国务院办公厅通知"
        calendar_year_save(year=row)
    sign = Ticket.objects.get(pk=year_end_clocks["sign"].pk)
    assert sign.sign_due_at == end(2027, 1, 4)
    assert sign.events.filter(action="due_recomputed").count() == 1


def test_dates_typed_in_before_the_official_tick_change_nothing_yet(year_end_clocks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), calendar_edit({2027}):
        row = CalendarYear.objects.create(year=2027, official=False)
        CalendarException.objects.create(calendar_year=row, date=date(2027, 1, 1), kind="holiday", name="元旦")
    sign = Ticket.objects.get(pk=year_end_clocks["sign"].pk)
    assert (sign.sign_due_at, sign.sign_due_provisional) == (end(2027, 1, 1), True)
    assert not sign.events.filter(action="due_recomputed").exists()
    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_mark_official(year=2027)
    sign.refresh_from_db()
    assert (sign.sign_due_at, sign.sign_due_provisional) == (end(2027, 1, 4), False)


def test_a_committed_extension_date_stands_and_only_loses_its_provisional_flag(
    office_clerk, lead_handler, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 12, 28, 10, 0, tzinfo=SH), tick=False):
        ticket = handling_ticket(office_clerk, lead_handler, category="consultation")
        workflow.ticket_request_extension(actor=lead_handler, ticket=ticket, due_date=date(2027, 1, 8), reason="需要协调")
        workflow.ticket_decide_extension(actor=office_clerk, ticket=ticket, approve=True)
    ticket.refresh_from_db()
    assert (ticket.handle_due_at, ticket.handle_due_provisional) == (end(2027, 1, 8), True)
    with django_capture_on_commit_callbacks(execute=True):
        mark_official(2027, holidays=[date(2027, 1, 1)])
    ticket.refresh_from_db()
    assert (ticket.handle_due_at, ticket.handle_due_provisional) == (end(2027, 1, 8), False)
    assert "确认不变" in ticket.events.get(action="due_recomputed").note


def test_a_restarted_triage_clock_counts_from_the_supplement(office_clerk, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime(2027, 1, 4, 10, 0, tzinfo=SH), tick=False):
        demand = register(office_clerk)
        workflow.demand_request_materials(actor=office_clerk, demand=demand, missing="营业执照副本")
    with time_machine.travel(datetime(2027, 1, 7, 10, 0, tzinfo=SH), tick=False):
        # The first-contact department (the office that registered it) brings the materials in: a fresh clock.
        workflow.demand_supply_materials(actor=office_clerk, demand=demand, content="已补充")
    demand.refresh_from_db()
    assert (demand.triage_due_at, demand.triage_due_provisional) == (end(2027, 1, 8), True)
    with django_capture_on_commit_callbacks(execute=True):
        mark_official(2027, holidays=[date(2027, 1, 5), date(2027, 1, 8)])
    demand.refresh_from_db()
    # One working day after Thu Jan 7 (not four after the registration on Jan 4, which would be Jan 12).
    assert (demand.triage_due_at, demand.triage_due_provisional) == (end(2027, 1, 11), False)


def test_editing_an_official_year_recounts_with_the_dates_it_had(
    office_clerk, lead_handler, django_capture_on_commit_callbacks
):
    """2027 official, 2028 not: a clock over both stays provisional; a date added to 2027 moves it by the new count."""
    with django_capture_on_commit_callbacks(execute=True):
        row = mark_official(2027, holidays=[date(2027, 1, 1)])
    with time_machine.travel(datetime(2027, 12, 28, 10, 0, tzinfo=SH), tick=False):
        ticket = closed_ticket(office_clerk, lead_handler)  # Dec 29, 30, 31, Jan 3, Jan 4 (2028 Mon–Fri)
    assert (ticket.callback_due_at, ticket.callback_due_provisional) == (end(2028, 1, 4), True)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_exception_save(exception=CalendarException(calendar_year=row, date=date(2027, 12, 31), kind="holiday", name="调休"))
    ticket.refresh_from_db()
    assert (ticket.callback_due_at, ticket.callback_due_provisional) == (end(2028, 1, 5), True)
    assert "（仍为暂定）" in ticket.events.get(action="due_recomputed").note


def test_a_rolled_back_calendar_change_recounts_nothing(year_end_clocks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                mark_official(2027, holidays=[date(2027, 1, 1)])
                raise RuntimeError("admin cancelled")
        except RuntimeError:
            pass
    assert callbacks == []
    sign = Ticket.objects.get(pk=year_end_clocks["sign"].pk)
    assert (sign.sign_due_at, sign.sign_due_provisional) == (end(2027, 1, 1), True)


def test_an_earlier_due_makes_the_next_sweep_look_back(year_end_clocks, django_capture_on_commit_callbacks):
    SweepState.objects.create(pk=1, last_now=datetime(2027, 1, 3, 12, 0, tzinfo=SH))
    with django_capture_on_commit_callbacks(execute=True):
        # A make-up working day on Sat Jan 2 pulls Monday's due instants back to it.
        mark_official(2027, workdays=[date(2027, 1, 2)])
    sign = Ticket.objects.get(pk=year_end_clocks["sign"].pk)
    assert sign.sign_due_at == end(2027, 1, 1)
    supervision = Supervision.objects.get(pk=year_end_clocks["supervision"].pk)
    assert supervision.due_at == end(2027, 1, 2)
    assert SweepState.objects.get().last_now < end(2027, 1, 2)


# --- the command ----------------------------------------------------------------------------------------------------
def test_command_recounts_a_year_marked_official_without_signals(year_end_clocks):
    row = CalendarYear.objects.create(year=2027, official=False)
    CalendarException.objects.create(calendar_year=row, date=date(2027, 1, 1), kind="holiday", name="元旦")
    CalendarYear.objects.filter(pk=row.pk).update(official=True)  # a bulk update sends no signal
    from workcalendar.workdays import reload_calendar

    reload_calendar()
    out = StringIO()
    call_command("recompute_provisional_deadlines", "--year", "2027", stdout=out)
    assert "调整 5 项" in out.getvalue()
    sign = Ticket.objects.get(pk=year_end_clocks["sign"].pk)
    assert (sign.sign_due_at, sign.sign_due_provisional) == (end(2027, 1, 4), False)


@pytest.mark.parametrize(("value", "message"), [("abc", "不是有效的四位数字"), ("1999", "超出范围"), ("2030", "尚未标记为官方数据")])
def test_command_refuses_bad_years(year_end_clocks, value, message):
    with pytest.raises(CommandError) as excinfo:
        call_command("recompute_provisional_deadlines", "--year", value, stdout=StringIO())
    assert message in str(excinfo.value)
    assert Ticket.objects.get(pk=year_end_clocks["sign"].pk).sign_due_provisional


# --- through the calendar admin -------------------------------------------------------------------------------------
def test_admin_adding_the_official_year_recounts_after_the_save(
    year_end_clocks, superuser_client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from workcalendar.tests.test_calendar_admin import inline_post

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse("admin:workcalendar_calendaryear_add"),
            inline_post(None, [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}], year="2027"),
        )
    assert response.status_code == 302
    sign = Ticket.objects.get(pk=year_end_clocks["sign"].pk)
    assert (sign.sign_due_at, sign.sign_due_provisional) == (end(2027, 1, 4), False)
    assert sign.events.filter(action="due_recomputed").count() == 1
