"""承办人: a handler of the lead department takes a ticket (我来办) or hands it to a colleague; the new assignee is told;
the assignee is cleared when the lead department changes; 我的工单 lists one's own (tickets.workflow.collab)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from audit.models import AuditEvent
from notifications.models import Notification
from qiyezhijia.testing import flashed
from tickets import workflow
from tickets.models import Ticket, TicketEvent
from tickets.tests.api_helpers import api_as
from tickets.tests.handling_states import (
    action_url,
    detail_url,
    enterprise_ticket,
    fresh,
    post,
)
from tickets.tests.helpers import dispatched_ticket, disputed_ticket, handling_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    """A second handler of the lead department (市场监管局)."""
    return UserFactory(username="t_handler_scjg2", last_name="李", first_name="娜", role=Role.HANDLER,
                       department=department("anshun-scjg"))


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def call(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


def assign_events(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket, action="assign").values_list("note", "internal"))


# --- the web action -----------------------------------------------------------------------------------------------
def test_lead_handler_takes_the_ticket_himself(client, office_clerk, lead_handler, django_capture_on_commit_callbacks):
    ticket = handling_ticket(office_clerk, lead_handler)
    client.force_login(lead_handler)
    assert 'data-testid="action-take"' in client.get(detail_url(ticket)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(ticket, "take"))
    assert response.status_code == 302 and response.url == detail_url(ticket)
    assert any("您已成为工单" in m for m in flashed(response))
    ticket = fresh(ticket)
    assert ticket.assignee == lead_handler and ticket.assigned_at is not None
    assert assign_events(ticket) == [(f"{lead_handler}（本人承办）", True)]
    assert AuditEvent.objects.filter(action="workflow.assign", actor=lead_handler).count() == 1
    assert not Notification.objects.filter(recipient=lead_handler, event="assign").exists()  # nobody tells himself
    page = client.get(detail_url(ticket)).content.decode()
    assert 'data-testid="action-take"' not in page  # already his
    assert str(lead_handler) in page.split('data-testid="assignee"')[1][:200]


def test_lead_handler_assigns_a_colleague_who_is_notified(client, office_clerk, lead_handler, colleague,
                                                           django_capture_on_commit_callbacks):
    ticket = handling_ticket(office_clerk, lead_handler)
    client.force_login(lead_handler)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, ticket, "assign", assignee=colleague.username)
    assert response.status_code == 302
    assert any(f"承办人已改为{colleague}" in m for m in flashed(response))
    assert fresh(ticket).assignee == colleague
    note = Notification.objects.get(recipient=colleague, event="assign")
    assert note.title == f"您被指定为工单承办人：{ticket.number}"
    assert note.url == reverse("tickets:ticket_detail", args=[ticket.pk])
    # django-simple-history keeps who had it before.
    assert [h.assignee_id for h in fresh(ticket).history.order_by("history_date", "history_id")][-2:] == [None, colleague.pk]


def test_reassigning_names_the_former_assignee_and_tells_the_new_one(run, office_clerk, lead_handler, colleague):
    ticket = handling_ticket(office_clerk, lead_handler)
    run(workflow.ticket_take, actor=lead_handler, ticket=ticket)
    run(workflow.ticket_assign, actor=lead_handler, ticket=ticket, assignee=colleague.username)
    assert assign_events(ticket)[-1] == (f"承办人：{colleague}（原承办人：{lead_handler}）", True)
    # The colleague hands it back: the original handler is told this time.
    run(workflow.ticket_assign, actor=colleague, ticket=ticket, assignee=lead_handler)
    assert fresh(ticket).assignee == lead_handler
    assert Notification.objects.filter(recipient=lead_handler, event="assign").count() == 1


@pytest.mark.parametrize("who", ["office", "specialist", "government", "co_handler"])
def test_other_roles_and_co_departments_may_not_assign(client, office_clerk, lead_handler, other_handler, specialist,
                                                       government_user, who):
    ticket = handling_ticket(office_clerk, lead_handler, co=("anshun-sw",))
    user = {"office": office_clerk, "specialist": specialist, "government": government_user, "co_handler": other_handler}[who]
    client.force_login(user)
    page = client.get(detail_url(ticket)).content.decode()
    assert 'data-testid="action-assign"' not in page and 'data-testid="action-take"' not in page
    assert post(client, ticket, "assign", assignee=lead_handler.username).status_code == 403
    assert client.post(action_url(ticket, "take")).status_code == 403
    assert fresh(ticket).assignee is None


def test_a_handler_of_another_department_gets_404(client, office_clerk, lead_handler, other_handler, outsider):
    ticket = handling_ticket(office_clerk, lead_handler)
    for user in (other_handler, outsider):
        client.force_login(user)
        assert post(client, ticket, "assign", assignee=user.username).status_code == 404
        assert client.post(action_url(ticket, "take")).status_code == 404
    assert fresh(ticket).assignee is None


def test_the_assignee_must_be_a_handler_of_the_lead_department(client, office_clerk, lead_handler, other_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    client.force_login(lead_handler)
    response = post(client, ticket, "assign", assignee=other_handler.username)
    assert response.status_code == 200
    assert "请选择本部门在岗的工作人员。" in response.content.decode()
    assert post(client, ticket, "assign", assignee="").status_code == 200
    assert "请选择承办人。" in post(client, ticket, "assign", assignee="").content.decode()
    # The act says it in full (what the API answers).
    response = api_as(lead_handler).post(f"/api/v1/tickets/{ticket.pk}/actions/assign/",
                                         {"assignee": other_handler.username}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["assignee"] == [
        f"“{other_handler}”不是牵头部门（市市场监督管理局）的在岗工作人员，不能作为承办人。"
    ]
    inactive = UserFactory(role=Role.HANDLER, department=department("anshun-scjg"), is_active=False)
    assert api_as(lead_handler).post(f"/api/v1/tickets/{ticket.pk}/actions/assign/", {"assignee": inactive.username},
                                     format="json").status_code == 400
    assert fresh(ticket).assignee is None and assign_events(ticket) == []


def test_a_closed_or_finished_ticket_takes_no_assignee(client, office_clerk, lead_handler, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user)
    assert fresh(ticket).state == Ticket.State.CLOSED
    response = api_as(lead_handler).post(f"/api/v1/tickets/{ticket.pk}/actions/assign/",
                                         {"assignee": lead_handler.username}, format="json")
    assert response.status_code == 409 and response.json()["error"] == "当前状态为“已办结待回访”，不能指定承办人。"
    workflow.ticket_callback(actor=office_clerk, ticket=ticket, reached=True, satisfaction="satisfied",
                             consistent=True, meets_standard=True)  # returns the callback record, not the ticket
    assert fresh(ticket).state == Ticket.State.ARCHIVED
    response = api_as(lead_handler).post(f"/api/v1/tickets/{ticket.pk}/actions/assign/",
                                         {"assignee": lead_handler.username}, format="json")
    assert response.status_code == 409 and "不能指定承办人" in response.json()["error"]
    client.force_login(lead_handler)
    response = client.post(action_url(ticket, "take"))
    assert response.status_code == 302 and "现在不能我来办" in flashed(response)[0]


def test_get_on_the_action_is_405(client, office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    client.force_login(lead_handler)
    assert client.get(action_url(ticket, "take")).status_code == 405


# --- the lead department changes ---------------------------------------------------------------------------------
def test_the_assignee_is_cleared_when_the_office_redispatches_to_another_lead(office_clerk, lead_handler, colleague):
    ticket = dispatched_ticket(office_clerk)
    workflow.ticket_assign(actor=lead_handler, ticket=ticket, assignee=colleague)
    workflow.ticket_object(actor=lead_handler, ticket=ticket, reason="属于税务部门职责")
    workflow.ticket_reassign(actor=office_clerk, ticket=ticket, lead_department="anshun-sw")
    ticket = fresh(ticket)
    assert ticket.lead_department.code == "anshun-sw"
    assert ticket.assignee is None and ticket.assigned_at is None
    assert ticket.history.latest().assignee_id is None


def test_the_assignee_stays_when_the_same_lead_is_confirmed(office_clerk, lead_handler, colleague, government_user):
    ticket = disputed_ticket(office_clerk, lead_handler)
    workflow.ticket_refer_to_government(actor=office_clerk, ticket=ticket, note="协调未果")
    Ticket.objects.filter(pk=ticket.pk).update(assignee=colleague)  # named before the objection
    workflow.ticket_decide_lead(actor=government_user, ticket=ticket, lead_department="anshun-scjg")
    assert fresh(ticket).assignee == colleague
    workflow.ticket_object(actor=lead_handler, ticket=fresh(ticket), reason="仍不属于本部门")
    workflow.ticket_refer_to_government(actor=office_clerk, ticket=fresh(ticket), note="再次协调未果")
    workflow.ticket_decide_lead(actor=government_user, ticket=fresh(ticket), lead_department="anshun-sw")
    assert fresh(ticket).assignee is None


# --- 我的工单 -----------------------------------------------------------------------------------------------------
def test_my_tickets_lists_only_what_is_assigned_to_me(client, office_clerk, lead_handler, colleague, enterprise_user):
    mine = handling_ticket(office_clerk, lead_handler, title="我承办的工单")
    theirs = handling_ticket(office_clerk, lead_handler, title="同事承办的工单")
    handling_ticket(office_clerk, lead_handler, title="尚未指定的工单")
    finished = enterprise_ticket(office_clerk, lead_handler, enterprise_user, close=False)
    workflow.ticket_take(actor=lead_handler, ticket=mine)
    workflow.ticket_assign(actor=lead_handler, ticket=theirs, assignee=colleague)
    workflow.ticket_take(actor=lead_handler, ticket=finished)
    workflow.ticket_close(actor=lead_handler, ticket=finished, standard="resolved", result="已协调办结")
    workflow.ticket_callback(actor=office_clerk, ticket=finished, reached=True, satisfaction="satisfied",
                             consistent=True, meets_standard=True)
    client.force_login(lead_handler)
    page = client.get(reverse("tickets:my_tickets")).content.decode()
    assert page.count('data-testid="my-ticket"') == 1 and mine.number in page
    assert theirs.number not in page and finished.number not in page
    everything = client.get(reverse("tickets:my_tickets") + "?all=1").content.decode()
    assert everything.count('data-testid="my-ticket"') == 2 and finished.number in everything
    client.force_login(colleague)
    page = client.get(reverse("tickets:my_tickets")).content.decode()
    assert theirs.number in page and mine.number not in page
    # The menu entry of handlers.
    assert 'href="/tickets/mine/"' in page


def test_my_tickets_is_for_handlers_only(client, office_clerk, enterprise_user):
    for user in (office_clerk, enterprise_user):
        client.force_login(user)
        assert client.get(reverse("tickets:my_tickets")).status_code == 403
    client.logout()
    assert client.get(reverse("tickets:my_tickets")).status_code == 302


def test_my_tickets_costs_the_same_for_two_tickets_or_twelve(client, office_clerk, lead_handler,
                                                            django_assert_max_num_queries):
    client.force_login(lead_handler)
    counts = []
    for total in (2, 12):
        while Ticket.objects.filter(assignee=lead_handler).count() < total:
            workflow.ticket_take(actor=lead_handler, ticket=handling_ticket(office_clerk, lead_handler, co=("anshun-sw",)))
        client.get(reverse("tickets:my_tickets"))  # warm the calendar and the session
        with django_assert_max_num_queries(MY_TICKETS_QUERIES) as captured:
            response = client.get(reverse("tickets:my_tickets"))
        assert response.content.decode().count('data-testid="my-ticket"') == total
        counts.append(len(captured))
    assert counts[0] == counts[1]


# Session and user, the menu's queue counts, the page's rows with their relations, the count, the enterprises' names.
MY_TICKETS_QUERIES = 6


def test_assigned_to_selector_reads_a_handlers_open_tickets(office_clerk, lead_handler, colleague):
    from tickets.selectors import assigned_to

    ticket = handling_ticket(office_clerk, lead_handler)
    workflow.ticket_assign(actor=lead_handler, ticket=ticket, assignee=colleague)
    assert list(assigned_to(colleague)) == [fresh(ticket)]
    assert list(assigned_to(lead_handler)) == []
    assert list(assigned_to(office_clerk)) == []


# --- API and the enterprise's view ---------------------------------------------------------------------------------
def test_the_api_assigns_and_shows_the_assignee_to_staff_only(office_clerk, lead_handler, colleague, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user, close=False)
    response = api_as(lead_handler).post(f"/api/v1/tickets/{ticket.pk}/actions/assign/", {"assignee": colleague.username},
                                         format="json")
    assert response.status_code == 200 and response.json()["assignee"] == colleague.username
    assert api_as(office_clerk).get(f"/api/v1/tickets/{ticket.pk}/").json()["assignee"] == colleague.username
    assert api_as(office_clerk).post(f"/api/v1/tickets/{ticket.pk}/actions/assign/", {"assignee": colleague.username},
                                     format="json").status_code == 403
    seen = api_as(enterprise_user).get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert seen["assignee"] is None
    assert colleague.username not in str(seen) and str(colleague) not in str(seen)


def test_the_enterprise_page_does_not_name_the_assignee(client, office_clerk, lead_handler, colleague, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user, close=False)
    workflow.ticket_assign(actor=lead_handler, ticket=ticket, assignee=colleague)
    client.force_login(enterprise_user)
    page = client.get(detail_url(ticket)).content.decode()
    assert "承办人" not in page and str(colleague) not in page
