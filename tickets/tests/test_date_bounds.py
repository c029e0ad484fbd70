"""SECURITY.md §6: no date before 2000 (nor after 2099) gets in — web form, API, workflow, database — and lists answer."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tickets.models import Demand
from tickets.tests.api_helpers import api_as
from tickets.tests.helpers import handling_ticket, register
from tickets.tests.test_api_demands import hotline_body
from tickets.tests.test_views_intake import _form, _post

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 9, 18, 10, 30, tzinfo=SH)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_the_web_form_refuses_year_one_and_the_lists_still_answer(client, office_clerk):
    client.force_login(office_clerk)
    response = _post(client, _form(received_at="0001-01-01T00:00"))
    assert response.status_code == 200
    assert response.context["form"].errors["received_at"] == ["收到时间不能早于 2000 年 1 月 1 日。"]
    assert not Demand.objects.exists()
    register(office_clerk)
    with time_machine.travel(NOW, tick=False):
        for url in ("/demands/", "/office/triage/"):
            assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+08:00", "0001-01-01T00:00:00+00:00", "1999-12-31T23:59:00+08:00"])
def test_the_api_refuses_a_receipt_time_before_2000_with_a_400(office_clerk, value):
    client = api_as(office_clerk)
    response = client.post("/api/v1/demands/", hotline_body(received_at=value), format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"received_at": ["时间不能早于 2000 年 1 月 1 日。"]}}
    assert not Demand.objects.exists()
    assert client.get("/api/v1/demands/").status_code == 200


@pytest.mark.django_db
def test_the_api_refuses_year_9999(office_clerk):
    response = api_as(office_clerk).post("/api/v1/demands/", hotline_body(received_at="9999-12-31T23:59:59+08:00"), format="json")
    assert response.status_code == 400 and "received_at" in response.json()["errors"]


@pytest.mark.django_db
def test_the_workflow_refuses_year_one_whoever_calls_it(office_clerk):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        register(office_clerk, received_at=datetime(1, 1, 1, tzinfo=SH))
    assert caught.value.message_dict["received_at"] == ["收到时间不能早于 2000 年 1 月 1 日。"]


@pytest.mark.django_db
def test_an_extension_due_date_beyond_a_year_or_in_year_one_is_a_400(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler)
    client = api_as(lead_handler)
    url = f"/api/v1/tickets/{ticket.pk}/actions/request_extension/"
    response = client.post(url, {"due_date": "0001-01-01", "reason": "需要更多时间"}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["due_date"] == ["日期不能早于 2000 年 1 月 1 日。"]
    response = client.post(url, {"due_date": "2099-12-31", "reason": "需要更多时间"}, format="json")
    assert response.status_code == 400 and "不能晚于" in response.json()["errors"]["due_date"][0]
    assert not ticket.extensions.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_receipt_time_before_2000(office_clerk):
    demand = register(office_clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Demand.objects.filter(pk=demand.pk).update(received_at=datetime(1999, 12, 31, 12, tzinfo=UTC))


@pytest.mark.django_db(transaction=True)
def test_the_migration_repairs_rows_out_of_range_and_keeps_them(office_clerk):
    demand = register(office_clerk)
    executor = MigrationExecutor(connection)
    # Back to just before the migration that adds the bounds (whatever precedes it), the demand row kept.
    before = sorted(executor.loader.graph.node_map[("tickets", "0017_date_bounds")].parents)[0].key
    executor.migrate([before])
    with connection.cursor() as cursor:
        table = Demand._meta.db_table
        cursor.execute(f"UPDATE {table} SET received_at = %s WHERE id = %s",
                       [datetime(1, 1, 2, tzinfo=UTC), demand.pk])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    demand.refresh_from_db()
    assert demand.received_at == demand.registered_at
    assert Demand.objects.count() == 1
    assert date(2000, 1, 1) <= demand.received_at.date()
