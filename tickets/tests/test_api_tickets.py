"""REST API v1, tickets (API.md "Tickets"): list, read, the actions sign/object/reassign/refer/decide, attachments."""

import inspect
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import EnterpriseUserFactory
from tickets import workflow
from tickets.api.tickets import TICKET_ACTIONS
from tickets.models import Attachment, Ticket, TicketEvent
from tickets.tests.api_helpers import api_as, pdf
from tickets.tests.helpers import dispatched_ticket, disputed_ticket, handling_ticket, register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2026, 11, 2, 9, 0, tzinfo=SH)

TICKET_KEYS = {
    "id", "number", "state", "region", "title", "category", "complex", "lead_department", "co_departments", "demands",
    "dispatched_at", "sign_due_at", "signed_at", "auto_signed", "handle_due_at", "closed_at", "callback_due_at",
    "archived_at", "rework_count", "overdue", "provisional_deadline", "closure", "extensions", "callbacks", "rating",
    "supervisions", "history", "attachments", "assignee", "notes",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def act(user, ticket, action, body=None):
    return api_as(user).post(f"/api/v1/tickets/{ticket.pk}/actions/{action}/", body or {}, format="json")


def state_of(ticket) -> str:
    return Ticket.objects.get(pk=ticket.pk).state


def enterprise_ticket(office, enterprise_user, **kwargs):
    demand = register(enterprise_user, channel="online", enterprise_name="", enterprise_uscc="")
    return workflow.demand_form_ticket(
        actor=office, demand=demand, category="coordination", lead_department="anshun-scjg", **kwargs
    )


# --- read ----------------------------------------------------------------------------------------------------------
def test_a_ticket_reads_as_the_contract_says(office_clerk, lead_handler):
    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket = dispatched_ticket(office_clerk, co=("anshun-sw",))
        response = api_as(lead_handler).get(f"/api/v1/tickets/{ticket.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == TICKET_KEYS
    assert data["number"] == ticket.number and data["state"] == "dispatched" and data["region"] == "anshun"
    assert (data["category"], data["complex"], data["lead_department"]) == ("coordination", False, "anshun-scjg")
    assert data["co_departments"] == [{"department": "anshun-sw", "confirmed": False, "feedback": None}]
    assert data["demands"] == [ticket.demands.get().pk]
    assert data["dispatched_at"] == "2026-11-02T09:00:00+08:00"
    assert data["sign_due_at"] == "2026-11-04T23:59:59+08:00"
    assert data["signed_at"] is None and data["handle_due_at"] is None and data["auto_signed"] is False
    assert data["overdue"] is False and data["provisional_deadline"] is False and data["rework_count"] == 0
    assert (data["closure"], data["rating"]) == (None, None)
    assert data["extensions"] == data["callbacks"] == data["supervisions"] == data["attachments"] == []
    assert data["assignee"] is None and data["notes"] == []
    [entry] = data["history"]
    assert entry["action"] == "dispatch" and (entry["from_state"], entry["to_state"]) == ("", "dispatched")
    assert entry["actor"] == f"{office_clerk}（市政府政务服务中心）"
    assert entry["at"] == "2026-11-02T09:00:00+08:00" and "牵头部门：市市场监督管理局" in entry["note"]


def test_extension_closure_callbacks_and_rating_appear_as_the_ticket_moves_on(office_clerk, lead_handler, enterprise_user):
    with time_machine.travel(MONDAY_9AM, tick=False):
        demand = enterprise_ticket(office_clerk, enterprise_user)
        ticket = workflow.ticket_sign(actor=lead_handler, ticket=demand.ticket)
        workflow.ticket_request_extension(actor=lead_handler, ticket=ticket, due_date=date(2026, 12, 1), reason="需现场核查")
        workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="partial", result="已部分解决", explanation="书面释明")
        workflow.ticket_callback(actor=office_clerk, ticket=ticket, reached=False, note="无人接听")
        # The enterprise rates while the ticket waits for its callback: a reached callback archives it (read-only).
        workflow.ticket_rate(actor=enterprise_user, ticket=ticket, satisfaction="basically_satisfied", comment="还可以")
        workflow.ticket_callback(actor=office_clerk, ticket=ticket, reached=True, satisfaction="satisfied", consistent=True,
                                 meets_standard=True)
        data = api_as(enterprise_user).get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert data["state"] == "archived"
    assert data["closure"] == {"standard": "partial", "result": "已部分解决", "explanation": "书面释明"}
    assert data["extensions"] == [{"due_date": "2026-12-01", "reason": "需现场核查", "state": "pending"}]
    assert data["callbacks"] == [
        {"at": "2026-11-02T09:00:00+08:00", "reached": False, "satisfaction": None, "consistent": None,
         "meets_standard": None, "sampled": False},
        {"at": "2026-11-02T09:00:00+08:00", "reached": True, "satisfaction": "satisfied", "consistent": True,
         "meets_standard": True, "sampled": False},
    ]
    assert data["rating"] == {"satisfaction": "basically_satisfied", "comment": "还可以", "at": "2026-11-02T09:00:00+08:00"}


def test_overdue_follows_the_running_clock(office_clerk, lead_handler):
    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket = dispatched_ticket(office_clerk)
    client = api_as(office_clerk)

    def listed(query):
        return [t["id"] for t in client.get(f"/api/v1/tickets/?{query}").json()["results"]]

    with time_machine.travel(datetime(2026, 11, 5, 10, 0, tzinfo=SH), tick=False):
        assert client.get(f"/api/v1/tickets/{ticket.pk}/").json()["overdue"] is True
        assert (listed("overdue=true"), listed("overdue=false")) == ([ticket.pk], [])
        workflow.ticket_sign(actor=lead_handler, ticket=ticket)
        assert client.get(f"/api/v1/tickets/{ticket.pk}/").json()["overdue"] is False
        assert (listed("overdue=true"), listed("overdue=false")) == ([], [ticket.pk])


def test_list_filters_by_state_lead_department_and_category(office_clerk, lead_handler):
    coordination = dispatched_ticket(office_clerk)
    consultation = dispatched_ticket(office_clerk, lead="anshun-sw", category="consultation")
    handling = handling_ticket(office_clerk, lead_handler, category="complaint")
    client = api_as(office_clerk)

    def listed(query):
        response = client.get(f"/api/v1/tickets/?{query}")
        assert response.status_code == 200
        return sorted(t["id"] for t in response.json()["results"])

    assert listed("state=handling") == [handling.pk]
    assert listed("lead_department=anshun-sw") == [consultation.pk]
    assert listed("category=consultation") == [consultation.pk]
    assert listed("lead_department=anshun-scjg&state=dispatched") == [coordination.pk]
    assert listed("") == sorted([coordination.pk, consultation.pk, handling.pk])


def test_bad_filter_values_are_reported_together(office_clerk):
    response = api_as(office_clerk).get("/api/v1/tickets/?state=open&lead_department=anshun-nope&overdue=maybe&category=x")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"state", "lead_department", "overdue", "category"}
    assert response.json()["errors"]["lead_department"] == ["部门编码“anshun-nope”不存在。"]


