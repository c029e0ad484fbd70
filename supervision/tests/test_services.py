"""Supervision and urging (SPEC §7, §8): automatic triggers, manual forms, who may, answers, idempotent keys."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Region, Role
from accounts.tests.factories import UserFactory, department
from core.errors import Conflict
from notifications.models import Notification
from supervision.models import Supervision, Urge
from supervision.services import (
    supervision_answer,
    supervision_issue_unregistered,
    supervision_raise_automatic,
    ticket_supervise,
    ticket_urge,
)
from tickets import workflow
from tickets.models import Ticket, TicketEvent
from tickets.sampling import sample_callbacks
from tickets.tests.helpers import closed_ticket, dispatched_ticket, good_callback, handling_ticket

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _local(value):
    return timezone.localtime(value, SH).replace(tzinfo=None)


def _archived(office, handler):
    ticket = closed_ticket(office, handler)
    good_callback(office, ticket)
    return Ticket.objects.get(pk=ticket.pk)


# --- automatic supervision -------------------------------------------------------------------------------------------
def test_automatic_supervision_is_raised_once_per_key(office_clerk, lead_handler, django_capture_on_commit_callbacks):
    ticket = handling_ticket(office_clerk, lead_handler)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        first = supervision_raise_automatic(ticket=ticket, trigger="overdue", department=ticket.lead_department,
                                            content="办理已超期", key=f"overdue:{ticket.pk}:handle", now=now)
        again = supervision_raise_automatic(ticket=ticket, trigger="overdue", department=ticket.lead_department,
                                            content="办理已超期", key=f"overdue:{ticket.pk}:handle", now=now)
    assert first is not None and again is None
    assert Supervision.objects.filter(ticket=ticket).count() == 1
    assert (first.form, first.automatic, first.issued_by, first.region.code) == ("system", True, None, "anshun")
    assert first.issuing_department.code == "anshun-zwfw"
    assert first.number.startswith("DB")
    assert TicketEvent.objects.filter(ticket=ticket, action="supervise").count() == 1
    # The lead department's handlers are told once; others are not.
    assert Notification.objects.filter(recipient=lead_handler, event="supervision").count() == 1
    notice = Notification.objects.get(recipient=lead_handler, event="supervision")
    assert notice.url == f"/supervisions/inbox/#supervision-{first.pk}" and "系统督办" in notice.title
    assert not Notification.objects.filter(recipient=office_clerk, event="supervision").exists()


def test_automatic_supervision_answer_is_due_in_two_working_days(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    issued = datetime(2026, 9, 30, 15, 0, tzinfo=SH)  # before the National Day holiday
    record = supervision_raise_automatic(ticket=ticket, trigger="overdue", department=ticket.lead_department,
                                         content="办理已超期", key="k1", now=issued)
    assert _local(record.due_at) == datetime(2026, 10, 9, 23, 59, 59)
    assert record.issued_at == issued and not record.due_provisional


def test_automatic_supervision_refuses_unknown_trigger_and_missing_key(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    with pytest.raises(ValueError):
        supervision_raise_automatic(ticket=ticket, trigger="late", department=ticket.lead_department, content="x",
                                    key="k", now=timezone.now())
    with pytest.raises(ValueError):
        supervision_raise_automatic(ticket=ticket, trigger="overdue", department=ticket.lead_department, content="x",
                                    key="", now=timezone.now())
    assert not Supervision.objects.exists()


def test_callback_below_standard_raises_supervision_to_the_lead(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    callback = good_callback(office_clerk, ticket, satisfaction="basically_satisfied", meets_standard=False)
    supervision = Supervision.objects.get(ticket=ticket)
    assert (supervision.trigger, supervision.form, supervision.automatic) == ("below_standard", "system", True)
    assert supervision.department == lead_handler.department
    assert supervision.key == f"below_standard:callback:{callback.pk}"
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.HANDLING


def test_inconsistent_but_standard_callback_raises_no_below_standard(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    good_callback(office_clerk, ticket, consistent=False)
    assert not Supervision.objects.exists()


def test_unreached_or_good_callback_raises_nothing(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    workflow.ticket_callback(actor=office_clerk, ticket=ticket, reached=False, note="电话无人接听")
    good_callback(office_clerk, ticket)
    assert not Supervision.objects.exists()


def test_second_failed_callback_raises_repeated_rework(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    good_callback(office_clerk, ticket, satisfaction="unsatisfied", consistent=False)
    assert not Supervision.objects.filter(trigger="repeated_rework").exists()  # one return is not yet "repeated"
    workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="再次办理")
    good_callback(office_clerk, ticket, satisfaction="unsatisfied", consistent=False)
    ticket.refresh_from_db()
    assert ticket.rework_count == 2
    supervision = Supervision.objects.get(trigger="repeated_rework")
    assert supervision.ticket == ticket and supervision.department == lead_handler.department
    assert supervision.key == f"repeated_rework:{ticket.pk}:2"
    assert "2 次" in supervision.content


def test_repeated_rework_after_an_unsatisfied_archive_is_not_raised_twice(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    for _ in range(2):
        good_callback(office_clerk, ticket, satisfaction="unsatisfied", consistent=False)
        workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="再次办理")
    # Consistent and up to standard but still unsatisfied: archived, and the rework_count-2 supervision exists already.
    good_callback(office_clerk, ticket, satisfaction="unsatisfied")
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.ARCHIVED
    assert Supervision.objects.filter(trigger="repeated_rework").count() == 1


def _complaint(office, domain="market"):
    return dispatched_ticket(office, category="complaint", domain=domain)


def test_third_complaint_about_one_department_and_domain_within_30_days_is_concentrated(
    office_clerk, lead_handler, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False):
        first = _complaint(office_clerk)
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=SH), tick=False):
        _complaint(office_clerk)
        dispatched_ticket(office_clerk, category="coordination", domain="market")  # not a complaint
        _complaint(office_clerk, domain="tax")  # another domain
        assert not Supervision.objects.exists()
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=SH), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            third = _complaint(office_clerk)
    supervision = Supervision.objects.get()
    assert (supervision.trigger, supervision.ticket, supervision.department.code) == ("concentrated", third, "anshun-scjg")
    assert supervision.key == f"concentrated:{third.lead_department_id}:{third.domain_id}:{first.pk}"
    assert first.number in supervision.content and third.number in supervision.content
    # The region's office gets the alert, the department its supervision.
    assert Notification.objects.filter(recipient=office_clerk, key=f"concentrated-alert:{supervision.pk}").exists()
    assert Notification.objects.filter(recipient=lead_handler, key=f"supervision:{supervision.pk}").exists()
    # A fourth complaint in the same run is no new alert.
    with time_machine.travel(datetime(2026, 11, 30, 11, 0, tzinfo=SH), tick=False):
        _complaint(office_clerk)
    assert Supervision.objects.count() == 1


def test_complaints_older_than_30_days_do_not_count(office_clerk):
    with time_machine.travel(datetime(2026, 10, 1, 10, 0, tzinfo=SH), tick=False):
        _complaint(office_clerk)
    with time_machine.travel(datetime(2026, 11, 5, 10, 0, tzinfo=SH), tick=False):
        _complaint(office_clerk)
        _complaint(office_clerk)
    assert not Supervision.objects.exists()


@pytest.fixture
def xixiu_batch(county_office):
    handler = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    with time_machine.travel(datetime(2026, 11, 10, 10, 0, tzinfo=SH), tick=False):
        closed_ticket(county_office, handler, registrar=handler, channel="department", domain="market")
    batches = sample_callbacks(region=Region.objects.get(code="anshun"), month=date(2026, 11, 1))
    return next(b for b in batches if b.region.code == "xixiu")


def test_failed_sampled_callback_supervises_the_county_office(xixiu_batch, office_clerk, county_office,
                                                              django_capture_on_commit_callbacks):
    ticket = xixiu_batch.tickets.get()
    with django_capture_on_commit_callbacks(execute=True):
        record = workflow.ticket_sampled_callback(
            actor=office_clerk, batch=xixiu_batch, ticket=ticket, reached=True, satisfaction="unsatisfied",
            consistent=True, meets_standard=False, note="企业称未解决",
        )
    supervision = Supervision.objects.get()
    assert supervision.department.code == "xixiu-zwfw" and supervision.region.code == "anshun"
    assert supervision.issuing_department.code == "anshun-zwfw"
    assert supervision.key == f"sampled_callback:{record.pk}" and "不符合办结标准" in supervision.content
    assert Notification.objects.filter(recipient=county_office, key=f"supervision:{supervision.pk}").exists()
    # The county office answers for itself.
    supervision_answer(actor=county_office, supervision=supervision, content="已约谈承办部门并重新办理")
    assert Supervision.objects.get().answered_by == county_office


def test_passed_or_unreached_sampled_callback_raises_nothing(xixiu_batch, office_clerk):
    ticket = xixiu_batch.tickets.get()
    workflow.ticket_sampled_callback(actor=office_clerk, batch=xixiu_batch, ticket=ticket, reached=False, note="无人接听")
    workflow.ticket_sampled_callback(actor=office_clerk, batch=xixiu_batch, ticket=ticket, reached=True,
                                     satisfaction="satisfied", consistent=True, meets_standard=True)
    assert not Supervision.objects.exists()


# --- manual supervision ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("form", ["phone", "system", "written", "special"])
def test_office_supervises_an_open_ticket_in_each_form(office_clerk, lead_handler, form, django_capture_on_commit_callbacks):
    ticket = handling_ticket(office_clerk, lead_handler)
    with time_machine.travel(datetime(2026, 9, 30, 15, 0, tzinfo=SH), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            supervision = ticket_supervise(actor=office_clerk, ticket=ticket, form=form, trigger="overdue",
                                           content="  请于两个工作日内说明办理进展。 ")
    assert (supervision.form, supervision.trigger, supervision.automatic) == (form, "overdue", False)
    assert supervision.content == "请于两个工作日内说明办理进展。"
    assert supervision.department == lead_handler.department and supervision.issued_by == office_clerk
    assert _local(supervision.due_at) == datetime(2026, 10, 9, 23, 59, 59)
    event = TicketEvent.objects.get(ticket=ticket, action="supervise")
    assert event.actor == office_clerk and event.internal and supervision.number in event.note
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.HANDLING  # no state change
    assert Notification.objects.filter(recipient=lead_handler, key=f"supervision:{supervision.pk}").exists()


@pytest.mark.parametrize("state", ["dispatched", "disputed", "closed"])
def test_supervision_is_allowed_in_any_open_state(office_clerk, lead_handler, state):
    if state == "dispatched":
        ticket = dispatched_ticket(office_clerk)
    elif state == "disputed":
        ticket = workflow.ticket_object(actor=lead_handler, ticket=dispatched_ticket(office_clerk), reason="非本部门职责")
    else:
        ticket = closed_ticket(office_clerk, lead_handler)
    assert ticket.state == state
    ticket_supervise(actor=office_clerk, ticket=ticket, form="phone", trigger="concentrated", content="重点关注")
    assert Supervision.objects.filter(ticket=ticket).count() == 1


def test_supervision_may_be_addressed_to_another_department_of_the_region(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    supervision = ticket_supervise(actor=office_clerk, ticket=ticket, form="written", trigger="overdue",
                                   content="协办部门尚未反馈", department="anshun-sw")
    assert supervision.department.code == "anshun-sw"


def test_supervision_refuses_a_department_of_another_region(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    with pytest.raises(ValidationError) as exc:
        ticket_supervise(actor=office_clerk, ticket=ticket, form="written", trigger="overdue", content="x",
                         department="puding-scjg")
    assert "不属于安顺市" in exc.value.message_dict["department"][0]
    with pytest.raises(ValidationError) as exc:
        ticket_supervise(actor=office_clerk, ticket=ticket, form="written", trigger="overdue", content="x",
                         department="nowhere")
    assert "不存在" in exc.value.message_dict["department"][0]
    assert not Supervision.objects.exists()


def test_supervision_bad_input_gives_chinese_messages_and_saves_nothing(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    with pytest.raises(ValidationError) as exc:
        ticket_supervise(actor=office_clerk, ticket=ticket, form="fax", trigger="late", content="   ")
    assert set(exc.value.message_dict) == {"form", "trigger", "content"}
    assert exc.value.message_dict["content"] == ["请填写督办事项及要求。"]
    with pytest.raises(ValidationError):
        ticket_supervise(actor=office_clerk, ticket=ticket, form="phone", trigger="overdue", content="长" * 2001)
    assert not Supervision.objects.exists()
    assert not TicketEvent.objects.filter(action="supervise").exists()


def test_government_issues_only_special_supervision(office_clerk, lead_handler, government_user):
    ticket = handling_ticket(office_clerk, lead_handler)
    supervision = ticket_supervise(actor=government_user, ticket=ticket, form="special", trigger="concentrated",
                                   content="一事一议：请市市场监管局牵头专题研究。")
    assert supervision.issuing_department.code == "anshun-zfb"
    with pytest.raises(PermissionDenied, match="专项督办"):
        ticket_supervise(actor=government_user, ticket=ticket, form="written", trigger="overdue", content="x")
    assert Supervision.objects.count() == 1


def test_others_may_not_supervise(office_clerk, lead_handler, other_handler, specialist, county_office, enterprise_user):
    ticket = handling_ticket(office_clerk, lead_handler)
    for user in (lead_handler, other_handler, specialist, county_office, enterprise_user):
        with pytest.raises(PermissionDenied):
            ticket_supervise(actor=user, ticket=ticket, form="phone", trigger="overdue", content="x")
    assert not Supervision.objects.exists()


def test_supervision_of_a_finished_ticket_is_a_conflict(office_clerk, lead_handler):
    ticket = _archived(office_clerk, lead_handler)
    with pytest.raises(Conflict, match="已归档"):
        ticket_supervise(actor=office_clerk, ticket=ticket, form="phone", trigger="overdue", content="x")
    assert not Supervision.objects.exists()


# --- unregistered matters -------------------------------------------------------------------------------------------
def test_office_supervises_an_unregistered_matter(office_clerk, lead_handler, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        supervision = supervision_issue_unregistered(actor=office_clerk, department="anshun-scjg",
                                                     content="企业反映到窗口的诉求未按规定登记。", form="written")
    assert supervision.ticket is None and supervision.trigger == "unregistered"
    assert supervision.region.code == "anshun" and supervision.department.code == "anshun-scjg"
    assert Notification.objects.filter(recipient=lead_handler, key=f"supervision:{supervision.pk}").exists()


def test_unregistered_supervision_checks_role_and_input(office_clerk, lead_handler, county_office, government_user):
    for user in (lead_handler, government_user):
        with pytest.raises(PermissionDenied):
            supervision_issue_unregistered(actor=user, department="anshun-scjg", content="x")
    with pytest.raises(ValidationError) as exc:
        supervision_issue_unregistered(actor=county_office, department="anshun-scjg", content="")
    assert set(exc.value.message_dict) == {"department", "content"}
    with pytest.raises(ValidationError) as exc:
        supervision_issue_unregistered(actor=office_clerk, department="", content="x", form="email")
    assert set(exc.value.message_dict) == {"department", "form"}
    assert not Supervision.objects.exists()


# --- answers ----------------------------------------------------------------------------------------------------------
@pytest.fixture
def open_supervision(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    return ticket_supervise(actor=office_clerk, ticket=ticket, form="written", trigger="overdue", content="请说明进展")


def test_handler_of_the_addressed_department_answers_once(open_supervision, lead_handler, office_clerk,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answered = supervision_answer(actor=lead_handler, supervision=open_supervision, content=" 已于今日约见企业，三日内办结。")
    assert answered.answer == "已于今日约见企业，三日内办结。"
    assert answered.answered_by == lead_handler and answered.answered_at is not None
    event = TicketEvent.objects.get(ticket=open_supervision.ticket, action="supervision_answer")
    assert "逾期" not in event.note and "三日内办结" in event.note
    assert Notification.objects.filter(recipient=office_clerk, key=f"supervision-answer:{answered.pk}").exists()
    with pytest.raises(Conflict, match="已回复"):
        supervision_answer(actor=lead_handler, supervision=open_supervision, content="再次回复")
    assert Supervision.objects.get().answer == "已于今日约见企业，三日内办结。"


def test_a_late_answer_is_marked_late(open_supervision, lead_handler):
    with time_machine.travel(open_supervision.due_at + timedelta(hours=1), tick=False):
        supervision_answer(actor=lead_handler, supervision=open_supervision, content="迟复")
    assert "逾期回复" in TicketEvent.objects.get(action="supervision_answer").note


def test_only_the_addressed_department_answers(open_supervision, other_handler, office_clerk, specialist):
    for user in (other_handler, office_clerk, specialist):
        with pytest.raises(PermissionDenied):
            supervision_answer(actor=user, supervision=open_supervision, content="x")
    assert not Supervision.objects.get().answered_at


def test_an_empty_answer_is_refused(open_supervision, lead_handler):
    with pytest.raises(ValidationError) as exc:
        supervision_answer(actor=lead_handler, supervision=open_supervision, content="  ")
    assert exc.value.message_dict == {"content": ["请填写回复内容。"]}
    assert not Supervision.objects.get().answered_at


# --- urging -----------------------------------------------------------------------------------------------------------
def test_office_and_specialist_urge_and_the_lead_is_told(office_clerk, specialist, lead_handler,
                                                         django_capture_on_commit_callbacks):
    ticket = handling_ticket(office_clerk, lead_handler)
    with django_capture_on_commit_callbacks(execute=True):
        first = ticket_urge(actor=office_clerk, ticket=ticket, note="企业来电催问进度")
        second = ticket_urge(actor=specialist, ticket=ticket, note="请尽快办理")
    assert first.department == lead_handler.department and second.actor == specialist
    assert TicketEvent.objects.filter(ticket=ticket, action="urge").count() == 2
    assert Notification.objects.filter(recipient=lead_handler, event="urge").count() == 2
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.HANDLING


def test_others_may_not_urge(office_clerk, lead_handler, other_handler, government_user, county_office, enterprise_user):
    ticket = handling_ticket(office_clerk, lead_handler)
    for user in (lead_handler, other_handler, government_user, county_office, enterprise_user):
        with pytest.raises(PermissionDenied):
            ticket_urge(actor=user, ticket=ticket, note="x")
    assert not Urge.objects.exists()


def test_urging_needs_a_note_and_an_open_ticket(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    with pytest.raises(ValidationError) as exc:
        ticket_urge(actor=office_clerk, ticket=ticket, note="")
    assert exc.value.message_dict == {"note": ["请填写催办内容。"]}
    archived = _archived(office_clerk, lead_handler)
    with pytest.raises(Conflict, match="已归档"):
        ticket_urge(actor=office_clerk, ticket=archived, note="x")
    assert not Urge.objects.exists()


# --- demo data and admin ----------------------------------------------------------------------------------------------
def test_demo_data_gives_every_supervision_screen_something_to_show(admin_client):
    from django.core.management import call_command

    call_command("seed_demo", "--quiet-logins")
    assert {"phone", "written", "system"} <= set(Supervision.objects.values_list("form", flat=True))
    assert Supervision.objects.filter(answered_at__isnull=False).exists()
    assert Supervision.objects.filter(answered_at__isnull=True, form="written").exists()
    assert Supervision.objects.filter(automatic=True, trigger="below_standard").exists()
    assert Urge.objects.exists()
    supervision = Supervision.objects.first()
    # Read-only in the admin: issued and answered only through the workflow.
    assert admin_client.get("/admin/supervision/supervision/").status_code == 200
    page = admin_client.get(f"/admin/supervision/supervision/{supervision.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.get("/admin/supervision/supervision/add/").status_code == 403
    assert admin_client.get("/admin/supervision/urge/").status_code == 200
