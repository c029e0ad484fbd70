"""A department's inbox (待签收, 办理中) and its consultation requests (会商意见)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, department, valid_uscc
from qiyezhijia.testing import flashed
from tickets import workflow
from tickets.models import ConsultRequest, Ticket
from tickets.tests.helpers import dispatched_ticket, handling_ticket, register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


# --- 待签收 / 办理中 ----------------------------------------------------------------------------------------------------
def test_to_sign_lists_dispatched_tickets_of_the_department_by_sign_due(client, office_clerk, lead_handler):
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=SH), tick=False):
        later = dispatched_ticket(office_clerk, title="后派的工单", co=("anshun-sw",), enterprise_name="安顺远景电子有限公司")
    with time_machine.travel(datetime(2026, 11, 16, 9, 0, tzinfo=SH), tick=False):
        sooner = dispatched_ticket(office_clerk, title="先派的工单")
    handling_ticket(office_clerk, lead_handler, title="已经签收的工单")
    dispatched_ticket(office_clerk, lead="anshun-sw", title="税务局的工单")
    client.force_login(lead_handler)
    response = client.get(reverse("tickets:inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(sooner.number) < body.index(later.number)
    assert "已经签收的工单" not in body and "税务局的工单" not in body
    assert "安顺远景电子有限公司" in body and "国家税务总局安顺市税务局" in body and "协调类" in body
    assert body.count('data-testid="inbox-row"') == 2
    assert f'action="/tickets/{sooner.pk}/actions/sign/"' in body
    assert f'href="/tickets/{sooner.pk}/#action-object"' in body
    assert "共 2 条" in body


def test_handling_lists_signed_tickets_by_handle_due(client, office_clerk, lead_handler):
    with time_machine.travel(datetime(2026, 11, 16, 9, 0, tzinfo=SH), tick=False):
        complaint = handling_ticket(office_clerk, lead_handler, category="complaint", title="投诉类五天")
        consultation = handling_ticket(office_clerk, lead_handler, category="consultation", title="咨询类一天")
    dispatched_ticket(office_clerk, title="尚未签收")
    client.force_login(lead_handler)
    body = client.get(reverse("tickets:inbox_handling")).content.decode()
    assert body.index(consultation.number) < body.index(complaint.number)
    assert "尚未签收" not in body
    assert "/actions/sign/" not in body
    assert "已超期" in body  # both clocks have run out by now


def test_inbox_filters(client, office_clerk, lead_handler):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SH), tick=False):
        late = dispatched_ticket(office_clerk, title="逾期未签收", category="complaint")
    fresh = dispatched_ticket(office_clerk, title="新派的咨询", category="consultation", enterprise_name="安顺绿源茶业有限公司",
                              enterprise_uscc=valid_uscc(71))
    client.force_login(lead_handler)
    url = reverse("tickets:inbox")

    def numbers(**params):
        body = client.get(url, params).content.decode()
        return {t.number for t in (late, fresh) if t.number in body}

    assert numbers(category="consultation") == {fresh.number}
    assert numbers(overdue="on") == {late.number}
    assert numbers(q="绿源茶业") == {fresh.number}
    assert numbers(q=late.number) == {late.number}
    body = client.get(url, {"category": "gossip"}).content.decode()
    assert "筛选条件“类别”的值无效，已忽略。" in body and late.number in body and fresh.number in body


@pytest.mark.parametrize("name", ["tickets:inbox", "tickets:inbox_handling"])
@pytest.mark.parametrize("who", ["office_clerk", "specialist", "government_user", "enterprise_user"])
def test_inbox_is_for_handlers_only(client, request, name, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name)).status_code == 403


def test_outsider_sees_none_of_the_citys_tickets(client, office_clerk, outsider):
    ticket = dispatched_ticket(office_clerk)
    client.force_login(outsider)
    assert ticket.number not in client.get(reverse("tickets:inbox")).content.decode()


@pytest.mark.parametrize(("name", "limit"), [("tickets:inbox", 11), ("tickets:inbox_handling", 11)])
def test_inbox_query_count_does_not_grow_with_rows(client, office_clerk, lead_handler, django_assert_max_num_queries, name, limit):
    for i in range(10):
        if name == "tickets:inbox":
            dispatched_ticket(office_clerk, co=("anshun-sw", "anshun-rsj"), title=f"工单{i}")
        else:
            handling_ticket(office_clerk, lead_handler, co=("anshun-sw",), title=f"工单{i}")
    client.force_login(lead_handler)
    with django_assert_max_num_queries(limit):
        response = client.get(reverse(name))
    assert response.content.decode().count('data-testid="inbox-row"') == 10


def test_inbox_paginates_with_the_total(client, office_clerk, lead_handler):
    for i in range(21):
        dispatched_ticket(office_clerk, title=f"批量工单{i}")
    client.force_login(lead_handler)
    body = client.get(reverse("tickets:inbox")).content.decode()
    assert "共 21 条，第 1 / 2 页" in body and body.count('data-testid="inbox-row"') == 20
    body = client.get(reverse("tickets:inbox"), {"page": 2}).content.decode()
    assert body.count('data-testid="inbox-row"') == 1


def test_signing_from_the_inbox_lands_on_the_ticket_page(client, office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk)
    client.force_login(lead_handler)
    response = client.post(reverse("tickets:ticket_action", args=[ticket.pk, "sign"]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("tickets:ticket_detail", args=[ticket.pk])
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.HANDLING
    assert ticket.number not in client.get(reverse("tickets:inbox")).content.decode()
    assert ticket.number in client.get(reverse("tickets:inbox_handling")).content.decode()


# --- 会商意见 ----------------------------------------------------------------------------------------------------------
@pytest.fixture
def consulted(office_clerk, specialist):
    """A demand on which the office asked anshun-scjg and anshun-fgw for opinions."""
    demand = register(specialist, title="跨部门的园区用地问题", content="园区内企业用地指标与规划不一致，需多部门协调。")
    workflow.demand_consult(actor=office_clerk, demand=demand, departments=["anshun-scjg", "anshun-fgw"])
    return demand


def opinion_url(demand, department_code):
    request = ConsultRequest.objects.get(demand=demand, department__code=department_code)
    return reverse("tickets:consult_opinion", args=[request.pk])


def test_consult_inbox_shows_pending_requests_with_a_form(client, lead_handler, consulted):
    client.force_login(lead_handler)
    response = client.get(reverse("tickets:consult_inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert consulted.title in body and consulted.content in body and "安顺测试科技有限公司" in body
    assert opinion_url(consulted, "anshun-scjg") in body
    assert body.count('data-testid="consult-pending"') == 1


def test_giving_an_opinion_records_it_and_lists_it_as_answered(client, lead_handler, consulted):
    client.force_login(lead_handler)
    url = opinion_url(consulted, "anshun-scjg")
    prefix = url.split("/")[-3]
    response = client.post(url, {f"c{prefix}-content": "建议由自然资源局牵头"})
    assert response.status_code == 302 and response.url == reverse("tickets:consult_inbox")
    request = ConsultRequest.objects.get(demand=consulted, department__code="anshun-scjg")
    assert request.opinion == "建议由自然资源局牵头" and request.answered_by == lead_handler
    body = client.get(reverse("tickets:consult_inbox")).content.decode()
    assert 'data-testid="consult-pending"' not in body and "建议由自然资源局牵头" in body


def test_an_empty_opinion_is_refused_next_to_the_field(client, lead_handler, consulted):
    client.force_login(lead_handler)
    url = opinion_url(consulted, "anshun-scjg")
    prefix = url.split("/")[-3]
    response = client.post(url, {f"c{prefix}-content": "   "})
    assert response.status_code == 200
    assert "请填写会商意见。" in response.content.decode()
    assert ConsultRequest.objects.get(demand=consulted, department__code="anshun-scjg").answered_at is None


def test_specialist_answers_for_its_department(client, specialist, consulted):
    client.force_login(specialist)
    url = opinion_url(consulted, "anshun-fgw")
    prefix = url.split("/")[-3]
    assert client.post(url, {f"c{prefix}-content": "同意协调"}).status_code == 302
    assert ConsultRequest.objects.get(demand=consulted, department__code="anshun-fgw").opinion == "同意协调"


def test_answering_twice_is_explained(client, lead_handler, consulted):
    client.force_login(lead_handler)
    url = opinion_url(consulted, "anshun-scjg")
    prefix = url.split("/")[-3]
    client.post(url, {f"c{prefix}-content": "第一次意见"})
    response = client.post(url, {f"c{prefix}-content": "第二次意见"})
    assert response.status_code == 302
    assert any("已对诉求" in m for m in flashed(response))
    assert ConsultRequest.objects.get(demand=consulted, department__code="anshun-scjg").opinion == "第一次意见"


def test_a_closed_consultation_is_explained(client, office_clerk, lead_handler, consulted):
    workflow.demand_form_ticket(actor=office_clerk, demand=consulted, category="coordination", lead_department="anshun-zrzy")
    client.force_login(lead_handler)
    body = client.get(reverse("tickets:consult_inbox")).content.decode()
    assert 'data-testid="consult-pending"' not in body and "未提出（会商已结束）" in body
    url = opinion_url(consulted, "anshun-scjg")
    prefix = url.split("/")[-3]
    response = client.post(url, {f"c{prefix}-content": "迟到的意见"})
    assert response.status_code == 302
    assert any("会商已结束" in m for m in flashed(response))
    assert ConsultRequest.objects.get(demand=consulted, department__code="anshun-scjg").answered_at is None


def test_other_departments_cannot_answer_or_see_the_request(client, other_handler, consulted):
    client.force_login(other_handler)
    assert consulted.title not in client.get(reverse("tickets:consult_inbox")).content.decode()
    url = opinion_url(consulted, "anshun-scjg")
    prefix = url.split("/")[-3]
    assert client.post(url, {f"c{prefix}-content": "越权意见"}).status_code == 404
    assert ConsultRequest.objects.get(demand=consulted, department__code="anshun-scjg").answered_at is None


@pytest.mark.parametrize("who", ["office_clerk", "government_user", "enterprise_user"])
def test_consultations_are_for_handlers_and_specialists(client, request, consulted, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("tickets:consult_inbox")).status_code == 403
    assert client.post(opinion_url(consulted, "anshun-scjg"), {}).status_code == 403


def test_get_on_the_opinion_url_is_405(client, lead_handler, consulted):
    client.force_login(lead_handler)
    assert client.get(opinion_url(consulted, "anshun-scjg")).status_code == 405


def test_consult_inbox_query_count(client, office_clerk, specialist, lead_handler, django_assert_max_num_queries):
    for i in range(10):
        demand = register(specialist, title=f"会商诉求{i}", enterprise_uscc=valid_uscc(200 + i))
        workflow.demand_consult(actor=office_clerk, demand=demand, departments=["anshun-scjg"])
        if i % 2:
            workflow.demand_give_opinion(actor=lead_handler, demand=demand, content=f"意见{i}")
    client.force_login(lead_handler)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("tickets:consult_inbox"))
    assert response.content.decode().count('data-testid="consult-pending"') == 5


def test_county_handler_only_sees_its_own_requests(client, county_office, consulted):
    handler = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    client.force_login(handler)
    assert consulted.title not in client.get(reverse("tickets:consult_inbox")).content.decode()
