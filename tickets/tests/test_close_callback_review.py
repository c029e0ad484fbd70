"""Closure, callback, rework, review and the enterprise's rating (SPEC §5, §4.5, §4.7, §4.8)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.tests.factories import EnterpriseUserFactory
from core.errors import Conflict
from tickets import workflow
from tickets.models import Callback, Ticket
from tickets.tests.helpers import closed_ticket, good_callback, handling_ticket, register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_close_sets_the_result_and_the_callback_clock(office_clerk, lead_handler):
    with time_machine.travel(datetime(2026, 9, 28, 9, 0, tzinfo=SH), tick=False):
        ticket = handling_ticket(office_clerk, lead_handler)
    with time_machine.travel(datetime(2026, 9, 30, 16, 0, tzinfo=SH), tick=False):
        evidence = SimpleUploadedFile("答复函.pdf", b"%PDF-1.4 reply", content_type="application/pdf")
        ticket = workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="已为企业办理完毕", files=[evidence])
    assert ticket.state == Ticket.State.CLOSED and ticket.closure_result == "已为企业办理完毕"
    # 5 working days from Wed 2026-09-30: Oct 8, 9, 10 (make-up), 12, 13.
    assert ticket.callback_due_at == datetime(2026, 10, 13, 23, 59, 59, tzinfo=SH)
    assert ticket.first_closed_at == ticket.closed_at
    assert ticket.attachments.get().kind == "evidence"


@pytest.mark.parametrize("standard", ["partial", "legal_route"])
def test_partial_and_legal_route_need_a_written_explanation(office_clerk, lead_handler, standard):
    ticket = handling_ticket(office_clerk, lead_handler)
    with pytest.raises(ValidationError) as excinfo:
        workflow.ticket_close(actor=lead_handler, ticket=ticket, standard=standard, result="部分解决")
    assert "explanation" in excinfo.value.message_dict
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.HANDLING
    closed = workflow.ticket_close(actor=lead_handler, ticket=ticket, standard=standard, result="部分解决", explanation="受规划限制，已书面说明")
    assert closed.state == Ticket.State.CLOSED


def test_close_refuses_bad_input_and_pending_co_departments(office_clerk, lead_handler, other_handler):
    ticket = handling_ticket(office_clerk, lead_handler, co=["anshun-sw"])
    with pytest.raises(ValidationError) as excinfo:
        workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="done", result="")
    assert {"standard", "result"} <= set(excinfo.value.message_dict)
    with pytest.raises(Conflict) as excinfo:
        workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="办结")
    assert "国家税务总局安顺市税务局" in excinfo.value.message
    with pytest.raises(PermissionDenied):
        workflow.ticket_close(actor=other_handler, ticket=ticket, standard="resolved", result="办结")
    workflow.ticket_co_feedback(actor=other_handler, ticket=ticket, content="已配合核实")
    assert workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="办结").state == "closed"


def test_close_only_from_handling(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    with pytest.raises(Conflict):
        workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="再次办结")


def test_good_callback_archives(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    good_callback(office_clerk, ticket)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.state == Ticket.State.ARCHIVED and ticket.archived_at is not None and ticket.is_read_only


def test_unreached_callback_is_recorded_and_keeps_the_ticket_closed(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    with pytest.raises(ValidationError):
        workflow.ticket_callback(actor=office_clerk, ticket=ticket, reached=False)
    workflow.ticket_callback(actor=office_clerk, ticket=ticket, reached=False, note="10:05 拨打 138… 无人接听")
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.CLOSED
    assert Callback.objects.get(ticket=ticket).reached is False


def test_specialist_of_the_region_may_call_back_others_may_not(office_clerk, lead_handler, specialist, county_office):
    ticket = closed_ticket(office_clerk, lead_handler)
    with pytest.raises(PermissionDenied):
        good_callback(lead_handler, ticket)
    with pytest.raises(PermissionDenied):
        good_callback(county_office, ticket)
    good_callback(specialist, ticket)
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.ARCHIVED


def test_callback_validates_reached_answers(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    with pytest.raises(ValidationError) as excinfo:
        workflow.ticket_callback(actor=office_clerk, ticket=ticket, reached=True, satisfaction="great", consistent="yes")
    assert {"satisfaction", "consistent", "meets_standard"} <= set(excinfo.value.message_dict)
    with pytest.raises(ValidationError):
        workflow.ticket_callback(actor=office_clerk, ticket=ticket, reached="maybe")
    assert not Callback.objects.exists()


def test_callback_before_closing_is_a_conflict(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    with pytest.raises(Conflict):
        good_callback(office_clerk, ticket)


@pytest.mark.parametrize("answers", [{"consistent": False}, {"meets_standard": False}])
def test_failed_callback_returns_for_rework_with_a_new_clock_of_the_same_length(office_clerk, lead_handler, answers):
    with time_machine.travel(datetime(2026, 9, 21, 9, 0, tzinfo=SH), tick=False):
        ticket = closed_ticket(office_clerk, lead_handler, category="complaint")
    with time_machine.travel(datetime(2026, 9, 30, 10, 0, tzinfo=SH), tick=False):
        good_callback(office_clerk, ticket, satisfaction="unsatisfied", **answers)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.state == Ticket.State.HANDLING and ticket.rework_count == 1 and ticket.callback_due_at is None
    # A fresh complaint clock (5 working days) from the return, across National Day.
    assert ticket.handle_due_at == datetime(2026, 10, 13, 23, 59, 59, tzinfo=SH)
    # Below standard also raises an automatic supervision (SPEC §7), recorded right after the return.
    expected = ["return_for_rework", "supervise"] if answers.get("meets_standard") is False else ["return_for_rework"]
    assert [event.action for event in ticket.events.all()][-len(expected):] == expected


def test_review_only_after_a_return(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    with pytest.raises(Conflict):
        workflow.ticket_request_review(actor=lead_handler, ticket=ticket, reason="不认可")


def test_rework_review_rectify_close_and_archive(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    good_callback(office_clerk, ticket, consistent=False, satisfaction="unsatisfied")
    ticket = Ticket.objects.get(pk=ticket.pk)
    with pytest.raises(ValidationError):
        workflow.ticket_request_review(actor=lead_handler, ticket=ticket, reason="")
    workflow.ticket_request_review(actor=lead_handler, ticket=ticket, reason="企业诉求超出政策范围，难以解决")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.state == Ticket.State.REVIEW
    with pytest.raises(PermissionDenied):
        workflow.ticket_review(actor=lead_handler, ticket=ticket, outcome="upheld", opinion="x")
    with pytest.raises(ValidationError) as excinfo:
        workflow.ticket_review(actor=office_clerk, ticket=ticket, outcome="rectify", opinion="请补充政策依据", due_date=timezone.localdate())
    assert "due_date" in excinfo.value.message_dict
    due = timezone.localdate() + timedelta(days=10)
    review = workflow.ticket_review(actor=office_clerk, ticket=ticket, outcome="rectify", opinion="请补充政策依据", due_date=due)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert review.outcome == "rectify" and ticket.state == Ticket.State.HANDLING
    assert timezone.localtime(ticket.handle_due_at).date() == due
    ticket = workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="partial", result="已补充说明", explanation="政策依据见附件")
    good_callback(office_clerk, ticket)
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.ARCHIVED


def test_review_upheld_archives(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    good_callback(office_clerk, ticket, meets_standard=False)
    workflow.ticket_request_review(actor=lead_handler, ticket=Ticket.objects.get(pk=ticket.pk), reason="已按标准办结")
    workflow.ticket_review(actor=office_clerk, ticket=Ticket.objects.get(pk=ticket.pk), outcome="upheld", opinion="办结符合标准")
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.ARCHIVED


def test_enterprise_rates_once_after_closing(office_clerk, lead_handler, enterprise_user):
    demand = register(enterprise_user, channel="online")
    demand = workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="consultation", lead_department="anshun-scjg")
    ticket = workflow.ticket_sign(actor=lead_handler, ticket=demand.ticket)
    with pytest.raises(Conflict):
        workflow.ticket_rate(actor=enterprise_user, ticket=ticket, satisfaction="satisfied")
    ticket = workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="已答复")
    with pytest.raises(PermissionDenied):
        workflow.ticket_rate(actor=EnterpriseUserFactory(), ticket=ticket, satisfaction="satisfied")
    with pytest.raises(ValidationError):
        workflow.ticket_rate(actor=enterprise_user, ticket=ticket, satisfaction="10分")
    rating = workflow.ticket_rate(actor=enterprise_user, ticket=ticket, satisfaction="basically_satisfied", comment="答复及时")
    assert rating.satisfaction == "basically_satisfied"
    with pytest.raises(Conflict):
        workflow.ticket_rate(actor=enterprise_user, ticket=ticket, satisfaction="satisfied")


def test_archived_ticket_refuses_every_act(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    good_callback(office_clerk, ticket)
    ticket = Ticket.objects.get(pk=ticket.pk)
    for act in (
        lambda: workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="x"),
        lambda: good_callback(office_clerk, ticket),
        lambda: workflow.ticket_request_extension(actor=lead_handler, ticket=ticket, due_date=date(2030, 1, 1), reason="x"),
        lambda: workflow.ticket_add_co_department(actor=lead_handler, ticket=ticket, department="anshun-sw"),
        lambda: workflow.ticket_request_review(actor=lead_handler, ticket=ticket, reason="x"),
        lambda: workflow.attach_file(actor=lead_handler, ticket=ticket, kind="evidence",
                                     upload=SimpleUploadedFile("a.pdf", b"%PDF", content_type="application/pdf")),
    ):
        with pytest.raises(Conflict):
            act()
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.ARCHIVED
