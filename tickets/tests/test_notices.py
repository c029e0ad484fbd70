"""Who hears of which workflow event (SPEC §7), driven through the real workflow functions."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department
from notifications.models import Notification
from tickets import notices as events
from tickets import workflow
from tickets.models import Demand, Ticket
from tickets.tests.helpers import closed_ticket, dispatched_ticket, good_callback, handling_ticket, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call a workflow function and run what it queued for after the commit."""

    def call(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


def received(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("event", "title"))


def events_of(user) -> list[str]:
    return [event for event, _ in received(user)]


def own_enterprise(enterprise_user) -> dict:
    return {"enterprise_name": enterprise_user.enterprise.name, "enterprise_uscc": enterprise_user.enterprise.uscc}


def test_dispatch_tells_the_lead_and_co_departments_and_the_enterprise(run, office_clerk, lead_handler, other_handler,
                                                                       outsider, enterprise_user, specialist):
    ticket = run(dispatched_ticket, office_clerk, co=["anshun-sw"], **own_enterprise(enterprise_user))
    lead_note = Notification.objects.get(recipient=lead_handler)
    assert (lead_note.event, lead_note.title) == ("dispatch", f"新工单待签收：{ticket.number}")
    assert lead_note.url == reverse("tickets:ticket_detail", args=[ticket.pk])
    assert received(other_handler) == [("dispatch", f"新协办工单：{ticket.number}")]
    demand = ticket.demands.get()
    formed = Notification.objects.get(recipient=enterprise_user)
    assert formed.event == "ticket_formed" and formed.url == reverse("tickets:demand_detail", args=[demand.pk])
    assert ticket.number in formed.body
    assert received(outsider) == received(office_clerk) == received(specialist) == []


def test_a_retried_notification_of_the_same_dispatch_is_not_repeated(run, office_clerk, lead_handler):
    ticket = run(dispatched_ticket, office_clerk)
    run(events.ticket_dispatched, ticket)
    assert events_of(lead_handler) == ["dispatch"]


def test_a_rolled_back_dispatch_notifies_nobody(django_capture_on_commit_callbacks, office_clerk, lead_handler, enterprise_user):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                dispatched_ticket(office_clerk, **own_enterprise(enterprise_user))
                raise RuntimeError("保存失败")
    assert not Ticket.objects.exists() and not Notification.objects.exists() and mail.outbox == []


def test_objection_tells_the_office_and_reassign_tells_the_new_lead_and_the_objector(run, office_clerk, lead_handler,
                                                                                     other_handler, county_office):
    ticket = dispatched_ticket(office_clerk)
    run(workflow.ticket_object, actor=lead_handler, ticket=ticket, reason="该事项属于税务部门职责")
    note = Notification.objects.get(recipient=office_clerk)
    assert note.event == "objection" and ticket.number in note.title and "该事项属于税务部门职责" in note.body
    assert received(county_office) == []
    run(workflow.ticket_reassign, actor=office_clerk, ticket=ticket, lead_department="anshun-sw")
    assert received(other_handler) == [("dispatch", f"工单待签收：{ticket.number}")]
    assert events_of(lead_handler) == ["objection_outcome"]
    outcome = Notification.objects.get(recipient=lead_handler, event="objection_outcome")
    assert f"改由{other_handler.department.name}牵头" in outcome.body
    assert outcome.url == ""  # the ticket is no longer theirs to open


def test_reassigning_to_the_same_lead_is_a_new_dispatch_for_it(run, office_clerk, lead_handler):
    ticket = run(dispatched_ticket, office_clerk)
    run(workflow.ticket_object, actor=lead_handler, ticket=ticket, reason="请再研判")
    run(workflow.ticket_reassign, actor=office_clerk, ticket=ticket, lead_department="anshun-scjg", note="维持原派单")
    assert events_of(lead_handler) == ["dispatch", "dispatch"]  # no "outcome" to itself: it is the lead again


def test_government_is_asked_and_its_decision_reaches_both_departments(run, office_clerk, lead_handler, other_handler,
                                                                        government_user):
    ticket = dispatched_ticket(office_clerk)
    workflow.ticket_object(actor=lead_handler, ticket=ticket, reason="不属本部门职责")
    run(workflow.ticket_refer_to_government, actor=office_clerk, ticket=ticket, note="两部门均认为不属本部门职责")
    assert events_of(government_user) == ["objection"]
    run(workflow.ticket_decide_lead, actor=government_user, ticket=ticket, lead_department="anshun-sw", note="由税务局牵头")
    assert events_of(other_handler) == ["dispatch"]
    outcome = Notification.objects.get(recipient=lead_handler)
    assert outcome.event == "objection_outcome" and "政府办公室" in outcome.body


def test_co_department_added_later_and_its_feedback_reaches_the_lead(run, office_clerk, lead_handler, other_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    run(workflow.ticket_add_co_department, actor=lead_handler, ticket=ticket, department="anshun-sw")
    assert events_of(other_handler) == ["dispatch"]
    run(workflow.ticket_co_feedback, actor=other_handler, ticket=ticket, content="已配合核实企业情况")
    feedback = Notification.objects.get(recipient=lead_handler)
    assert feedback.event == "co_feedback" and "已配合核实企业情况" in feedback.body


@pytest.mark.parametrize("approve", [True, False])
def test_extension_request_reaches_the_office_and_its_decision_the_lead(run, office_clerk, lead_handler, approve):
    ticket = handling_ticket(office_clerk, lead_handler)
    due = timezone.localdate(ticket.handle_due_at) + timedelta(days=20)
    run(workflow.ticket_request_extension, actor=lead_handler, ticket=ticket, due_date=due, reason="需现场核查")
    assert events_of(office_clerk) == ["extension_request"]
    run(workflow.ticket_decide_extension, actor=office_clerk, ticket=ticket, approve=approve, note="")
    decision = Notification.objects.get(recipient=lead_handler)
    assert decision.event == "extension_decision"
    assert ("已同意" if approve else "未同意") in decision.title


def test_termination_request_and_approval(run, office_clerk, lead_handler, enterprise_user):
    ticket = handling_ticket(office_clerk, lead_handler, **own_enterprise(enterprise_user))
    Notification.objects.all().delete()
    run(workflow.ticket_request_termination, actor=lead_handler, ticket=ticket, reason="unreachable", note="三次联系未果")
    assert events_of(office_clerk) == ["termination_request"]
    run(workflow.ticket_decide_termination, actor=office_clerk, ticket=ticket, approve=True, note="同意")
    assert events_of(lead_handler) == ["termination_decision"]
    assert events_of(enterprise_user) == ["result"]


def test_materials_request_reaches_the_enterprise(run, office_clerk, enterprise_user):
    demand = register(office_clerk, **own_enterprise(enterprise_user))
    run(workflow.demand_request_materials, actor=office_clerk, demand=demand, missing="营业执照复印件")
    note = Notification.objects.get(recipient=enterprise_user)
    assert note.event == "supplement" and "营业执照复印件" in note.body


def test_result_reaches_the_enterprise_of_every_merged_demand(run, office_clerk, lead_handler, enterprise_user):
    other_enterprise = EnterpriseUserFactory()
    ticket = handling_ticket(office_clerk, lead_handler, **own_enterprise(enterprise_user))
    second = register(office_clerk, **own_enterprise(other_enterprise), external_ref="hotline-2")
    consent = {"by": "李女士", "method": "phone", "at": timezone.now()}
    run(workflow.demand_merge, actor=office_clerk, demand=second, into=ticket.pk, consent=consent)
    assert events_of(other_enterprise) == ["ticket_formed"]
    run(workflow.ticket_close, actor=lead_handler, ticket=ticket, standard="resolved", result="已协调办结")
    for user in (enterprise_user, other_enterprise):
        result = Notification.objects.get(recipient=user, event="result")
        assert "已协调办结" in result.body
        demand = Demand.objects.get(ticket=ticket, enterprise=user.enterprise)
        assert result.url == reverse("tickets:demand_detail", args=[demand.pk])


def test_a_good_callback_tells_the_enterprise(run, office_clerk, lead_handler, enterprise_user):
    ticket = closed_ticket(office_clerk, lead_handler, **own_enterprise(enterprise_user))
    Notification.objects.all().delete()
    run(good_callback, office_clerk, ticket)
    assert received(enterprise_user) == [("callback", f"回访完成，诉求已归档：{ticket.demands.get().number}")]
    assert received(lead_handler) == []


def test_a_failed_callback_returns_the_ticket_to_the_lead(run, office_clerk, lead_handler, enterprise_user):
    ticket = closed_ticket(office_clerk, lead_handler, **own_enterprise(enterprise_user))
    Notification.objects.all().delete()
    run(good_callback, office_clerk, ticket, satisfaction="unsatisfied", consistent=False)
    returned = Notification.objects.get(recipient=lead_handler, event="return")
    assert ticket.number in returned.title and "不一致" in returned.body
    assert events_of(enterprise_user) == ["callback"]


@pytest.mark.parametrize("outcome", ["upheld", "rectify"])
def test_review_request_reaches_the_office_and_its_outcome_the_lead(run, office_clerk, lead_handler, outcome):
    ticket = closed_ticket(office_clerk, lead_handler)
    good_callback(office_clerk, ticket, satisfaction="unsatisfied", consistent=False)
    Notification.objects.all().delete()
    run(workflow.ticket_request_review, actor=lead_handler, ticket=ticket, reason="企业诉求超出政策范围")
    assert events_of(office_clerk) == ["review_request"]
    due = timezone.localdate() + timedelta(days=10) if outcome == "rectify" else None
    run(workflow.ticket_review, actor=office_clerk, ticket=ticket, outcome=outcome, opinion="请补充政策依据", due_date=due)
    decision = Notification.objects.get(recipient=lead_handler)
    assert decision.event == "review_outcome"
    assert ("维持" if outcome == "upheld" else "责令整改") in decision.title


def test_refused_actions_notify_nobody(run, office_clerk, lead_handler, other_handler):
    ticket = dispatched_ticket(office_clerk)
    with pytest.raises(Exception):
        run(workflow.ticket_object, actor=other_handler, ticket=ticket, reason="不是我的")
    assert not Notification.objects.exists()


def test_consultation_asks_the_departments_and_their_opinion_reaches_the_office(run, office_clerk, specialist, lead_handler):
    fgw_handler = UserFactory(role=Role.HANDLER, department=department("anshun-fgw"))
    demand = register(office_clerk)
    run(workflow.demand_consult, actor=office_clerk, demand=demand, departments=["anshun-fgw"])
    for user in (fgw_handler, specialist):  # the specialist conftest persona works in anshun-fgw
        note = Notification.objects.get(recipient=user)
        assert note.event == "consult" and note.url == reverse("tickets:consult_inbox") and demand.number in note.title
    assert received(lead_handler) == [] and received(office_clerk) == []
    run(workflow.demand_give_opinion, actor=fgw_handler, demand=demand, content="建议由市场监管局牵头")
    opinion = Notification.objects.get(recipient=office_clerk)
    assert opinion.event == "consult_opinion" and "建议由市场监管局牵头" in opinion.body


def test_a_county_escalation_reaches_the_city_office(run, county_office, office_clerk):
    registrar = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    demand = register(registrar, channel="department", domain="market")
    run(workflow.demand_escalate, actor=county_office, demand=demand, reason="跨县协调")
    transfer = Demand.objects.get(source_demand=demand)
    note = Notification.objects.get(recipient=office_clerk)
    assert note.event == "transfer" and transfer.number in note.title and note.url == reverse("tickets:triage", args=[transfer.pk])
    assert received(county_office) == []


def test_anonymous_demands_notify_nobody(django_capture_on_commit_callbacks, office_clerk, sms):
    demand = register(office_clerk, anonymous=True, enterprise_name="", enterprise_uscc="", requester_name="", requester_phone="")
    demand.missing_materials = "营业执照"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        events.materials_requested(demand)
    assert callbacks == [] and not Notification.objects.exists() and sms == []
