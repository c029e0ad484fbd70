"""Co-handling, extension, termination and escalation from handling (SPEC §5, §4.4)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from core.errors import Conflict
from tickets import workflow
from tickets.models import Demand, ProvincialEscalation, Ticket
from tickets.tests.helpers import dispatched_ticket, handling_ticket

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def ticket(office_clerk, lead_handler):
    with time_machine.travel(datetime(2026, 9, 28, 9, 0, tzinfo=SH), tick=False):
        return handling_ticket(office_clerk, lead_handler, category="coordination")


@pytest.fixture
def tcj_handler(db):
    return UserFactory(role=Role.HANDLER, department=department("anshun-tcj"))


def test_lead_adds_a_co_department_which_confirms_and_feeds_back(ticket, lead_handler, tcj_handler):
    workflow.ticket_add_co_department(actor=lead_handler, ticket=ticket, department="anshun-tcj")
    link = workflow.ticket_co_confirm(actor=tcj_handler, ticket=ticket)
    assert link.confirmed_at is not None
    with pytest.raises(Conflict):
        workflow.ticket_co_confirm(actor=tcj_handler, ticket=ticket)
    link = workflow.ticket_co_feedback(actor=tcj_handler, ticket=ticket, content="已核实企业投资协议履约情况")
    assert link.feedback == "已核实企业投资协议履约情况"
    assert [e.action for e in ticket.events.all()][-3:] == ["add_co_department", "co_confirm", "co_feedback"]


def test_co_department_rules(ticket, lead_handler, other_handler, tcj_handler):
    with pytest.raises(PermissionDenied):
        workflow.ticket_add_co_department(actor=other_handler, ticket=ticket, department="anshun-tcj")
    with pytest.raises(ValidationError):
        workflow.ticket_add_co_department(actor=lead_handler, ticket=ticket, department="anshun-scjg")  # the lead itself
    with pytest.raises(ValidationError):
        workflow.ticket_add_co_department(actor=lead_handler, ticket=ticket, department="xixiu-scjg")
    workflow.ticket_add_co_department(actor=lead_handler, ticket=ticket, department="anshun-tcj")
    with pytest.raises(ValidationError):
        workflow.ticket_add_co_department(actor=lead_handler, ticket=ticket, department="anshun-tcj")
    with pytest.raises(PermissionDenied):
        workflow.ticket_co_feedback(actor=other_handler, ticket=ticket, content="x")
    with pytest.raises(ValidationError):
        workflow.ticket_co_feedback(actor=tcj_handler, ticket=ticket, content="")


def test_co_department_cannot_be_added_before_signing(office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk)
    with pytest.raises(Conflict):
        workflow.ticket_add_co_department(actor=lead_handler, ticket=ticket, department="anshun-tcj")


def test_extension_approved_moves_the_handling_due(ticket, lead_handler, office_clerk):
    # Signed Mon 2026-09-28, coordination 10 working days: the National Day block and the 10-10 make-up day included.
    assert ticket.handle_due_at == datetime(2026, 10, 16, 23, 59, 59, tzinfo=SH)
    with pytest.raises(ValidationError) as excinfo:
        workflow.ticket_request_extension(actor=lead_handler, ticket=ticket, due_date=date(2026, 10, 16), reason="复杂")
    assert "必须晚于当前办理期限（2026-10-16）" in excinfo.value.message_dict["due_date"][0]
    request = workflow.ticket_request_extension(actor=lead_handler, ticket=ticket, due_date=date(2026, 10, 30), reason="需现场核查")
    with pytest.raises(Conflict):
        workflow.ticket_request_extension(actor=lead_handler, ticket=ticket, due_date=date(2026, 11, 2), reason="再次")
    with pytest.raises(PermissionDenied):
        workflow.ticket_decide_extension(actor=lead_handler, ticket=ticket, approve=True)
    request = workflow.ticket_decide_extension(actor=office_clerk, ticket=ticket, approve=True, note="同意")
    assert request.state == "approved"
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.handle_due_at == datetime(2026, 10, 30, 23, 59, 59, tzinfo=SH)
    with pytest.raises(Conflict):
        workflow.ticket_decide_extension(actor=office_clerk, ticket=ticket, approve=True)


def test_extension_rejected_keeps_the_due(ticket, lead_handler, office_clerk):
    workflow.ticket_request_extension(actor=lead_handler, ticket=ticket, due_date=date(2026, 10, 30), reason="需现场核查")
    workflow.ticket_decide_extension(actor=office_clerk, ticket=ticket, approve=False, note="理由不充分")
    assert Ticket.objects.get(pk=ticket.pk).handle_due_at == datetime(2026, 10, 16, 23, 59, 59, tzinfo=SH)


def test_extension_only_while_handling_and_by_the_lead(office_clerk, lead_handler, other_handler, ticket):
    with pytest.raises(PermissionDenied):
        workflow.ticket_request_extension(actor=other_handler, ticket=ticket, due_date=date(2026, 12, 1), reason="x")
    with pytest.raises(ValidationError):
        workflow.ticket_request_extension(actor=lead_handler, ticket=ticket, due_date=None, reason="x")
    dispatched = dispatched_ticket(office_clerk)
    with pytest.raises(Conflict):
        workflow.ticket_request_extension(actor=lead_handler, ticket=dispatched, due_date=date(2027, 1, 1), reason="x")


@pytest.mark.parametrize("reason", ["unreachable", "withdrawn", "unclear", "anonymous_or_false"])
def test_termination_approved(ticket, lead_handler, office_clerk, reason):
    workflow.ticket_request_termination(actor=lead_handler, ticket=ticket, reason=reason, note="已多次联系")
    workflow.ticket_decide_termination(actor=office_clerk, ticket=ticket, approve=True)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.state == Ticket.State.TERMINATED and ticket.terminated_at is not None and ticket.is_read_only


def test_termination_rules(ticket, lead_handler, office_clerk, other_handler):
    with pytest.raises(ValidationError):
        workflow.ticket_request_termination(actor=lead_handler, ticket=ticket, reason="bored", note="x")
    with pytest.raises(ValidationError):
        workflow.ticket_request_termination(actor=lead_handler, ticket=ticket, reason="unclear", note="")
    with pytest.raises(Conflict):
        workflow.ticket_decide_termination(actor=office_clerk, ticket=ticket, approve=True)
    workflow.ticket_request_termination(actor=lead_handler, ticket=ticket, reason="unclear", note="拒绝补充")
    with pytest.raises(PermissionDenied):
        workflow.ticket_decide_termination(actor=other_handler, ticket=ticket, approve=True)
    workflow.ticket_decide_termination(actor=office_clerk, ticket=ticket, approve=False, note="继续办理")
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.HANDLING
    terminated = Ticket.objects.get(pk=ticket.pk)
    workflow.ticket_request_termination(actor=lead_handler, ticket=terminated, reason="unclear", note="再次申请")
    workflow.ticket_decide_termination(actor=office_clerk, ticket=terminated, approve=True)
    with pytest.raises(Conflict):
        workflow.ticket_request_extension(actor=lead_handler, ticket=terminated, due_date=date(2027, 1, 1), reason="x")


def test_city_ticket_escalates_to_the_province(ticket, office_clerk, lead_handler):
    with pytest.raises(PermissionDenied):
        workflow.ticket_escalate(actor=lead_handler, ticket=ticket, reason="x")
    ticket = workflow.ticket_escalate(actor=office_clerk, ticket=ticket, reason="需省级部门协调", external_ref="GZ-2026-1")
    record = ProvincialEscalation.objects.get(ticket=ticket)
    assert ticket.state == Ticket.State.ESCALATED and record.external_ref == "GZ-2026-1"
    record = workflow.escalation_update(actor=office_clerk, escalation=record, status="accepted")
    with pytest.raises(ValidationError):
        workflow.escalation_update(actor=office_clerk, escalation=record, status="resolved")
    record = workflow.escalation_update(actor=office_clerk, escalation=record, status="resolved", result="省级已协调解决")
    assert (record.status, record.result) == ("resolved", "省级已协调解决")
    with pytest.raises(ValidationError):
        workflow.escalation_update(actor=office_clerk, escalation=record, status="lost")
    with pytest.raises(PermissionDenied):
        workflow.escalation_update(actor=lead_handler, escalation=record, status="accepted")


def test_county_ticket_escalates_to_a_linked_city_transfer_demand(county_office):
    registrar = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    ticket = handling_ticket(county_office, registrar, registrar=registrar, channel="department", domain="market")
    ticket = workflow.ticket_escalate(actor=county_office, ticket=ticket, reason="跨县协调")
    transfer = Demand.objects.get(source_ticket=ticket)
    assert transfer.region.code == "anshun" and transfer.channel == "transfer" and transfer.state == "registered"
    assert list(ticket.transfer_demands.all()) == [transfer]
