"""The workbench at `/`: what waits for each staff role, by due, scoped as its lists; the enterprise's home."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from notifications.models import Notification
from tickets import workflow
from tickets.tests.handling_states import enterprise_ticket, pending_extension
from tickets.tests.helpers import (
    closed_ticket,
    dispatched_ticket,
    handling_ticket,
    register,
)

HOME = reverse("accounts:home")
SH = ZoneInfo("Asia/Shanghai")


def page(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response, response.content.decode()


def section(html, key):
    start = html.index(f'data-testid="panel-{key}"')
    return html[start:html.index("</section>", start)]


def test_a_handler_sees_its_departments_tickets_grouped_by_due(client, office_clerk, lead_handler, other_handler):
    to_sign = dispatched_ticket(office_clerk, title="待签收的一件")
    in_hand = handling_ticket(office_clerk, lead_handler, title="办理中的一件")
    elsewhere = dispatched_ticket(office_clerk, lead="anshun-sw", title="别的部门的工单")
    _response, html = page(client, lead_handler)
    due = section(html, "due")
    assert to_sign.number in due and in_hand.number in due
    assert elsewhere.number not in html  # never wider than the inbox
    assert 'data-testid="home-role">涉企服务工作人员' in html
    # The queues with their counts and links.
    assert re.search(r'href="/inbox/".*?待签收.*?1', html, re.DOTALL)


def test_a_handler_sees_the_tickets_assigned_to_them(client, office_clerk, lead_handler):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory, department
    from tickets.workflow.collab import ticket_assign, ticket_take

    lead_handler2 = UserFactory(username="t_handler_scjg2", role=Role.HANDLER, department=department("anshun-scjg"))

    mine = handling_ticket(office_clerk, lead_handler, title="指定给我的一件")
    ticket_take(actor=lead_handler, ticket=mine)
    colleagues = handling_ticket(office_clerk, lead_handler, title="同事承办的一件")
    ticket_assign(actor=lead_handler, ticket=colleagues, assignee=lead_handler2)
    _response, html = page(client, lead_handler)
    assigned = section(html, "assigned")
    assert mine.number in assigned and colleagues.number not in assigned
    assert 'href="/tickets/mine/"' in assigned
    _response, html = page(client, lead_handler2)
    assigned = section(html, "assigned")
    assert colleagues.number in assigned and mine.number not in assigned


def test_the_due_and_assigned_panels_each_show_their_own_soonest_rows(client, monkeypatch, office_clerk, lead_handler):
    """Both panels' rows come from one read of every queue's soonest rows: each shows its own, in due order."""
    from datetime import timedelta

    from django.utils import timezone

    from tickets import workbench
    from tickets.models import Ticket
    from tickets.workflow.collab import ticket_take

    monkeypatch.setattr(workbench, "ROWS", 2)
    now = timezone.now()
    mine = []
    for i, hours in enumerate((30, 10, 20)):
        ticket = handling_ticket(office_clerk, lead_handler, title=f"我承办的第{i}件")
        ticket_take(actor=lead_handler, ticket=ticket)
        Ticket.objects.filter(pk=ticket.pk).update(current_due_at=now + timedelta(hours=hours))
        mine.append(ticket)
    to_sign = dispatched_ticket(office_clerk, title="最早到期的待签收")
    Ticket.objects.filter(pk=to_sign.pk).update(current_due_at=now + timedelta(hours=1))
    _response, html = page(client, lead_handler)
    assigned = section(html, "assigned")
    assert mine[1].number in assigned and mine[2].number in assigned and mine[0].number not in assigned
    assert assigned.index(mine[1].number) < assigned.index(mine[2].number)
    assert "另有 1 件未在此列出" in assigned
    assert to_sign.number not in assigned
    due = section(html, "due")
    assert to_sign.number in due and mine[1].number in due
    assert mine[2].number not in due and mine[0].number not in due
    assert due.index(to_sign.number) < due.index(mine[1].number)


def test_the_assigned_panel_is_only_for_handlers(client, office_clerk):
    _response, html = page(client, office_clerk)
    assert 'data-testid="panel-assigned"' not in html


def group(html, code):
    due = section(html, "due")
    start = due.index(f'data-testid="due-group-{code}"')
    end = due.find('data-testid="due-group-', start + 1)
    return due[start:end if end > 0 else None]


def test_the_groups_follow_the_working_day_dues(client, office_clerk, lead_handler):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=SH), tick=False):  # a Monday
        in_hand = handling_ticket(office_clerk, lead_handler, title="办理期限较长的工单")  # 10 working days
        to_sign = dispatched_ticket(office_clerk, title="新派的工单")  # sign within 2 working days: Wednesday
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=SH), tick=False):
        _response, html = page(client, lead_handler)
    assert to_sign.number in group(html, "week") and in_hand.number in group(html, "later")
    with time_machine.travel(datetime(2026, 3, 4, 10, 0, tzinfo=SH), tick=False):
        _response, html = page(client, lead_handler)
    assert to_sign.number in group(html, "today") and "今日到期" in group(html, "today")
    with time_machine.travel(datetime(2026, 3, 5, 10, 0, tzinfo=SH), tick=False):
        _response, html = page(client, lead_handler)
    assert to_sign.number in group(html, "overdue") and "已超期" in group(html, "overdue")
    # The groups' counts come from a statement built once for the user and run with each request's instants.
    assert ">1 件<" in group(html, "overdue") and ">1 件<" in group(html, "later")
    assert 'data-testid="due-group-today"' not in html and in_hand.number in group(html, "later")


def test_the_office_sees_its_triage_backlog_and_queues(client, office_clerk, lead_handler, county_office):
    demand = register(office_clerk, title="需要研判的诉求")
    extension = pending_extension(office_clerk, lead_handler)
    county = register(county_office, title="县里的诉求")
    _response, html = page(client, office_clerk)
    assert demand.number in section(html, "triage")
    assert county.number not in html
    assert extension.number in section(html, "due")
    assert "本区域督办未回复" in html


def test_a_specialist_sees_the_callbacks_to_record(client, office_clerk, lead_handler, specialist):
    ticket = closed_ticket(office_clerk, lead_handler, title="已办结待回访")
    _response, html = page(client, specialist)
    assert "待回访工单" in html and ticket.number in section(html, "due")


def test_the_government_sees_the_disputes_to_decide(client, office_clerk, lead_handler, government_user):
    ticket = dispatched_ticket(office_clerk, title="职责不清的事项")
    workflow.ticket_object(actor=lead_handler, ticket=ticket, reason="不属于本部门职责")
    ticket.refresh_from_db()
    workflow.ticket_refer_to_government(actor=office_clerk, ticket=ticket, note="三部门均认为不属于本部门职责")
    _response, html = page(client, government_user)
    assert ticket.number in section(html, "due")


def test_the_leader_lands_on_the_dashboard(client, db):
    client.force_login(UserFactory(role=Role.LEADER, department=department("anshun-zfb")))
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"] == reverse("reports:dashboard")


def test_recent_notifications_are_on_the_workbench(client, lead_handler):
    Notification.objects.create(recipient=lead_handler, event="dispatch", key="t-1", title="新工单待签收", url="/inbox/")
    Notification.objects.create(recipient=UserFactory(), event="dispatch", key="t-2", title="别人的通知")
    _response, html = page(client, lead_handler)
    assert "新工单待签收" in section(html, "notifications") and "别人的通知" not in html


def test_the_enterprise_home_leads_with_the_submit_button_and_its_tasks(client, office_clerk, lead_handler, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user)
    asked = register(enterprise_user, channel="online", title="需要补充材料的诉求")
    workflow.demand_request_materials(actor=office_clerk, demand=asked, missing="营业执照副本")
    _response, html = page(client, enterprise_user)
    assert 'href="/demands/submit/"' in html and "我要反映诉求" in html
    todo = html[html.index('data-testid="needs-action"'):html.index('data-testid="recent-demands"')]
    assert "营业执照副本" in todo and ticket.title in todo
    assert "新厂房消防验收排期过长" in html[html.index('data-testid="recent-demands"'):]


def test_home_is_get_only(client, lead_handler):
    client.force_login(lead_handler)
    assert client.post(HOME).status_code == 405


def test_a_supervisor_follows_its_own_registrations(client, office_clerk):
    supervisor = UserFactory(role=Role.SUPERVISOR, department=department("anshun-zwfw"))
    mine = register(supervisor, channel="supervisor", title="特约监督发现的问题")
    others = register(office_clerk, title="别人登记的诉求")
    _response, html = page(client, supervisor)
    assert mine.number in section(html, "own") and others.number not in html
    assert 'data-testid="panel-due"' not in html and 'data-testid="queue-links"' not in html


def test_the_account_page_keeps_the_account_details(client, office_clerk):
    client.force_login(office_clerk)
    html = client.get(reverse("enterprises:account")).content.decode()
    assert office_clerk.username in html and "派单，处理办理异议" in html
    assert "市政府政务服务中心" in html and 'data-testid="phone-form"' in html  # one page: details, role, phone
    # The workbench links it; the former staff account page's address leads there.
    assert reverse("enterprises:account") in client.get("/").content.decode()
    assert client.get("/accounts/me/")["Location"] == reverse("enterprises:account")
    client.logout()
    assert client.get(reverse("enterprises:account"))["Location"].startswith(reverse("accounts:login"))


def test_a_group_beyond_the_counting_cap_says_so(client, office_clerk, lead_handler, monkeypatch):
    """Each queue's group is counted up to the menu's cap (core.menu.COUNT_CAP); beyond it the group reads "N+"."""
    from core import menu

    monkeypatch.setattr(menu, "COUNT_CAP", 2)
    monkeypatch.setattr("tickets.workbench.COUNT_CAP", 2)
    for i in range(3):
        dispatched_ticket(office_clerk, title=f"待签收 {i}")
    _response, html = page(client, lead_handler)
    due = section(html, "due")
    assert re.search(r"\d\+ 件", due), due[:400]


def test_the_menu_and_the_tiles_are_counted_by_one_statement(client, office_clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    register(office_clerk, title="待研判的一件")
    client.force_login(office_clerk)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(HOME).content.decode()
    assert len([q for q in captured.captured_queries if 'AS "triage"' in q["sql"]]) == 1
    assert re.search(r'data-testid="queue-link".*?待研判.*?>1<', html, re.DOTALL)  # the tile
    assert re.search(r'待研判\s*<span[^>]*>1</span>', html)  # the menu's badge
