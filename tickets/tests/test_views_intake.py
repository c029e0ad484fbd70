"""Staff registration of demands received on a channel (SPEC §3, first-contact rule §4.1)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Enterprise, Role
from accounts.tests.factories import UserFactory, department, valid_uscc
from tickets.models import Attachment, Demand, Ticket
from tickets.tests.helpers import register as register_demand

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
URL = reverse("tickets:register")
NOW = datetime(2026, 9, 18, 10, 30, tzinfo=SH)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def chamber(db):
    return UserFactory(role=Role.CHAMBER, department=department("anshun-gsl"))


def _form(**overrides):
    data = {
        "channel": "hotline",
        "received_at": "2026-09-18T09:15",
        "external_ref": "",
        "enterprise_name": "安顺黔中机械有限公司",
        "enterprise_uscc": valid_uscc(31),
        "requester_name": "王先生",
        "requester_phone": "13800000000",
        "title": "招聘补贴申领进度",
        "content": "去年申报的稳岗补贴至今未到账，想了解进度。",
        "domain": "talent",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _post(client, data, **kwargs):
    with time_machine.travel(NOW, tick=False):
        return client.post(URL, data, **kwargs)


# --- what each role is offered --------------------------------------------------------------------------------------
def test_specialist_chooses_any_channel_and_a_first_contact_department_of_its_region(client, specialist):
    client.force_login(specialist)
    with time_machine.travel(NOW, tick=False):
        response = client.get(URL)
    form = response.context["form"]
    assert [code for code, _ in form.fields["channel"].choices] == list(
        ("online", "hotline", "hall", "transfer", "department", "chamber", "supervisor", "other", "assigned")
    )
    departments = form.fields["first_contact_department"].queryset
    assert {d.region.code for d in departments} == {"anshun"} and departments.filter(code="anshun-sw").exists()
    assert form["first_contact_department"].value() == "anshun-fgw"
    html = response.content.decode()
    assert 'value="2026-09-18T10:30"' in html and 'type="datetime-local"' in html  # now, Asia/Shanghai
    assert "本部门职责范围内的，由本部门直接办理并登记" in html
    assert "12345/省长直通车等热线" in html


def test_handler_registers_for_its_own_department_only(client, lead_handler):
    client.force_login(lead_handler)
    form = client.get(URL).context["form"]
    assert [code for code, _ in form.fields["channel"].choices] == ["department", "hall", "hotline", "other"]
    assert "first_contact_department" not in form.fields and form.may_self_handle


def test_office_registers_without_self_handling(client, office_clerk):
    client.force_login(office_clerk)
    form = client.get(URL).context["form"]
    assert "online" not in dict(form.fields["channel"].choices)
    assert "first_contact_department" in form.fields and not form.may_self_handle


def test_chamber_sees_its_one_channel_read_only(client, chamber):
    client.force_login(chamber)
    response = client.get(URL)
    html = response.content.decode()
    assert 'readonly' in html and 'value="商会轮值活动"' in html
    assert "first_contact_department" not in response.context["form"].fields
    response = _post(client, _form(channel="hotline"), follow=True)  # a forged channel is ignored
    assert Demand.objects.get().channel == "chamber"


@pytest.mark.parametrize("persona", ["government_user", "enterprise_user", "platform_admin"])
def test_roles_that_do_not_register_get_403(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert _post(client, _form()).status_code == 403
    assert not Demand.objects.exists()


def test_leader_gets_403(client):
    client.force_login(UserFactory(role=Role.LEADER, department=department("anshun-zfb")))
    assert client.get(URL).status_code == 403


# --- registering ----------------------------------------------------------------------------------------------------
def test_specialist_registers_a_hotline_demand_for_another_department(client, specialist):
    client.force_login(specialist)
    pdf = SimpleUploadedFile("来电记录.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = _post(
        client, {**_form(first_contact_department="anshun-rsj", external_ref="12345-2026-0001"), "files": [pdf]}, follow=True
    )
    demand = Demand.objects.get()
    assert response.redirect_chain[-1][0] == reverse("tickets:demand_detail", args=[demand.pk])
    assert demand.channel == "hotline" and demand.first_contact_department.code == "anshun-rsj"
    assert demand.received_at == datetime(2026, 9, 18, 9, 15, tzinfo=SH)
    assert demand.external_ref == "12345-2026-0001" and demand.registered_by == specialist
    assert demand.attachments.get().original_name == "来电记录.pdf"
    html = response.content.decode()
    assert f"已登记诉求 {demand.number}，已进入安顺市联合服务办公室的研判队列" in html


def test_handler_self_handles_a_matter_of_its_own_department(client, lead_handler):
    client.force_login(lead_handler)
    response = _post(client, _form(channel="department", self_handle="on", category="consultation"), follow=True)
    demand = Demand.objects.get()
    ticket = Ticket.objects.get()
    assert demand.ticket == ticket and ticket.state == Ticket.State.HANDLING
    assert ticket.lead_department == lead_handler.department
    assert f"形成工单 {ticket.number}" in response.content.decode()


def test_self_handling_needs_a_category(client, lead_handler):
    client.force_login(lead_handler)
    response = _post(client, _form(channel="department", self_handle="on"))
    assert response.context["form"].errors["category"] == ["本部门直接办理时请选择诉求类别。"]
    assert not Demand.objects.exists()


def test_specialist_cannot_self_handle_for_another_department(client, specialist):
    client.force_login(specialist)
    response = _post(client, _form(first_contact_department="anshun-sw", self_handle="on", category="consultation"))
    assert "首问部门必须是本部门" in response.content.decode()
    assert not Demand.objects.exists()


def test_a_repeated_external_ref_opens_the_demand_already_registered(client, specialist):
    client.force_login(specialist)
    _post(client, _form(external_ref="12345-2026-0009"))
    first = Demand.objects.get()
    response = _post(client, _form(external_ref="12345-2026-0009", title="同一来电再次登记"), follow=True)
    assert Demand.objects.count() == 1
    assert response.redirect_chain[-1][0] == reverse("tickets:demand_detail", args=[first.pk])
    assert "已登记过" in response.content.decode() and first.number in response.content.decode()


def test_a_repeated_external_ref_the_registrar_may_not_see_is_named_not_opened(client, specialist, lead_handler):
    register_demand(specialist, external_ref="12345-2026-0010", first_contact_department="anshun-sw")
    client.force_login(lead_handler)
    response = _post(client, _form(external_ref="12345-2026-0010"))
    assert response.status_code == 200
    assert "已由其他部门登记" in response.context["form"].errors["external_ref"][0]
    assert Demand.objects.count() == 1


def test_anonymous_demand_needs_no_enterprise_or_requester(client, office_clerk):
    client.force_login(office_clerk)
    _post(client, _form(anonymous="on", enterprise_name="", enterprise_uscc="", requester_name="", requester_phone=""))
    demand = Demand.objects.get()
    assert demand.anonymous and demand.enterprise is None


def test_bad_input_is_explained_in_chinese_keeps_what_was_typed_and_saves_nothing(client, specialist):
    client.force_login(specialist)
    wrong = valid_uscc(31)[:-1] + ("0" if valid_uscc(31)[-1] != "0" else "1")
    pdf = SimpleUploadedFile("材料.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = _post(client, {**_form(enterprise_uscc=wrong, received_at="2026-09-19T09:00", title=""), "files": [pdf]})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["enterprise_uscc"] == ["统一社会信用代码校验位不正确，请核对后重新输入。"]
    assert errors["received_at"] == ["收到时间不能晚于当前时间。"]
    assert errors["title"] == ["请填写标题。"]
    html = response.content.decode()
    assert "去年申报的稳岗补贴至今未到账" in html and wrong in html and "安顺黔中机械有限公司" in html
    assert "附件需要重新选择" in html
    assert not Demand.objects.exists() and not Attachment.objects.exists()
    assert not Enterprise.objects.filter(uscc=valid_uscc(31)).exists()


def test_named_demand_needs_enterprise_and_requester(client, specialist):
    client.force_login(specialist)
    response = _post(client, _form(enterprise_name="", enterprise_uscc="", requester_phone=""))
    errors = response.context["form"].errors
    assert set(errors) == {"enterprise_name", "enterprise_uscc", "requester_phone"}
    assert "匿名诉求可不填" in errors["enterprise_uscc"][0]
    assert not Demand.objects.exists()


def test_first_contact_department_of_another_region_is_refused(client, office_clerk):
    client.force_login(office_clerk)
    response = _post(client, _form(first_contact_department="xixiu-scjg"))
    assert response.context["form"].errors["first_contact_department"] == ["请选择本区域的在用部门。"]
    assert not Demand.objects.exists()


def test_channel_outside_the_role_is_refused(client, lead_handler):
    client.force_login(lead_handler)
    response = _post(client, _form(channel="assigned"))
    assert response.context["form"].errors["channel"] == ["请选择有效的渠道。"]
    assert not Demand.objects.exists()


def test_put_is_not_allowed(client, specialist):
    client.force_login(specialist)
    assert client.put(URL).status_code == 405
