"""The ticket actions after signing, posted from the ticket page (POST /tickets/<pk>/actions/<action>/): co-handling,
extension, termination, escalation, closure with evidence, callback, review request, review and the enterprise's rating."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department
from qiyezhijia.testing import flashed
from tickets import workflow
from tickets.models import (
    Attachment,
    Callback,
    Demand,
    ExtensionRequest,
    ProvincialEscalation,
    Rating,
    Review,
    TerminationRequest,
    Ticket,
)
from tickets.tests.helpers import closed_ticket, dispatched_ticket, good_callback, handling_ticket, register

pytestmark = pytest.mark.django_db

NEW_ACTIONS = [
    "close", "add_co_department", "co_confirm", "co_feedback", "request_extension", "decide_extension",
    "request_termination", "decide_termination", "escalate", "callback", "request_review", "review", "rate",
]
ALL_ACTIONS = ["sign", "object", "reassign", "refer_to_government", "decide_lead", *NEW_ACTIONS]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def detail_url(ticket):
    return reverse("tickets:ticket_detail", args=[ticket.pk])


def action_url(ticket, action):
    return reverse("tickets:ticket_action", args=[ticket.pk, action])


def post(client, ticket, action, **fields):
    return client.post(action_url(ticket, action), {f"{action}-{name}": value for name, value in fields.items()})


def fresh(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def snapshot(ticket):
    """What any action would change: the state, the records and the timeline."""
    t = fresh(ticket)
    return (
        t.state, t.handle_due_at, t.rework_count, t.events.count(), t.co_links.count(),
        t.co_links.filter(confirmed_at__isnull=False).count(), t.co_links.filter(feedback_at__isnull=False).count(),
        t.extensions.count(), t.terminations.count(), t.callbacks.count(), t.reviews.count(),
        Rating.objects.filter(ticket=t).count(), t.attachments.count(), ProvincialEscalation.objects.filter(ticket=t).count(),
    )


def offered(response) -> set[str]:
    body = response.content.decode()
    return {name for name in [*ALL_ACTIONS, *SUPERVISION_ACTIONS] if f'data-testid="action-{name}"' in body}


def field_error(response, action, field) -> str:
    match = re.search(rf'id="id_{action}-{field}_error">([^<]*)</div>', response.content.decode())
    return match.group(1) if match else ""


# --- builders: each state reached through the workflow ---------------------------------------------------------------
def later_than_due(ticket, days=20):
    return timezone.localdate(fresh(ticket).handle_due_at) + timedelta(days=days)


def co_ticket(office, lead, other):
    return handling_ticket(office, lead, co=("anshun-sw",))


def co_confirmed(office, lead, other):
    ticket = co_ticket(office, lead, other)
    workflow.ticket_co_confirm(actor=other, ticket=ticket)
    return ticket


def co_closed(office, lead, other):
    ticket = co_ticket(office, lead, other)
    workflow.ticket_co_feedback(actor=other, ticket=ticket, content="已配合核实")
    return workflow.ticket_close(actor=lead, ticket=fresh(ticket), standard="resolved", result="已办结")


def pending_extension(office, lead, other=None):
    ticket = handling_ticket(office, lead)
    workflow.ticket_request_extension(actor=lead, ticket=ticket, due_date=later_than_due(ticket), reason="需现场核查")
    return ticket


def pending_termination(office, lead, other=None):
    ticket = handling_ticket(office, lead)
    workflow.ticket_request_termination(actor=lead, ticket=ticket, reason="unreachable", note="三次电话均未接通")
    return ticket


def returned(office, lead, other=None):
    ticket = closed_ticket(office, lead)
    workflow.ticket_callback(actor=office, ticket=ticket, reached=True, satisfaction="unsatisfied", consistent=False,
                             meets_standard=True, note="企业称问题仍未解决")
    return fresh(ticket)


def in_review(office, lead, other=None):
    ticket = returned(office, lead)
    workflow.ticket_request_review(actor=lead, ticket=ticket, reason="企业诉求超出政策范围")
    return fresh(ticket)


def archived(office, lead, other=None):
    ticket = closed_ticket(office, lead)
    good_callback(office, ticket)
    return fresh(ticket)


def terminated(office, lead, other=None):
    ticket = pending_termination(office, lead)
    workflow.ticket_decide_termination(actor=office, ticket=ticket, approve=True)
    return fresh(ticket)


def escalated(office, lead, other=None):
    ticket = handling_ticket(office, lead)
    return workflow.ticket_escalate(actor=office, ticket=ticket, reason="涉及省级审批权限")


BUILDERS = {
    "dispatched": lambda o, l, x: dispatched_ticket(o),
    "handling": lambda o, l, x: handling_ticket(o, l),
    "co": co_ticket,
    "co_confirmed": co_confirmed,
    "co_closed": co_closed,
    "pending_extension": pending_extension,
    "pending_termination": pending_termination,
    "closed": lambda o, l, x: closed_ticket(o, l),
    "returned": returned,
    "review": in_review,
    "archived": archived,
    "terminated": terminated,
    "escalated": escalated,
}


@pytest.fixture
def build(office_clerk, lead_handler, other_handler):
    return lambda state: BUILDERS[state](office_clerk, lead_handler, other_handler)


@pytest.fixture
def decoy(office_clerk):
    """Another ticket made first, so a ticket's id differs from the ids of the records an action creates (a redirect to
    the record's id instead of the ticket's must not pass by coincidence)."""
    return dispatched_ticket(office_clerk, title="另一件工单")


def enterprise_ticket(office, lead, enterprise_user, *, close=True):
    demand = register(enterprise_user, channel="online", title="新厂房消防验收排期过长")
    workflow.demand_form_ticket(actor=office, demand=demand, category="coordination", lead_department="anshun-scjg")
    ticket = workflow.ticket_sign(actor=lead, ticket=Ticket.objects.get(demands=demand))
    if close:
        ticket = workflow.ticket_close(actor=lead, ticket=ticket, standard="resolved", result="已协调消防部门于下周验收")
    return ticket


# --- happy paths: one per action ---------------------------------------------------------------------------------------
def assert_done(response, ticket, message):
    assert response.status_code == 302 and response.url == detail_url(ticket)
    assert any(message in m for m in flashed(response)), flashed(response)


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
    assert 'data-confirm="确认办结？办结后将进入回访。"' in form.group(0)
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
    assert_done(post(client, ticket, "decide_extension", approve="yes", note="同意"), ticket, "已审批工单")
    request_.refresh_from_db()
    assert request_.state == "approved"
    assert timezone.localtime(fresh(ticket).handle_due_at).date() == committed


def test_a_refused_extension_keeps_the_due(client, decoy, office_clerk, lead_handler):
    ticket = pending_extension(office_clerk, lead_handler)
    due = fresh(ticket).handle_due_at
    client.force_login(office_clerk)
    assert_done(post(client, ticket, "decide_extension", approve="no", note="可按期办结"), ticket, "已审批工单")
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
    assert_done(post(client, ticket, "decide_termination", approve="yes", note=""), ticket, "已审批工单")
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
    assert_done(response, ticket, "已记录工单")
    assert fresh(ticket).state == Ticket.State.ARCHIVED
    assert Callback.objects.get(ticket=ticket).satisfaction == "satisfied"


def test_an_inconsistent_callback_returns_for_rework(client, decoy, office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    client.force_login(office_clerk)
    response = post(client, ticket, "callback", reached="yes", satisfaction="unsatisfied", consistent="no",
                    meets_standard="yes", note="企业称未办理")
    assert_done(response, ticket, "已记录工单")
    returned_ = fresh(ticket)
    assert returned_.state == Ticket.State.HANDLING and returned_.rework_count == 1


def test_an_unreached_callback_is_recorded_and_keeps_the_ticket_closed(client, decoy, office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    client.force_login(office_clerk)
    assert_done(post(client, ticket, "callback", reached="no", note="上午十点拨打无人接听"), ticket, "已记录工单")
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
    assert_done(response, ticket, "已作出工单")
    rectified = fresh(ticket)
    assert rectified.state == Ticket.State.HANDLING
    assert timezone.localtime(rectified.handle_due_at).date() == due
    assert Review.objects.get(ticket=ticket).outcome == "rectify"


def test_review_upheld_archives(client, decoy, office_clerk, lead_handler):
    ticket = in_review(office_clerk, lead_handler)
    client.force_login(office_clerk)
    response = post(client, ticket, "review", outcome="upheld", opinion="办结结果符合政策", due_date="")
    assert_done(response, ticket, "已作出工单")
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
SUPERVISION_ACTIONS = ["urge", "supervise", "special_supervise"]
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
