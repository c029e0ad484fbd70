"""The meetings API exactly as OUTREACH §5 says, and the demand's `meeting` link of API.md."""

import datetime

import pytest
from django.utils import timezone

from meetings.models import AgendaItem, Meeting
from meetings.tests.helpers import analysis, held_with_tickets, three_tickets
from notifications.models import Notification
from tickets.tests.api_helpers import api_as
from tickets.tests.helpers import DEFAULTS, dispatched_ticket, register

pytestmark = pytest.mark.django_db


def starts() -> str:
    return timezone.localtime(timezone.now() + datetime.timedelta(days=1)).isoformat()


def test_office_creates_an_analysis_meeting(office_clerk):
    api = api_as(office_clerk)
    response = api.post("/api/v1/meetings/", {
        "kind": "analysis", "title": "分析研判会", "starts_at": starts(), "place": "三楼会议室",
        "departments": ["anshun-scjg"],
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "planned" and body["kind"] == "analysis" and body["region"] == "anshun"
    assert body["departments"] == ["anshun-scjg"] and body["items"] == [] and body["ticket"] is None
    listed = api.get("/api/v1/meetings/?kind=analysis").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    assert api.get("/api/v1/meetings/?state=nope").status_code == 400


def test_coordination_requires_the_ticket_and_its_lead_department(office_clerk, lead_handler, other_handler):
    ticket = dispatched_ticket(office_clerk)
    body = {"kind": "coordination", "title": "协调会", "starts_at": starts(), "place": "市场监管局会议室"}
    missing = api_as(lead_handler).post("/api/v1/meetings/", body, format="json")
    assert missing.status_code == 400 and "ticket" in missing.json()["errors"]
    created = api_as(lead_handler).post("/api/v1/meetings/", {**body, "ticket": ticket.pk}, format="json")
    assert created.status_code == 201 and created.json()["ticket"] == ticket.pk
    assert api_as(other_handler).post("/api/v1/meetings/", {**body, "kind": "analysis"}, format="json").status_code == 403


def test_bad_input_is_400_in_chinese(office_clerk):
    response = api_as(office_clerk).post("/api/v1/meetings/", {
        "kind": "analysis", "title": "", "starts_at": "2026-12-08T09:00:00", "place": "x", "departments": ["zzz"],
    }, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "时区" in errors["starts_at"][0] and Meeting.objects.count() == 0


def test_another_regions_meeting_is_404_and_an_outside_role_403(office_clerk, county_office, enterprise_user):
    meeting = analysis(office_clerk)
    assert api_as(county_office).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert api_as(county_office).post(f"/api/v1/meetings/{meeting.pk}/hold/", {"minutes": "x"}, format="json").status_code == 404
    assert api_as(enterprise_user).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 403
    assert api_as(enterprise_user).get("/api/v1/meetings/").status_code == 403


def test_items_hold_and_decide(office_clerk, lead_handler, government_user, django_capture_on_commit_callbacks):
    api = api_as(office_clerk)
    meeting = analysis(office_clerk)
    tickets = three_tickets(office_clerk)
    demand = register(office_clerk, title="企业反映用工难")
    url = f"/api/v1/meetings/{meeting.pk}"
    ids = []
    for body in ({"ticket": tickets[0].pk}, {"demand": demand.pk}, {"title": "通报上月运行情况"}):
        response = api.post(f"{url}/items/", body, format="json")
        assert response.status_code == 201, response.json()
        ids.append(response.json()["id"])
    assert api.post(f"{url}/items/", {"ticket": tickets[0].pk, "title": "x"}, format="json").status_code == 400
    assert api.post(f"{url}/items/", {"demand": "abc"}, format="json").status_code == 400

    early = api.post(f"{url}/items/{ids[0]}/decide/", {"outcome": "resolved", "decision": "已解决"}, format="json")
    assert early.status_code == 409 and "召开后" in early.json()["error"]
    assert api_as(government_user).post(f"{url}/hold/", {"minutes": "x"}, format="json").status_code == 403
    assert api.post(f"{url}/hold/", {}, format="json").status_code == 400
    held = api.post(f"{url}/hold/", {"minutes": "会议研究了三项议题。"}, format="json")
    assert held.status_code == 200 and held.json()["state"] == "held" and len(held.json()["items"]) == 3
    assert api.post(f"{url}/hold/", {"minutes": "again"}, format="json").status_code == 409
    assert api.post(f"{url}/items/", {"title": "会后"}, format="json").status_code == 409

    no_department = api.post(f"{url}/items/{ids[0]}/decide/", {"outcome": "assigned", "decision": "限期办"}, format="json")
    assert no_department.status_code == 400
    assert set(no_department.json()["errors"]) == {"department", "due_date"}
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        decided = api.post(f"{url}/items/{ids[0]}/decide/", {
            "outcome": "assigned", "decision": "市场监管局限期办结", "department": "anshun-scjg", "due_date": due,
        }, format="json")
    assert decided.status_code == 200, decided.json()
    item = decided.json()
    assert item["outcome"] == "assigned" and item["department"] == "anshun-scjg" and item["due_date"] == due
    assert item["overdue"] is False and item["ticket"] == tickets[0].pk
    assert Notification.objects.filter(recipient=lead_handler, event="meeting_assigned").count() == 1
    assert api.post(f"{url}/items/{ids[0]}/decide/", {"outcome": "resolved", "decision": "x"}, format="json").status_code == 409
    assert api.post(f"{url}/items/{ids[1]}/decide/", {"outcome": "to_province", "decision": "提级"}, format="json").status_code == 200
    assert api.post(f"{url}/items/999999/decide/", {"outcome": "resolved", "decision": "x"}, format="json").status_code == 404

    follow = api_as(lead_handler).post(f"{url}/items/{ids[0]}/follow-up/", {"note": "已办结"}, format="json")
    assert follow.status_code == 200 and follow.json()["followed_up_at"]
    detail = api.get(f"{url}/").json()
    assert [i["outcome"] for i in detail["items"]] == ["assigned", "to_province", ""]


def test_cancel(office_clerk):
    meeting = analysis(office_clerk)
    api = api_as(office_clerk)
    assert api.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {}, format="json").status_code == 400
    response = api.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {"reason": "改期"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert api.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {"reason": "改期"}, format="json").status_code == 409


def test_get_on_a_post_only_action_is_405(office_clerk):
    meeting = analysis(office_clerk)
    assert api_as(office_clerk).get(f"/api/v1/meetings/{meeting.pk}/hold/").status_code == 405


def test_a_demand_body_may_name_its_meeting(office_clerk, county_office, enterprise_user):
    meeting = analysis(office_clerk)
    body = {
        "channel": "department", "title": "会上企业反映融资难", "content": DEFAULTS["content"], "domain": "financing",
        "enterprise": {"name": DEFAULTS["enterprise_name"], "uscc": DEFAULTS["enterprise_uscc"]},
        "requester": {"name": "王先生", "phone": "13800000000"}, "meeting": meeting.pk,
    }
    created = api_as(office_clerk).post("/api/v1/demands/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["meeting"] == meeting.pk
    plain = api_as(office_clerk).post("/api/v1/demands/", {**body, "meeting": None, "title": "另一项"}, format="json")
    assert plain.json()["meeting"] is None
    wrong_channel = api_as(office_clerk).post("/api/v1/demands/", {**body, "channel": "hotline"}, format="json")
    assert wrong_channel.status_code == 400 and "meeting" in wrong_channel.json()["errors"]
    county = dict(body, first_contact_department=None)
    assert api_as(county_office).post("/api/v1/demands/", county, format="json").status_code == 400
    detail = api_as(office_clerk).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [d["id"] for d in detail["demands"]] == [created.json()["id"]]
    assert detail["demands"][0]["state"] == "registered"


def test_list_and_detail_query_counts_are_pinned(office_clerk, django_assert_max_num_queries):
    for n in range(3):
        meeting, _ = held_with_tickets(office_clerk, three_tickets(office_clerk), minutes=f"纪要 {n}")
    api = api_as(office_clerk)
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/meetings/").json()["count"] == 3
    with django_assert_max_num_queries(12):
        assert len(api.get(f"/api/v1/meetings/{meeting.pk}/").json()["items"]) == 3
    assert AgendaItem.objects.count() == 9


def test_the_schema_describes_the_meetings(office_clerk):
    schema = api_as(office_clerk).get("/api/v1/schema/?format=json").json()
    paths = schema["paths"]
    for path in ("/api/v1/meetings/", "/api/v1/meetings/{id}/", "/api/v1/meetings/{id}/items/",
                 "/api/v1/meetings/{id}/hold/", "/api/v1/meetings/{id}/items/{item}/decide/"):
        assert path in paths, sorted(p for p in paths if "meeting" in p)
    assert "meeting" in schema["components"]["schemas"]["Demand"]["properties"]
