import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Enterprise, Role
from accounts.tests.factories import UserFactory, department, valid_uscc
from tickets import workflow
from tickets.models import Demand, Ticket
from tickets.tests.helpers import DEFAULTS, register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_hotline_demand_is_numbered_timed_and_queued_for_triage(specialist):
    with time_machine.travel(datetime(2026, 9, 18, 10, 0, tzinfo=SH), tick=False):
        demand = register(specialist)
    assert re.fullmatch(r"SQ20260918-\d{4}", demand.number)
    assert demand.state == Demand.State.REGISTERED
    assert demand.region.code == "anshun"
    assert demand.first_contact_department.code == "anshun-fgw"
    # Friday 10:00 + 1 working day → Sunday 2026-09-20, a make-up working day (SPEC §6 example).
    assert demand.triage_due_at == datetime(2026, 9, 20, 23, 59, 59, tzinfo=SH)
    assert demand.enterprise.uscc == DEFAULTS["enterprise_uscc"]
    assert [e.action for e in demand.events.all()] == ["register"]


def test_triage_clock_across_national_day(specialist):
    with time_machine.travel(datetime(2026, 9, 30, 15, 0, tzinfo=SH), tick=False):
        demand = register(specialist)
    assert demand.triage_due_at == datetime(2026, 10, 8, 23, 59, 59, tzinfo=SH)


def test_numbers_count_up_within_a_day(specialist):
    first = register(specialist)
    second = register(specialist, external_ref=None)
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1


def test_enterprise_submits_online_for_its_own_enterprise(enterprise_user):
    demand = register(
        enterprise_user, channel="online", enterprise_name="别的公司", enterprise_uscc=valid_uscc(99),
        requester_name="", requester_phone="13900000000",
    )
    assert demand.enterprise == enterprise_user.enterprise
    assert demand.enterprise_name == enterprise_user.enterprise.name
    assert demand.requester_name == enterprise_user.get_full_name()
    assert demand.first_contact_department.code == "anshun-zwfw"
    assert not Enterprise.objects.filter(uscc=valid_uscc(99)).exists()


def test_county_enterprise_goes_to_its_county_office(db):
    from accounts.models import Region
    from accounts.tests.factories import EnterpriseFactory, EnterpriseUserFactory

    user = EnterpriseUserFactory(enterprise=EnterpriseFactory(region=Region.objects.get(code="xixiu")))
    demand = register(user, channel="online")
    assert demand.region.code == "xixiu" and demand.first_contact_department.code == "xixiu-zwfw"


@pytest.mark.parametrize(("role", "channel"), [("enterprise", "hotline"), ("chamber", "online"), ("supervisor", "hall"), ("handler", "assigned")])
def test_roles_are_limited_to_their_channels(role, channel, enterprise_user):
    user = enterprise_user if role == "enterprise" else UserFactory(role=role, department=department("anshun-gsl"))
    with pytest.raises(PermissionDenied):
        register(user, channel=channel)
    assert not Demand.objects.exists()


@pytest.mark.parametrize("role", [Role.GOVERNMENT, Role.LEADER, Role.SYSADMIN])
def test_roles_that_do_not_register(role):
    user = UserFactory(role=role, department=department("anshun-zfb"))
    with pytest.raises(PermissionDenied):
        register(user)


def test_chamber_and_supervisor_register_on_their_channel():
    chamber = UserFactory(role=Role.CHAMBER, department=department("anshun-gsl"))
    supervisor = UserFactory(role=Role.SUPERVISOR, department=department("anshun-zwfw"))
    assert register(chamber, channel="chamber").channel == "chamber"
    assert register(supervisor, channel="supervisor").channel == "supervisor"


def test_received_in_the_future_is_refused(specialist):
    with pytest.raises(ValidationError) as excinfo:
        register(specialist, received_at=datetime.now(SH) + timedelta(hours=1))
    assert excinfo.value.message_dict["received_at"] == ["收到时间不能晚于当前时间。"]
    assert not Demand.objects.exists()


def test_every_bad_field_is_reported_together_and_nothing_saved(specialist):
    with pytest.raises(ValidationError) as excinfo:
        register(specialist, title="", content=" ", domain="nope", enterprise_uscc="123", requester_phone="abc")
    errors = excinfo.value.message_dict
    assert set(errors) >= {"title", "content", "domain", "enterprise.uscc", "requester.phone"}
    assert "18 位" in errors["enterprise.uscc"][0]
    assert not Demand.objects.exists() and not Enterprise.objects.filter(uscc="123").exists()


