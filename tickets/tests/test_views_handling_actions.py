"""The ticket actions after signing, posted from the ticket page (POST /tickets/<pk>/actions/<action>/): each done once
(co-handling, extension, termination, escalation, closure with evidence, callback, review request, review, the
enterprise's rating), refused from states that do not allow it, and refused to the wrong people (403, 404, 405)."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.tests.factories import EnterpriseUserFactory
from qiyezhijia.testing import flashed
from tickets import workflow
from tickets.models import (
    Attachment,
    Callback,
    ExtensionRequest,
    ProvincialEscalation,
    Rating,
    Review,
    TerminationRequest,
    Ticket,
)
from tickets.tests.handling_states import (
    NEW_ACTIONS,
    action_url,
    assert_done,
    co_ticket,
    detail_url,
    enterprise_ticket,
    fresh,
    in_review,
    later_than_due,
    pending_extension,
    post,
    returned,
    snapshot,
)
from tickets.tests.helpers import closed_ticket, handling_ticket

pytestmark = pytest.mark.django_db

# --- happy paths: one per action ---------------------------------------------------------------------------------------
def test_close_with_evidence_stores_the_file_and_moves_to_closed(client, decoy, office_clerk, lead_handler, tmp_path):
    ticket = handling_ticket(office_clerk, lead_handler)
    client.force_login(lead_handler)
    evidence = SimpleUploadedFile("答复函.pdf", b"%PDF-1.4 reply letter", content_type="application/pdf")
    response = client.post(action_url(ticket, "close"), {
        "close-standard": "resolved", "close-result": "已为企业完成税控设备发行", "close-explanation": "", "close-files": [evidence],
    })
    assert_done(response, ticket, f"工单 {ticket.number} 已办结")
    closed = fresh(ticket)
    assert closed.state == Ticket.State.CLOSED and closed.closure_result == "已为企业完成税控设备发行"
    assert closed.callback_due_at is not None
    attachment = closed.attachments.get()
    assert attachment.kind == Attachment.Kind.EVIDENCE and attachment.original_name == "答复函.pdf"
    with attachment.file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.4 reply letter"
    assert str(tmp_path) in attachment.file.path
    body = client.get(detail_url(ticket)).content.decode()
    assert 'data-testid="closure"' in body and "答复函.pdf" in body and "已办结待回访" in body


def test_the_close_form_is_multipart_and_confirms(client, office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    client.force_login(lead_handler)
    body = client.get(detail_url(ticket)).content.decode()
    form = re.search(rf'<form[^>]*action="{action_url(ticket, "close")}"[^>]*>', body)
    assert form is not None
    assert 'enctype="multipart/form-data"' in form.group(0)
    assert 'data-confirm="确认办结？办结后不能修改办理结果，工单将进入回访。"' in form.group(0)
    assert 'type="file"' in body and 'name="close-files"' in body and "multiple" in body
    # Forms without files stay url-encoded.
    extension = re.search(rf'<form[^>]*action="{action_url(ticket, "request_extension")}"[^>]*>', body)
    assert extension is not None and "enctype" not in extension.group(0)


def test_add_co_department(client, decoy, office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    client.force_login(lead_handler)
    response = post(client, ticket, "add_co_department", department="anshun-tcj")
    assert_done(response, ticket, "已为工单")
    assert list(fresh(ticket).co_links.values_list("department__code", flat=True)) == ["anshun-tcj"]


def test_co_department_confirms_then_feeds_back(client, decoy, office_clerk, lead_handler, other_handler):
    ticket = co_ticket(office_clerk, lead_handler, other_handler)
    client.force_login(other_handler)
    assert_done(post(client, ticket, "co_confirm"), ticket, "已确认协办")
    link = fresh(ticket).co_links.get()
    assert link.confirmed_at is not None and link.feedback_at is None
    assert_done(post(client, ticket, "co_feedback", content="已核实企业纳税信用等级"), ticket, "已向牵头部门反馈协办情况")
    link.refresh_from_db()
    assert link.feedback == "已核实企业纳税信用等级" and link.feedback_at is not None
    assert fresh(ticket).state == Ticket.State.HANDLING


def test_request_and_approve_an_extension_moves_the_handling_due(client, decoy, office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    committed = later_than_due(ticket)
    client.force_login(lead_handler)
    response = post(client, ticket, "request_extension", due_date=committed.isoformat(), reason="需现场核查设备")
    assert_done(response, ticket, "已提交延期申请")
    request_ = ExtensionRequest.objects.get(ticket=ticket)
    assert request_.state == "pending" and request_.due_date == committed
    client.force_login(office_clerk)
    assert_done(post(client, ticket, "decide_extension", approve="yes", note="同意"), ticket,
                f"已同意工单 {ticket.number} 延期，新的办理期限为 {committed:%Y年%m月%d日}")
    request_.refresh_from_db()
    assert request_.state == "approved"
    assert timezone.localtime(fresh(ticket).handle_due_at).date() == committed


def test_a_refused_extension_keeps_the_due(client, decoy, office_clerk, lead_handler):
    ticket = pending_extension(office_clerk, lead_handler)
    due = fresh(ticket).handle_due_at
    client.force_login(office_clerk)
    assert_done(post(client, ticket, "decide_extension", approve="no", note="可按期办结"), ticket,
                f"已不同意工单 {ticket.number} 延期，办理期限仍为 {timezone.localtime(due):%Y年%m月%d日}")
    assert ExtensionRequest.objects.get(ticket=ticket).state == "rejected"
    assert fresh(ticket).handle_due_at == due


def test_request_and_approve_a_termination(client, decoy, office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    client.force_login(lead_handler)
    response = post(client, ticket, "request_termination", reason="unreachable", note="三次电话均未接通")
    assert_done(response, ticket, "已提交终止办理申请")
    assert TerminationRequest.objects.get(ticket=ticket).state == "pending"
    assert fresh(ticket).state == Ticket.State.HANDLING
    client.force_login(office_clerk)
    assert_done(post(client, ticket, "decide_termination", approve="yes", note=""), ticket,
                f"已同意终止办理，工单 {ticket.number} 已终止，不再办理。")
    assert fresh(ticket).state == Ticket.State.TERMINATED


def test_escalate_a_city_ticket_to_the_province(client, decoy, office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    client.force_login(office_clerk)
    response = post(client, ticket, "escalate", reason="涉及省级审批权限", external_ref="GZ-2026-7")
    assert_done(response, ticket, "已提级办理")
    assert fresh(ticket).state == Ticket.State.ESCALATED
    record = ProvincialEscalation.objects.get(ticket=ticket)
    assert record.reason == "涉及省级审批权限" and record.external_ref == "GZ-2026-7"


@pytest.mark.parametrize("who", ["office_clerk", "specialist"])
def test_a_good_callback_archives(client, decoy, request, office_clerk, lead_handler, who):
    ticket = closed_ticket(office_clerk, lead_handler)
    client.force_login(request.getfixturevalue(who))
    response = post(client, ticket, "callback", reached="yes", satisfaction="satisfied", consistent="yes",
                    meets_standard="yes", note="企业表示满意")
    assert_done(response, ticket, f"已记录工单 {ticket.number} 的回访，工单已归档。")
    assert fresh(ticket).state == Ticket.State.ARCHIVED
    assert Callback.objects.get(ticket=ticket).satisfaction == "satisfied"


def test_an_inconsistent_callback_returns_for_rework(client, decoy, office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    client.force_login(office_clerk)
    response = post(client, ticket, "callback", reached="yes", satisfaction="unsatisfied", consistent="no",
                    meets_standard="yes", note="企业称未办理")
    returned_ = fresh(ticket)
    assert returned_.state == Ticket.State.HANDLING and returned_.rework_count == 1
    # The message says what happens next: back to which department, and the new due.
    assert_done(response, ticket, f"已记录工单 {ticket.number} 的回访。工单已退回{returned_.lead_department.name}重新办理，"
                                  f"新的办理期限为 {timezone.localtime(returned_.handle_due_at):%Y年%m月%d日}")


def test_an_unreached_callback_is_recorded_and_keeps_the_ticket_closed(client, decoy, office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    client.force_login(office_clerk)
    assert_done(post(client, ticket, "callback", reached="no", note="上午十点拨打无人接听"), ticket,
                "未联系上企业，工单仍在待回访，请再次联系。")
    assert fresh(ticket).state == Ticket.State.CLOSED
    assert not Callback.objects.get(ticket=ticket).reached


def test_request_review_after_a_return(client, decoy, office_clerk, lead_handler):
    ticket = returned(office_clerk, lead_handler)
    client.force_login(lead_handler)
    assert_done(post(client, ticket, "request_review", reason="企业诉求超出政策范围"), ticket, "已提出复查复核建议")
    assert fresh(ticket).state == Ticket.State.REVIEW
    assert Review.objects.get(ticket=ticket).reason == "企业诉求超出政策范围"


def test_review_orders_rectification_with_a_due_date(client, decoy, office_clerk, lead_handler):
    ticket = in_review(office_clerk, lead_handler)
    due = timezone.localdate() + timedelta(days=10)
    client.force_login(office_clerk)
    response = post(client, ticket, "review", outcome="rectify", opinion="请重新核实后答复", due_date=due.isoformat())
    assert_done(response, ticket, f"已作出复查复核结论：责令整改，工单 {ticket.number} 已退回{ticket.lead_department.name}，"
                                  f"整改期限为 {due:%Y年%m月%d日}")
    rectified = fresh(ticket)
    assert rectified.state == Ticket.State.HANDLING
    assert timezone.localtime(rectified.handle_due_at).date() == due
    assert Review.objects.get(ticket=ticket).outcome == "rectify"


def test_review_upheld_archives(client, decoy, office_clerk, lead_handler):
    ticket = in_review(office_clerk, lead_handler)
    client.force_login(office_clerk)
    response = post(client, ticket, "review", outcome="upheld", opinion="办结结果符合政策", due_date="")
    assert_done(response, ticket, f"已作出复查复核结论：维持工单 {ticket.number} 的办结结果，工单已归档。")
    assert fresh(ticket).state == Ticket.State.ARCHIVED


def test_the_enterprise_rates_the_result_once(client, decoy, office_clerk, lead_handler, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user)
    client.force_login(enterprise_user)
    response = post(client, ticket, "rate", satisfaction="basically_satisfied", comment="办理及时")
    assert_done(response, ticket, "感谢您的评价")
    rating = Rating.objects.get(ticket=ticket)
    assert rating.satisfaction == "basically_satisfied" and rating.comment == "办理及时" and rating.by == enterprise_user
    body = client.get(detail_url(ticket)).content.decode()
    assert 'data-testid="rating"' in body and "基本满意" in body
    assert fresh(ticket).state == Ticket.State.CLOSED  # a rating is not the office's callback


# --- refused states: a message, back to the page, nothing changes -------------------------------------------------------
REFUSED = [
    # action, state, who, data, message
    ("close", "dispatched", "lead_handler", {"standard": "resolved", "result": "x"}, "工单当前为“待签收”，现在不能办结。"),
    ("close", "co", "lead_handler", {"standard": "resolved", "result": "x"}, "以下协办部门尚未反馈，暂不能办结：国家税务总局安顺市税务局。"),
    ("add_co_department", "closed", "lead_handler", {"department": "anshun-tcj"}, "现在不能添加协办部门"),
    ("co_confirm", "co_confirmed", "other_handler", {}, "现在不能确认协办"),
    ("co_feedback", "co_closed", "other_handler", {"content": "补充反馈"}, "工单当前为“已办结待回访”，现在不能反馈协办情况。"),
    ("request_extension", "pending_extension", "lead_handler", {"due_date": "2099-01-01", "reason": "x"}, "现在不能申请延期"),
    ("decide_extension", "handling", "office_clerk", {"approve": "yes"}, "现在不能审批延期申请"),
    ("request_termination", "pending_termination", "lead_handler", {"reason": "unclear", "note": "x"}, "现在不能申请终止办理"),
    ("decide_termination", "handling", "office_clerk", {"approve": "yes"}, "现在不能审批终止申请"),
    ("escalate", "closed", "office_clerk", {"reason": "x"}, "工单当前为“已办结待回访”，现在不能提级办理。"),
    ("callback", "handling", "office_clerk", {"reached": "no", "note": "x"}, "工单当前为“办理中”，现在不能记录回访。"),
    ("request_review", "handling", "lead_handler", {"reason": "x"}, "现在不能申请复查复核"),
    ("review", "handling", "office_clerk", {"outcome": "upheld", "opinion": "x"}, "现在不能作出复查复核结论"),
    ("close", "archived", "lead_handler", {"standard": "resolved", "result": "x"}, "工单当前为“已归档”，现在不能办结。"),
    ("callback", "terminated", "office_clerk", {"reached": "no", "note": "x"}, "工单当前为“已终止”，现在不能记录回访。"),
]


@pytest.mark.parametrize(("action", "state", "who", "data", "message"), REFUSED)
def test_an_action_the_state_does_not_allow_is_refused_with_a_message(client, request, build, action, state, who, data, message):
    ticket = build(state)
    before = snapshot(ticket)
    client.force_login(request.getfixturevalue(who))
    response = post(client, ticket, action, **data)
    assert response.status_code == 302 and response.url == detail_url(ticket)
    assert any(message in m for m in flashed(response)), flashed(response)
    assert snapshot(ticket) == before


def test_rating_before_closing_or_twice_is_refused(client, office_clerk, lead_handler, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user, close=False)
    client.force_login(enterprise_user)
    response = post(client, ticket, "rate", satisfaction="satisfied")
    assert "工单当前为“办理中”，现在不能评价办理结果。" in flashed(response)
    assert not Rating.objects.exists()
    ticket = workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="已办结")
    post(client, ticket, "rate", satisfaction="satisfied")
    response = post(client, ticket, "rate", satisfaction="unsatisfied")
    assert response.status_code == 302 and any("现在不能评价办理结果" in m for m in flashed(response))
    assert Rating.objects.get(ticket=ticket).satisfaction == "satisfied"


# --- who may act: wrong role 403, outsiders 404, GET 405 ----------------------------------------------------------------
WRONG_ROLE = [
    ("close", "handling", "office_clerk"),
    ("close", "handling", "specialist"),
    ("add_co_department", "handling", "office_clerk"),
    ("add_co_department", "co", "other_handler"),
    ("co_confirm", "co", "lead_handler"),
    ("co_confirm", "co", "office_clerk"),
    ("co_feedback", "co", "lead_handler"),
    ("request_extension", "handling", "office_clerk"),
    ("request_extension", "co", "other_handler"),
    ("decide_extension", "pending_extension", "lead_handler"),
    ("decide_extension", "pending_extension", "specialist"),
    ("request_termination", "handling", "office_clerk"),
    ("decide_termination", "pending_termination", "lead_handler"),
    ("decide_termination", "pending_termination", "government_user"),
    ("escalate", "handling", "lead_handler"),
    ("escalate", "handling", "government_user"),
    ("callback", "closed", "lead_handler"),
    ("callback", "closed", "government_user"),
    ("request_review", "returned", "office_clerk"),
    ("review", "review", "lead_handler"),
    ("review", "review", "specialist"),
    ("rate", "closed", "office_clerk"),
    ("rate", "closed", "lead_handler"),
]


@pytest.mark.parametrize(("action", "state", "who"), WRONG_ROLE)
def test_a_role_that_may_not_take_the_action_gets_403(client, request, build, action, state, who):
    ticket = build(state)
    before = snapshot(ticket)
    client.force_login(request.getfixturevalue(who))
    assert post(client, ticket, action).status_code == 403
    assert snapshot(ticket) == before


def test_the_enterprise_may_not_take_staff_actions(client, office_clerk, lead_handler, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user)
    client.force_login(enterprise_user)
    for action in ("callback", "request_review", "add_co_department", "escalate"):
        assert post(client, ticket, action).status_code == 403
    assert fresh(ticket).state == Ticket.State.CLOSED


@pytest.mark.parametrize("action", NEW_ACTIONS)
def test_outsiders_get_404_on_every_action(client, build, outsider, county_office, action):
    ticket = build("closed" if action in ("callback", "rate") else "handling")
    before = snapshot(ticket)
    for who in (outsider, county_office):  # a county department, and the office of a region below
        client.force_login(who)
        assert post(client, ticket, action).status_code == 404
    assert snapshot(ticket) == before


def test_another_enterprise_gets_404_when_rating(client, office_clerk, lead_handler, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user)
    client.force_login(EnterpriseUserFactory(username="t_other_ent"))
    assert post(client, ticket, "rate", satisfaction="unsatisfied").status_code == 404
    assert not Rating.objects.exists()


@pytest.mark.parametrize("action", NEW_ACTIONS)
def test_actions_are_post_only(client, office_clerk, lead_handler, action):
    ticket = handling_ticket(office_clerk, lead_handler)
    client.force_login(lead_handler)
    assert client.get(action_url(ticket, action)).status_code == 405




# --- confirmations: every final act asks once (marked in one place, the ACTIONS spec) -------------------------------------
FINAL_ACTS = {"sign", "reassign", "decide_lead", "close", "decide_extension", "request_termination", "decide_termination",
              "escalate", "callback", "review", "supervise", "special_supervise", "rate"}


def test_the_final_acts_are_the_ones_that_confirm():
    from tickets.views.tickets import ACTIONS

    assert {name for name, action in ACTIONS.items() if action.confirm} == FINAL_ACTS


@pytest.mark.parametrize(("state", "who", "action"), [
    ("closed", "office_clerk", "callback"),
    ("handling", "lead_handler", "request_termination"),
    ("handling", "lead_handler", "close"),
])
def test_the_ticket_page_asks_before_a_final_act(client, request, office_clerk, lead_handler, state, who, action):
    from tickets.views.tickets import ACTIONS

    make = closed_ticket if state == "closed" else handling_ticket
    ticket = make(office_clerk, lead_handler)
    client.force_login(request.getfixturevalue(who))
    body = client.get(detail_url(ticket)).content.decode()
    form = re.search(rf'<form[^>]*action="{action_url(ticket, action)}"[^>]*>', body, re.S)
    assert form is not None and f'data-confirm="{ACTIONS[action].confirm}"' in form.group(0)