def test_each_caller_lists_only_the_tickets_it_may_see(office_clerk, lead_handler, other_handler, outsider, government_user):
    led = dispatched_ticket(office_clerk)
    helped = dispatched_ticket(office_clerk, lead="anshun-gxj", co=("anshun-scjg",))
    elsewhere = dispatched_ticket(office_clerk, lead="anshun-sw")

    def listed(user):
        return sorted(t["id"] for t in api_as(user).get("/api/v1/tickets/").json()["results"])

    assert listed(lead_handler) == sorted([led.pk, helped.pk])
    assert listed(other_handler) == [elsewhere.pk]
    assert listed(outsider) == []
    assert listed(government_user) == sorted([led.pk, helped.pk, elsewhere.pk])
    assert api_as(outsider).get(f"/api/v1/tickets/{led.pk}/").json() == {"error": "工单不存在或无权查看。"}


def test_the_enterprise_sees_its_ticket_but_not_other_demands_or_internal_notes(office_clerk, enterprise_user):
    own = enterprise_ticket(office_clerk, enterprise_user)
    other = register(office_clerk, channel="hall")
    workflow.demand_merge(actor=office_clerk, demand=other, into=own.ticket_id,
                          consent={"by": "王先生", "method": "phone", "at": datetime(2026, 1, 1, tzinfo=SH)})
    TicketEvent.objects.create(ticket=own.ticket, actor=office_clerk, action="note", note="内部协调记录", internal=True)

    seen_by_enterprise = api_as(enterprise_user).get(f"/api/v1/tickets/{own.ticket_id}/").json()
    seen_by_office = api_as(office_clerk).get(f"/api/v1/tickets/{own.ticket_id}/").json()
    assert seen_by_enterprise["demands"] == [own.pk]
    assert sorted(seen_by_office["demands"]) == sorted([own.pk, other.pk])
    assert "内部协调记录" not in [e["note"] for e in seen_by_enterprise["history"]]
    assert "内部协调记录" in [e["note"] for e in seen_by_office["history"]]
    assert api_as(EnterpriseUserFactory()).get(f"/api/v1/tickets/{own.ticket_id}/").status_code == 404


