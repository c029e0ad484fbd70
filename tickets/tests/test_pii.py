"""A requester's phone (SECURITY.md §5): masked in pages, the API and the ledger for every reader; revealed one at a
time, audited, by the office of the demand's region and by the lead department's handlers while the ticket is open;
refused to a co-department, a specialist, another region and, for an anonymous demand, to every department."""

import json
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from audit.models import AuditEvent
from tickets import rules, workflow
from tickets.models import Demand, Ticket
from tickets.tests.api_helpers import api_as
from tickets.tests.helpers import register

pytestmark = pytest.mark.django_db
PHONE = "13985317788"
MASKED = "139****7788"


def _ticketed(office, registrar, **overrides):
    demand = register(registrar, channel="hotline", requester_name="来电人", requester_phone=PHONE, **overrides)
    return workflow.demand_form_ticket(
        actor=office, demand=demand, category="complaint", complex=False, lead_department="anshun-scjg",
        co_departments=["anshun-sw"],
    )


@pytest.fixture
def demand(office_clerk, specialist):
    return _ticketed(office_clerk, specialist)


@pytest.fixture
def anonymous_demand(office_clerk, specialist):
    return _ticketed(office_clerk, specialist, anonymous=True, enterprise_name="", enterprise_uscc="")


def _web_reveal(client, user, demand):
    client.force_login(user)
    return client.post(reverse("tickets:demand_reveal_phone", args=[demand.pk]))


def _api_reveal(user, demand):
    return api_as(user).post(f"/api/v1/demands/{demand.pk}/reveal-phone/")


def _no_phone_in(event: AuditEvent) -> bool:
    row = json.dumps([event.actor_name, event.object_repr, event.object_id, event.detail, event.user_agent])
    return not any(PHONE[i:i + 4] in row for i in range(len(PHONE) - 3))


# --- masked by default ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["specialist", "other_handler", "office_clerk", "lead_handler"])
def test_every_page_shows_the_phone_masked(client, request, demand, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for url in (reverse("tickets:demand_detail", args=[demand.pk]), reverse("tickets:ticket_detail", args=[demand.ticket_id])):
        response = client.get(url)
        if response.status_code == 404:  # the specialist reads the demand, not necessarily the ticket
            continue
        body = response.content.decode()
        assert response.status_code == 200
        assert f"来电人 · {MASKED}" in body and PHONE not in body


def test_the_reveal_button_is_offered_only_to_those_who_call_back(client, demand, office_clerk, lead_handler,
                                                                   other_handler, specialist):
    url = reverse("tickets:demand_detail", args=[demand.pk])
    for user, offered in ((office_clerk, True), (lead_handler, True), (other_handler, False), (specialist, False)):
        client.force_login(user)
        assert ('data-testid="reveal-phone-form"' in client.get(url).content.decode()) is offered, user.username


@pytest.mark.parametrize("who", ["specialist", "other_handler", "office_clerk", "lead_handler"])
def test_the_api_answers_the_phone_masked(request, demand, who):
    user = request.getfixturevalue(who)
    detail = api_as(user).get(f"/api/v1/demands/{demand.pk}/").json()
    assert detail["requester"] == {"name": "来电人", "phone": MASKED}
    listed = api_as(user).get("/api/v1/demands/").content.decode()
    assert PHONE not in listed


def test_the_ledger_xlsx_holds_no_phone(client, lead_handler, other_handler, demand):
    for user in (lead_handler, other_handler):
        client.force_login(user)
        response = client.get(reverse("reports:ledger_xlsx"))
        assert response.status_code == 200
        cells = [str(cell.value) for row in load_workbook(BytesIO(response.content)).active.iter_rows() for cell in row]
        assert demand.title in cells
        assert not any(PHONE in cell or PHONE[-4:] in cell and "****" in cell for cell in cells)


# --- the reveal -----------------------------------------------------------------------------------------------------
def test_the_office_reveals_on_the_web_and_it_is_audited(client, office_clerk, demand):
    response = _web_reveal(client, office_clerk, demand)
    assert response.status_code == 200
    assert f'data-testid="revealed-phone">{PHONE}<' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="pii.reveal")
    assert event.actor == office_clerk and event.role == Role.OFFICE
    assert (event.object_type, event.object_id) == ("tickets.demand", str(demand.pk))
    assert event.detail == {"field": "requester_phone"}
    assert _no_phone_in(event)


