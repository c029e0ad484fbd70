from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from core.errors import Conflict
from tickets import workflow
from tickets.models import ConsultRequest, Demand, ProvincialEscalation, Ticket
from tickets.tests.helpers import dispatched_ticket, register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def demand(specialist):
    return register(specialist)


def test_office_forms_a_ticket_and_dispatches_it(office_clerk, specialist):
    with time_machine.travel(datetime(2026, 9, 30, 15, 0, tzinfo=SH), tick=False):
        demand = register(specialist)
        demand = workflow.demand_triage(
            actor=office_clerk, demand=demand, decision="ticket", category="complaint", complex=True,
            lead_department="anshun-sw", co_departments=["anshun-scjg"], note="材料齐全",
        )
    ticket = demand.ticket
    assert demand.state == Demand.State.TICKETED
    assert ticket.state == Ticket.State.DISPATCHED and ticket.lead_department.code == "anshun-sw"
    assert [d.code for d in ticket.co_departments.all()] == ["anshun-scjg"]
    assert (ticket.category, ticket.complex, ticket.region.code) == ("complaint", True, "anshun")
    # SPEC §6 example: dispatched Wed 2026-09-30 15:00 → sign due Fri 2026-10-09 23:59:59.
    assert ticket.sign_due_at == datetime(2026, 10, 9, 23, 59, 59, tzinfo=SH)
    assert [e.action for e in demand.events.all()] == ["register", "ticket"]
    assert ticket.events.get().action == "dispatch"


def test_ticket_decision_validates_everything(office_clerk, demand):
    with pytest.raises(ValidationError) as excinfo:
        workflow.demand_triage(
            actor=office_clerk, demand=demand, decision="ticket", category="other", lead_department="xixiu-scjg",
            co_departments=["nope"],
        )
    errors = excinfo.value.message_dict
    assert "category" in errors and "不属于安顺市" in errors["lead_department"][0] and "不存在" in errors["co_departments"][0]
    assert Demand.objects.get(pk=demand.pk).state == Demand.State.REGISTERED
    assert not Ticket.objects.exists()


def test_lead_cannot_also_be_co_department(office_clerk, demand):
    with pytest.raises(ValidationError) as excinfo:
        workflow.demand_form_ticket(
            actor=office_clerk, demand=demand, category="consultation", lead_department="anshun-sw",
            co_departments=["anshun-sw"],
        )
    assert "已是牵头部门" in excinfo.value.message_dict["co_departments"][0]


def test_inactive_department_cannot_lead(office_clerk, demand):
    department("anshun-sw").__class__.objects.filter(code="anshun-sw").update(active=False)
    with pytest.raises(ValidationError) as excinfo:
        workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="consultation", lead_department="anshun-sw")
    assert "已停用" in excinfo.value.message_dict["lead_department"][0]


