"""The ticket actions after signing through the API (API.md): co-handling to archive, with its error codes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from tickets import workflow
from tickets.models import Ticket
from tickets.tests.api_helpers import api_as
from tickets.tests.helpers import closed_ticket, handling_ticket, register

pytestmark = pytest.mark.django_db


def act(user, ticket, action, body=None):
    return api_as(user).post(f"/api/v1/tickets/{ticket.pk}/actions/{action}/", body or {}, format="json")


def test_co_department_is_added_confirms_and_feeds_back(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    tcj = UserFactory(role=Role.HANDLER, department=department("anshun-tcj"))
    response = act(lead_handler, ticket, "add_co_department", {"department": "anshun-tcj"})
    assert response.status_code == 200
    assert response.json()["co_departments"] == [{"department": "anshun-tcj", "confirmed": False, "feedback": None}]
    assert act(tcj, ticket, "co_confirm").status_code == 200
    assert act(tcj, ticket, "co_confirm").status_code == 409
    assert act(tcj, ticket, "co_feedback", {"content": ""}).status_code == 400
    body = act(tcj, ticket, "co_feedback", {"content": "已配合核查"}).json()
    assert body["co_departments"][0] == {"department": "anshun-tcj", "confirmed": True, "feedback": "已配合核查"}
    assert act(lead_handler, ticket, "add_co_department", {"department": "nope"}).status_code == 400


def test_extension_request_and_decision(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    later = (timezone.localdate(ticket.handle_due_at) + timedelta(days=20)).isoformat()
    assert act(lead_handler, ticket, "request_extension", {"due_date": "2026-02-30", "reason": "x"}).status_code == 400
    assert act(lead_handler, ticket, "request_extension", {"due_date": "2000-01-01", "reason": "x"}).status_code == 400
    assert act(office_clerk, ticket, "request_extension", {"due_date": later, "reason": "x"}).status_code == 403
    response = act(lead_handler, ticket, "request_extension", {"due_date": later, "reason": "需现场核查"})
    assert response.status_code == 200 and response.json()["extensions"][0]["state"] == "pending"
    assert act(lead_handler, ticket, "request_extension", {"due_date": later, "reason": "again"}).status_code == 409
    assert act(lead_handler, ticket, "decide_extension", {"approve": True}).status_code == 403
    assert act(office_clerk, ticket, "decide_extension", {}).status_code == 400
    assert act(office_clerk, ticket, "decide_extension", {"approve": "perhaps"}).status_code == 400
    body = act(office_clerk, ticket, "decide_extension", {"approve": True, "note": "同意"}).json()
    assert body["extensions"][0]["state"] == "approved"
    assert body["handle_due_at"].startswith(later) and body["handle_due_at"].endswith("23:59:59+08:00")


def test_termination_request_and_approval(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    assert act(lead_handler, ticket, "request_termination", {"reason": "bored", "note": "x"}).status_code == 400
    assert act(lead_handler, ticket, "request_termination", {"reason": "unreachable", "note": "三次未接通"}).status_code == 200
    assert act(office_clerk, ticket, "decide_termination", {"approve": True}).json()["state"] == "terminated"
    assert act(lead_handler, ticket, "close", {"standard": "resolved", "result": "x"}).status_code == 409


def test_escalate_city_ticket_to_the_province(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    assert act(lead_handler, ticket, "escalate", {"reason": "x"}).status_code == 403
    assert act(office_clerk, ticket, "escalate", {"reason": ""}).status_code == 400
    assert act(office_clerk, ticket, "escalate", {"reason": "超出市级权限"}).json()["state"] == "escalated"


def test_close_callback_rework_review_and_archive(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    assert act(lead_handler, ticket, "close", {"standard": "partial", "result": "部分解决"}).status_code == 400
    body = act(lead_handler, ticket, "close", {"standard": "partial", "result": "部分解决", "explanation": "受政策限制"}).json()
    assert body["state"] == "closed" and body["closure"] == {"standard": "partial", "result": "部分解决", "explanation": "受政策限制"}
    assert body["callback_due_at"].endswith("23:59:59+08:00")
    assert act(office_clerk, ticket, "callback", {"reached": True}).status_code == 400
    assert act(lead_handler, ticket, "callback", {"reached": False, "note": "x"}).status_code == 403
    body = act(office_clerk, ticket, "callback", {"reached": False, "note": "无人接听"}).json()
    assert body["state"] == "closed" and body["callbacks"][0]["reached"] is False
    body = act(office_clerk, ticket, "callback", {"reached": True, "satisfaction": "unsatisfied", "consistent": False, "meets_standard": True}).json()
    assert body["state"] == "handling" and body["rework_count"] == 1
    assert act(lead_handler, ticket, "request_review", {"reason": "难以解决"}).json()["state"] == "review"
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert act(office_clerk, ticket, "review", {"outcome": "rectify", "opinion": "补充说明"}).status_code == 400
    assert act(office_clerk, ticket, "review", {"outcome": "rectify", "opinion": "补充说明", "due_date": due}).json()["state"] == "handling"
    act(lead_handler, ticket, "close", {"standard": "resolved", "result": "已解决"})
    body = act(office_clerk, ticket, "callback", {"reached": True, "satisfaction": "satisfied", "consistent": True, "meets_standard": True}).json()
    assert body["state"] == "archived" and body["archived_at"]
    assert act(office_clerk, ticket, "callback", {"reached": False, "note": "x"}).status_code == 409


def test_the_enterprise_rates_its_result_once(office_clerk, lead_handler, enterprise_user, other_handler):
    demand = register(enterprise_user, channel="online")
    demand = workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="consultation", lead_department="anshun-scjg")
    ticket = workflow.ticket_sign(actor=lead_handler, ticket=demand.ticket)
    assert act(enterprise_user, ticket, "rate", {"satisfaction": "satisfied"}).status_code == 409
    workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="已答复")
    assert act(enterprise_user, ticket, "rate", {"satisfaction": "so-so"}).status_code == 400
    body = act(enterprise_user, ticket, "rate", {"satisfaction": "basically_satisfied", "comment": "及时"}).json()
    assert body["rating"]["satisfaction"] == "basically_satisfied"
    assert act(enterprise_user, ticket, "rate", {"satisfaction": "satisfied"}).status_code == 409
    assert act(other_handler, ticket, "rate", {"satisfaction": "satisfied"}).status_code == 404


def test_archived_tickets_are_read_only_through_the_api(office_clerk, lead_handler):
    ticket = closed_ticket(office_clerk, lead_handler)
    workflow.ticket_callback(actor=office_clerk, ticket=ticket, reached=True, satisfaction="satisfied", consistent=True, meets_standard=True)
    assert Ticket.objects.get(pk=ticket.pk).state == "archived"
    for action, body in [("add_co_department", {"department": "anshun-sw"}), ("request_extension", {"due_date": "2030-01-01", "reason": "x"}),
                         ("close", {"standard": "resolved", "result": "x"})]:
        assert act(lead_handler, ticket, action, body).status_code == 409
