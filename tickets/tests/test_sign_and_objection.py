from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from core.errors import Conflict
from tickets import workflow
from tickets.models import Ticket, WorkflowSettings
from tickets.tests.helpers import dispatched_ticket, disputed_ticket, handling_ticket

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("category", "complex_", "due"),
    [
        ("consultation", False, datetime(2026, 10, 8, 23, 59, 59, tzinfo=SH)),
        ("complaint", False, datetime(2026, 10, 13, 23, 59, 59, tzinfo=SH)),
        ("coordination", False, datetime(2026, 10, 20, 23, 59, 59, tzinfo=SH)),
        ("coordination", True, datetime(2026, 10, 27, 23, 59, 59, tzinfo=SH)),
        ("complaint", True, datetime(2026, 10, 27, 23, 59, 59, tzinfo=SH)),
    ],
)
def test_sign_starts_the_handling_clock_by_category(office_clerk, lead_handler, category, complex_, due):
    with time_machine.travel(datetime(2026, 9, 30, 11, 0, tzinfo=SH), tick=False):
        ticket = dispatched_ticket(office_clerk, category=category, complex_=complex_)
        ticket = workflow.ticket_sign(actor=lead_handler, ticket=ticket)
    assert ticket.state == Ticket.State.HANDLING
    assert ticket.signed_at == ticket.first_signed_at == datetime(2026, 9, 30, 11, 0, tzinfo=SH)
    assert ticket.handle_due_at == due
    assert ticket.events.last().action == "sign"


def test_signing_twice_is_a_conflict(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    with pytest.raises(Conflict) as excinfo:
        workflow.ticket_sign(actor=lead_handler, ticket=ticket)
    assert "办理中" in excinfo.value.message


@pytest.mark.parametrize("who", ["other_handler", "office_clerk", "specialist", "government_user"])
def test_only_the_lead_handler_signs_or_objects(request, office_clerk, who):
    ticket = dispatched_ticket(office_clerk)
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        workflow.ticket_sign(actor=actor, ticket=ticket)
    with pytest.raises(PermissionDenied):
        workflow.ticket_object(actor=actor, ticket=ticket, reason="不是我们的事")
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.DISPATCHED


def test_a_late_sign_is_marked(office_clerk, lead_handler):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SH), tick=False):
        ticket = dispatched_ticket(office_clerk)
    with time_machine.travel(datetime(2026, 11, 10, 9, 0, tzinfo=SH), tick=False):
        ticket = workflow.ticket_sign(actor=lead_handler, ticket=ticket)
    assert ticket.events.last().note == "逾期签收"


def test_objection_needs_a_reason_and_moves_to_disputed(office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk)
    with pytest.raises(ValidationError) as excinfo:
        workflow.ticket_object(actor=lead_handler, ticket=ticket, reason="  ")
    assert excinfo.value.message_dict["reason"] == ["请填写异议理由。"]
    ticket = workflow.ticket_object(actor=lead_handler, ticket=ticket, reason="属于税务部门职责")
    assert ticket.state == Ticket.State.DISPUTED
    assert ticket.dispute_reason == "属于税务部门职责" and ticket.disputed_by_department == lead_handler.department
    with pytest.raises(Conflict):
        workflow.ticket_object(actor=lead_handler, ticket=ticket, reason="再次异议")
    with pytest.raises(Conflict):
        workflow.ticket_sign(actor=lead_handler, ticket=ticket)


def test_office_reassigns_a_disputed_ticket_with_a_new_sign_clock(office_clerk, lead_handler, other_handler):
    with time_machine.travel(datetime(2026, 9, 28, 9, 0, tzinfo=SH), tick=False):
        ticket = disputed_ticket(office_clerk, lead_handler, co=["anshun-sw"])
    with time_machine.travel(datetime(2026, 9, 30, 15, 0, tzinfo=SH), tick=False):
        ticket = workflow.ticket_reassign(actor=office_clerk, ticket=ticket, lead_department="anshun-sw", note="经协调")
    assert ticket.state == Ticket.State.DISPATCHED and ticket.lead_department.code == "anshun-sw"
    assert ticket.sign_due_at == datetime(2026, 10, 9, 23, 59, 59, tzinfo=SH)
    # The new lead is no longer listed as a co-department of its own ticket.
    assert not ticket.co_links.filter(department__code="anshun-sw").exists()
    assert workflow.ticket_sign(actor=other_handler, ticket=ticket).state == Ticket.State.HANDLING
    with pytest.raises(PermissionDenied):
        workflow.ticket_sign(actor=lead_handler, ticket=ticket)


def test_reassign_can_replace_co_departments(office_clerk, lead_handler):
    ticket = disputed_ticket(office_clerk, lead_handler, co=["anshun-fgw"])
    ticket = workflow.ticket_reassign(actor=office_clerk, ticket=ticket, lead_department="anshun-scjg", co_departments=["anshun-tcj"])
    assert [link.department.code for link in ticket.co_links.all()] == ["anshun-tcj"]


