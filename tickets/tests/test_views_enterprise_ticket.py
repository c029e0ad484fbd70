"""The enterprise's own view of its ticket (issue 15): what it asked, where it stands in one sentence, the result and
evidence meant for it, its rating — and none of the staff page's clocks, codes or notes."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from supervision.services import ticket_urge
from tickets import workflow
from tickets.models import Rating, Ticket
from tickets.tests.handling_states import enterprise_ticket, fresh
from tickets.tests.helpers import good_callback, register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
# What only staff read: clocks, the first-contact department, codes, the actions card, the staff timeline.
INTERNAL = ("回访期限", "签收期限", "办理期限", "首问部门", "外部编号", "已超期", "可进行的操作", "办理过程", "办结标准",
            "业务领域：", "协办部门", "内部")


def detail(client, user, ticket):
    client.force_login(user)
    response = client.get(reverse("tickets:ticket_detail", args=[ticket.pk]))
    assert response.status_code == 200
    assert "tickets/ticket_detail_enterprise.html" in [t.name for t in response.templates]
    return response.content.decode()


def test_a_closed_ticket_shows_the_result_and_the_rating_form_and_nothing_internal(
    client, office_clerk, lead_handler, enterprise_user, specialist,
):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SH), tick=False):
        ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user)
    # Three weeks later the callback clock is long overdue: the staff page says so, the enterprise's does not.
    with time_machine.travel(datetime(2026, 3, 23, 9, 0, tzinfo=SH), tick=False):
        html = detail(client, enterprise_user, ticket)
        client.force_login(specialist)
        staff = client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
    assert "回访期限" in staff and "已超期" in staff  # the test would notice the strings if they leaked
    assert "已协调消防部门于下周验收" in html and 'data-testid="action-rate"' in html
    assert "新厂房消防验收排期过长" in html and "已办结" in html
    for word in INTERNAL:
        assert word not in html, word


def test_a_passed_estimate_says_so_and_what_happens_now(client, office_clerk, lead_handler, enterprise_user, specialist):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SH), tick=False):
        ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user, close=False)
        html = detail(client, enterprise_user, ticket)
    assert "预计在3月16日（周一）前办结" in html and "原预计" not in html  # 10 working days
    with time_machine.travel(datetime(2026, 3, 18, 9, 0, tzinfo=SH), tick=False):
        html = detail(client, enterprise_user, ticket)
        assert "原预计在3月16日（周一）前办结，目前仍在办理中，联合服务办公室正在督促承办部门尽快办结" in html
        ticket_urge(actor=specialist, ticket=fresh(ticket), note="请尽快办结")
        html = detail(client, enterprise_user, ticket)
        assert "原预计在3月16日（周一）前办结，目前仍在办理中，承办部门已被催办督办" in html
        demand_page = client.get(reverse("tickets:demand_detail", args=[ticket.demands.get().pk])).content.decode()
    assert "承办部门已被催办督办" in demand_page and "预计在3月16日（周一）前办结。" not in demand_page
    for word in INTERNAL:
        assert word not in html, word


def test_another_enterprises_merged_demand_stays_hidden(client, office_clerk, lead_handler, enterprise_user, specialist):
    from django.utils import timezone

    mine = register(enterprise_user, channel="online")
    mine = workflow.demand_form_ticket(actor=office_clerk, demand=mine, category="coordination", lead_department="anshun-scjg")
    theirs = register(specialist, channel="hall", title="别家企业的同类诉求", content="别家企业的具体情况不应给他人看到。")
    workflow.demand_merge(actor=office_clerk, demand=theirs, into=mine.ticket_id,
                          consent={"by": "王先生", "method": "phone", "at": timezone.now()})
    html = detail(client, enterprise_user, mine.ticket)
    assert mine.title in html and 'data-testid="others-merged"' in html
    assert "别家企业的具体情况" not in html and theirs.number not in html


def test_the_enterprise_rates_from_its_page_and_then_reads_its_rating(client, office_clerk, lead_handler, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user)
    client.force_login(enterprise_user)
    url = reverse("tickets:ticket_action", args=[ticket.pk, "rate"])
    bad = client.post(url, {"rate-comment": "还行"})
    assert bad.status_code == 200 and "请选择满意度。" in bad.content.decode() and not Rating.objects.exists()
    assert "还行" in bad.content.decode()
    response = client.post(url, {"rate-satisfaction": "satisfied", "rate-comment": "办理及时"})
    assert response.status_code == 302
    html = detail(client, enterprise_user, ticket)
    assert 'data-testid="rating"' in html and "办理及时" in html and 'data-testid="action-rate"' not in html


def test_the_archived_result_and_the_steps(client, office_clerk, lead_handler, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user)
    good_callback(office_clerk, ticket)
    html = detail(client, enterprise_user, ticket)
    assert "回访完成，已归档" in html and "承办部门开始办理" in html and "已协调消防部门于下周验收" in html


def test_another_enterprise_gets_404(client, office_clerk, lead_handler, enterprise_user):
    from accounts.tests.factories import EnterpriseUserFactory

    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user)
    client.force_login(EnterpriseUserFactory(username="t_other_ent"))
    assert client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).status_code == 404


def test_the_page_reads_in_a_few_queries(client, office_clerk, lead_handler, enterprise_user, django_assert_max_num_queries):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user)
    client.force_login(enterprise_user)
    client.get(reverse("tickets:ticket_detail", args=[ticket.pk]))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.CLOSED
