"""The ticket list, the ticket page and the five actions posted from it (sign, object, reassign, refer, decide)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, department
from qiyezhijia.testing import flashed
from tickets import workflow
from tickets.models import Ticket
from tickets.tests.helpers import dispatched_ticket, disputed_ticket, handling_ticket, register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def detail_url(ticket):
    return reverse("tickets:ticket_detail", args=[ticket.pk])


def action_url(ticket, action):
    return reverse("tickets:ticket_action", args=[ticket.pk, action])


def state_of(ticket):
    return Ticket.objects.get(pk=ticket.pk).state


def government_decision_ticket(office, handler):
    ticket = disputed_ticket(office, handler)
    return workflow.ticket_refer_to_government(actor=office, ticket=ticket, note="两部门均认为不属于本部门职责")


# --- the list ------------------------------------------------------------------------------------------------------
def test_office_lists_the_regions_tickets_with_enterprise_and_lead(client, office_clerk, lead_handler):
    with time_machine.travel(datetime(2026, 11, 16, 9, 0, tzinfo=SH), tick=False):
        ticket = dispatched_ticket(office_clerk, enterprise_name="安顺云帆物流有限公司")
        client.force_login(office_clerk)
        response = client.get(reverse("tickets:ticket_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert ticket.number in body and "安顺云帆物流有限公司" in body and "市市场监督管理局" in body
    assert "剩余 2 个工作日" in body  # signed by Wed 18 Nov
    assert "共 1 条" in body


def test_handler_lists_only_tickets_of_its_department(client, office_clerk, lead_handler, other_handler):
    mine = dispatched_ticket(office_clerk, lead="anshun-scjg")
    theirs = dispatched_ticket(office_clerk, lead="anshun-sw")
    client.force_login(lead_handler)
    body = client.get(reverse("tickets:ticket_list")).content.decode()
    assert mine.number in body and theirs.number not in body


@pytest.mark.parametrize("who", ["enterprise_user", "platform_admin"])
def test_roles_without_a_ticket_list_get_403(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("tickets:ticket_list")).status_code == 403


def test_list_filters_by_state_category_lead_and_overdue(client, office_clerk, lead_handler):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SH), tick=False):
        late = dispatched_ticket(office_clerk, category="complaint", title="逾期未签收的投诉")
    fresh = dispatched_ticket(office_clerk, lead="anshun-sw", category="consultation", title="刚派出的咨询")
    handling = handling_ticket(office_clerk, lead_handler, title="已签收办理中")
    client.force_login(office_clerk)
    url = reverse("tickets:ticket_list")

    def numbers(**params):
        body = client.get(url, params).content.decode()
        return {t.number for t in (late, fresh, handling) if t.number in body}

    assert numbers() == {late.number, fresh.number, handling.number}
    assert numbers(state="handling") == {handling.number}
    assert numbers(category="consultation") == {fresh.number}
    assert numbers(lead_department="anshun-sw") == {fresh.number}
    assert numbers(overdue="on") == {late.number}
    assert numbers(q="刚派出") == {fresh.number}


def test_list_ignores_bad_filter_values_with_a_message(client, office_clerk):
    ticket = dispatched_ticket(office_clerk)
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:ticket_list"), {"state": "lost", "lead_department": "nope", "page": "x"})
    assert response.status_code == 200
    body = response.content.decode()
    assert ticket.number in body
    assert "筛选条件“状态”、“牵头部门”的值无效，已忽略。" in body


def test_list_is_sorted_by_the_running_clock(client, office_clerk):
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=SH), tick=False):
        later = dispatched_ticket(office_clerk, title="后到期")
    with time_machine.travel(datetime(2026, 11, 16, 9, 0, tzinfo=SH), tick=False):
        sooner = dispatched_ticket(office_clerk, title="先到期")
    client.force_login(office_clerk)
    body = client.get(reverse("tickets:ticket_list")).content.decode()
    assert body.index(sooner.number) < body.index(later.number)


def test_list_query_count_does_not_grow_with_rows(client, office_clerk, django_assert_max_num_queries):
    for i in range(10):
        dispatched_ticket(office_clerk, co=("anshun-sw",), title=f"第{i}件工单", enterprise_name=f"企业{i}有限公司")
    client.force_login(office_clerk)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("tickets:ticket_list"))
    assert response.content.decode().count('href="/tickets/') >= 20


# --- the page ------------------------------------------------------------------------------------------------------
def test_lead_handler_sees_the_demand_the_clock_and_its_two_actions(client, office_clerk, lead_handler, specialist):
    ticket = dispatched_ticket(office_clerk, registrar=specialist, co=("anshun-sw",))
    client.force_login(lead_handler)
    response = client.get(detail_url(ticket))
    assert response.status_code == 200
    body = response.content.decode()
    assert ticket.demands.get().number in body and "公司新开办，申领税控设备" in body
    assert "国家税务总局安顺市税务局" in body and "未确认" in body
    assert 'data-testid="action-sign"' in body and 'data-testid="action-object"' in body
    for other in ("reassign", "refer_to_government", "decide_lead"):
        assert f'data-testid="action-{other}"' not in body
    assert "派单" in body  # the timeline


@pytest.mark.parametrize(
    ("build", "who", "expected", "nothing_else"),
    [
        ("dispatched", "office_clerk", set(), True),
        ("dispatched", "other_handler", None, True),
        ("disputed", "office_clerk", {"reassign", "refer_to_government"}, True),
        ("disputed", "lead_handler", set(), True),
        ("government", "office_clerk", {"reassign"}, True),
        ("government", "government_user", {"decide_lead"}, True),
        # While handling, the lead has the second half's actions (close, extension …), none of these five.
        ("handling", "lead_handler", set(), False),
        ("handling", "specialist", set(), True),
    ],
)
def test_only_the_actions_this_user_may_take_now_are_offered(client, request, office_clerk, lead_handler, build, who, expected,
                                                              nothing_else):
    ticket = {
        "dispatched": lambda: dispatched_ticket(office_clerk),
        "disputed": lambda: disputed_ticket(office_clerk, lead_handler),
        "government": lambda: government_decision_ticket(office_clerk, lead_handler),
        "handling": lambda: handling_ticket(office_clerk, lead_handler),
    }[build]()
    client.force_login(request.getfixturevalue(who))
    response = client.get(detail_url(ticket))
    if expected is None:
        assert response.status_code == 404
        return
    body = response.content.decode()
    offered = {name for name in ("sign", "object", "reassign", "refer_to_government", "decide_lead")
               if f'data-testid="action-{name}"' in body}
    assert offered == expected
    # Besides these five, the office may supervise and urge an open ticket and a specialist urge it (SPEC §7).
    supervising = {"office_clerk": True, "specialist": True}.get(who, False)
    assert ("当前没有需要您进行的操作" in body) == (not expected and nothing_else and not supervising)


@pytest.mark.parametrize("who", ["outsider", "other_handler", "county_office"])
def test_outsiders_get_404_on_the_ticket_page(client, request, office_clerk, who):
    ticket = dispatched_ticket(office_clerk, lead="anshun-scjg")
    client.force_login(request.getfixturevalue(who))
    assert client.get(detail_url(ticket)).status_code == 404


def test_enterprise_sees_its_ticket_without_internal_entries_or_actions(client, office_clerk, lead_handler, enterprise_user):
    demand = register(enterprise_user, channel="online")
    workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="coordination", lead_department="anshun-scjg")
    ticket = Ticket.objects.get(demands=demand)
    workflow.ticket_object(actor=lead_handler, ticket=ticket, reason="内部异议理由不给企业看")
    client.force_login(enterprise_user)
    response = client.get(detail_url(ticket))
    assert response.status_code == 200
    body = response.content.decode()
    assert demand.title in body
    assert 'data-testid="dispute"' not in body  # the dispute card is for staff
    assert "可进行的操作" not in body and "data-testid=\"action-" not in body


def test_a_supervisor_follows_its_own_registration_without_internal_details(client, office_clerk, lead_handler):
    supervisor = UserFactory(role=Role.SUPERVISOR, department=department("anshun-zwfw"))
    demand = register(supervisor, channel="supervisor")
    workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="coordination", lead_department="anshun-scjg")
    ticket = workflow.ticket_object(actor=lead_handler, ticket=Ticket.objects.get(demands=demand), reason="不属本部门")
    client.force_login(supervisor)
    body = client.get(detail_url(ticket)).content.decode()
    assert demand.title in body
    assert 'data-testid="dispute"' not in body and 'data-testid="actions"' not in body


def test_internal_timeline_entries_show_to_staff_only(client, office_clerk, lead_handler, enterprise_user):
    demand = register(enterprise_user, channel="online")
    workflow.demand_consult(actor=office_clerk, demand=demand, departments=["anshun-scjg"])
    workflow.demand_give_opinion(actor=lead_handler, demand=demand, content="内部会商意见：建议市场监管牵头")
    workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="coordination", lead_department="anshun-scjg")
    ticket = Ticket.objects.get(demands=demand)
    client.force_login(office_clerk)
    assert "内部会商意见" in client.get(detail_url(ticket)).content.decode()
    client.force_login(enterprise_user)
    assert "内部会商意见" not in client.get(detail_url(ticket)).content.decode()


def test_provisional_deadline_is_warned(client, office_clerk, lead_handler):
    # 2041 has no official holiday data: every due instant computed over it is provisional.
    with time_machine.travel(datetime(2041, 3, 4, 10, 0, tzinfo=SH), tick=False):
        ticket = dispatched_ticket(office_clerk)
        assert ticket.sign_due_provisional
        # Fifteen years on, the persona's password would be stale (SECURITY.md §2): it changed it that day.
        User.objects.filter(pk=lead_handler.pk).update(password_changed_at=timezone.now())
        client.force_login(lead_handler)
        body = client.get(detail_url(ticket)).content.decode()
    assert "该年度官方节假日安排尚未录入，期限为暂定" in body


def test_no_provisional_warning_with_official_data(client, office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk)
    assert not ticket.sign_due_provisional
    client.force_login(lead_handler)
    assert "期限为暂定" not in client.get(detail_url(ticket)).content.decode()


def test_merged_demands_all_show_on_the_ticket_page(client, office_clerk, specialist):
    ticket = dispatched_ticket(office_clerk, title="第一次反映")
    second = register(specialist, title="第二次反映同一事项")
    workflow.demand_merge(actor=office_clerk, demand=second, into=ticket,
                          consent={"by": "王先生", "method": "phone", "at": datetime(2026, 11, 20, 9, 0, tzinfo=SH)})
    client.force_login(office_clerk)
    body = client.get(detail_url(ticket)).content.decode()
    assert "第一次反映" in body and "第二次反映同一事项" in body and "合并的诉求" in body


# --- the actions ---------------------------------------------------------------------------------------------------
def test_sign_moves_the_ticket_to_handling(client, office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk)
    client.force_login(lead_handler)
    response = client.post(action_url(ticket, "sign"))
    assert response.status_code == 302 and response.url == detail_url(ticket)
    assert state_of(ticket) == Ticket.State.HANDLING
    assert any("已签收工单" in m for m in flashed(response))
    assert "办理中" in client.get(detail_url(ticket)).content.decode()


def test_object_records_the_reason(client, office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk)
    client.force_login(lead_handler)
    response = client.post(action_url(ticket, "object"), {"object-reason": "属于税务部门职责"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.DISPUTED and ticket.dispute_reason == "属于税务部门职责"


def test_object_without_a_reason_shows_the_error_and_saves_nothing(client, office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk)
    client.force_login(lead_handler)
    response = client.post(action_url(ticket, "object"), {"object-reason": "   "})
    assert response.status_code == 200
    body = response.content.decode()
    assert "请填写异议理由。" in body
    assert 'class="collapse action-form show" id="action-object"' in body  # the form stays open with its error
    assert state_of(ticket) == Ticket.State.DISPATCHED


def test_reassign_sends_a_disputed_ticket_to_a_new_lead(client, office_clerk, lead_handler):
    ticket = disputed_ticket(office_clerk, lead_handler)
    client.force_login(office_clerk)
    response = client.post(action_url(ticket, "reassign"), {"reassign-lead_department": "anshun-sw", "reassign-note": "经协调"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.DISPATCHED and ticket.lead_department.code == "anshun-sw"
    assert any("已重新派至国家税务总局安顺市税务局" in m for m in flashed(response))


def test_reassign_to_a_department_of_another_region_is_refused_next_to_the_field(client, office_clerk, lead_handler):
    ticket = disputed_ticket(office_clerk, lead_handler)
    client.force_login(office_clerk)
    response = client.post(action_url(ticket, "reassign"), {"reassign-lead_department": "xixiu-scjg"})
    assert response.status_code == 200
    assert "请选择列表中的部门。" in response.content.decode()
    assert state_of(ticket) == Ticket.State.DISPUTED


def test_workflow_errors_are_shown_next_to_the_field(client, office_clerk, lead_handler):
    ticket = disputed_ticket(office_clerk, lead_handler)
    client.force_login(office_clerk)
    response = client.post(
        action_url(ticket, "reassign"),
        {"reassign-lead_department": "anshun-sw", "reassign-co_departments": ["anshun-sw"]},
    )
    assert response.status_code == 200
    assert "已是牵头部门，不能同时作为协办部门" in response.content.decode()
    assert state_of(ticket) == Ticket.State.DISPUTED


def test_refer_to_government_needs_a_note_then_moves_the_ticket(client, office_clerk, lead_handler):
    ticket = disputed_ticket(office_clerk, lead_handler)
    client.force_login(office_clerk)
    response = client.post(action_url(ticket, "refer_to_government"), {"refer_to_government-note": ""})
    assert response.status_code == 200 and "请填写协调情况说明。" in response.content.decode()
    assert state_of(ticket) == Ticket.State.DISPUTED
    response = client.post(action_url(ticket, "refer_to_government"), {"refer_to_government-note": "协调未果"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.GOVERNMENT_DECISION and ticket.referral_note == "协调未果"


def test_government_decides_the_lead(client, office_clerk, lead_handler, government_user):
    ticket = government_decision_ticket(office_clerk, lead_handler)
    client.force_login(government_user)
    response = client.post(action_url(ticket, "decide_lead"), {"decide_lead-lead_department": "anshun-zrzy"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.DISPATCHED and ticket.lead_department.code == "anshun-zrzy"
    assert any("市自然资源局" in m for m in flashed(response))


@pytest.mark.parametrize(
    ("build", "actor", "action", "data"),
    [
        ("handling", "lead_handler", "sign", {}),
        ("disputed", "lead_handler", "object", {"object-reason": "再次异议"}),
        ("dispatched", "office_clerk", "reassign", {"reassign-lead_department": "anshun-sw"}),
        ("government", "office_clerk", "refer_to_government", {"refer_to_government-note": "再报"}),
        ("disputed", "government_user", "decide_lead", {"decide_lead-lead_department": "anshun-sw"}),
    ],
)
def test_an_action_from_a_refused_state_explains_and_changes_nothing(
    client, request, office_clerk, lead_handler, build, actor, action, data
):
    ticket = {
        "dispatched": lambda: dispatched_ticket(office_clerk),
        "disputed": lambda: disputed_ticket(office_clerk, lead_handler),
        "government": lambda: government_decision_ticket(office_clerk, lead_handler),
        "handling": lambda: handling_ticket(office_clerk, lead_handler),
    }[build]()
    before, entries = state_of(ticket), ticket.events.count()
    client.force_login(request.getfixturevalue(actor))
    response = client.post(action_url(ticket, action), data)
    assert response.status_code == 302 and response.url == detail_url(ticket)
    assert any("不能" in m for m in flashed(response))
    assert state_of(ticket) == before
    assert ticket.events.count() == entries


@pytest.mark.parametrize(
    ("actor", "action"),
    [("office_clerk", "sign"), ("specialist", "object"), ("lead_handler", "reassign"), ("government_user", "refer_to_government"),
     ("office_clerk", "decide_lead")],
)
def test_wrong_role_gets_403(client, request, office_clerk, actor, action):
    ticket = dispatched_ticket(office_clerk)
    client.force_login(request.getfixturevalue(actor))
    assert client.post(action_url(ticket, action), {}).status_code == 403
    assert state_of(ticket) == Ticket.State.DISPATCHED


def test_enterprise_cannot_act_on_its_own_ticket(client, office_clerk, enterprise_user):
    demand = register(enterprise_user, channel="online")
    workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="coordination", lead_department="anshun-scjg")
    ticket = Ticket.objects.get(demands=demand)
    client.force_login(enterprise_user)
    assert client.post(action_url(ticket, "sign")).status_code == 403


@pytest.mark.parametrize("who", ["outsider", "other_handler"])
def test_outsider_posting_an_action_gets_404(client, request, office_clerk, who):
    ticket = dispatched_ticket(office_clerk, lead="anshun-scjg")
    client.force_login(request.getfixturevalue(who))
    assert client.post(action_url(ticket, "sign")).status_code == 404
    assert state_of(ticket) == Ticket.State.DISPATCHED


def test_unknown_action_is_404(client, office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk)
    client.force_login(lead_handler)
    assert client.post(action_url(ticket, "close_everything")).status_code == 404


def test_get_on_an_action_is_405(client, office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk)
    client.force_login(lead_handler)
    assert client.get(action_url(ticket, "sign")).status_code == 405
    assert state_of(ticket) == Ticket.State.DISPATCHED


def test_anonymous_visitor_is_sent_to_login(client, office_clerk):
    ticket = dispatched_ticket(office_clerk)
    response = client.get(detail_url(ticket))
    assert response.status_code == 302 and "login" in response.url


def test_county_handler_acts_on_county_tickets(client, county_office):
    handler = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    registrar = UserFactory(role=Role.HANDLER, department=department("xixiu-fgj"))
    ticket = dispatched_ticket(county_office, registrar=registrar, lead="xixiu-scjg", channel="department")
    client.force_login(handler)
    assert client.post(action_url(ticket, "sign")).status_code == 302
    assert state_of(ticket) == Ticket.State.HANDLING