def test_reassign_refused_states_roles_and_input(office_clerk, lead_handler):
    dispatched = dispatched_ticket(office_clerk)
    with pytest.raises(Conflict):
        workflow.ticket_reassign(actor=office_clerk, ticket=dispatched, lead_department="anshun-sw")
    disputed = disputed_ticket(office_clerk, lead_handler)
    with pytest.raises(PermissionDenied):
        workflow.ticket_reassign(actor=lead_handler, ticket=disputed, lead_department="anshun-sw")
    with pytest.raises(ValidationError) as excinfo:
        workflow.ticket_reassign(actor=office_clerk, ticket=disputed, lead_department="zz-none")
    assert "不存在" in excinfo.value.message_dict["lead_department"][0]
    assert Ticket.objects.get(pk=disputed.pk).state == Ticket.State.DISPUTED


def test_dispute_goes_to_the_government_and_back(office_clerk, lead_handler, government_user, other_handler):
    ticket = disputed_ticket(office_clerk, lead_handler)
    with pytest.raises(ValidationError):
        workflow.ticket_refer_to_government(actor=office_clerk, ticket=ticket, note="")
    with pytest.raises(PermissionDenied):
        workflow.ticket_refer_to_government(actor=government_user, ticket=ticket, note="x")
    ticket = workflow.ticket_refer_to_government(actor=office_clerk, ticket=ticket, note="两部门均认为不属本部门职责")
    assert ticket.state == Ticket.State.GOVERNMENT_DECISION
    with pytest.raises(PermissionDenied):
        workflow.ticket_decide_lead(actor=office_clerk, ticket=ticket, lead_department="anshun-sw")
    county_gov = UserFactory(role=Role.GOVERNMENT, department=department("xixiu-zfb"))
    with pytest.raises(PermissionDenied):
        workflow.ticket_decide_lead(actor=county_gov, ticket=ticket, lead_department="anshun-sw")
    ticket = workflow.ticket_decide_lead(actor=government_user, ticket=ticket, lead_department="anshun-sw", note="由税务局牵头")
    assert ticket.state == Ticket.State.DISPATCHED and ticket.lead_department.code == "anshun-sw"
    assert [e.action for e in ticket.events.all()] == ["dispatch", "object", "refer_to_government", "decide_lead"]
    assert workflow.ticket_sign(actor=other_handler, ticket=ticket).state == Ticket.State.HANDLING


def test_decide_lead_only_from_government_decision(office_clerk, lead_handler, government_user):
    ticket = disputed_ticket(office_clerk, lead_handler)
    with pytest.raises(Conflict):
        workflow.ticket_decide_lead(actor=government_user, ticket=ticket, lead_department="anshun-sw")


def test_office_may_also_reassign_while_the_government_decides(office_clerk, lead_handler):
    ticket = disputed_ticket(office_clerk, lead_handler)
    ticket = workflow.ticket_refer_to_government(actor=office_clerk, ticket=ticket, note="报请")
    assert workflow.ticket_reassign(actor=office_clerk, ticket=ticket, lead_department="anshun-sw").state == "dispatched"


def test_auto_sign_after_the_sign_clock_expires_once(office_clerk):
    with time_machine.travel(datetime(2026, 9, 30, 15, 0, tzinfo=SH), tick=False):
        ticket = dispatched_ticket(office_clerk, category="consultation")
    before_due = datetime(2026, 10, 9, 23, 0, tzinfo=SH)
    assert workflow.ticket_auto_sign(ticket_id=ticket.pk, now=before_due) is False
    after_due = datetime(2026, 10, 10, 8, 0, tzinfo=SH)
    assert workflow.ticket_auto_sign(ticket_id=ticket.pk, now=after_due) is True
    assert workflow.ticket_auto_sign(ticket_id=ticket.pk, now=after_due) is False
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.HANDLING and ticket.auto_signed
    assert ticket.signed_at == datetime(2026, 10, 9, 23, 59, 59, tzinfo=SH)
    # Consultation: 1 working day from Fri 10-09 → Sat 10-10, a make-up working day.
    assert ticket.handle_due_at == datetime(2026, 10, 10, 23, 59, 59, tzinfo=SH)
    assert ticket.events.filter(action="auto_sign").count() == 1


def test_auto_sign_respects_the_switch_and_objections(office_clerk, lead_handler):
    ticket = disputed_ticket(office_clerk, lead_handler)
    assert workflow.ticket_auto_sign(ticket_id=ticket.pk, now=datetime(2030, 1, 1, tzinfo=SH)) is False
    other = dispatched_ticket(office_clerk)
    WorkflowSettings.objects.filter(pk=1).update(auto_sign_enabled=False)
    assert workflow.ticket_auto_sign(ticket_id=other.pk, now=datetime(2030, 1, 1, tzinfo=SH)) is False


def test_users_cannot_auto_sign(office_clerk, lead_handler):
    from tickets.rules import available_transitions, transition_permitted

    ticket = dispatched_ticket(office_clerk)
    assert not transition_permitted(ticket, "auto_sign", lead_handler)
    assert not transition_permitted(ticket, "auto_sign", office_clerk)
    # The lead may sign or object now; auto-sign is never offered to a person.
    assert available_transitions(ticket, lead_handler) == {"sign", "object"}
