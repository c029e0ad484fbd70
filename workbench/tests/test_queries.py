"""The workbench reads in a constant number of queries, whatever waits in its panels (issue 15: query counts pinned)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from supervision.services import ticket_supervise
from tickets.tests.handling_states import enterprise_ticket
from tickets.tests.helpers import (
    closed_ticket,
    dispatched_ticket,
    handling_ticket,
    register,
)
from tickets.workflow.collab import ticket_take

HOME = reverse("accounts:home")
# Pinned: the user, the menu's counts, then each panel's few reads. The tickets' panels count every waiting queue's
# due groups, the assigned tickets and the triage backlog in one statement, read every queue's soonest rows in one
# (UNION ALL: an OR of the queues reads the whole ticket table at scale, tickets.workbench.waiting_queues), then the
# rows of the due and assigned panels together with their departments and demands.
PINNED = {"lead_handler": 11, "office_clerk": 13, "specialist": 9, "enterprise_user": 6}


def queries(client):
    client.get(HOME)  # the process-wide caches (calendar, warning days) are warm afterwards, as in production
    with CaptureQueriesContext(connection) as context:
        assert client.get(HOME).status_code == 200
    return len(context.captured_queries)


def more_work(office, handler, enterprise_user, n):
    for i in range(n):
        dispatched_ticket(office, title=f"待签收 {i}")
        ticket = handling_ticket(office, handler, title=f"办理中 {i}")
        ticket_take(actor=handler, ticket=ticket)
        ticket_supervise(actor=office, ticket=ticket, form="written", trigger="overdue", content="请说明未按期办结原因")
        closed_ticket(office, handler, title=f"待回访 {i}")
        register(office, title=f"待研判 {i}")
        enterprise_ticket(office, handler, enterprise_user)
        register(enterprise_user, channel="online", title=f"企业诉求 {i}")
    for user in (office, handler, enterprise_user):
        Notification.objects.bulk_create(
            Notification(recipient=user, event="dispatch", key=f"q-{user.pk}-{i}-{n}", title=f"通知 {i}") for i in range(n)
        )


@pytest.mark.parametrize("who", sorted(PINNED))
def test_the_workbench_query_count_does_not_grow_with_its_rows(client, request, who, office_clerk, lead_handler,
                                                              specialist, enterprise_user, django_assert_max_num_queries):
    client.force_login(request.getfixturevalue(who))
    more_work(office_clerk, lead_handler, enterprise_user, 1)
    few = queries(client)
    more_work(office_clerk, lead_handler, enterprise_user, 4)
    many = queries(client)
    assert many == few
    with django_assert_max_num_queries(PINNED[who]):
        client.get(HOME)