def _rich_ticket(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler, co=("anshun-sw", "anshun-rsj"))
    workflow.attach_file(actor=lead_handler, ticket=ticket, upload=pdf("现场照片.pdf"), kind=Attachment.Kind.EVIDENCE)
    return ticket


def test_list_queries_do_not_grow_with_rows(office_clerk, lead_handler, django_assert_max_num_queries):
    client = api_as(office_clerk)
    for _ in range(2):
        _rich_ticket(office_clerk, lead_handler)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/api/v1/tickets/").json()["results"]) == 2
    for _ in range(5):
        _rich_ticket(office_clerk, lead_handler)
    with django_assert_max_num_queries(13):  # one query per related list, supervisions included
        response = client.get("/api/v1/tickets/")
    assert len(response.json()["results"]) == 7
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/tickets/")
    assert len(many) == len(few)


def test_session_login_reads_the_api_too(client, lead_handler, office_clerk):
    ticket = dispatched_ticket(office_clerk)
    client.force_login(lead_handler)
    response = client.get("/api/v1/tickets/")
    assert response.status_code == 200 and response.json()["count"] == 1
    assert client.post(f"/api/v1/tickets/{ticket.pk}/actions/sign/", {}, content_type="application/json").status_code == 200


# --- sign and object -----------------------------------------------------------------------------------------------
def test_the_lead_handler_signs_and_the_handling_clock_starts(office_clerk, lead_handler):
    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket = dispatched_ticket(office_clerk, category="complaint")
        response = act(lead_handler, ticket, "sign")
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "handling" and data["signed_at"] == "2026-11-02T09:00:00+08:00"
    assert data["handle_due_at"] == "2026-11-09T23:59:59+08:00"
    assert [e["action"] for e in data["history"]] == ["dispatch", "sign"]
    assert state_of(ticket) == Ticket.State.HANDLING