@pytest.mark.parametrize("who", ["lead_handler", "specialist", "county_office", "government_user", "enterprise_user"])
def test_only_the_regions_office_triages(request, demand, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        workflow.demand_triage(actor=actor, demand=demand, decision="reject", reason="illegal", note="x")
    assert Demand.objects.get(pk=demand.pk).state == Demand.State.REGISTERED


@pytest.mark.parametrize(
    ("decision", "data"),
    [
        ("ticket", {"category": "consultation", "lead_department": "anshun-sw"}),
        ("supplement", {"missing": "营业执照复印件"}),
        ("consult", {"departments": ["anshun-fgw"]}),
        ("reject", {"reason": "market_dispute", "note": "属于合同纠纷"}),
        ("escalate", {"reason": "超出市级权限"}),
    ],
)
def test_a_decided_demand_cannot_be_triaged_again(office_clerk, demand, decision, data):
    workflow.demand_triage(actor=office_clerk, demand=demand, decision="reject", reason="illegal", note="违法")
    with pytest.raises(Conflict) as excinfo:
        workflow.demand_triage(actor=office_clerk, demand=demand, decision=decision, **data)
    assert "不予受理" in excinfo.value.message


def test_unknown_decision(office_clerk, demand):
    with pytest.raises(ValidationError) as excinfo:
        workflow.demand_triage(actor=office_clerk, demand=demand, decision="maybe")
    assert "decision" in excinfo.value.message_dict


def test_supplement_and_supply_restart_the_triage_clock(office_clerk, enterprise_user):
    with time_machine.travel(datetime(2026, 9, 28, 9, 0, tzinfo=SH), tick=False):
        demand = register(enterprise_user, channel="online")
        demand = workflow.demand_triage(actor=office_clerk, demand=demand, decision="supplement", missing="近三年纳税证明")
    assert demand.state == Demand.State.AWAITING_MATERIALS and demand.missing_materials == "近三年纳税证明"
    assert demand.triage_due_at is None
    with time_machine.travel(datetime(2026, 9, 30, 16, 0, tzinfo=SH), tick=False):
        demand = workflow.demand_supply_materials(actor=enterprise_user, demand=demand, content="已上传纳税证明")
    assert demand.state == Demand.State.REGISTERED
    assert demand.triage_due_at == datetime(2026, 10, 8, 23, 59, 59, tzinfo=SH)
    assert [e.action for e in demand.events.all()] == ["register", "supplement_requested", "supplement"]


def test_supply_needs_content_and_the_right_person(office_clerk, enterprise_user, other_handler):
    demand = register(enterprise_user, channel="online")
    workflow.demand_request_materials(actor=office_clerk, demand=demand, missing="授权委托书")
    with pytest.raises(ValidationError):
        workflow.demand_supply_materials(actor=enterprise_user, demand=demand, content="  ")
    with pytest.raises(PermissionDenied):
        workflow.demand_supply_materials(actor=other_handler, demand=demand, content="代交")
    first_contact_staff = UserFactory(role=Role.HANDLER, department=department("anshun-zwfw"))
    assert workflow.demand_supply_materials(actor=first_contact_staff, demand=demand, content="窗口代收").state == "registered"


def test_supply_when_nothing_was_asked_is_a_conflict(enterprise_user):
    demand = register(enterprise_user, channel="online")
    with pytest.raises(Conflict):
        workflow.demand_supply_materials(actor=enterprise_user, demand=demand, content="多余材料")


def test_consult_collects_opinions_then_the_office_decides(office_clerk, demand):
    demand = workflow.demand_triage(actor=office_clerk, demand=demand, decision="consult", departments=["anshun-fgw", "anshun-tcj"])
    assert demand.state == Demand.State.CONSULTING
    fgw = UserFactory(role=Role.HANDLER, department=department("anshun-fgw"))
    workflow.demand_give_opinion(actor=fgw, demand=demand, content="建议由市场监管局牵头")
    with pytest.raises(PermissionDenied):
        workflow.demand_give_opinion(actor=fgw, demand=demand, content="再说一次")
    outsider = UserFactory(role=Role.HANDLER, department=department("anshun-sw"))
    with pytest.raises(PermissionDenied):
        workflow.demand_give_opinion(actor=outsider, demand=demand, content="不请自来")
    opinion = ConsultRequest.objects.get(demand=demand, department__code="anshun-fgw")
    assert opinion.opinion == "建议由市场监管局牵头" and opinion.answered_by == fgw
    demand = workflow.demand_triage(actor=office_clerk, demand=demand, decision="ticket", category="coordination", lead_department="anshun-scjg")
    assert demand.state == Demand.State.TICKETED


def test_consulting_demand_can_only_become_a_ticket_or_be_escalated(office_clerk, demand):
    workflow.demand_consult(actor=office_clerk, demand=demand, departments=["anshun-fgw"])
    with pytest.raises(Conflict):
        workflow.demand_reject(actor=office_clerk, demand=demand, reason="illegal", note="x")
    with pytest.raises(Conflict):
        workflow.demand_request_materials(actor=office_clerk, demand=demand, missing="x")
    assert workflow.demand_escalate(actor=office_clerk, demand=demand, reason="需省级协调").state == "escalated"


def test_consult_needs_departments(office_clerk, demand):
    with pytest.raises(ValidationError):
        workflow.demand_consult(actor=office_clerk, demand=demand, departments=[])


def test_city_escalation_records_a_provincial_escalation(office_clerk, demand):
    demand = workflow.demand_triage(actor=office_clerk, demand=demand, decision="escalate", reason="涉及省级审批权限")
    record = ProvincialEscalation.objects.get(demand=demand)
    assert demand.state == Demand.State.ESCALATED
    assert (record.status, record.reason, record.region.code) == ("submitted", "涉及省级审批权限", "anshun")


def test_county_escalation_becomes_a_linked_transfer_demand_of_the_city(county_office):
    registrar = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    demand = register(registrar, channel="department", domain="market")
    demand = workflow.demand_escalate(actor=county_office, demand=demand, reason="跨县协调")
    transfer = demand.transfer_demand
    assert demand.state == Demand.State.ESCALATED
    assert transfer.channel == "transfer" and transfer.region.code == "anshun"
    assert transfer.state == Demand.State.REGISTERED and transfer.triage_due_at is not None
    assert transfer.first_contact_department.code == "anshun-zwfw"
    assert transfer.enterprise == demand.enterprise and transfer.source_demand == demand
    assert not ProvincialEscalation.objects.exists()


def test_escalation_needs_a_reason(office_clerk, demand):
    with pytest.raises(ValidationError):
        workflow.demand_escalate(actor=office_clerk, demand=demand, reason="")


@pytest.mark.parametrize("reason", ["illegal", "in_legal_procedure", "market_dispute"])
def test_reject_with_each_reason(office_clerk, demand, reason):
    demand = workflow.demand_reject(actor=office_clerk, demand=demand, reason=reason, note="已告知首问部门劝导")
    assert demand.state == Demand.State.REJECTED and demand.reject_reason == reason
    assert demand.triage_due_at is None


def test_reject_needs_a_known_reason_and_a_note(office_clerk, demand):
    with pytest.raises(ValidationError):
        workflow.demand_reject(actor=office_clerk, demand=demand, reason="dislike", note="x")
    with pytest.raises(ValidationError):
        workflow.demand_reject(actor=office_clerk, demand=demand, reason="illegal", note="")
    assert Demand.objects.get(pk=demand.pk).state == Demand.State.REGISTERED


def test_merge_into_an_open_ticket_with_recorded_consent(office_clerk, specialist):
    ticket = dispatched_ticket(office_clerk)
    demand = register(specialist, channel="hall")
    consent = {"by": "王先生", "method": "phone", "at": timezone.now()}
    demand = workflow.demand_triage(actor=office_clerk, demand=demand, decision="merge", into=ticket.pk, consent=consent)
    assert demand.state == Demand.State.MERGED and demand.ticket == ticket
    assert (demand.consent_by, demand.consent_method) == ("王先生", "phone")
    assert ticket.demands.count() == 2
    assert ticket.events.filter(action="merge").exists()


def test_merge_refuses_missing_consent_and_closed_or_foreign_tickets(office_clerk, specialist, county_office):
    demand = register(specialist)
    ticket = dispatched_ticket(office_clerk)
    with pytest.raises(ValidationError) as excinfo:
        workflow.demand_merge(actor=office_clerk, demand=demand, into=ticket.pk, consent={})
    assert {"consent.by", "consent.method", "consent.at"} <= set(excinfo.value.message_dict)
    with pytest.raises(ValidationError) as excinfo:
        workflow.demand_merge(actor=office_clerk, demand=demand, into=999999, consent={"by": "王", "method": "phone", "at": timezone.now()})
    assert "into" in excinfo.value.message_dict
    county_registrar = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    county_ticket = dispatched_ticket(county_office, registrar=county_registrar, lead="xixiu-scjg", channel="department", domain="market")
    with pytest.raises(ValidationError):
        workflow.demand_merge(actor=office_clerk, demand=demand, into=county_ticket.pk, consent={"by": "王", "method": "phone", "at": timezone.now()})
    assert Demand.objects.get(pk=demand.pk).state == Demand.State.REGISTERED


def test_enterprise_withdraws_its_own_open_demand(enterprise_user, office_clerk):
    demand = register(enterprise_user, channel="online")
    workflow.demand_request_materials(actor=office_clerk, demand=demand, missing="x")
    demand = workflow.demand_withdraw(actor=enterprise_user, demand=demand)
    assert demand.state == Demand.State.WITHDRAWN and demand.triage_due_at is None


def test_withdraw_is_refused_after_ticketing_and_for_others(enterprise_user, office_clerk, specialist):
    from accounts.tests.factories import EnterpriseUserFactory

    demand = register(enterprise_user, channel="online")
    with pytest.raises(PermissionDenied):
        workflow.demand_withdraw(actor=EnterpriseUserFactory(), demand=demand)
    with pytest.raises(PermissionDenied):
        workflow.demand_withdraw(actor=specialist, demand=demand)
    workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="consultation", lead_department="anshun-sw")
    with pytest.raises(Conflict):
        workflow.demand_withdraw(actor=enterprise_user, demand=demand)


def test_timeline_entries_cannot_be_changed_or_deleted(demand):
    event = demand.events.get()
    event.note = "篡改"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_state_cannot_be_assigned_directly(demand):
    with pytest.raises(AttributeError):
        demand.state = Demand.State.TICKETED


def test_history_is_kept_for_demands(office_clerk, demand):
    workflow.demand_reject(actor=office_clerk, demand=demand, reason="illegal", note="违法")
    states = list(demand.history.order_by("history_date").values_list("state", flat=True))
    assert states[0] == "registered" and states[-1] == "rejected"
