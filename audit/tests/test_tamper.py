"""The audit table and the timelines are append-only on PostgreSQL: the database refuses UPDATE and DELETE, through
the ORM and through raw SQL (SECURITY.md §4). On SQLite only the models' own guards apply, so these tests skip."""

import pytest
from django.db import IntegrityError, InternalError, connection, transaction

from audit.models import AuditEvent
from audit.services import record
from tickets.models import DemandEvent, TicketEvent
from tickets.tests.helpers import dispatched_ticket

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"),
]

REFUSED = (InternalError, IntegrityError)


def _refused(statement):
    with pytest.raises(REFUSED, match="Cannot (update|delete)"), transaction.atomic():
        statement()


def _raw(sql, params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


@pytest.fixture
def event(office_clerk):
    return record("account.login", actor=office_clerk)


def test_an_audit_row_cannot_be_updated_through_the_orm(event):
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(result="failed"))
    event.result = "failed"
    _refused(lambda: event.save())
    event.refresh_from_db()
    assert event.result == "ok"


def test_an_audit_row_cannot_be_deleted_through_the_orm(event):
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    _refused(lambda: event.delete())
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_audit_row_cannot_be_changed_or_deleted_by_raw_sql(event):
    _refused(_raw("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk]))
    _refused(_raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk]))
    assert AuditEvent.objects.get(pk=event.pk).action == "account.login"


def test_the_archive_setting_allows_a_delete_but_never_an_update(event):
    with pytest.raises(REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL qyzj.audit_archive = 'on'")
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL qyzj.audit_archive = 'on'")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert not AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_archive_setting_ends_with_its_transaction_and_a_flush_still_empties_the_tables(office_clerk):
    """Autocommit, as in production: SET LOCAL lasts one transaction. This test's own cleanup is a flush (TRUNCATE),
    which row triggers do not stop."""
    first, second = record("account.login", actor=office_clerk), record("account.logout", actor=office_clerk)
    dispatched_ticket(office_clerk)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL qyzj.audit_archive = 'on'")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [first.pk])
    _refused(_raw("DELETE FROM audit_auditevent WHERE id = %s", [second.pk]))
    assert list(AuditEvent.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", flat=True)) == [second.pk]


@pytest.fixture
def timeline(office_clerk):
    ticket = dispatched_ticket(office_clerk)
    return ticket, ticket.events.first(), ticket.demands.first().events.first()


@pytest.mark.parametrize("model", [TicketEvent, DemandEvent])
def test_a_timeline_entry_cannot_be_updated_or_deleted_through_the_orm(timeline, model):
    entry = next(e for e in timeline[1:] if isinstance(e, model))
    _refused(lambda: model.objects.filter(pk=entry.pk).update(note="篡改"))
    _refused(lambda: model.objects.filter(pk=entry.pk).delete())
    assert model.objects.get(pk=entry.pk).note == entry.note


@pytest.mark.parametrize("table", ["tickets_ticketevent", "tickets_demandevent"])
def test_a_timeline_entry_cannot_be_updated_or_deleted_by_raw_sql(timeline, table):
    _refused(_raw(f"UPDATE {table} SET note = 'x'", []))
    _refused(_raw(f"DELETE FROM {table}", []))
    _refused(_raw(f"UPDATE {table} SET note = 'x'", []))


def test_deleting_a_ticket_with_a_timeline_is_refused(timeline):
    ticket = timeline[0]
    _refused(lambda: ticket.demands.all().delete())
