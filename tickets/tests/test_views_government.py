"""The government office's queue of tickets whose lead department it must decide (§4.3.2)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, department, valid_uscc
from tickets import workflow
from tickets.models import Ticket
from tickets.tests.helpers import disputed_ticket

pytestmark = pytest.mark.django_db
QUEUE = "tickets:government_queue"


def referred_ticket(office, handler, **kwargs):
    ticket = disputed_ticket(office, handler, **kwargs)
    return workflow.ticket_refer_to_government(actor=office, ticket=ticket, note="经两次协调，市场监管与税务均认为不属本部门职责")


def test_government_sees_referred_tickets_with_the_reason_and_the_offices_note(client, office_clerk, lead_handler, government_user):
    ticket = referred_ticket(office_clerk, lead_handler)
    still_disputed = disputed_ticket(office_clerk, lead_handler, title="仍在办公室协调", enterprise_uscc=valid_uscc(81))
    client.force_login(government_user)
    response = client.get(reverse(QUEUE))
    assert response.status_code == 200
    body = response.content.decode()
    assert ticket.number in body and "该事项属于税务部门职责" in body and "经两次协调" in body
    assert "市市场监督管理局" in body
    assert still_disputed.number not in body
    assert f'href="/tickets/{ticket.pk}/#action-decide_lead"' in body
    assert "共 1 条" in body


def test_the_ticket_page_offers_the_decision_form_to_the_government(client, office_clerk, lead_handler, government_user):
    ticket = referred_ticket(office_clerk, lead_handler)
    client.force_login(government_user)
    body = client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="action-decide_lead"' in body and 'name="decide_lead-lead_department"' in body
    assert "经两次协调" in body  # the dispute card


def test_the_decision_redispatches_and_leaves_the_queue(client, office_clerk, lead_handler, government_user):
    ticket = referred_ticket(office_clerk, lead_handler)
    client.force_login(government_user)
    response = client.post(
        reverse("tickets:ticket_action", args=[ticket.pk, "decide_lead"]),
        {"decide_lead-lead_department": "anshun-sw", "decide_lead-note": "由税务局牵头"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.DISPATCHED and ticket.lead_department.code == "anshun-sw"
    assert 'data-testid="government-row"' not in client.get(reverse(QUEUE)).content.decode()


def test_a_decision_without_a_department_is_refused(client, office_clerk, lead_handler, government_user):
    ticket = referred_ticket(office_clerk, lead_handler)
    client.force_login(government_user)
    response = client.post(reverse("tickets:ticket_action", args=[ticket.pk, "decide_lead"]), {"decide_lead-lead_department": ""})
    assert response.status_code == 200 and "请选择牵头部门。" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.GOVERNMENT_DECISION


def test_a_county_government_sees_only_its_county(client, office_clerk, lead_handler):
    ticket = referred_ticket(office_clerk, lead_handler)
    county_gov = UserFactory(role=Role.GOVERNMENT, department=department("xixiu-zfb"))
    client.force_login(county_gov)
    response = client.get(reverse(QUEUE))
    assert response.status_code == 200 and ticket.number not in response.content.decode()
    assert client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).status_code == 404


@pytest.mark.parametrize("who", ["office_clerk", "lead_handler", "specialist", "enterprise_user"])
def test_the_queue_is_for_the_government_only(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(QUEUE)).status_code == 403


def test_leader_of_the_same_office_cannot_decide(client, office_clerk, lead_handler):
    ticket = referred_ticket(office_clerk, lead_handler)
    leader = UserFactory(role=Role.LEADER, department=department("anshun-zfb"))
    client.force_login(leader)
    assert client.get(reverse(QUEUE)).status_code == 403
    response = client.post(reverse("tickets:ticket_action", args=[ticket.pk, "decide_lead"]), {"decide_lead-lead_department": "anshun-sw"})
    assert response.status_code == 403


def test_queue_query_count(client, office_clerk, lead_handler, government_user, django_assert_max_num_queries):
    for i in range(10):
        referred_ticket(office_clerk, lead_handler, title=f"待定{i}")
    client.force_login(government_user)
    with django_assert_max_num_queries(9):
        response = client.get(reverse(QUEUE))
    assert response.content.decode().count('data-testid="government-row"') == 10