def test_anonymous_demand_needs_no_enterprise(specialist):
    demand = register(specialist, anonymous=True, enterprise_name="", enterprise_uscc="", requester_name="", requester_phone="")
    assert demand.enterprise is None and demand.anonymous


def test_named_demand_needs_an_enterprise(specialist):
    with pytest.raises(ValidationError) as excinfo:
        register(specialist, enterprise_name="", enterprise_uscc="")
    assert "enterprise.name" in excinfo.value.message_dict


def test_same_channel_and_external_ref_returns_the_first_demand(specialist):
    first, created = workflow.demand_register(actor=specialist, **{**DEFAULTS, "external_ref": "12345-2026-000123"})
    again, created_again = workflow.demand_register(actor=specialist, **{**DEFAULTS, "external_ref": "12345-2026-000123", "title": "另一个标题"})
    assert created and not created_again and again.pk == first.pk
    assert Demand.objects.count() == 1
    other_channel, created_other = workflow.demand_register(
        actor=specialist, **{**DEFAULTS, "channel": "transfer", "external_ref": "12345-2026-000123"}
    )
    assert created_other and other_channel.pk != first.pk


def test_handler_registers_only_for_its_own_department(lead_handler):
    with pytest.raises(PermissionDenied):
        register(lead_handler, channel="department", first_contact_department="anshun-sw")
    demand = register(lead_handler, channel="department", first_contact_department="anshun-scjg")
    assert demand.first_contact_department == lead_handler.department


def test_specialist_names_another_first_contact_department_of_its_region(specialist):
    demand = register(specialist, first_contact_department="anshun-sw")
    assert demand.first_contact_department.code == "anshun-sw"
    with pytest.raises(ValidationError) as excinfo:
        register(specialist, first_contact_department="xixiu-scjg")
    assert "本区域" in excinfo.value.message_dict["first_contact_department"][0]
    with pytest.raises(ValidationError):
        register(specialist, first_contact_department="no-such-dept")


def test_self_handle_forms_a_signed_ticket_with_a_running_clock(lead_handler):
    with time_machine.travel(datetime(2026, 9, 30, 9, 0, tzinfo=SH), tick=False):
        demand = register(lead_handler, channel="department", self_handle=True, category="complaint")
    ticket = demand.ticket
    assert demand.state == Demand.State.TICKETED and demand.triage_due_at is None
    assert ticket.state == Ticket.State.HANDLING and ticket.self_handled
    assert ticket.lead_department == lead_handler.department
    # Complaint: 5 working days from 2026-09-30 → Oct 8, 9, 10 (make-up), 12, 13.
    assert ticket.handle_due_at == datetime(2026, 10, 13, 23, 59, 59, tzinfo=SH)
    assert [e.action for e in ticket.events.all()] == ["dispatch", "sign"]


def test_self_handle_needs_a_category_and_own_department(lead_handler, office_clerk):
    with pytest.raises(ValidationError) as excinfo:
        register(lead_handler, channel="department", self_handle=True)
    assert "category" in excinfo.value.message_dict
    with pytest.raises(PermissionDenied):
        register(office_clerk, self_handle=True, category="consultation")
    assert not Ticket.objects.exists()


def test_materials_are_stored_with_the_demand(specialist):
    from django.core.files.uploadedfile import SimpleUploadedFile

    demand = register(specialist, files=[SimpleUploadedFile("营业执照.pdf", b"%PDF-1.4 test", content_type="application/pdf")])
    attachment = demand.attachments.get()
    assert attachment.original_name == "营业执照.pdf" and attachment.size == 13
    assert "营业执照" not in attachment.file.name  # stored under a random name


def test_bad_file_type_saves_nothing(specialist):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as excinfo:
        register(specialist, files=[SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")])
    assert "不支持的文件类型" in excinfo.value.message_dict["files"][0]
    assert not Demand.objects.exists()


def test_a_new_enterprise_is_not_created_when_another_field_is_wrong(specialist):
    with pytest.raises(ValidationError):
        register(specialist, title="", enterprise_uscc=valid_uscc(4242))
    assert not Enterprise.objects.filter(uscc=valid_uscc(4242)).exists()
