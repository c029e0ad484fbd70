"""The acts on meetings: who holds which kind, the states, the agenda, the decisions, their notifications and due
dates on the working-day calendar, the follow-up and the overdue board."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from core.errors import Conflict
from meetings import selectors, services
from meetings.models import AgendaItem, Meeting
from meetings.tests.helpers import analysis, held_with_tickets, three_tickets
from notifications.models import Notification
from tickets.tests.helpers import dispatched_ticket, register

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


# --- who calls which kind --------------------------------------------------------------------------------------------
def test_office_calls_an_analysis_meeting_planned_and_invites_the_departments(
        office_clerk, lead_handler, other_handler, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = analysis(office_clerk)
    assert meeting.state == Meeting.State.PLANNED
    assert meeting.region.code == "anshun"
    assert sorted(d.code for d in meeting.departments.all()) == ["anshun-scjg", "anshun-sw"]
    for handler in (lead_handler, other_handler):
        note = Notification.objects.get(recipient=handler)
        assert note.event == "meeting_invite" and meeting.title in note.title
    assert AuditEvent.objects.filter(action="meeting.create", object_id=str(meeting.pk)).exists()


@pytest.mark.parametrize("kind", ["analysis", "entrepreneur"])
def test_only_the_office_calls_analysis_and_entrepreneur_meetings(kind, lead_handler, government_user, specialist):
    for user in (lead_handler, government_user, specialist):
        with pytest.raises(PermissionDenied):
            analysis(user, kind=kind)


def test_special_scheduling_is_the_government_offices(government_user, office_clerk):
    meeting = analysis(government_user, kind="special", title="一事一议：某企业项目用地专项调度")
    assert meeting.kind == "special"
    with pytest.raises(PermissionDenied):
        analysis(office_clerk, kind="special")


def test_coordination_needs_a_ticket_and_is_held_by_its_lead_department_or_the_office(
        office_clerk, lead_handler, other_handler, scjg_specialist):
    ticket = dispatched_ticket(office_clerk)  # lead anshun-scjg
    with pytest.raises(ValidationError) as missing:
        analysis(lead_handler, kind="coordination")
    assert "协调会必须指定所协调的工单" in str(missing.value)
    by_lead = analysis(lead_handler, kind="coordination", ticket=ticket.pk, title="协调会：用地审批")
    by_specialist = analysis(scjg_specialist, kind="coordination", ticket=ticket.pk, title="协调会二")
    by_office = analysis(office_clerk, kind="coordination", ticket=ticket.pk, title="协调会三")
    assert {m.ticket_id for m in (by_lead, by_specialist, by_office)} == {ticket.pk}
    with pytest.raises((PermissionDenied, ValidationError)):
        analysis(other_handler, kind="coordination", ticket=ticket.pk)  # not the lead: cannot even read it


def test_a_leader_calls_no_meeting(leader):
    with pytest.raises(PermissionDenied):
        analysis(leader)


def test_bad_input_says_what_is_wrong_and_saves_nothing(office_clerk):
    with pytest.raises(ValidationError) as error:
        analysis(office_clerk, title="", place="", starts_at=None, departments=["anshun-nope", "puding-scjg"],
                 enterprises=["91520400MA6XXXXXXX"])
    messages = error.value.message_dict
    assert set(messages) >= {"title", "place", "starts_at", "departments", "enterprises"}
    assert messages["title"] == ["请填写会议名称。"]
    assert Meeting.objects.count() == 0
    with pytest.raises(ValidationError):
        analysis(office_clerk, kind="bogus")


def test_enterprises_are_invited_only_to_entrepreneur_meetings(office_clerk, enterprise_user):
    uscc = enterprise_user.enterprise.uscc
    with pytest.raises(ValidationError) as error:
        analysis(office_clerk, enterprises=[uscc])
    assert "只有企业家见面会邀请企业" in str(error.value)
    meeting = analysis(office_clerk, kind="entrepreneur", title="2026 年第四季度企业家见面会", enterprises=[uscc])
    assert list(meeting.enterprises.all()) == [enterprise_user.enterprise]


# --- states ----------------------------------------------------------------------------------------------------------
def test_hold_needs_minutes_and_happens_once(office_clerk):
    meeting = analysis(office_clerk)
    with pytest.raises(ValidationError) as error:
        services.meeting_hold(actor=office_clerk, meeting=meeting, minutes="  ")
    assert error.value.message_dict == {"minutes": ["请填写会议纪要。"]}
    meeting = services.meeting_hold(actor=office_clerk, meeting=meeting, minutes="会议议定三项事项。")
    assert meeting.state == Meeting.State.HELD and meeting.held_at and meeting.held_by == office_clerk
    with pytest.raises(Conflict):
        services.meeting_hold(actor=office_clerk, meeting=meeting, minutes="again")
    with pytest.raises(Conflict):
        services.meeting_cancel(actor=office_clerk, meeting=meeting, reason="晚了")


def test_cancel_needs_a_reason_and_a_cancelled_meeting_is_not_held(office_clerk, lead_handler,
                                                                    django_capture_on_commit_callbacks):
    meeting = analysis(office_clerk)
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=office_clerk, meeting=meeting, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_cancel(actor=office_clerk, meeting=meeting, reason="主要领导临时出差")
    assert meeting.state == Meeting.State.CANCELLED
    assert Notification.objects.filter(recipient=lead_handler, event="meeting_cancelled").exists()
    with pytest.raises(Conflict):
        services.meeting_hold(actor=office_clerk, meeting=meeting, minutes="x")
    with pytest.raises(Conflict):
        services.meeting_cancel(actor=office_clerk, meeting=meeting, reason="x")


def test_only_the_holder_of_the_kind_changes_its_state(office_clerk, government_user, lead_handler, county_office):
    meeting = analysis(office_clerk)
    for user in (government_user, lead_handler):
        with pytest.raises(PermissionDenied):
            services.meeting_hold(actor=user, meeting=meeting, minutes="x")
        with pytest.raises(PermissionDenied):
            services.meeting_cancel(actor=user, meeting=meeting, reason="x")
    from django.http import Http404

    with pytest.raises(Http404):  # another region's office: not even found
        services.meeting_hold(actor=county_office, meeting=meeting, minutes="x")
    special = analysis(government_user, kind="special")
    with pytest.raises(PermissionDenied):
        services.meeting_hold(actor=office_clerk, meeting=special, minutes="x")
    assert services.meeting_hold(actor=government_user, meeting=special, minutes="调度纪要").state == "held"


# --- the agenda ------------------------------------------------------------------------------------------------------
def test_items_are_a_demand_a_ticket_or_text_exactly_one(office_clerk):
    meeting = analysis(office_clerk)
    ticket = dispatched_ticket(office_clerk)
    demand = register(office_clerk, title="企业反映停车难")
    a = services.meeting_add_item(actor=office_clerk, meeting=meeting, ticket=ticket.pk)
    b = services.meeting_add_item(actor=office_clerk, meeting=meeting, demand=demand.pk)
    c = services.meeting_add_item(actor=office_clerk, meeting=meeting, title="研究优化营商环境督查事项")
    assert [i.position for i in (a, b, c)] == [1, 2, 3]
    for bad in ({}, {"ticket": ticket.pk, "title": "x"}, {"demand": demand.pk, "ticket": ticket.pk}):
        with pytest.raises(ValidationError):
            services.meeting_add_item(actor=office_clerk, meeting=meeting, **bad)
    with pytest.raises(ValidationError) as twice:
        services.meeting_add_item(actor=office_clerk, meeting=meeting, ticket=ticket.pk)
    assert "已在本次会议议题中" in str(twice.value)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 3


def test_items_must_be_visible_to_the_user_and_of_the_region(office_clerk, county_office, lead_handler, other_handler):
    county_demand = register(county_office, title="县里的诉求")
    meeting = analysis(office_clerk)
    # The city office reads its counties' demands, but a meeting of the city takes the city's own.
    with pytest.raises(ValidationError) as error:
        services.meeting_add_item(actor=office_clerk, meeting=meeting, demand=county_demand.pk)
    assert error.value.message_dict == {"demand": ["诉求不存在、无权查看或不属于本区域。"]}
    # A coordination meeting of scjg cannot take a ticket scjg cannot read.
    own = dispatched_ticket(office_clerk)
    foreign = dispatched_ticket(office_clerk, lead="anshun-sw")
    coordination = analysis(lead_handler, kind="coordination", ticket=own.pk)
    with pytest.raises(ValidationError):
        services.meeting_add_item(actor=lead_handler, meeting=coordination, ticket=foreign.pk)
    with pytest.raises(ValidationError):
        services.meeting_add_item(actor=lead_handler, meeting=coordination, ticket=999999)


def test_items_are_added_only_while_planned(office_clerk):
    meeting, _ = held_with_tickets(office_clerk, three_tickets(office_clerk))
    with pytest.raises(Conflict):
        services.meeting_add_item(actor=office_clerk, meeting=meeting, title="会后补充")


# --- decisions -------------------------------------------------------------------------------------------------------
def test_deciding_before_the_meeting_is_held_is_refused(office_clerk):
    meeting = analysis(office_clerk)
    item = services.meeting_add_item(actor=office_clerk, meeting=meeting, title="议题")
    with pytest.raises(Conflict) as error:
        services.item_decide(actor=office_clerk, meeting=meeting, item=item.pk, outcome="resolved", decision="已解决")
    assert "召开后才能" in error.value.message


def test_assigned_needs_a_department_and_a_due_date(office_clerk):
    meeting, items = held_with_tickets(office_clerk, three_tickets(office_clerk))
    with pytest.raises(ValidationError) as error:
        services.item_decide(actor=office_clerk, meeting=meeting, item=items[0].pk, outcome="assigned", decision="限期办")
    assert error.value.message_dict == {
        "department": ["明确责任单位限期办理时，请选择责任单位。"],
        "due_date": ["明确责任单位限期办理时，请填写办理期限。"],
    }
    with pytest.raises(ValidationError) as error:
        services.item_decide(actor=office_clerk, meeting=meeting, item=items[0].pk, outcome="assigned",
                             decision="限期办", department="puding-scjg", due_date="2020-01-01")
    assert set(error.value.message_dict) == {"department", "due_date"}
    with pytest.raises(ValidationError) as error:
        services.item_decide(actor=office_clerk, meeting=meeting, item=items[0].pk, outcome="maybe", decision="")
    assert set(error.value.message_dict) == {"outcome", "decision"}
    assert not AgendaItem.objects.get(pk=items[0].pk).decided


def test_the_four_outcomes_are_recorded_and_decided_once(office_clerk):
    tickets = three_tickets(office_clerk)
    meeting, items = held_with_tickets(office_clerk, tickets)
    extra = AgendaItem.objects.create(meeting=meeting, position=4, title="文字议题", added_by=office_clerk)
    services.item_decide(actor=office_clerk, meeting=meeting, item=items[0].pk, outcome="resolved", decision="当场解决")
    services.item_decide(actor=office_clerk, meeting=meeting, item=items[1].pk, outcome="to_government",
                         decision="以联合服务工作机制办公室名义报市人民政府研究")
    services.item_decide(actor=office_clerk, meeting=meeting, item=items[2].pk, outcome="to_province",
                         decision="超出本级权限，向省级企业之家提出提级办理申请")
    services.item_decide(actor=office_clerk, meeting=meeting, item=extra.pk, outcome="assigned", decision="限期办理",
                         department="anshun-fgw", due_date=(datetime.date.today() + datetime.timedelta(days=30)).isoformat())
    outcomes = dict(AgendaItem.objects.filter(meeting=meeting).values_list("position", "outcome"))
    assert outcomes == {1: "resolved", 2: "to_government", 3: "to_province", 4: "assigned"}
    with pytest.raises(Conflict):
        services.item_decide(actor=office_clerk, meeting=meeting, item=items[0].pk, outcome="resolved", decision="again")


def test_an_assigned_ticket_item_notifies_the_lead_department_with_a_working_day_due(
        office_clerk, lead_handler, other_handler, django_capture_on_commit_callbacks):
    # Wed 2026-09-30 15:00: 2 working days later is Fri 2026-10-09 (the National Day holiday lies between).
    with time_machine.travel(datetime.datetime(2026, 9, 30, 15, 0, tzinfo=SH), tick=False):
        tickets = three_tickets(office_clerk)  # lead anshun-scjg
        meeting, items = held_with_tickets(office_clerk, tickets)
        Notification.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            item = services.item_decide(actor=office_clerk, meeting=meeting, item=items[0].pk, outcome="assigned",
                                        decision="由市税务局牵头会同市场监管局两个工作日内答复企业",
                                        department="anshun-sw", due_working_days=2)
    assert item.due_date == datetime.date(2026, 10, 9)
    assert AgendaItem.objects.filter(due_date=datetime.date(2026, 10, 9)).count() == 1
    lead_note = Notification.objects.get(recipient=lead_handler)
    assert lead_note.event == "meeting_assigned" and tickets[0].number in lead_note.title
    assert "2026年10月09日" in lead_note.body
    assert Notification.objects.get(recipient=other_handler).event == "meeting_assigned"  # the responsible department


def test_a_due_date_may_be_given_as_a_date_but_not_in_the_past(office_clerk):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False):
        meeting, items = held_with_tickets(office_clerk, three_tickets(office_clerk))
        with pytest.raises(ValidationError) as error:
            services.item_decide(actor=office_clerk, meeting=meeting, item=items[0].pk, outcome="assigned",
                                 decision="x", department="anshun-sw", due_date="2026-11-01")
        assert error.value.message_dict == {"due_date": ["办理期限不能早于今天。"]}
        item = services.item_decide(actor=office_clerk, meeting=meeting, item=items[0].pk, outcome="assigned",
                                    decision="x", department="anshun-sw", due_date="2026-11-20")
    assert item.due_date == datetime.date(2026, 11, 20) and not item.due_provisional


# --- follow-up and the office's board --------------------------------------------------------------------------------
def test_an_overdue_follow_up_shows_until_the_department_records_it(office_clerk, other_handler, lead_handler):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=SH), tick=False):
        meeting, items = held_with_tickets(office_clerk, three_tickets(office_clerk))
        services.item_decide(actor=office_clerk, meeting=meeting, item=items[0].pk, outcome="assigned",
                             decision="限期答复", department="anshun-sw", due_date="2026-11-04")
        region = office_clerk.department.region_id
        assert list(selectors.overdue_follow_ups(region)) == []
    with time_machine.travel(datetime.datetime(2026, 11, 4, 23, 0, tzinfo=SH), tick=False):
        assert list(selectors.overdue_follow_ups(region)) == []  # the due day has not ended
    with time_machine.travel(datetime.datetime(2026, 11, 5, 9, 0, tzinfo=SH), tick=False):
        overdue = list(selectors.overdue_follow_ups(region))
        assert [i.pk for i in overdue] == [items[0].pk] and overdue[0].overdue()
        with pytest.raises(PermissionDenied):  # not the responsible department
            services.item_follow_up(actor=lead_handler, meeting=meeting, item=items[0].pk, note="x")
        with pytest.raises(ValidationError):
            services.item_follow_up(actor=other_handler, meeting=meeting, item=items[0].pk, note="")
        services.item_follow_up(actor=other_handler, meeting=meeting, item=items[0].pk, note="已答复企业并办结")
        assert list(selectors.overdue_follow_ups(region)) == []
        with pytest.raises(Conflict):
            services.item_follow_up(actor=other_handler, meeting=meeting, item=items[0].pk, note="again")
        with pytest.raises(Conflict):  # undecided
            services.item_follow_up(actor=office_clerk, meeting=meeting, item=items[1].pk, note="x")


# --- demands raised at a meeting --------------------------------------------------------------------------------------
def test_a_demand_raised_at_a_meeting_is_linked_on_the_department_or_assigned_channel(office_clerk, county_office):
    from tickets.tests.helpers import DEFAULTS
    from tickets.workflow.policy_link import demand_register_linked

    meeting = analysis(office_clerk)
    body = {**DEFAULTS, "channel": "department"}
    demand, _ = demand_register_linked(actor=office_clerk, meeting=meeting.pk, **body)
    assert demand.meeting_id == meeting.pk
    assigned, _ = demand_register_linked(actor=office_clerk, meeting=str(meeting.pk), **{**body, "channel": "assigned"})
    assert assigned.meeting_id == meeting.pk
    assert list(meeting.demands.order_by("id")) == [demand, assigned]
    with pytest.raises(ValidationError) as error:
        demand_register_linked(actor=office_clerk, meeting=meeting.pk, **{**body, "channel": "hotline"})
    assert "部门反映" in str(error.value)
    with pytest.raises(ValidationError) as error:  # another region's office does not see it
        demand_register_linked(actor=county_office, meeting=meeting.pk, **body)
    assert error.value.message_dict["meeting"] == ["关联的会议不存在或不属于本区域。"]


def test_collected_demands_are_grouped_by_sector(office_clerk):
    from accounts.models import Enterprise
    from accounts.tests.factories import valid_uscc

    meeting = analysis(office_clerk, kind="entrepreneur", title="企业家见面会")
    made = {}
    for n, (section, title) in enumerate([("C", "制造企业用电"), ("H", "酒店消防验收"), ("A", "茶园用地"),
                                          ("I", "软件企业人才"), (None, "未注明行业的诉求")], start=20):
        demand = register(office_clerk, title=title, enterprise_uscc=valid_uscc(n), enterprise_name=f"企业{n}")
        Enterprise.objects.filter(pk=demand.enterprise_id).update(industry_id=section)
        made[title] = demand
    today = datetime.date.today()
    demands = selectors.collected_demands(office_clerk, meeting, start=today - datetime.timedelta(days=1), end=today)
    groups = {g["label"]: [d.title for d in g["demands"]] for g in selectors.group_by_sector(demands)}
    assert groups == {"工业": ["制造企业用电"], "服务业": ["软件企业人才"], "旅游业": ["酒店消防验收"],
                      "农业": ["茶园用地"], "未注明行业": ["未注明行业的诉求"]}
    tourism = selectors.collected_demands(office_clerk, meeting, start=today, end=today, sector="tourism")
    assert [d.title for d in tourism] == ["酒店消防验收"]
    services.meeting_add_demands(actor=office_clerk, meeting=meeting, demands=list(tourism))
    assert not selectors.collected_demands(office_clerk, meeting, start=today, end=today, sector="tourism").exists()


def test_the_ticket_lists_the_meetings_that_discussed_it(office_clerk):
    tickets = three_tickets(office_clerk)
    meeting, _ = held_with_tickets(office_clerk, tickets)
    assert [i.meeting_id for i in tickets[0].meeting_items.all()] == [meeting.pk]



def test_seed_demo_holds_an_analysis_meeting_and_plans_a_coordination_one(capsys):
    from django.core.management import call_command

    call_command("seed_demo", "--quiet-logins")
    held = Meeting.objects.get(kind="analysis")
    assert held.state == "held" and held.items.filter(ticket__isnull=False).count() == 3
    assigned = held.items.get(outcome="assigned")
    assert assigned.department_id and assigned.due_date
    assert held.items.filter(outcome="resolved").exists() and held.items.filter(outcome="to_government").exists()
    coordination = Meeting.objects.get(kind="coordination")
    assert coordination.state == "planned" and coordination.ticket_id
    count = Meeting.objects.count()
    call_command("seed_demo", "--quiet-logins")
    assert Meeting.objects.count() == count
    assert "本次新建 0 次" in capsys.readouterr().out


def test_an_item_resolved_at_the_meeting_needs_no_follow_up(office_clerk):
    meeting, items = held_with_tickets(office_clerk, three_tickets(office_clerk))
    services.item_decide(actor=office_clerk, meeting=meeting, item=items[0].pk, outcome="resolved", decision="当场解决")
    with pytest.raises(Conflict):
        services.item_follow_up(actor=office_clerk, meeting=meeting, item=items[0].pk, note="x")
    services.item_decide(actor=office_clerk, meeting=meeting, item=items[1].pk, outcome="to_government", decision="报市政府")
    item = services.item_follow_up(actor=office_clerk, meeting=meeting, item=items[1].pk, note="市政府专题会已研究")
    assert item.followed_up_at is not None
