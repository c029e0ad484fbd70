"""Supervision over the API (API.md): the `supervise` and `urge` ticket actions, the ticket's `supervisions`, the
supervision list and the answer, with the contract's error codes."""

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from supervision.models import Supervision, Urge
from supervision.services import supervision_answer, ticket_supervise
from tickets.tests.api_helpers import api_as
from tickets.tests.helpers import closed_ticket, good_callback, handling_ticket

pytestmark = pytest.mark.django_db
LIST = "/api/v1/supervisions/"


def act(user, ticket, action, body=None):
    return api_as(user).post(f"/api/v1/tickets/{ticket.pk}/actions/{action}/", body or {}, format="json")


def answer(user, supervision, body):
    return api_as(user).post(f"/api/v1/supervisions/{supervision.pk}/answer/", body, format="json")


@pytest.fixture
def ticket(office_clerk, lead_handler):
    return handling_ticket(office_clerk, lead_handler)


def test_supervise_action_returns_the_ticket_with_its_supervision(office_clerk, ticket):
    response = act(office_clerk, ticket, "supervise", {"form": "written", "trigger": "overdue", "content": "请说明进展"})
    assert response.status_code == 200
    supervision = Supervision.objects.get()
    item = response.json()["supervisions"]
    assert item == [{
        "id": supervision.pk, "trigger": "overdue", "form": "written", "department": "anshun-scjg",
        "due_at": item[0]["due_at"], "answered_at": None,
    }]
    assert item[0]["due_at"].endswith("23:59:59+08:00")
    assert response.json()["state"] == "handling"
    assert response.json()["history"][-1]["action"] == "supervise"


def test_supervise_action_names_another_department(office_clerk, ticket):
    response = act(office_clerk, ticket, "supervise",
                   {"form": "phone", "trigger": "concentrated", "content": "x", "department": "anshun-sw"})
    assert response.status_code == 200 and response.json()["supervisions"][0]["department"] == "anshun-sw"


