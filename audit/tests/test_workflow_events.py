"""Every workflow transition is an audit row pointing at its timeline entry; when the audit write fails, the act
fails and leaves nothing behind (SECURITY.md §4)."""

import pytest
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from audit.models import AuditEvent
from tickets import workflow
from tickets.models import Ticket, TicketEvent
from tickets.tests.helpers import dispatched_ticket

pytestmark = pytest.mark.django_db


def test_each_timeline_entry_has_its_audit_row(office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk, lead=lead_handler.department.code)
    workflow.ticket_sign(actor=lead_handler, ticket=ticket)
    entry = TicketEvent.objects.get(ticket=ticket, action="sign")
    row = AuditEvent.objects.get(action="workflow.sign")
    assert (row.actor, row.object_type, row.object_id) == (lead_handler, "tickets.ticket", str(ticket.pk))
    assert row.detail == {"entry": entry.pk, "timeline": "ticketevent", "from_state": "dispatched",
                          "to_state": "handling"}
    demand_rows = AuditEvent.objects.filter(action="workflow.register", object_type="tickets.demand")
    assert demand_rows.count() == 1


def test_a_failing_audit_write_rolls_the_transition_back(office_clerk, lead_handler, monkeypatch):
    ticket = dispatched_ticket(office_clerk, lead=lead_handler.department.code)
    entries = TicketEvent.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(AuditEvent.objects, "create", broken)
    with pytest.raises(RuntimeError):
        workflow.ticket_sign(actor=lead_handler, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.DISPATCHED and TicketEvent.objects.count() == entries


def test_a_failing_audit_write_rolls_a_password_change_back(client, office_clerk, monkeypatch):
    client.force_login(office_clerk)
    monkeypatch.setattr(AuditEvent.objects, "create", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("down")))
    new = "Another-Pass-2026!"
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(reverse("accounts:password_change"),
                    {"old_password": DEMO_PASSWORD, "new_password1": new, "new_password2": new})
    office_clerk.refresh_from_db()
    assert office_clerk.check_password(DEMO_PASSWORD) and not office_clerk.check_password(new)
