"""Supervision and urging (SPEC §7, §8): automatic triggers, manual forms, who may, answers, idempotent keys."""

import pytest

from tickets.models import Supervision, TicketEvent
from tickets.supervision import supervision_raise_automatic
from tickets.tests.helpers import handling_ticket


@pytest.mark.django_db
def test_automatic_supervision_is_raised_once_per_key(office_clerk, lead_handler):
    from django.utils import timezone

    ticket = handling_ticket(office_clerk, lead_handler)
    now = timezone.now()
    first = supervision_raise_automatic(ticket=ticket, trigger="overdue", department=ticket.lead_department,
                                        content="办理已超期", key=f"overdue:{ticket.pk}:handle", now=now)
    again = supervision_raise_automatic(ticket=ticket, trigger="overdue", department=ticket.lead_department,
                                        content="办理已超期", key=f"overdue:{ticket.pk}:handle", now=now)
    assert first is not None and again is None
    assert Supervision.objects.filter(ticket=ticket).count() == 1
    assert first.form == "system" and first.automatic and first.issued_by is None
    assert TicketEvent.objects.filter(ticket=ticket, action="supervise").count() == 1