def test_supervise_action_errors(office_clerk, lead_handler, government_user, outsider, ticket):
    response = act(office_clerk, ticket, "supervise", {"form": "fax", "trigger": "late"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"form", "trigger", "content"}
    assert response.json()["errors"]["content"] == ["请填写督办事项及要求。"]
    assert act(office_clerk, ticket, "supervise", {"form": "phone", "trigger": "overdue", "content": "x",
                                                    "department": "puding-scjg"}).status_code == 400
    response = act(lead_handler, ticket, "supervise", {"form": "phone", "trigger": "overdue", "content": "x"})
    assert response.status_code == 403 and "督办" in response.json()["error"]
    response = act(government_user, ticket, "supervise", {"form": "written", "trigger": "overdue", "content": "x"})
    assert response.status_code == 403 and "专项督办" in response.json()["error"]
    assert act(outsider, ticket, "supervise", {"form": "phone", "trigger": "overdue", "content": "x"}).status_code == 404
    assert not Supervision.objects.exists()
    assert act(government_user, ticket, "supervise",
               {"form": "special", "trigger": "concentrated", "content": "一事一议"}).status_code == 200


def test_supervise_and_urge_on_an_archived_ticket_are_409(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    good_callback(office_clerk, ticket)
    response = act(office_clerk, ticket, "supervise", {"form": "phone", "trigger": "overdue", "content": "x"})
    assert response.status_code == 409 and "已归档" in response.json()["error"]
    assert act(office_clerk, ticket, "urge", {"note": "x"}).status_code == 409
    assert not Supervision.objects.exists() and not Urge.objects.exists()


def test_urge_action(office_clerk, specialist, lead_handler, ticket):
    response = act(specialist, ticket, "urge", {"note": "请加快办理"})
    assert response.status_code == 200 and response.json()["history"][-1]["action"] == "urge"
    assert Urge.objects.get().actor == specialist
    assert act(office_clerk, ticket, "urge", {}).json()["errors"] == {"note": ["请填写催办内容。"]}
    assert act(lead_handler, ticket, "urge", {"note": "x"}).status_code == 403
    assert Urge.objects.count() == 1


def test_enterprise_reads_no_supervisions(office_clerk, lead_handler, enterprise_user):
    from tickets import workflow
    from tickets.tests.helpers import register

    demand = register(office_clerk, enterprise_name=enterprise_user.enterprise.name,
                      enterprise_uscc=enterprise_user.enterprise.uscc)
    demand = workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="coordination",
                                         lead_department="anshun-scjg")
    ticket_supervise(actor=office_clerk, ticket=demand.ticket, form="phone", trigger="overdue", content="x")
    body = api_as(enterprise_user).get(f"/api/v1/tickets/{demand.ticket.pk}/").json()
    assert body["supervisions"] == []
    assert api_as(office_clerk).get(f"/api/v1/tickets/{demand.ticket.pk}/").json()["supervisions"] != []


# --- list and answer ---------------------------------------------------------------------------------------------------
@pytest.fixture
def two(office_clerk, lead_handler, ticket):
    first = ticket_supervise(actor=office_clerk, ticket=ticket, form="written", trigger="overdue", content="一")
    second = ticket_supervise(actor=office_clerk, ticket=ticket, form="phone", trigger="overdue", content="二",
                              department="anshun-sw")
    supervision_answer(actor=lead_handler, supervision=first, content="已回复")
    return first, second


def test_list_filters_by_department_and_answered(office_clerk, two):
    first, second = two
    body = api_as(office_clerk).get(LIST).json()
    assert body["count"] == 2 and {"next", "previous", "results"} <= set(body)
    assert api_as(office_clerk).get(LIST, {"answered": "true"}).json()["results"][0]["id"] == first.pk
    pending = api_as(office_clerk).get(LIST, {"answered": "false"}).json()["results"]
    assert [s["id"] for s in pending] == [second.pk]
    assert pending[0]["department"] == "anshun-sw" and pending[0]["answer"] == "" and pending[0]["ticket"] == second.ticket_id
    by_department = api_as(office_clerk).get(LIST, {"department": "anshun-scjg"}).json()["results"]
    assert [s["id"] for s in by_department] == [first.pk] and by_department[0]["answered_by"]


def test_list_shows_each_caller_its_own(lead_handler, other_handler, outsider, two, enterprise_user):
    first, second = two
    assert [s["id"] for s in api_as(lead_handler).get(LIST).json()["results"]] == [second.pk, first.pk]
    assert [s["id"] for s in api_as(other_handler).get(LIST).json()["results"]] == [second.pk]
    assert api_as(outsider).get(LIST).json()["count"] == 0
    assert api_as(enterprise_user).get(LIST).status_code == 403
    special_supervisor = UserFactory(role=Role.SUPERVISOR, department=department("anshun-zwfw"))
    response = api_as(special_supervisor).get(LIST)
    assert response.status_code == 403 and response.json() == {"error": "您的角色不能查看督办。"}


def test_list_refuses_bad_filters(office_clerk):
    response = api_as(office_clerk).get(LIST, {"answered": "maybe", "department": "nowhere"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"answered", "department"}


def test_answer(office_clerk, lead_handler, other_handler, outsider, ticket):
    supervision = ticket_supervise(actor=office_clerk, ticket=ticket, form="written", trigger="overdue", content="x")
    assert answer(outsider, supervision, {"content": "x"}).status_code == 404
    assert answer(lead_handler, Supervision(pk=999999), {"content": "x"}).status_code == 404
    response = answer(office_clerk, supervision, {"content": "x"})
    assert response.status_code == 403 and response.json()["error"]
    assert answer(lead_handler, supervision, {}).json() == {"errors": {"content": ["请填写回复内容。"]}}
    response = answer(lead_handler, supervision, {"content": "已落实"})
    assert response.status_code == 200
    assert response.json()["answer"] == "已落实" and response.json()["answered_at"].endswith("+08:00")
    response = answer(lead_handler, supervision, {"content": "再次"})
    assert response.status_code == 409 and "已回复" in response.json()["error"]
    assert Supervision.objects.get().answer == "已落实"
    assert api_as(lead_handler).get(f"/api/v1/supervisions/{supervision.pk}/answer/").status_code == 405
