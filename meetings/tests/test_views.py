"""The meeting screens: list, create, the meeting's page, items, hold, cancel, decide, follow-up, the entrepreneur
meeting's draw, the printable minutes, the registration of a demand raised at a meeting, the ticket page's meetings
and the office's board."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict
from meetings import services
from meetings.models import AgendaItem, Meeting
from meetings.tests.helpers import analysis, held_with_tickets, three_tickets
from tickets.models import Demand
from tickets.tests.helpers import DEFAULTS, dispatched_ticket, register

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


# --- list -----------------------------------------------------------------------------------------------------------
def test_the_region_staff_list_meetings_filtered_by_kind_and_state(client, office_clerk, lead_handler, county_office):
    analysis(office_clerk, title="研判会甲")
    held_with_tickets(office_clerk, three_tickets(office_clerk))
    analysis(county_office, title="西秀区研判会", departments=["xixiu-scjg"])
    page = text(logged_in(client, lead_handler).get(reverse("meetings:list")))
    assert "研判会甲" in page and "十二月企业诉求分析研判会" in page and "西秀区研判会" not in page
    held = text(client.get(reverse("meetings:list") + "?state=held"))
    assert "研判会甲" not in held and "十二月企业诉求分析研判会" in held
    assert "研判会甲" not in text(client.get(reverse("meetings:list") + "?kind=special"))


def test_the_list_costs_the_same_however_many_meetings(client, office_clerk, django_assert_max_num_queries):
    for n in range(4):
        held_with_tickets(office_clerk, three_tickets(office_clerk), minutes=f"纪要{n}")
    logged_in(client, office_clerk)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("meetings:list"))
    assert response.status_code == 200 and text(response).count('data-testid="meeting-row"') == 4


def test_outside_roles_get_403(client, enterprise_user, office_clerk):
    meeting = analysis(office_clerk)
    logged_in(client, enterprise_user)
    assert client.get(reverse("meetings:list")).status_code == 403
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 403


def test_another_regions_meeting_is_404(client, office_clerk, county_office):
    meeting = analysis(office_clerk)
    logged_in(client, county_office)
    for name in ("detail", "minutes", "hold", "cancel", "edit", "draw"):
        assert client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 404, name


# --- call, edit ------------------------------------------------------------------------------------------------------
def form_body(**overrides):
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    body = {"kind": "analysis", "title": "本周分析研判会", "starts_at": start, "place": "三楼会议室",
            "departments": ["anshun-scjg", "anshun-sw"], "enterprises": "", "chair": "", "ticket": ""}
    body.update(overrides)
    return body


def test_office_creates_a_meeting_from_the_form(client, office_clerk):
    logged_in(client, office_clerk)
    page = text(client.get(reverse("meetings:create")))
    assert 'value="analysis"' in page and 'value="special"' not in page  # only the kinds the office holds
    response = client.post(reverse("meetings:create"), form_body())
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert meeting.kind == "analysis" and meeting.departments.count() == 2


def test_bad_input_keeps_what_was_typed_and_saves_nothing(client, office_clerk):
    logged_in(client, office_clerk)
    response = client.post(reverse("meetings:create"), form_body(title="", kind="coordination", ticket="GD-NONE"))
    page = text(response)
    assert response.status_code == 200 and "请填写会议名称。" in page and "工单“GD-NONE”不存在或无权查看。" in page
    assert "三楼会议室" in page and Meeting.objects.count() == 0


def test_a_leader_may_not_call_a_meeting(client, leader):
    assert logged_in(client, leader).get(reverse("meetings:create")).status_code == 403


def test_the_lead_department_calls_a_coordination_meeting_on_its_ticket(client, office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk)
    logged_in(client, lead_handler)
    response = client.post(reverse("meetings:create"), form_body(kind="coordination", ticket=ticket.number))
    assert response.status_code == 302
    assert Meeting.objects.get().ticket == ticket


def test_edit_a_planned_meeting(client, office_clerk):
    meeting = analysis(office_clerk)
    logged_in(client, office_clerk)
    body = form_body(title="改名后的研判会")
    del body["kind"], body["ticket"]
    assert client.post(reverse("meetings:edit", args=[meeting.pk]), body).status_code == 302
    assert Meeting.objects.get().title == "改名后的研判会"


# --- items, hold, decide ------------------------------------------------------------------------------------------------
def test_items_are_added_on_the_meeting_page(client, office_clerk, lead_handler):
    meeting = analysis(office_clerk)
    ticket = dispatched_ticket(office_clerk)
    demand = register(office_clerk, title="企业反映用工难")
    logged_in(client, office_clerk)
    url = reverse("meetings:item_add", args=[meeting.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"ticket": ticket.number}).status_code == 302
    assert client.post(url, {"demand": demand.number}).status_code == 302
    bad = client.post(url, {"demand": demand.number, "title": "x"})
    assert bad.status_code == 400 and "只能填其中之一" in text(bad)
    page = text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    assert ticket.number in page and demand.number in page and page.count('data-testid="agenda-item"') == 2
    assert AgendaItem.objects.count() == 2
    # A handler reads the meeting but may not run it.
    logged_in(client, lead_handler)
    assert 'data-testid="item-form"' not in text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    assert client.post(url, {"title": "x"}).status_code == 403
    assert client.post(reverse("meetings:hold", args=[meeting.pk]), {"minutes": "x"}).status_code == 403


def test_hold_cancel_and_decide_through_the_forms(client, office_clerk, lead_handler):
    tickets = three_tickets(office_clerk)
    meeting = analysis(office_clerk)
    items = [services.meeting_add_item(actor=office_clerk, meeting=meeting, ticket=t.pk) for t in tickets]
    logged_in(client, office_clerk)
    decide = reverse("meetings:decide", args=[meeting.pk, items[0].pk])
    early = client.get(decide, follow=True)
    assert "召开后才能对议题作出决定" in text(early)
    assert client.post(reverse("meetings:hold", args=[meeting.pk]), {"minutes": ""}).status_code == 200
    assert Meeting.objects.get().state == "planned"
    assert client.post(reverse("meetings:hold", args=[meeting.pk]), {"minutes": "会议议定如下。"}).status_code == 302
    assert Meeting.objects.get().state == "held"
    missing = client.post(decide, {"outcome": "assigned", "decision": "限期办理", "department": ""})
    assert "明确责任单位限期办理时，请选择责任单位。" in text(missing)
    response = client.post(decide, {"outcome": "assigned", "decision": "限期办理", "department": "anshun-scjg",
                                    "due_working_days": "5"})
    assert response.status_code == 302
    item = AgendaItem.objects.get(pk=items[0].pk)
    assert item.outcome == "assigned" and item.due_date > timezone.localdate()
    page = text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    assert "明确责任单位限期办理" in page and "剩余" in page
    assert client.get(reverse("meetings:cancel", args=[meeting.pk]), follow=True).status_code == 200
    assert Meeting.objects.get().state == "held"
    # The responsible department records the follow-up.
    logged_in(client, lead_handler)
    follow = reverse("meetings:follow_up", args=[meeting.pk, items[0].pk])
    assert client.post(follow, {"note": "已办结并答复企业"}).status_code == 302
    assert AgendaItem.objects.get(pk=items[0].pk).followed_up_at is not None


def test_cancel_through_the_form(client, office_clerk):
    meeting = analysis(office_clerk)
    logged_in(client, office_clerk)
    assert client.post(reverse("meetings:cancel", args=[meeting.pk]), {"reason": ""}).status_code == 200
    assert client.post(reverse("meetings:cancel", args=[meeting.pk]), {"reason": "改期"}).status_code == 302
    assert Meeting.objects.get().state == "cancelled"


# --- minutes -------------------------------------------------------------------------------------------------------------
def test_the_printable_minutes_carry_the_offices_name(client, office_clerk):
    meeting, items = held_with_tickets(office_clerk, three_tickets(office_clerk), minutes="会议研究了三张工单。")
    services.item_decide(actor=office_clerk, meeting=meeting, item=items[0].pk, outcome="resolved", decision="当场解决")
    response = logged_in(client, office_clerk).get(reverse("meetings:minutes", args=[meeting.pk]))
    page = text(response)
    assert "安顺市“企业之家”联合服务工作机制办公室" in page
    assert "会议研究了三张工单。" in page and "当场解决" in page and page.count('data-testid="minutes-item"') == 3
    assert "meetings/minutes.css" in page and "<script>" not in page and "<style" not in page


# --- the entrepreneur meeting's draw ---------------------------------------------------------------------------------------
def test_pick_collected_demands_by_industry(client, office_clerk):
    from accounts.models import Enterprise
    from accounts.tests.factories import valid_uscc

    meeting = analysis(office_clerk, kind="entrepreneur", title="企业家见面会")
    hotel = register(office_clerk, title="酒店消防验收慢", enterprise_uscc=valid_uscc(31), enterprise_name="黄果树某酒店")
    factory = register(office_clerk, title="工厂用电报装", enterprise_uscc=valid_uscc(32), enterprise_name="某制造公司")
    Enterprise.objects.filter(pk=hotel.enterprise_id).update(industry_id="H")
    Enterprise.objects.filter(pk=factory.enterprise_id).update(industry_id="C")
    today = timezone.localdate().isoformat()
    logged_in(client, office_clerk)
    url = reverse("meetings:draw", args=[meeting.pk])
    page = text(client.get(url, {"start": today, "end": today, "sector": "tourism"}))
    assert "酒店消防验收慢" in page and "工厂用电报装" not in page and "旅游业" in page
    assert client.post(url, {"start": today, "end": today, "sector": "tourism"}).status_code == 400
    response = client.post(url, {"start": today, "end": today, "sector": "tourism", "demands": [str(hotel.pk)]})
    assert response.status_code == 302
    assert list(AgendaItem.objects.values_list("demand_id", flat=True)) == [hotel.pk]


# --- demands raised at the meeting ------------------------------------------------------------------------------------------
def test_register_a_demand_raised_at_the_meeting(client, office_clerk):
    meeting = analysis(office_clerk)
    logged_in(client, office_clerk)
    detail = text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    link = f'{reverse("tickets:register")}?meeting={meeting.pk}'
    assert link in detail
    form = text(client.get(link))
    assert 'data-testid="register-meeting"' in form and meeting.title in form
    assert f'name="meeting" value="{meeting.pk}"' in form
    body = {
        "channel": "department", "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "enterprise_name": DEFAULTS["enterprise_name"], "enterprise_uscc": DEFAULTS["enterprise_uscc"],
        "requester_name": "王先生", "requester_phone": "13800000000", "title": "会上企业反映融资难",
        "content": DEFAULTS["content"], "domain": "financing", "first_contact_department": "anshun-zwfw",
        "meeting": str(meeting.pk),
    }
    response = client.post(reverse("tickets:register"), body)
    assert response.status_code == 302, text(response)
    demand = Demand.objects.get(title="会上企业反映融资难")
    assert demand.meeting_id == meeting.pk
    page = text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    assert demand.number in page and demand.get_state_display() in page
    demand_page = text(client.get(reverse("tickets:demand_detail", args=[demand.pk])))
    assert 'data-testid="demand-meeting"' in demand_page and meeting.title in demand_page


# --- the ticket's page ---------------------------------------------------------------------------------------------------
def test_the_ticket_page_lists_its_meetings(client, office_clerk, lead_handler):
    tickets = three_tickets(office_clerk)
    meeting, items = held_with_tickets(office_clerk, tickets)
    services.item_decide(actor=office_clerk, meeting=meeting, item=items[0].pk, outcome="to_government",
                         decision="报市人民政府研究")
    page = text(logged_in(client, lead_handler).get(reverse("tickets:ticket_detail", args=[tickets[0].pk])))
    assert 'data-testid="ticket-meetings"' in page and meeting.title in page and "报市人民政府研究" in page
    other = text(client.get(reverse("tickets:ticket_detail", args=[dispatched_ticket(office_clerk).pk])))
    assert 'data-testid="ticket-meeting"' not in other and "尚无会议研究本工单" in other


def test_the_lead_department_is_offered_a_coordination_meeting_on_the_ticket_page(client, office_clerk, lead_handler,
                                                                                   government_user):
    ticket = dispatched_ticket(office_clerk)
    page = text(logged_in(client, lead_handler).get(reverse("tickets:ticket_detail", args=[ticket.pk])))
    assert 'data-testid="call-coordination"' in page
    form = text(client.get(reverse("meetings:create") + f"?kind=coordination&ticket={ticket.number}"))
    assert f'value="{ticket.number}"' in form
    # The government office holds special meetings, not coordination ones: no button.
    page = text(logged_in(client, government_user).get(reverse("tickets:ticket_detail", args=[ticket.pk])))
    assert ticket.number in page and 'data-testid="call-coordination"' not in page


# --- the office's board ------------------------------------------------------------------------------------------------
def test_overdue_follow_ups_show_on_the_offices_board(client, office_clerk):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False):
        meeting, items = held_with_tickets(office_clerk, three_tickets(office_clerk))
        services.item_decide(actor=office_clerk, meeting=meeting, item=items[0].pk, outcome="assigned",
                             decision="限期答复企业", department="anshun-sw", due_date="2026-11-04")
    logged_in(client, office_clerk)
    with time_machine.travel(datetime.datetime(2026, 11, 4, 10, 0, tzinfo=SH), tick=False):
        page = text(client.get(reverse("meetings:list")))
        assert 'data-testid="meeting-overdue-item"' not in page
    with time_machine.travel(datetime.datetime(2026, 11, 6, 10, 0, tzinfo=SH), tick=False):
        page = text(client.get(reverse("meetings:list")))
        assert page.count('data-testid="meeting-overdue-item"') == 1 and "已超期" in page
        board = text(client.get(reverse("reports:dashboard") + "?region=anshun&from=2026-11-01&to=2026-11-06"))
        assert 'data-testid="meeting-overdue-item"' in board and "国家税务总局安顺市税务局" in board


# --- taking a matter off the agenda ----------------------------------------------------------------------------------
def test_the_holder_takes_an_item_off_a_planned_agenda_and_the_rest_move_up(client, office_clerk):
    tickets = three_tickets(office_clerk)
    meeting = analysis(office_clerk)
    items = [services.meeting_add_item(actor=office_clerk, meeting=meeting, ticket=t.pk) for t in tickets]
    url = reverse("meetings:item_remove", args=[meeting.pk, items[0].pk])
    assert logged_in(client, office_clerk).get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list("ticket_id", "position")) == [
        (tickets[1].pk, 1), (tickets[2].pk, 2)]
    page = text(client.get(reverse("meetings:detail", args=[meeting.pk])))
    assert "议题已移出本次会议。" in page and tickets[0].number not in page


def test_no_item_leaves_a_held_meeting_and_others_may_not_remove(client, office_clerk, lead_handler, leader):
    tickets = three_tickets(office_clerk)
    meeting, items = held_with_tickets(office_clerk, tickets)
    response = logged_in(client, office_clerk).post(reverse("meetings:item_remove", args=[meeting.pk, items[0].pk]))
    assert response.status_code == 302 and AgendaItem.objects.filter(meeting=meeting).count() == 3
    planned = analysis(office_clerk)
    item = services.meeting_add_item(actor=office_clerk, meeting=planned, title="园区用电保障")
    url = reverse("meetings:item_remove", args=[planned.pk, item.pk])
    assert logged_in(client, lead_handler).post(url).status_code == 403
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    other = reverse("meetings:item_remove", args=[planned.pk, items[0].pk])  # an item of another meeting
    assert logged_in(client, office_clerk).post(other).status_code == 404


def test_the_act_refuses_a_held_meeting_with_409(office_clerk):
    meeting, items = held_with_tickets(office_clerk, three_tickets(office_clerk))
    with pytest.raises(Conflict):
        services.meeting_remove_item(actor=office_clerk, meeting=meeting, item=items[0].pk)