def test_signing_a_ticket_that_is_already_handling_is_409(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    response = act(lead_handler, ticket, "sign")
    assert response.status_code == 409
    assert response.json() == {"error": "当前状态为“办理中”，不能签收该工单。"}


@pytest.mark.parametrize(
    ("who", "status"),
    [("office_clerk", 403), ("government_user", 403), ("specialist", 403), ("other_handler", 404), ("outsider", 404)],
)
def test_only_the_lead_handler_signs_or_objects(request, office_clerk, who, status):
    ticket = dispatched_ticket(office_clerk)
    user = request.getfixturevalue(who)
    assert act(user, ticket, "sign").status_code == status
    assert act(user, ticket, "object", {"reason": "不属于本部门职责"}).status_code == status
    assert state_of(ticket) == Ticket.State.DISPATCHED
    assert list(ticket.events.values_list("action", flat=True)) == ["dispatch"]


def test_an_objection_needs_a_reason(office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk)
    empty = act(lead_handler, ticket, "object", {"reason": " "})
    assert empty.status_code == 400 and empty.json() == {"errors": {"reason": ["请填写异议理由。"]}}
    assert act(lead_handler, ticket, "object").status_code == 400
    assert state_of(ticket) == Ticket.State.DISPATCHED
    response = act(lead_handler, ticket, "object", {"reason": "该事项属于税务部门职责"})
    assert response.status_code == 200 and response.json()["state"] == "disputed"
    assert response.json()["history"][-1]["note"] == "该事项属于税务部门职责"


# --- resolving a dispute -------------------------------------------------------------------------------------------
def test_the_office_reassigns_a_disputed_ticket(office_clerk, lead_handler):
    with time_machine.travel(MONDAY_9AM, tick=False):
        ticket = disputed_ticket(office_clerk, lead_handler, co=("anshun-rsj",))
    with time_machine.travel(datetime(2026, 11, 3, 9, 0, tzinfo=SH), tick=False):
        response = act(office_clerk, ticket, "reassign",
                       {"lead_department": "anshun-sw", "co_departments": ["anshun-scjg"], "note": "税务牵头"})
    assert response.status_code == 200
    data = response.json()
    assert (data["state"], data["lead_department"]) == ("dispatched", "anshun-sw")
    assert [c["department"] for c in data["co_departments"]] == ["anshun-scjg"]
    assert data["sign_due_at"] == "2026-11-05T23:59:59+08:00"
    assert data["history"][-1]["action"] == "reassign"


def test_reassigning_without_co_departments_keeps_them(office_clerk, lead_handler):
    ticket = disputed_ticket(office_clerk, lead_handler, co=("anshun-rsj",))
    response = act(office_clerk, ticket, "reassign", {"lead_department": "anshun-sw"})
    assert response.status_code == 200
    assert [c["department"] for c in response.json()["co_departments"]] == ["anshun-rsj"]


def test_reassign_with_a_bad_department_changes_nothing(office_clerk, lead_handler):
    ticket = disputed_ticket(office_clerk, lead_handler)
    missing = act(office_clerk, ticket, "reassign", {})
    assert missing.status_code == 400 and missing.json() == {"errors": {"lead_department": ["请选择部门。"]}}
    county = act(office_clerk, ticket, "reassign", {"lead_department": "puding-scjg"})
    assert county.status_code == 400 and "不属于安顺市" in county.json()["errors"]["lead_department"][0]
    assert state_of(ticket) == Ticket.State.DISPUTED


def test_the_lead_handler_cannot_resolve_its_own_objection(office_clerk, lead_handler):
    ticket = disputed_ticket(office_clerk, lead_handler)
    assert act(lead_handler, ticket, "reassign", {"lead_department": "anshun-sw"}).status_code == 403
    assert act(lead_handler, ticket, "refer_to_government", {"note": "协调不成"}).status_code == 403
    assert state_of(ticket) == Ticket.State.DISPUTED


def test_the_office_refers_a_dispute_and_the_government_names_the_lead(office_clerk, lead_handler, government_user):
    ticket = disputed_ticket(office_clerk, lead_handler)
    assert act(office_clerk, ticket, "refer_to_government").json() == {"errors": {"note": ["请填写协调情况说明。"]}}
    assert act(government_user, ticket, "decide_lead", {"lead_department": "anshun-sw"}).status_code == 409
    referred = act(office_clerk, ticket, "refer_to_government", {"note": "两部门协调未果"})
    assert referred.status_code == 200 and referred.json()["state"] == "government_decision"

    assert act(office_clerk, ticket, "decide_lead", {"lead_department": "anshun-sw"}).status_code == 403
    decided = act(government_user, ticket, "decide_lead", {"lead_department": "anshun-sw", "note": "按职责由税务牵头"})
    assert decided.status_code == 200
    assert (decided.json()["state"], decided.json()["lead_department"]) == ("dispatched", "anshun-sw")
    assert [e["action"] for e in decided.json()["history"]][-2:] == ["refer_to_government", "decide_lead"]


def test_an_unknown_action_is_404_and_says_nothing_about_invisible_tickets(office_clerk, outsider):
    ticket = dispatched_ticket(office_clerk)
    assert act(office_clerk, ticket, "fly").json() == {"error": "没有“fly”这个操作。"}
    assert act(outsider, ticket, "fly").json() == {"error": "工单不存在或无权查看。"}


def test_actions_are_post_only(office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk)
    assert api_as(lead_handler).get(f"/api/v1/tickets/{ticket.pk}/actions/sign/").status_code == 405
    assert api_as(lead_handler).get(f"/api/v1/tickets/{ticket.pk}/attachments/").status_code == 405
    assert state_of(ticket) == Ticket.State.DISPATCHED


@pytest.mark.parametrize("name", sorted(TICKET_ACTIONS))
def test_every_action_body_field_is_an_argument_of_its_workflow_function(name):
    action = TICKET_ACTIONS[name]
    parameters = inspect.signature(action.run).parameters
    assert {"actor", "ticket"} <= set(parameters)
    assert set(action.body().fields) <= set(parameters)


def test_the_schema_documents_the_action_names(office_clerk):
    client = api_as(office_clerk)
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    action_path = schema["paths"]["/api/v1/tickets/{id}/actions/{action}/"]["post"]
    [param] = [p for p in action_path["parameters"] if p["name"] == "action"]
    assert sorted(param["schema"]["enum"]) == sorted(TICKET_ACTIONS)
    assert "/api/v1/demands/{id}/triage/" in schema["paths"]


# --- attachments ---------------------------------------------------------------------------------------------------
def test_lead_co_department_and_office_upload_evidence(office_clerk, lead_handler, other_handler):
    ticket = handling_ticket(office_clerk, lead_handler, co=("anshun-sw",))
    url = f"/api/v1/tickets/{ticket.pk}/attachments/"
    for user in (lead_handler, other_handler, office_clerk):
        response = api_as(user).post(url, {"file": pdf("整改报告.pdf")}, format="multipart")
        assert response.status_code == 201
        assert (response.json()["kind"], response.json()["name"]) == ("evidence", "整改报告.pdf")
    assert len(api_as(office_clerk).get(f"/api/v1/tickets/{ticket.pk}/").json()["attachments"]) == 3


def test_readers_cannot_upload_and_outsiders_do_not_see(office_clerk, lead_handler, government_user, outsider):
    ticket = handling_ticket(office_clerk, lead_handler)
    url = f"/api/v1/tickets/{ticket.pk}/attachments/"
    refused = api_as(government_user).post(url, {"file": pdf()}, format="multipart")
    assert refused.status_code == 403 and refused.json() == {"error": "您不能为该工单上传附件。"}
    assert api_as(outsider).post(url, {"file": pdf()}, format="multipart").status_code == 404
    bad = api_as(lead_handler).post(url, {"file": pdf("macro.xlsm")}, format="multipart")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["file"]
    assert not Attachment.objects.exists()


def test_an_archived_ticket_takes_no_more_files(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    # No workflow path reaches `archived` yet (closing and callbacks come later); set the state directly.
    Ticket.objects.filter(pk=ticket.pk).update(state=Ticket.State.ARCHIVED)
    response = api_as(lead_handler).post(f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": pdf()}, format="multipart")
    assert response.status_code == 409 and "已归档" in response.json()["error"]
    assert not Attachment.objects.exists()
