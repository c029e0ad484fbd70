"""Re-laying the apps moved models between apps; their tables and rows stay. A database holding demands, tickets,
supervisions and the rest, written by the previous layout's migrations, migrates to the new layout with every row."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

SH = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 2, 10, 0, tzinfo=SH)
# The previous layout: everything in tickets, the daily figures in reports; the new apps not there yet.
PREVIOUS = [
    ("accounts", "0002_load_organisation"),
    ("tickets", "0006_sweep"),
    ("reports", "0002_daily_figures"),
    ("notifications", "0001_initial"),
    ("core", None),
    ("workcalendar", None),
    ("supervision", None),
    ("deadlines", None),
]


def _old_rows(apps) -> dict:
    """One row of every moved model (and the demand and ticket they hang on), written with the previous layout's models."""
    from accounts.orgdata import load_organisation

    get = apps.get_model
    load_organisation(get("accounts", "Region"), get("accounts", "Domain"), get("accounts", "Department"))
    department = get("accounts", "Department").objects.get(code="anshun-scjg")
    office = get("accounts", "Department").objects.get(code="anshun-zwfw")
    region = office.region
    user = get("accounts", "User").objects.create(username="t_migrate", password="!", role="office", department=office)
    domain = get("accounts", "Domain").objects.get(code="market")
    demand = get("tickets", "Demand").objects.create(
        number="SQ20261102-0001", state="ticketed", channel="hotline", region=region, enterprise_name="迁移测试企业",
        requester_name="王先生", requester_phone="13800000000", anonymous=True, title="迁移前的诉求", content="内容",
        domain=domain, received_at=AT, registered_at=AT, first_contact_department=office, registered_by=user,
    )
    ticket = get("tickets", "Ticket").objects.create(
        number="GD20261102-0001", state="handling", region=region, title="迁移前的工单", category="coordination",
        domain=domain, lead_department=department, created_by=user, created_at=AT, dispatched_at=AT,
        handle_due_at=datetime(2026, 11, 16, 23, 59, 59, tzinfo=SH),
    )
    get("tickets", "Demand").objects.filter(pk=demand.pk).update(ticket=ticket)
    get("tickets", "TicketEvent").objects.create(ticket=ticket, action="dispatch", note="迁移前的时间线", at=AT)
    supervision = get("tickets", "Supervision").objects.create(
        number="DB20261102-0001", region=region, ticket=ticket, department=department, trigger="overdue", form="written",
        content="请说明原因", issued_by=user, issuing_department=office, issued_at=AT,
        due_at=datetime(2026, 11, 4, 23, 59, 59, tzinfo=SH), key="overdue:migrate",
    )
    get("tickets", "Urge").objects.create(ticket=ticket, department=department, actor=user, note="请加快", at=AT)
    get("tickets", "ClockAlert").objects.create(
        kind="overdue", clock="supervision", subject=f"supervision:{supervision.pk}", supervision=supervision,
        due_at=supervision.due_at, created_at=AT,
    )
    get("tickets", "SweepState").objects.update_or_create(pk=1, defaults={"last_now": AT, "finished_at": AT})
    year = get("tickets", "CalendarYear").objects.create(year=2031, official=True, source="迁移测试")
    get("tickets", "CalendarException").objects.create(calendar_year=year, date=date(2031, 1, 1), kind="holiday", name="元旦")
    get("tickets", "DeadlinePolicy").objects.update_or_create(clock="sign", defaults={"working_days": 3, "basis": "迁移测试"})
    get("tickets", "NumberSequence").objects.create(key="MIG20261102", last=41)
    get("reports", "TicketDay").objects.create(day=date(2026, 11, 2), region=region, department=department, tickets_dispatched=7)
    get("reports", "DemandDay").objects.create(day=date(2026, 11, 2), region=region, dimension="channel", code="hotline", count=5)
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.get_or_create(app_label="tickets", model="supervision")
    return {"supervision": supervision.pk, "ticket": ticket.pk}


@pytest.mark.django_db(transaction=True)
def test_every_row_survives_the_move_to_the_new_apps():
    executor = MigrationExecutor(connection)
    executor.migrate(PREVIOUS)
    executor.loader.build_graph()
    ids = _old_rows(executor.loader.project_state([target for target in PREVIOUS if target[1]]).apps)
    old_type = executor.loader.project_state([target for target in PREVIOUS if target[1]]).apps.get_model(
        "contenttypes", "ContentType"
    ).objects.get(app_label="tickets", model="supervision").pk

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from django.contrib.contenttypes.models import ContentType

    from core.models import NumberSequence
    from deadlines.models import ClockAlert, SweepState
    from supervision.models import Supervision, Urge
    from tickets.models import Demand, DemandDay, Ticket, TicketDay
    from workcalendar.models import CalendarException, CalendarYear, DeadlinePolicy

    ticket = Ticket.objects.get(pk=ids["ticket"])
    assert ticket.number == "GD20261102-0001" and ticket.events.get().note == "迁移前的时间线"
    # Later migrations fill what the old rows lacked: the running due of a handling ticket is its handling due.
    assert ticket.current_due_at == ticket.handle_due_at == datetime(2026, 11, 16, 23, 59, 59, tzinfo=SH)
    assert Demand.objects.get(number="SQ20261102-0001").ticket_id == ticket.pk
    # …and the searched text of every demand and ticket, so old rows are found by keyword like new ones.
    assert "迁移测试企业" in Demand.objects.get(number="SQ20261102-0001").search_text
    assert {"gd20261102-0001", "迁移前的工单", "迁移测试企业", "sq20261102-0001"} <= set(ticket.search_text.split())
    supervision = Supervision.objects.get(pk=ids["supervision"])
    assert (supervision.number, supervision.ticket_id, supervision.key) == ("DB20261102-0001", ticket.pk, "overdue:migrate")
    assert list(ticket.supervisions.all()) == [supervision]  # the relation from the tickets app still reaches it
    assert Urge.objects.get(ticket=ticket).note == "请加快"
    assert ClockAlert.objects.get(supervision=supervision).subject == f"supervision:{supervision.pk}"
    assert SweepState.objects.get(pk=1).last_now == AT
    assert CalendarException.objects.get(date=date(2031, 1, 1)).calendar_year == CalendarYear.objects.get(year=2031)
    assert DeadlinePolicy.objects.get(clock="sign").working_days == 3
    assert NumberSequence.objects.get(key="MIG20261102").last == 41
    assert TicketDay.objects.get(day=date(2026, 11, 2)).tickets_dispatched == 7
    assert DemandDay.objects.get(day=date(2026, 11, 2), code="hotline").count == 5
    # Permissions and admin log entries follow the model: the content type is relabelled, not replaced.
    assert ContentType.objects.get(app_label="supervision", model="supervision").pk == old_type
    assert not ContentType.objects.filter(app_label="tickets", model="supervision").exists()
