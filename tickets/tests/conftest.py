"""Fixtures of the ticket page's action tests (tickets/tests/test_views_handling_*.py)."""

import pytest

from tickets.tests.handling_states import BUILDERS
from tickets.tests.helpers import dispatched_ticket


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def build(office_clerk, lead_handler, other_handler):
    return lambda state: BUILDERS[state](office_clerk, lead_handler, other_handler)


@pytest.fixture
def decoy(office_clerk):
    """Another ticket made first, so a ticket's id differs from the ids of the records an action creates (a redirect to
    the record's id instead of the ticket's must not pass by coincidence)."""
    return dispatched_ticket(office_clerk, title="另一件工单")
