"""Supervision screens (SPEC §7): supervise and urge from the ticket page, the office's board, an unregistered matter,
the department's 督办 inbox with its answer form, and the printable 督办通知书."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from qiyezhijia.menu import menu_counts, menu_for
from qiyezhijia.testing import flashed
from supervision.models import Supervision, Urge
from supervision.services import supervision_answer, supervision_raise_automatic, ticket_supervise
from tickets.models import TicketEvent
from tickets.tests.helpers import closed_ticket, good_callback, handling_ticket

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
BOARD = reverse("supervision:board")
INBOX = reverse("supervision:inbox")
ISSUE = reverse("supervision:issue")


def action_url(ticket, action):
    return reverse("tickets:ticket_action", args=[ticket.pk, action])


def post_action(client, ticket, action, **fields):
    return client.post(action_url(ticket, action), {f"{action}-{name}": value for name, value in fields.items()})


def notice_url(supervision):
    return reverse("supervision:notice", args=[supervision.pk])


def answer_url(supervision):
    return reverse("supervision:answer", args=[supervision.pk])


def supervise(office, ticket, **overrides):
    data = {"form": "written", "trigger": "overdue", "content": "请于两个工作日内书面说明办理进展。", **overrides}
    return ticket_supervise(actor=office, ticket=ticket, **data)


@pytest.fixture
def ticket(office_clerk, lead_handler):
    return handling_ticket(office_clerk, lead_handler)


# --- the ticket page: supervise, special supervision, urge -------------------------------------------------------------
def test_office_sees_supervise_and_urge_buttons_and_issues_a_written_supervision(client, office_clerk, lead_handler, ticket):
    client.force_login(office_clerk)
    page = client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="action-supervise"' in page and 'data-testid="action-urge"' in page
    assert 'data-testid="action-special_supervise"' not in page
    response = post_action(client, ticket, "supervise", form="written", trigger="overdue", department="",
                           content="请说明超期原因")
    assert response.status_code == 302 and response.url == reverse("tickets:ticket_detail", args=[ticket.pk])
    supervision = Supervision.objects.get()
    assert (supervision.form, supervision.department, supervision.issued_by) == ("written", lead_handler.department, office_clerk)
    due = timezone.localtime(supervision.due_at)
    # The message says who must answer, and by when.
    assert f"已就工单 {ticket.number} 发出督办（书面督办），{lead_handler.department.name}须在 {due:%Y年%m月%d日} 前回复。" in flashed(response)
    page = client.get(response.url).content.decode()
    assert 'data-testid="supervision-item"' in page and supervision.number in page and notice_url(supervision) in page


def test_supervise_bad_input_shows_chinese_errors_and_saves_nothing(client, office_clerk, ticket):
    client.force_login(office_clerk)
    response = post_action(client, ticket, "supervise", form="fax", trigger="", department="nowhere", content="")
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("请选择有效的督办方式", "请选择督办情形", "请选择列表中的部门", "请填写督办事项及要求"):
        assert text in page
    assert not Supervision.objects.exists()


def test_government_issues_special_supervision_from_the_ticket_page(client, government_user, ticket):
    client.force_login(government_user)
    page = client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="action-special_supervise"' in page and 'data-testid="action-supervise"' not in page
    response = post_action(client, ticket, "special_supervise", trigger="concentrated", department="anshun-sw",
                           content="一事一议：请税务局配合专题研究。")
    assert response.status_code == 302
    supervision = Supervision.objects.get()
    assert (supervision.form, supervision.department.code) == ("special", "anshun-sw")


def test_wrong_roles_get_403_for_supervise_and_urge(client, lead_handler, government_user, specialist, ticket):
    client.force_login(lead_handler)
    assert post_action(client, ticket, "supervise", form="phone", trigger="overdue", content="x").status_code == 403
    assert post_action(client, ticket, "urge", note="x").status_code == 403
    client.force_login(government_user)
    assert post_action(client, ticket, "supervise", form="phone", trigger="overdue", content="x").status_code == 403
    client.force_login(specialist)
    assert post_action(client, ticket, "special_supervise", trigger="overdue", content="x").status_code == 403
    assert not Supervision.objects.exists() and not Urge.objects.exists()


def test_outsider_gets_404_and_get_is_405(client, outsider, office_clerk, ticket):
    client.force_login(outsider)
    assert post_action(client, ticket, "supervise", form="phone", trigger="overdue", content="x").status_code == 404
    assert post_action(client, ticket, "urge", note="x").status_code == 404
    client.force_login(office_clerk)
    assert client.get(action_url(ticket, "urge")).status_code == 405
    assert client.get(action_url(ticket, "supervise")).status_code == 405


def test_specialist_urges_from_the_ticket_page(client, specialist, lead_handler, ticket):
    client.force_login(specialist)
    response = post_action(client, ticket, "urge", note="企业来电催问进度")
    assert response.status_code == 302
    urge = Urge.objects.get()
    assert (urge.actor, urge.department) == (specialist, lead_handler.department)
    page = client.get(response.url).content.decode()
    assert 'data-testid="urges"' in page and "企业来电催问进度" in page
    assert post_action(client, ticket, "urge", note="  ").status_code == 200  # errors next to the field
    assert Urge.objects.count() == 1


def test_no_supervise_or_urge_on_an_archived_ticket(client, office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    good_callback(office_clerk, ticket)
    client.force_login(office_clerk)
    page = client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="action-supervise"' not in page and 'data-testid="action-urge"' not in page
    response = post_action(client, ticket, "urge", note="x")
    assert response.status_code == 302 and any("现在不能催办" in m for m in flashed(response))
    assert not Urge.objects.exists()


def test_enterprise_does_not_see_supervisions_on_its_ticket(client, office_clerk, lead_handler, enterprise_user):
    from tickets import workflow
    from tickets.tests.helpers import register

    demand = register(office_clerk, enterprise_name=enterprise_user.enterprise.name,
                      enterprise_uscc=enterprise_user.enterprise.uscc)
    demand = workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="coordination",
                                         lead_department="anshun-scjg")
    supervise(office_clerk, demand.ticket, content="内部督办要求")
    client.force_login(enterprise_user)
    page = client.get(reverse("tickets:ticket_detail", args=[demand.ticket.pk])).content.decode()
    assert "内部督办要求" not in page and 'data-testid="supervisions"' not in page


# --- the office's board ------------------------------------------------------------------------------------------------
def test_board_tabs_count_and_sort_by_due(client, office_clerk, lead_handler, other_handler, ticket):
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False):
        early = supervise(office_clerk, ticket, content="早")
    with time_machine.travel(datetime(2026, 11, 4, 10, 0, tzinfo=SH), tick=False):
        later = supervise(office_clerk, ticket, content="晚", department="anshun-sw")
        answered = supervise(office_clerk, ticket, content="已答")
        supervision_answer(actor=lead_handler, supervision=answered, content="已办理")
    with time_machine.travel(datetime(2026, 11, 5, 10, 0, tzinfo=SH), tick=False):
        client.force_login(office_clerk)
        response = client.get(BOARD)
        assert response.status_code == 200
        page = response.content.decode()
        # Counts: 2 awaiting answer, 1 of them overdue (due 11-04 23:59:59), 1 answered, 3 in all.
        for tab, count in (("open", 2), ("overdue", 1), ("answered", 1), ("all", 3)):
            assert f'data-testid="count-{tab}">{count}<' in page
        assert page.index(early.number) < page.index(later.number) and answered.number not in page
        overdue_page = client.get(BOARD, {"tab": "overdue"}).content.decode()
        assert early.number in overdue_page and later.number not in overdue_page
        answered_page = client.get(BOARD, {"tab": "answered"}).content.decode()
        assert answered.number in answered_page and "已办理" in answered_page
        by_department = client.get(BOARD, {"tab": "all", "department": "anshun-sw"}).content.decode()
        assert later.number in by_department and early.number not in by_department


def test_board_ignores_bad_filters_with_a_message(client, office_clerk, ticket):
    supervise(office_clerk, ticket)
    client.force_login(office_clerk)
    response = client.get(BOARD, {"tab": "nonsense", "department": "nowhere", "trigger": "late", "page": "x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="filter-warning"' in page and "已忽略" in page
    assert page.count('data-testid="supervision-row"') == 1  # the default tab (awaiting answer)


def test_board_shows_only_this_offices_supervisions(client, office_clerk, county_office, ticket):
    supervise(office_clerk, ticket)
    client.force_login(county_office)
    page = client.get(BOARD).content.decode()
    assert 'data-testid="supervision-row"' not in page and "暂无督办" in page


def test_board_is_refused_to_handlers_and_specialists(client, lead_handler, specialist):
    for user in (lead_handler, specialist):
        client.force_login(user)
        assert client.get(BOARD).status_code == 403
    assert client.post(BOARD).status_code == 405


def test_government_and_leaders_read_the_board_but_issue_nothing(client, office_clerk, government_user, ticket):
    own = supervise(office_clerk, ticket)
    leader = UserFactory(username="t_leader_board", role=Role.LEADER, department=department("anshun-zfb"))
    for user in (government_user, leader):
        client.force_login(user)
        response = client.get(BOARD)
        assert response.status_code == 200
        page = response.content.decode()
        assert own.number in page and 'data-testid="issue-unregistered"' not in page
        assert client.get(reverse("supervision:issue")).status_code == 403


def test_board_query_count_does_not_grow_with_rows(client, office_clerk, ticket, django_assert_max_num_queries):
    supervise(office_clerk, ticket)
    client.force_login(office_clerk)
    with CaptureQueriesContext(connection) as few:
        assert client.get(BOARD, {"tab": "all"}).status_code == 200
    for _ in range(5):
        supervise(office_clerk, ticket)
    with django_assert_max_num_queries(len(few)):
        response = client.get(BOARD, {"tab": "all"})
    assert response.content.decode().count('data-testid="supervision-row"') == 6


def test_menu_shows_the_counts(office_clerk, lead_handler, ticket):
    supervise(office_clerk, ticket)
    supervise(office_clerk, ticket)
    office_menu = {item["label"]: item["count"] for item in menu_for(office_clerk)}
    handler_menu = {item["label"]: item["count"] for item in menu_for(lead_handler)}
    assert office_menu["督办管理"] == "2" and handler_menu["督办回复"] == "2"
    assert menu_counts(lead_handler)["supervision_inbox"] == 2


# --- an unregistered matter ---------------------------------------------------------------------------------------------
def test_office_issues_a_written_supervision_of_an_unregistered_matter_and_lands_on_the_notice(client, office_clerk):
    client.force_login(office_clerk)
    assert client.get(ISSUE).status_code == 200
    response = client.post(ISSUE, {"department": "anshun-scjg", "form": "written", "content": "企业反映的事项未登记。"})
    supervision = Supervision.objects.get()
    assert response.status_code == 302 and response.url == notice_url(supervision)
    assert supervision.ticket is None and supervision.trigger == "unregistered"


def test_unregistered_phone_supervision_goes_back_to_the_board(client, office_clerk):
    client.force_login(office_clerk)
    response = client.post(ISSUE, {"department": "anshun-sw", "form": "phone", "content": "电话督办"})
    assert response.status_code == 302 and response.url == BOARD


def test_unregistered_bad_input_shows_errors_and_saves_nothing(client, office_clerk):
    client.force_login(office_clerk)
    response = client.post(ISSUE, {"department": "puding-scjg", "form": "", "content": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "请选择列表中的部门" in page and "请选择督办方式" in page and "请填写督办事项及要求" in page
    assert not Supervision.objects.exists()


def test_unregistered_form_is_for_the_office_only(client, lead_handler, government_user):
    for user in (lead_handler, government_user):
        client.force_login(user)
        assert client.get(ISSUE).status_code == 403
        assert client.post(ISSUE, {"department": "anshun-scjg", "form": "written", "content": "x"}).status_code == 403
    assert not Supervision.objects.exists()
    assert client.put(ISSUE).status_code == 405


# --- the department's inbox and the answer -------------------------------------------------------------------------------
def test_inbox_lists_unanswered_first_and_answers(client, office_clerk, lead_handler, ticket):
    with time_machine.travel(datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False):
        done = supervise(office_clerk, ticket, content="第一次")
        supervision_answer(actor=lead_handler, supervision=done, content="已回复第一次")
    with time_machine.travel(datetime(2026, 11, 3, 10, 0, tzinfo=SH), tick=False):
        open_one = supervise(office_clerk, ticket, content="第二次")
        client.force_login(lead_handler)
        page = client.get(INBOX).content.decode()
        assert page.index(open_one.number) < page.index(done.number)
        assert page.count('data-testid="answer-form"') == 1 and "1 件待回复" in page
        response = client.post(answer_url(open_one), {f"s{open_one.pk}-content": "已约谈企业，三日内办结"})
    assert response.status_code == 302 and response.url == INBOX
    open_one.refresh_from_db()
    assert open_one.answer == "已约谈企业，三日内办结" and open_one.answered_by == lead_handler
    assert TicketEvent.objects.filter(ticket=ticket, action="supervision_answer").exists()


def test_inbox_answer_twice_is_refused_with_a_message(client, office_clerk, lead_handler, ticket):
    supervision = supervise(office_clerk, ticket)
    supervision_answer(actor=lead_handler, supervision=supervision, content="已回复")
    client.force_login(lead_handler)
    response = client.post(answer_url(supervision), {f"s{supervision.pk}-content": "再次回复"})
    assert response.status_code == 302 and any("已回复" in m for m in flashed(response))
    assert Supervision.objects.get().answer == "已回复"


def test_empty_answer_shows_the_error_next_to_the_field(client, office_clerk, lead_handler, ticket):
    supervision = supervise(office_clerk, ticket)
    client.force_login(lead_handler)
    response = client.post(answer_url(supervision), {f"s{supervision.pk}-content": "   "})
    assert response.status_code == 200 and "请填写回复内容" in response.content.decode()
    assert Supervision.objects.get().answered_at is None


def test_answer_by_others(client, office_clerk, lead_handler, other_handler, outsider, ticket):
    supervision = supervise(office_clerk, ticket)
    client.force_login(outsider)
    assert client.post(answer_url(supervision), {f"s{supervision.pk}-content": "x"}).status_code == 404
    client.force_login(other_handler)  # not addressed and not on the ticket: nothing to see
    assert client.post(answer_url(supervision), {f"s{supervision.pk}-content": "x"}).status_code == 404
    client.force_login(office_clerk)  # the issuing office reads it but does not answer it
    assert client.post(answer_url(supervision), {f"s{supervision.pk}-content": "x"}).status_code == 403
    client.force_login(lead_handler)
    assert client.get(answer_url(supervision)).status_code == 405
    assert Supervision.objects.get().answered_at is None


def test_inbox_query_count_does_not_grow_with_rows(client, office_clerk, lead_handler, ticket, django_assert_max_num_queries):
    supervise(office_clerk, ticket)
    client.force_login(lead_handler)
    with CaptureQueriesContext(connection) as few:
        assert client.get(INBOX).status_code == 200
    for _ in range(5):
        supervise(office_clerk, ticket)
    with django_assert_max_num_queries(len(few)):
        response = client.get(INBOX)
    assert response.content.decode().count('data-testid="answer-form"') == 6


def test_inbox_is_for_handlers_and_offices(client, specialist, government_user, enterprise_user, lead_handler):
    for user in (specialist, government_user, enterprise_user):
        client.force_login(user)
        assert client.get(INBOX).status_code == 403
    client.force_login(lead_handler)
    assert "暂无向本部门发出的督办" in client.get(INBOX).content.decode()


def test_county_office_answers_the_citys_supervision_in_its_inbox(client, office_clerk, county_office):
    xixiu = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    county_ticket = handling_ticket(county_office, xixiu, registrar=xixiu, channel="department", domain="market")
    supervision = supervision_raise_automatic(
        ticket=county_ticket, trigger="below_standard", department=department("xixiu-zwfw"), content="抽访不合格",
        key="sampled_callback:test", now=timezone.now(), region=office_clerk.department.region,
    )
    client.force_login(county_office)
    assert supervision.number in client.get(INBOX).content.decode()
    response = client.post(answer_url(supervision), {f"s{supervision.pk}-content": "已整改"})
    assert response.status_code == 302 and Supervision.objects.get().answered_by == county_office


# --- the printable notice -----------------------------------------------------------------------------------------------
def test_notice_prints_office_number_department_matter_requirement_and_due(client, office_clerk, lead_handler, ticket):
    with time_machine.travel(datetime(2026, 9, 30, 15, 0, tzinfo=SH), tick=False):
        supervision = supervise(office_clerk, ticket, content="请书面说明超期原因")
    for user in (office_clerk, lead_handler):
        client.force_login(user)
        response = client.get(notice_url(supervision))
        assert response.status_code == 200
        page = response.content.decode()
        assert "安顺市“企业之家”联合服务工作机制办公室" in page and "督办通知书" in page
        assert supervision.number in page and "市市场监督管理局" in page and ticket.number in page
        assert "请书面说明超期原因" in page and "2026年10月9日 23:59" in page
        assert "@page" in page and "size: A4" in page
        assert 'id="sidebar"' not in page  # no menus on paper


def test_county_notice_names_the_county_office(client, county_office):
    xixiu = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    county_ticket = handling_ticket(county_office, xixiu, registrar=xixiu, channel="department", domain="market")
    supervision = supervise(county_office, county_ticket)
    client.force_login(county_office)
    assert "西秀区“企业之家”联合服务工作机制办公室" in client.get(notice_url(supervision)).content.decode()


def test_notice_of_an_unregistered_matter(client, office_clerk):
    from supervision.services import supervision_issue_unregistered

    supervision = supervision_issue_unregistered(actor=office_clerk, department="anshun-sw", content="窗口未登记")
    client.force_login(office_clerk)
    page = client.get(notice_url(supervision)).content.decode()
    assert "企业反映事项未按规定登记" in page and "国家税务总局安顺市税务局" in page


def test_notice_access(client, office_clerk, outsider, enterprise_user, other_handler, ticket):
    supervision = supervise(office_clerk, ticket)
    client.force_login(outsider)
    assert client.get(notice_url(supervision)).status_code == 404
    client.force_login(other_handler)
    assert client.get(notice_url(supervision)).status_code == 404
    assert client.get(reverse("supervision:notice", args=[999999])).status_code == 404
    client.force_login(enterprise_user)
    assert client.get(notice_url(supervision)).status_code == 403
    client.force_login(office_clerk)
    assert client.post(notice_url(supervision)).status_code == 405
