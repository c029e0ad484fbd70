"""core.fsm.STATE_FIELDS: the state fields found once per class keep django-fsm-2's optimistic check."""

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition

from tickets.models import Demand, Ticket
from tickets.tests.helpers import dispatched_ticket

pytestmark = pytest.mark.django_db


def test_the_models_state_fields_are_their_fsm_fields():
    assert [field.name for field in Ticket().state_fields] == ["state"]
    assert [field.name for field in Demand().state_fields] == ["state"]


def test_a_save_over_a_state_changed_meanwhile_is_refused(office_clerk):
    ticket = dispatched_ticket(office_clerk)
    loaded = Ticket.objects.get(pk=ticket.pk)
    Ticket.objects.filter(pk=ticket.pk).update(state=Ticket.State.DISPUTED)  # another request decided meanwhile
    loaded.sign()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        loaded.save()
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.DISPUTED


def test_the_queue_indexes_cover_exactly_the_open_states():
    """The partial indexes the queues read (ticket_lead_state_due, ticket_region_state_due) spell out the open states:
    a state added to Ticket.OPEN_STATES must be added to them, or its queue reads the whole table."""
    from tickets.models.ticket import QUEUE_STATES

    (lookup, states), = QUEUE_STATES.children
    assert lookup == "state__in" and sorted(states) == sorted(str(state) for state in Ticket.OPEN_STATES)
    conditions = {index.name: index.condition for index in Ticket._meta.indexes}
    assert conditions["ticket_lead_state_due"] == conditions["ticket_region_state_due"] == QUEUE_STATES
