"""An anonymous demand never shows its requester's phone (or name) to a department, the enterprise or anyone but the
region's office (SECURITY.md §5): the ticket page, the demand page, the API, the ledger."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import EnterpriseUserFactory
from tickets import workflow
from tickets.tests.api_helpers import api_as
from tickets.tests.helpers import register

pytestmark = pytest.mark.django_db
PHONE = "13985311111"


def _ticketed(office, registrar, **overrides):
    demand = register(registrar, channel="hotline", requester_name="来电人", requester_phone=PHONE, **overrides)
    return workflow.demand_form_ticket(
        actor=office, demand=demand, category="complaint", complex=False, lead_department="anshun-scjg",
        co_departments=[],
    )


@pytest.fixture
def anonymous_demand(office_clerk, specialist):
    return _ticketed(office_clerk, specialist, anonymous=True, enterprise_name="", enterprise_uscc="")


@pytest.fixture
def named_demand(office_clerk, specialist):
    return _ticketed(office_clerk, specialist)


def test_lead_handler_sees_no_phone_on_the_ticket_page(client, lead_handler, anonymous_demand):
    client.force_login(lead_handler)
    body = client.get(reverse("tickets:ticket_detail", args=[anonymous_demand.ticket_id])).content.decode()
    assert anonymous_demand.title in body
    assert PHONE not in body and "来电人" not in body
    assert 'data-testid="demand-requester">匿名<' in body


def test_lead_handler_sees_no_phone_on_the_demand_page(client, lead_handler, anonymous_demand):
    client.force_login(lead_handler)
    response = client.get(reverse("tickets:demand_detail", args=[anonymous_demand.pk]))
    assert response.status_code == 200
    assert PHONE not in response.content.decode()


def test_a_named_demand_shows_its_phone_to_the_lead_handler(client, lead_handler, named_demand):
    # Masked on the page like everywhere (SECURITY.md §5); the lead handler may reveal it (tickets/tests/test_pii.py).
    client.force_login(lead_handler)
    body = client.get(reverse("tickets:ticket_detail", args=[named_demand.ticket_id])).content.decode()
    assert "来电人 · 139****1111" in body and PHONE not in body


def test_the_region_office_still_reads_the_anonymous_requester(client, office_clerk, anonymous_demand):
    client.force_login(office_clerk)
    body = client.get(reverse("tickets:demand_detail", args=[anonymous_demand.pk])).content.decode()
    assert "来电人 · 139****1111" in body  # masked until revealed (SECURITY.md §5)


def test_api_hides_the_anonymous_requester_from_a_department(lead_handler, office_clerk, anonymous_demand):
    url = f"/api/v1/demands/{anonymous_demand.pk}/"
    handler_view = api_as(lead_handler).get(url).json()
    assert handler_view["anonymous"] is True and handler_view["requester"] == {"name": "", "phone": ""}
    listed = api_as(lead_handler).get("/api/v1/demands/").json()["results"]
    assert [row["requester"]["phone"] for row in listed if row["id"] == anonymous_demand.pk] == [""]
    assert api_as(office_clerk).get(url).json()["requester"] == {"name": "来电人", "phone": "139****1111"}


def test_the_enterprise_named_by_an_anonymous_demand_does_not_see_who_raised_it(client, office_clerk, specialist):
    user = EnterpriseUserFactory(username="t_ent_named")
    demand = _ticketed(office_clerk, specialist, anonymous=True, enterprise_name=user.enterprise.name,
                       enterprise_uscc=user.enterprise.uscc)
    client.force_login(user)
    body = client.get(reverse("tickets:demand_detail", args=[demand.pk])).content.decode()
    assert demand.title in body and PHONE not in body


def test_the_ledger_never_holds_an_anonymous_requesters_phone(client, lead_handler, anonymous_demand):
    client.force_login(lead_handler)
    response = client.get(reverse("reports:ledger_xlsx"))
    assert response.status_code == 200
    cells = [str(cell.value) for row in load_workbook(BytesIO(response.content)).active.iter_rows() for cell in row]
    assert anonymous_demand.title in cells
    assert not any(PHONE in cell or "来电人" in cell for cell in cells)

