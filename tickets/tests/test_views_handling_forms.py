"""The ticket actions' forms: bad input comes back next to its field with nothing saved, and the page offers exactly the
actions the user may take now."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from tickets import workflow
from tickets.models import (
    Attachment,
    Demand,
    ProvincialEscalation,
    Rating,
    Ticket,
)
from tickets.tests.handling_states import (
    action_url,
    archived,
    detail_url,
    enterprise_ticket,
    field_error,
    fresh,
    offered,
    pending_extension,
    post,
    snapshot,
)
from tickets.tests.helpers import good_callback, handling_ticket

pytestmark = pytest.mark.django_db

# --- bad input: the page again, the error next to the field, nothing saved ---------------------------------------------
BAD_INPUT = [
    # action, state, who, data, field, error
    ("close", "handling", "lead_handler", {"standard": "partial", "result": "部分解决"}, "explanation",
     "部分解决或难以解决的，须书面释明原因。"),
    ("close", "handling", "lead_handler", {"standard": "legal_route", "result": "建议仲裁"}, "explanation",
     "应通过法定途径解决的，须书面给出解决路径。"),
    ("close", "handling", "lead_handler", {"standard": "", "result": "已办结"}, "standard", "请选择办结标准。"),
    ("close", "handling", "lead_handler", {"standard": "resolved", "result": ""}, "result", "请填写办理结果（将告知企业）。"),
    ("add_co_department", "handling", "lead_handler", {"department": "puding-scjg"}, "department", "请选择列表中的部门。"),
    ("add_co_department", "co", "lead_handler", {"department": "anshun-sw"}, "department", "请选择列表中的部门。"),
    ("co_feedback", "co", "other_handler", {"content": "  "}, "content", "请填写协办反馈。"),
    ("request_extension", "handling", "lead_handler", {"due_date": "2026-02-30", "reason": "x"}, "due_date",
     "承诺办结日期格式不正确，应为 YYYY-MM-DD。"),
    ("request_extension", "handling", "lead_handler", {"due_date": "", "reason": "需核查"}, "due_date", "请填写承诺办结日期。"),
    ("decide_extension", "pending_extension", "office_clerk", {"approve": ""}, "approve", "请选择是否同意。"),
    ("decide_extension", "pending_extension", "office_clerk", {"approve": "perhaps"}, "approve", "请选择是否同意。"),
    ("request_termination", "handling", "lead_handler", {"reason": "", "note": "多次联系未果"}, "reason", "请选择终止原因。"),
    ("request_termination", "handling", "lead_handler", {"reason": "unreachable", "note": ""}, "note", "请填写终止说明。"),
    ("decide_termination", "pending_termination", "office_clerk", {"approve": ""}, "approve", "请选择是否同意。"),
    ("escalate", "handling", "office_clerk", {"reason": ""}, "reason", "请填写提级原因。"),
    ("callback", "closed", "office_clerk", {"reached": "yes", "note": "接通了"}, "satisfaction", "请选择满意度。"),
    ("callback", "closed", "office_clerk", {"reached": "yes", "satisfaction": "satisfied"}, "consistent",
     "请选择回访情况是否与办结信息一致（是或否）。"),
    ("callback", "closed", "office_clerk", {"reached": "no", "note": ""}, "note", "未联系上时请记录联系情况（时间、号码、结果）。"),
    ("callback", "closed", "office_clerk", {}, "reached", "请选择是否联系上诉求人。"),
    ("request_review", "returned", "lead_handler", {"reason": ""}, "reason", "请填写复查复核建议。"),
    ("review", "review", "office_clerk", {"outcome": "rectify", "opinion": "请重新核实"}, "due_date", "责令整改时请填写整改期限。"),
    ("review", "review", "office_clerk", {"outcome": "rectify", "opinion": "请重新核实", "due_date": "2020-01-01"}, "due_date",
     "整改期限必须晚于今天。"),
    ("review", "review", "office_clerk", {"outcome": "upheld", "opinion": ""}, "opinion", "请填写处置意见。"),
]


@pytest.mark.parametrize(("action", "state", "who", "data", "field", "error"), BAD_INPUT)
def test_bad_input_shows_the_error_next_to_the_field_and_saves_nothing(client, request, build, action, state, who, data,
                                                                       field, error):
    ticket = build(state)
    before = snapshot(ticket)
    client.force_login(request.getfixturevalue(who))
    response = post(client, ticket, action, **data)
    assert response.status_code == 200
    assert error in field_error(response, action, field), field_error(response, action, field)
    body = response.content.decode()
    assert f'class="collapse action-form show" id="action-{action}"' in body  # the form stays open
    for name, value in data.items():
        if value.strip() and name not in ("standard", "outcome", "reason", "approve", "reached", "satisfaction", "department"):
            assert value in body  # what was typed stays
    assert snapshot(ticket) == before


def test_extension_date_not_later_than_the_due_is_refused(client, office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    due = timezone.localdate(fresh(ticket).handle_due_at)
    before = snapshot(ticket)
    client.force_login(lead_handler)
    response = post(client, ticket, "request_extension", due_date=due.isoformat(), reason="需现场核查")
    assert response.status_code == 200
    assert field_error(response, "request_extension", "due_date") == f"承诺办结日期必须晚于当前办理期限（{due:%Y-%m-%d}）。"
    assert f'value="{due:%Y-%m-%d}"' in response.content.decode() and "需现场核查" in response.content.decode()
    assert snapshot(ticket) == before


def test_close_with_a_wrong_file_type_is_refused_and_nothing_is_stored(client, office_clerk, lead_handler, tmp_path):
    ticket = handling_ticket(office_clerk, lead_handler)
    before = snapshot(ticket)
    client.force_login(lead_handler)
    bad = SimpleUploadedFile("setup.exe", b"MZ....", content_type="application/octet-stream")
    response = client.post(action_url(ticket, "close"), {
        "close-standard": "resolved", "close-result": "已办结，附安装程序", "close-files": [bad],
    })
    assert response.status_code == 200
    assert "不支持的文件类型“.exe”" in field_error(response, "close", "files")
    assert "已办结，附安装程序" in response.content.decode()
    assert snapshot(ticket) == before
    assert not Attachment.objects.exists() and not any(tmp_path.rglob("setup*"))


def test_the_enterprise_must_choose_a_satisfaction(client, office_clerk, lead_handler, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user)
    client.force_login(enterprise_user)
    response = post(client, ticket, "rate", comment="还行")
    assert response.status_code == 200
    assert field_error(response, "rate", "satisfaction") == "请选择满意度。"
    assert "还行" in response.content.decode()
    assert not Rating.objects.exists()


# --- which buttons the page offers ---------------------------------------------------------------------------------------
LEAD_HANDLING = {"close", "add_co_department", "request_extension", "request_termination"}
# Supervision and urging (SPEC §7) are open to the office (both), the specialist (urge) and the government (一事一议)
# in every open state.
OFFICE_OPEN = {"urge", "supervise"}


@pytest.mark.parametrize(
    ("state", "who", "expected"),
    [
        ("handling", "lead_handler", LEAD_HANDLING),
        ("handling", "office_clerk", {"escalate"} | OFFICE_OPEN),
        ("handling", "specialist", {"urge"}),
        ("handling", "government_user", {"special_supervise"}),
        ("pending_extension", "lead_handler", LEAD_HANDLING - {"request_extension"}),
        ("pending_extension", "office_clerk", {"escalate", "decide_extension"} | OFFICE_OPEN),
        ("pending_termination", "lead_handler", LEAD_HANDLING - {"request_termination"}),
        ("pending_termination", "office_clerk", {"escalate", "decide_termination"} | OFFICE_OPEN),
        ("co", "other_handler", {"co_confirm", "co_feedback"}),
        ("co_confirmed", "other_handler", {"co_feedback"}),
        ("co_closed", "other_handler", set()),
        ("closed", "lead_handler", set()),
        ("closed", "office_clerk", {"callback"} | OFFICE_OPEN),
        ("closed", "specialist", {"callback", "urge"}),
        ("closed", "government_user", {"special_supervise"}),
        ("returned", "lead_handler", LEAD_HANDLING | {"request_review"}),
        ("returned", "office_clerk", {"escalate"} | OFFICE_OPEN),
        ("review", "office_clerk", {"review"} | OFFICE_OPEN),
        ("review", "lead_handler", set()),
        ("terminated", "office_clerk", set()),
        ("terminated", "lead_handler", set()),
        ("escalated", "office_clerk", set()),
        ("escalated", "lead_handler", set()),
    ],
)
def test_the_page_offers_exactly_the_actions_this_user_may_take_now(client, request, build, state, who, expected):
    ticket = build(state)
    client.force_login(request.getfixturevalue(who))
    response = client.get(detail_url(ticket))
    assert response.status_code == 200
    assert offered(response) == expected
    if not expected:
        assert "当前没有需要您进行的操作" in response.content.decode()


def test_the_lead_sees_the_four_handling_buttons_by_name(client, office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    client.force_login(lead_handler)
    body = client.get(detail_url(ticket)).content.decode()
    for label in ("办结", "添加协办部门", "申请延期", "申请终止办理"):
        assert re.search(rf'data-testid="action-[a-z_]+">\s*<i [^>]*></i> {label}</a>', body), label


def test_the_office_sees_the_extension_decision_only_while_one_is_pending(client, office_clerk, lead_handler):
    ticket = pending_extension(office_clerk, lead_handler)
    client.force_login(office_clerk)
    assert "decide_extension" in offered(client.get(detail_url(ticket)))
    workflow.ticket_decide_extension(actor=office_clerk, ticket=ticket, approve=True)
    assert "decide_extension" not in offered(client.get(detail_url(ticket)))


def test_the_enterprise_is_offered_a_rating_only_after_closing_and_only_once(client, office_clerk, lead_handler, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user, close=False)
    client.force_login(enterprise_user)
    assert offered(client.get(detail_url(ticket))) == set()
    ticket = workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="已办结")
    response = client.get(detail_url(ticket))
    assert offered(response) == {"rate"}
    assert "评价办理结果" in response.content.decode()
    workflow.ticket_rate(actor=enterprise_user, ticket=ticket, satisfaction="satisfied")
    response = client.get(detail_url(ticket))
    assert offered(response) == set()
    assert 'data-testid="actions"' not in response.content.decode()  # nothing to do: no empty actions card


def test_an_archived_ticket_offers_the_enterprise_nothing(client, office_clerk, lead_handler, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user)
    good_callback(office_clerk, ticket)
    client.force_login(enterprise_user)
    assert offered(client.get(detail_url(ticket))) == set()


@pytest.mark.parametrize("who", ["office_clerk", "lead_handler", "specialist", "government_user"])
def test_an_archived_ticket_offers_staff_nothing(client, request, office_clerk, lead_handler, who):
    ticket = archived(office_clerk, lead_handler)
    client.force_login(request.getfixturevalue(who))
    response = client.get(detail_url(ticket))
    assert offered(response) == set()
    body = response.content.decode()
    assert "已归档" in body and "当前没有需要您进行的操作" in body


def test_a_county_escalation_goes_to_the_city_without_a_provincial_number(client, county_office):
    handler = UserFactory(username="t_handler_xixiu", role=Role.HANDLER, department=department("xixiu-scjg"))
    ticket = handling_ticket(county_office, handler, registrar=handler, channel="department", domain="market")
    client.force_login(county_office)
    body = client.get(detail_url(ticket)).content.decode()
    assert 'data-testid="action-escalate"' in body and 'name="escalate-reason"' in body
    assert 'name="escalate-external_ref"' not in body  # only a city escalation reaches the province
    response = post(client, ticket, "escalate", reason="需市级统筹协调")
    assert response.status_code == 302
    assert fresh(ticket).state == Ticket.State.ESCALATED
    assert not ProvincialEscalation.objects.exists()
    assert Demand.objects.filter(region__code="anshun", channel="transfer", state=Demand.State.REGISTERED).exists()


def test_a_city_escalation_may_carry_the_provincial_number(client, office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    client.force_login(office_clerk)
    assert 'name="escalate-external_ref"' in client.get(detail_url(ticket)).content.decode()
