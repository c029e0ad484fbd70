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
