"""REST API v1, demands (API.md "Demands"): register, list, read, triage, supplement, opinion, withdraw, attachments."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department, valid_uscc
from tickets import workflow
from tickets.models import Attachment, Demand, Ticket
from tickets.tests.api_helpers import api_as, pdf
from tickets.tests.helpers import dispatched_ticket, register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 2, 9, 0, tzinfo=SH)

DEMAND_KEYS = {
    "id", "number", "state", "channel", "title", "content", "domain", "enterprise", "requester", "anonymous",
    "received_at", "registered_at", "first_contact_department", "triage_due_at", "provisional_deadline", "ticket",
    "external_ref", "opinions", "attachments", "service_item", "policy", "training", "activity", "meeting",
    "merge_proposal",  # beyond API.md: the office's online request for the enterprise's consent to a merge
}


def hotline_body(**overrides):
    body = {
        "channel": "hotline",
        "title": "厂房消防验收迟迟未办",
        "content": "厂房已按要求整改，申请消防验收两个月仍无回音。",
        "domain": "market",
        "enterprise": {"name": "安顺测试制造有限公司", "uscc": valid_uscc(11)},
        "requester": {"name": "李女士", "phone": "13900000001"},
        "anonymous": False,
        "external_ref": "12345-2026-000123",
    }
    body.update(overrides)
    return body


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def online_demand(enterprise_user):
    return register(enterprise_user, channel="online", enterprise_name="", enterprise_uscc="")


# --- register ------------------------------------------------------------------------------------------------------
def test_office_registers_a_hotline_demand_and_gets_it_back(office_clerk):
    with time_machine.travel(MONDAY_9AM, tick=False):
        response = api_as(office_clerk).post(
            "/api/v1/demands/", hotline_body(received_at="2026-11-02T08:30:00+08:00"), format="json"
        )
    assert response.status_code == 201
    data = response.json()
    assert set(data) == DEMAND_KEYS
    assert data["number"].startswith("SQ20261102-")
    assert data["state"] == "registered" and data["channel"] == "hotline" and data["domain"] == "market"
    assert data["enterprise"] == {"name": "安顺测试制造有限公司", "uscc": valid_uscc(11)}
    # The phone is stored whole and answered masked (SECURITY.md §5; the reveal is tickets/tests/test_pii.py).
    assert data["requester"] == {"name": "李女士", "phone": "139****0001"}
    assert Demand.objects.get(pk=data["id"]).requester_phone == "13900000001"
    assert data["received_at"] == "2026-11-02T08:30:00+08:00"
    assert data["registered_at"] == "2026-11-02T09:00:00+08:00"
    assert data["triage_due_at"] == "2026-11-03T23:59:59+08:00"
    assert data["first_contact_department"] == "anshun-zwfw"
    assert data["provisional_deadline"] is False and data["ticket"] is None
    assert data["external_ref"] == "12345-2026-000123"
    demand = Demand.objects.get(pk=data["id"])
    assert demand.registered_by == office_clerk
    assert [e.action for e in demand.events.all()] == ["register"]


def test_the_same_channel_and_external_ref_returns_the_existing_demand_with_200(office_clerk):
    client = api_as(office_clerk)
    first = client.post("/api/v1/demands/", hotline_body(), format="json")
    again = client.post("/api/v1/demands/", hotline_body(title="重复推送"), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["title"] == "厂房消防验收迟迟未办"
    assert Demand.objects.count() == 1


def test_a_reference_someone_else_registered_is_409_without_showing_their_demand(office_clerk, county_office):
    api_as(office_clerk).post("/api/v1/demands/", hotline_body(), format="json")
    body = hotline_body(title="县里也收到了", first_contact_department=None)
    response = api_as(county_office).post("/api/v1/demands/", body, format="json")
    assert response.status_code == 409
    assert response.json() == {"error": "“12345/省长直通车等热线”渠道的外部编号“12345-2026-000123”已由他人登记。"}
    assert Demand.objects.count() == 1


def test_an_anonymous_demand_may_name_no_enterprise(office_clerk):
    body = hotline_body(anonymous=True, enterprise=None, requester=None, external_ref=None)
    response = api_as(office_clerk).post("/api/v1/demands/", body, format="json")
    assert response.status_code == 201
    assert response.json()["enterprise"] is None and response.json()["anonymous"] is True


def test_enterprise_user_submits_online_for_its_own_enterprise(enterprise_user):
    body = hotline_body(channel="online", enterprise={"name": "别人家的公司", "uscc": valid_uscc(99)},
                        requester={"phone": "13900000002"})
    response = api_as(enterprise_user).post("/api/v1/demands/", body, format="json")
    assert response.status_code == 201
    data = response.json()
    own = enterprise_user.enterprise
    assert data["enterprise"] == {"name": own.name, "uscc": own.uscc}
    assert data["first_contact_department"] == "anshun-zwfw"
    assert data["requester"] == {"name": enterprise_user.get_full_name(), "phone": "139****0002"}
    assert Demand.objects.get(pk=data["id"]).requester_phone == "13900000002"


def test_enterprise_user_may_not_register_on_the_hotline(enterprise_user):
    response = api_as(enterprise_user).post("/api/v1/demands/", hotline_body(), format="json")
    assert response.status_code == 403
    assert "热线" in response.json()["error"]
    assert not Demand.objects.exists()


def test_government_office_does_not_register_demands(government_user):
    response = api_as(government_user).post("/api/v1/demands/", hotline_body(), format="json")
    assert response.status_code == 403
    assert response.json() == {"error": "您的角色不能登记企业诉求。"}


def test_missing_fields_are_400_with_a_chinese_message_for_each(office_clerk):
    response = api_as(office_clerk).post("/api/v1/demands/", {"channel": "hotline"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["title"] == ["请填写标题。"]
    assert errors["content"] == ["请填写诉求内容。"]
    assert errors["domain"] == ["请选择有效的业务领域。"]
    assert errors["enterprise.name"] == ["请填写企业名称。"]
    assert "enterprise.uscc" in errors
    assert errors["requester.name"] == ["请填写诉求人姓名。"]
    assert errors["requester.phone"] == ["请填写联系电话。"]
    assert not Demand.objects.exists()


def test_a_wrong_check_character_is_reported_under_enterprise_uscc(office_clerk):
    good = valid_uscc(11)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = api_as(office_clerk).post(
        "/api/v1/demands/", hotline_body(enterprise={"name": "安顺测试制造有限公司", "uscc": bad}), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["enterprise.uscc"]


@pytest.mark.parametrize(
    ("received_at", "expected"),
    [
        ("2026-11-03T08:00:00+08:00", "不能晚于当前时间"),
        ("2026-11-02T08:00:00", "必须带时区"),
        ("昨天上午", "日期时间格式错误"),
    ],
)
def test_received_at_must_be_a_past_time_with_offset(office_clerk, received_at, expected):
    with time_machine.travel(MONDAY_9AM, tick=False):
        response = api_as(office_clerk).post("/api/v1/demands/", hotline_body(received_at=received_at), format="json")
    assert response.status_code == 400
    assert expected in response.json()["errors"]["received_at"][0]
    assert not Demand.objects.exists()


def test_a_value_of_the_wrong_type_is_400_naming_the_field(office_clerk):
    response = api_as(office_clerk).post("/api/v1/demands/", hotline_body(anonymous="也许"), format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"anonymous": ["必须是有效的布尔值。"]}}


def test_malformed_json_is_400(office_clerk):
    response = api_as(office_clerk).post("/api/v1/demands/", "{", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"][0].startswith("请求体格式错误")


def test_unknown_fields_are_ignored(office_clerk):
    response = api_as(office_clerk).post("/api/v1/demands/", hotline_body(colour="red", state="archived"), format="json")
    assert response.status_code == 201
    assert response.json()["state"] == "registered"


@pytest.mark.parametrize("header", [None, "Token not-a-real-token"])
def test_no_or_a_bad_token_is_401(db, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/api/v1/demands/").status_code == 401
    assert client.post("/api/v1/demands/", hotline_body(), format="json").status_code == 401
    assert not Demand.objects.exists()


def test_a_handler_self_handles_a_demand_its_department_received(lead_handler):
    body = hotline_body(channel="department", self_handle=True, category="consultation", external_ref=None)
    response = api_as(lead_handler).post("/api/v1/demands/", body, format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["state"] == "ticketed" and data["first_contact_department"] == "anshun-scjg"
    ticket = Ticket.objects.get(pk=data["ticket"])
    assert ticket.state == Ticket.State.HANDLING and ticket.lead_department.code == "anshun-scjg"


def test_self_handle_without_a_category_is_400(lead_handler):
    body = hotline_body(channel="department", self_handle=True, external_ref=None)
    response = api_as(lead_handler).post("/api/v1/demands/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"category": ["本部门直接办理时请选择诉求类别。"]}


# --- list and read -------------------------------------------------------------------------------------------------
def test_each_caller_lists_only_what_it_may_see(office_clerk, enterprise_user, outsider, lead_handler):
    hotline = register(office_clerk)
    online = online_demand(enterprise_user)
    ids = lambda user: sorted(d["id"] for d in api_as(user).get("/api/v1/demands/").json()["results"])  # noqa: E731
    assert ids(office_clerk) == sorted([hotline.pk, online.pk])
    assert ids(enterprise_user) == [online.pk]
    assert ids(outsider) == []
    assert ids(lead_handler) == []
    workflow.demand_form_ticket(actor=office_clerk, demand=hotline, category="coordination", lead_department="anshun-scjg")
    assert ids(lead_handler) == [hotline.pk]


def test_list_filters_by_state_and_channel(office_clerk):
    register(office_clerk)
    hall = register(office_clerk, channel="hall")
    waiting = register(office_clerk)
    workflow.demand_request_materials(actor=office_clerk, demand=waiting, missing="营业执照副本")
    client = api_as(office_clerk)

    def ids(query):
        response = client.get(f"/api/v1/demands/?{query}")
        assert response.status_code == 200
        return [d["id"] for d in response.json()["results"]]

    assert ids("state=awaiting_materials") == [waiting.pk]
    assert ids("channel=hall") == [hall.pk]
    assert len(ids("state=registered&channel=hotline")) == 1
    assert len(ids("state=&channel=")) == 3


def test_an_unknown_filter_value_is_400_not_an_empty_page(office_clerk):
    response = api_as(office_clerk).get("/api/v1/demands/?state=open&channel=fax")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["state"][0].startswith("无效的取值“open”") and errors["channel"][0].startswith("无效的取值“fax”")


def test_list_pages_hold_fifty(office_clerk):
    for n in range(51):
        register(office_clerk, external_ref=f"ext-{n}")
    client = api_as(office_clerk)
    first = client.get("/api/v1/demands/").json()
    assert first["count"] == 51 and len(first["results"]) == 50 and first["previous"] is None
    assert first["next"].endswith("/api/v1/demands/?page=2")
    second = client.get("/api/v1/demands/?page=2").json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert client.get("/api/v1/demands/?page=3").status_code == 404


def _rich_demand(office_clerk, specialist, n):
    demand = register(office_clerk, external_ref=f"rich-{n}")
    workflow.attach_file(actor=office_clerk, demand=demand, upload=pdf(), kind=Attachment.Kind.MATERIAL)
    workflow.demand_consult(actor=office_clerk, demand=demand, departments=["anshun-fgw"])
    workflow.demand_give_opinion(actor=specialist, demand=demand, content="建议由市场监管局牵头")
    return demand


def test_list_queries_do_not_grow_with_rows(office_clerk, specialist, django_assert_max_num_queries):
    client = api_as(office_clerk)
    for n in range(2):
        _rich_demand(office_clerk, specialist, n)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/api/v1/demands/").json()["results"]) == 2
    for n in range(2, 8):
        _rich_demand(office_clerk, specialist, n)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/demands/")
    assert len(response.json()["results"]) == 8
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/demands/")
    assert len(many) == len(few)


def test_detail_of_an_invisible_or_missing_demand_is_the_same_404(office_clerk, outsider):
    demand = register(office_clerk)
    client = api_as(outsider)
    hidden = client.get(f"/api/v1/demands/{demand.pk}/")
    missing = client.get(f"/api/v1/demands/{demand.pk + 1000}/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"error": "诉求不存在或无权查看。"}


# --- triage --------------------------------------------------------------------------------------------------------
def test_office_triages_a_demand_into_a_ticket(office_clerk):
    demand = register(office_clerk)
    body = {"decision": "ticket", "category": "complaint", "complex": True, "lead_department": "anshun-scjg",
            "co_departments": ["anshun-sw"], "note": "涉及两个部门"}
    response = api_as(office_clerk).post(f"/api/v1/demands/{demand.pk}/triage/", body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "ticketed"
    ticket = Ticket.objects.get(pk=data["ticket"])
    assert (ticket.category, ticket.complex, ticket.lead_department.code) == ("complaint", True, "anshun-scjg")
    assert [link.department.code for link in ticket.co_links.all()] == ["anshun-sw"]


def test_merge_needs_the_requesters_consent(office_clerk):
    target = dispatched_ticket(office_clerk)
    demand = register(office_clerk, channel="hall")
    client = api_as(office_clerk)
    url = f"/api/v1/demands/{demand.pk}/triage/"
    refused = client.post(url, {"decision": "merge", "into": target.pk}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"consent.by", "consent.method", "consent.at"}
    assert Demand.objects.get(pk=demand.pk).state == Demand.State.REGISTERED

    consent = {"by": "李女士", "method": "phone", "at": "2026-01-05T10:00:00+08:00"}
    with time_machine.travel(datetime(2026, 1, 6, 9, 0, tzinfo=SH), tick=False):
        merged = client.post(url, {"decision": "merge", "into": target.pk, "consent": consent}, format="json")
    assert merged.status_code == 200
    assert merged.json()["state"] == "merged" and merged.json()["ticket"] == target.pk
    assert Demand.objects.get(pk=demand.pk).consent_method == "phone"


def test_merge_consent_time_without_offset_is_400(office_clerk):
    target = dispatched_ticket(office_clerk)
    demand = register(office_clerk, channel="hall")
    consent = {"by": "李女士", "method": "phone", "at": "2026-01-05T10:00:00"}
    response = api_as(office_clerk).post(
        f"/api/v1/demands/{demand.pk}/triage/", {"decision": "merge", "into": target.pk, "consent": consent}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["consent.at"]


@pytest.mark.parametrize(
    ("body", "state"),
    [
        ({"decision": "supplement", "missing": "营业执照副本"}, "awaiting_materials"),
        ({"decision": "consult", "departments": ["anshun-fgw", "anshun-tcj"]}, "consulting"),
        ({"decision": "escalate", "reason": "涉及省级审批权限"}, "escalated"),
        ({"decision": "reject", "reason": "market_dispute", "note": "属企业之间合同纠纷"}, "rejected"),
    ],
)
def test_the_other_triage_decisions(office_clerk, body, state):
    demand = register(office_clerk)
    response = api_as(office_clerk).post(f"/api/v1/demands/{demand.pk}/triage/", body, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == state
    assert Demand.objects.get(pk=demand.pk).state == state


@pytest.mark.parametrize("body", [{}, {"decision": "approve"}])
def test_a_missing_or_unknown_decision_is_400(office_clerk, body):
    demand = register(office_clerk)
    response = api_as(office_clerk).post(f"/api/v1/demands/{demand.pk}/triage/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["decision"][0].startswith("请选择研判结论")


def test_triage_with_an_unknown_department_is_400_and_changes_nothing(office_clerk):
    demand = register(office_clerk)
    body = {"decision": "ticket", "category": "coordination", "lead_department": "anshun-nope", "co_departments": "anshun-sw"}
    response = api_as(office_clerk).post(f"/api/v1/demands/{demand.pk}/triage/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"co_departments"}  # the shape is checked before the workflow runs
    body["co_departments"] = ["anshun-sw"]
    response = api_as(office_clerk).post(f"/api/v1/demands/{demand.pk}/triage/", body, format="json")
    assert response.json() == {"errors": {"lead_department": ["部门编码“anshun-nope”不存在。"]}}
    assert Demand.objects.get(pk=demand.pk).state == Demand.State.REGISTERED
    assert not Ticket.objects.exists()


def test_only_the_regions_office_triages(office_clerk, specialist, lead_handler, county_office):
    demand = register(office_clerk)
    body = {"decision": "reject", "reason": "illegal", "note": "违法"}
    url = f"/api/v1/demands/{demand.pk}/triage/"
    assert api_as(specialist).post(url, body, format="json").status_code == 403  # sees the region, may not triage
    assert api_as(lead_handler).post(url, body, format="json").status_code == 404  # does not see it at all
    assert api_as(county_office).post(url, body, format="json").status_code == 404
    assert Demand.objects.get(pk=demand.pk).state == Demand.State.REGISTERED


def test_triaging_twice_is_409(office_clerk):
    demand = register(office_clerk)
    client = api_as(office_clerk)
    body = {"decision": "ticket", "category": "coordination", "lead_department": "anshun-scjg"}
    assert client.post(f"/api/v1/demands/{demand.pk}/triage/", body, format="json").status_code == 200
    again = client.post(f"/api/v1/demands/{demand.pk}/triage/", body, format="json")
    assert again.status_code == 409
    assert again.json() == {"error": "当前状态为“已形成工单”，不能对该诉求形成工单。"}
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("action", ["triage", "supplement", "opinion", "withdraw", "attachments"])
def test_actions_are_post_only(office_clerk, action):
    demand = register(office_clerk)
    response = api_as(office_clerk).get(f"/api/v1/demands/{demand.pk}/{action}/")
    assert response.status_code == 405
    assert "error" in response.json()


# --- supplement, opinion, withdraw ---------------------------------------------------------------------------------
def test_enterprise_supplies_materials_and_the_triage_clock_restarts(office_clerk, enterprise_user):
    with time_machine.travel(MONDAY_9AM, tick=False):
        demand = online_demand(enterprise_user)
        workflow.demand_request_materials(actor=office_clerk, demand=demand, missing="近三个月纳税证明")
    client = api_as(enterprise_user)
    url = f"/api/v1/demands/{demand.pk}/supplement/"
    with time_machine.travel(datetime(2026, 11, 5, 10, 0, tzinfo=SH), tick=False):
        empty = client.post(url, {"content": "  "}, format="json")
        assert empty.status_code == 400 and empty.json() == {"errors": {"content": ["请填写补充说明。"]}}
        response = client.post(url, {"content": "已上传纳税证明"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "registered"
    assert response.json()["triage_due_at"] == "2026-11-06T23:59:59+08:00"


def test_asked_department_gives_an_opinion_that_the_office_sees_and_the_enterprise_does_not(
    office_clerk, specialist, enterprise_user
):
    demand = online_demand(enterprise_user)
    workflow.demand_consult(actor=office_clerk, demand=demand, departments=["anshun-fgw"])
    response = api_as(specialist).post(f"/api/v1/demands/{demand.pk}/opinion/", {"content": "建议由发改委牵头"}, format="json")
    assert response.status_code == 200
    [opinion] = response.json()["opinions"]
    assert opinion["department"] == "anshun-fgw" and opinion["content"] == "建议由发改委牵头"
    assert opinion["at"].endswith("+08:00")
    assert len(api_as(office_clerk).get(f"/api/v1/demands/{demand.pk}/").json()["opinions"]) == 1
    assert api_as(enterprise_user).get(f"/api/v1/demands/{demand.pk}/").json()["opinions"] == []


def test_a_department_not_asked_gives_no_opinion(office_clerk):
    demand = register(office_clerk)
    workflow.demand_consult(actor=office_clerk, demand=demand, departments=["anshun-fgw"])
    tcj = UserFactory(role=Role.SPECIALIST, department=department("anshun-tcj"))
    response = api_as(tcj).post(f"/api/v1/demands/{demand.pk}/opinion/", {"content": "无意见"}, format="json")
    assert response.status_code == 403
    assert not demand.consultations.filter(answered_at__isnull=False).exists()


def test_enterprise_withdraws_its_own_demand_and_no_one_else_does(office_clerk, enterprise_user):
    demand = online_demand(enterprise_user)
    url = f"/api/v1/demands/{demand.pk}/withdraw/"
    assert api_as(office_clerk).post(url, {}, format="json").status_code == 403
    stranger = EnterpriseUserFactory()
    assert api_as(stranger).post(url, {}, format="json").status_code == 404
    response = api_as(enterprise_user).post(url, {"note": "问题已自行解决"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    assert api_as(enterprise_user).post(url, {}, format="json").status_code == 409


# --- attachments ---------------------------------------------------------------------------------------------------
def test_enterprise_uploads_material_and_downloads_it_through_the_checked_url(client, enterprise_user):
    demand = online_demand(enterprise_user)
    response = api_as(enterprise_user).post(f"/api/v1/demands/{demand.pk}/attachments/", {"file": pdf()}, format="multipart")
    assert response.status_code == 201
    data = response.json()
    assert (data["kind"], data["name"], data["content_type"]) == ("material", "营业执照.pdf", "application/pdf")
    assert data["url"] == f"http://testserver/attachments/{data['id']}/"
    detail = api_as(enterprise_user).get(f"/api/v1/demands/{demand.pk}/").json()
    assert [a["id"] for a in detail["attachments"]] == [data["id"]]
    client.force_login(enterprise_user)
    download = client.get(data["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"


def test_files_uploaded_while_materials_are_awaited_are_supplements(office_clerk, enterprise_user):
    demand = online_demand(enterprise_user)
    workflow.demand_request_materials(actor=office_clerk, demand=demand, missing="纳税证明")
    response = api_as(enterprise_user).post(f"/api/v1/demands/{demand.pk}/attachments/", {"file": pdf()}, format="multipart")
    assert response.status_code == 201 and response.json()["kind"] == "supplement"


def test_upload_of_a_forbidden_type_or_no_file_is_400(enterprise_user):
    demand = online_demand(enterprise_user)
    client = api_as(enterprise_user)
    url = f"/api/v1/demands/{demand.pk}/attachments/"
    exe = pdf("setup.exe")
    bad = client.post(url, {"file": exe}, format="multipart")
    assert bad.status_code == 400 and "不支持的文件类型“.exe”" in bad.json()["errors"]["file"][0]
    none = client.post(url, {}, format="multipart")
    assert none.status_code == 400 and list(none.json()["errors"]) == ["file"]
    assert not Attachment.objects.exists()


def test_who_may_not_add_materials(office_clerk, government_user, outsider):
    demand = register(office_clerk)
    url = f"/api/v1/demands/{demand.pk}/attachments/"
    assert api_as(government_user).post(url, {"file": pdf()}, format="multipart").status_code == 403
    assert api_as(outsider).post(url, {"file": pdf()}, format="multipart").status_code == 404
    assert api_as(office_clerk).post(url, {"file": pdf()}, format="multipart").status_code == 201
    workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="coordination", lead_department="anshun-scjg")
    closed = api_as(office_clerk).post(url, {"file": pdf()}, format="multipart")
    assert closed.status_code == 409 and "工单" in closed.json()["error"]
    assert Attachment.objects.count() == 1