def test_the_lead_handler_reveals_through_the_api_and_it_is_audited(lead_handler, demand):
    response = _api_reveal(lead_handler, demand)
    assert response.status_code == 200 and response.json() == {"phone": PHONE}
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="pii.reveal")
    assert event.actor == lead_handler and event.object_id == str(demand.pk) and _no_phone_in(event)


def test_the_office_reveals_an_anonymous_requesters_phone(office_clerk, anonymous_demand):
    assert _api_reveal(office_clerk, anonymous_demand).json() == {"phone": PHONE}


def test_each_reveal_is_one_audit_row(client, office_clerk, demand):
    _web_reveal(client, office_clerk, demand)
    _api_reveal(office_clerk, demand)
    assert AuditEvent.objects.filter(action="pii.reveal").count() == 2


@pytest.mark.parametrize("who", ["other_handler", "specialist"])
def test_a_co_department_or_a_specialist_is_refused(client, request, demand, who):
    user = request.getfixturevalue(who)
    web = _web_reveal(client, user, demand)
    api = _api_reveal(user, demand)
    assert web.status_code in (403, 404) and PHONE not in web.content.decode()
    assert api.status_code in (403, 404) and PHONE not in api.content.decode()
    if who == "other_handler":  # it reads the ticket as co-department: a wrong role, not an outsider
        assert web.status_code == 403 and api.status_code == 403
        assert "联合服务办公室" in api.json()["error"]
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()


@pytest.mark.parametrize("who", ["county_office", "outsider"])
def test_another_region_gets_404(client, request, demand, who):
    user = request.getfixturevalue(who)
    assert _web_reveal(client, user, demand).status_code == 404
    assert _api_reveal(user, demand).status_code == 404
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()


def test_a_handler_of_the_lead_department_in_another_role_is_refused(demand):
    chief = UserFactory(username="t_scjg_specialist", role=Role.SPECIALIST, department=department("anshun-scjg"))
    assert not rules.may_reveal_phone(demand, chief)


def test_an_anonymous_demand_never_reveals_to_a_department(client, lead_handler, other_handler, anonymous_demand):
    for user in (lead_handler, other_handler):
        assert _web_reveal(client, user, anonymous_demand).status_code == 403
        response = _api_reveal(user, anonymous_demand)
        assert response.status_code == 403 and PHONE not in response.content.decode()
        client.force_login(user)
        page = client.get(reverse("tickets:ticket_detail", args=[anonymous_demand.ticket_id])).content.decode()
        assert PHONE not in page and MASKED not in page and 'data-testid="reveal-phone-form"' not in page
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()


def test_the_lead_handler_may_reveal_only_while_the_ticket_is_open(lead_handler, demand):
    assert rules.may_reveal_phone(demand, lead_handler)
    for state in ("archived", "terminated", "escalated"):
        Ticket.objects.filter(pk=demand.ticket_id).update(state=state)  # the ticket is no longer theirs
        assert not rules.may_reveal_phone(Demand.objects.select_related("ticket").get(pk=demand.pk), lead_handler)
    response = _api_reveal(lead_handler, demand)
    assert response.status_code == 403 and PHONE not in response.content.decode()


def test_the_reveal_is_a_post(client, office_clerk, demand):
    client.force_login(office_clerk)
    assert client.get(reverse("tickets:demand_reveal_phone", args=[demand.pk])).status_code == 405
    assert api_as(office_clerk).get(f"/api/v1/demands/{demand.pk}/reveal-phone/").status_code == 405
    assert not AuditEvent.objects.exists() or not AuditEvent.objects.filter(action="pii.reveal").exists()


def test_a_failed_audit_write_reveals_nothing(client, office_clerk, demand, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr("tickets.pii.record", broken)
    client.raise_request_exception = False
    response = _web_reveal(client, office_clerk, demand)
    assert response.status_code == 500 and PHONE not in response.content.decode()
