"""Provincial escalations over the API (API.md "Supervision and escalations"): who reads them, who records the outcome."""

import pytest

from tickets import workflow
from tickets.models import ProvincialEscalation
from tickets.tests.api_helpers import api_as
from tickets.tests.helpers import handling_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def escalation(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    workflow.ticket_escalate(actor=office_clerk, ticket=ticket, reason="需省级部门协调", external_ref="GZ-2026-1")
    return ProvincialEscalation.objects.get(ticket=ticket)


def update(user, escalation, body):
    return api_as(user).post(f"/api/v1/escalations/{escalation.pk}/update/", body, format="json")


def test_office_lists_its_regions_escalations(office_clerk, escalation):
    response = api_as(office_clerk).get("/api/v1/escalations/")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert (item["id"], item["region"], item["ticket"], item["status"]) == (escalation.pk, "anshun", escalation.ticket_id,
                                                                            "submitted")
    assert item["reason"] == "需省级部门协调" and item["external_ref"] == "GZ-2026-1"
    assert api_as(office_clerk).get("/api/v1/escalations/?status=resolved").json()["results"] == []


def test_government_reads_but_a_handler_may_not_list(government_user, lead_handler, escalation):
    assert api_as(government_user).get("/api/v1/escalations/").json()["count"] == 1
    assert api_as(lead_handler).get("/api/v1/escalations/").status_code == 403


def test_another_regions_office_sees_none_and_gets_404(county_office, escalation):
    assert api_as(county_office).get("/api/v1/escalations/").json()["count"] == 0
    assert update(county_office, escalation, {"status": "accepted"}).status_code == 404


def test_bad_status_filter_is_400(office_clerk, escalation):
    response = api_as(office_clerk).get("/api/v1/escalations/?status=lost")
    assert response.status_code == 400 and "status" in response.json()["errors"]


def test_office_records_the_provincial_outcome(office_clerk, escalation):
    response = update(office_clerk, escalation, {"status": "accepted", "external_ref": "GZ-2026-9"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["external_ref"]) == ("accepted", "GZ-2026-9")
    response = update(office_clerk, escalation, {"status": "resolved", "result": "省级已协调解决"})
    assert response.status_code == 200 and response.json()["result"] == "省级已协调解决"
    escalation.refresh_from_db()
    assert (escalation.status, escalation.external_ref) == ("resolved", "GZ-2026-9")
    assert escalation.ticket.events.filter(action="escalation_update").count() == 2


def test_bad_update_bodies_are_400_and_change_nothing(office_clerk, escalation):
    for body in ({}, {"status": "lost"}, {"status": "resolved"}):
        response = update(office_clerk, escalation, body)
        assert response.status_code == 400, body
        assert response.json()["errors"]
    escalation.refresh_from_db()
    assert (escalation.status, escalation.result) == ("submitted", "")


def test_government_may_read_but_not_update(government_user, escalation):
    assert update(government_user, escalation, {"status": "accepted"}).status_code == 403
    escalation.refresh_from_db()
    assert escalation.status == "submitted"


def test_unauthenticated_is_401(client, escalation):
    assert client.get("/api/v1/escalations/").status_code == 401
