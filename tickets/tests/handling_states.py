"""What the tests of the ticket page's actions share: the action names, URLs, snapshots and the builders of every
state, each reached through the workflow (tickets/tests/test_views_handling_*.py)."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from qiyezhijia.testing import flashed
from tickets import workflow
from tickets.models import (
    ProvincialEscalation,
    Rating,
    Ticket,
)
from tickets.tests.helpers import closed_ticket, dispatched_ticket, good_callback, handling_ticket, register

NEW_ACTIONS = [
    "close", "add_co_department", "co_confirm", "co_feedback", "request_extension", "decide_extension",
    "request_termination", "decide_termination", "escalate", "callback", "request_review", "review", "rate",
]
ALL_ACTIONS = ["sign", "object", "reassign", "refer_to_government", "decide_lead", *NEW_ACTIONS]
SUPERVISION_ACTIONS = ["urge", "supervise", "special_supervise"]


def detail_url(ticket):
    return reverse("tickets:ticket_detail", args=[ticket.pk])


def action_url(ticket, action):
    return reverse("tickets:ticket_action", args=[ticket.pk, action])


def post(client, ticket, action, **fields):
    return client.post(action_url(ticket, action), {f"{action}-{name}": value for name, value in fields.items()})


def fresh(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def snapshot(ticket):
    """What any action would change: the state, the records and the timeline."""
    t = fresh(ticket)
    return (
        t.state, t.handle_due_at, t.rework_count, t.events.count(), t.co_links.count(),
        t.co_links.filter(confirmed_at__isnull=False).count(), t.co_links.filter(feedback_at__isnull=False).count(),
        t.extensions.count(), t.terminations.count(), t.callbacks.count(), t.reviews.count(),
        Rating.objects.filter(ticket=t).count(), t.attachments.count(), ProvincialEscalation.objects.filter(ticket=t).count(),
    )


def offered(response) -> set[str]:
    body = response.content.decode()
    return {name for name in [*ALL_ACTIONS, *SUPERVISION_ACTIONS] if f'data-testid="action-{name}"' in body}


def field_error(response, action, field) -> str:
    match = re.search(rf'id="id_{action}-{field}_error">([^<]*)</div>', response.content.decode())
    return match.group(1) if match else ""


# --- builders: each state reached through the workflow ---------------------------------------------------------------
def later_than_due(ticket, days=20):
    return timezone.localdate(fresh(ticket).handle_due_at) + timedelta(days=days)


def co_ticket(office, lead, other):
    return handling_ticket(office, lead, co=("anshun-sw",))


def co_confirmed(office, lead, other):
    ticket = co_ticket(office, lead, other)
    workflow.ticket_co_confirm(actor=other, ticket=ticket)
    return ticket


def co_closed(office, lead, other):
    ticket = co_ticket(office, lead, other)
    workflow.ticket_co_feedback(actor=other, ticket=ticket, content="已配合核实")
    return workflow.ticket_close(actor=lead, ticket=fresh(ticket), standard="resolved", result="已办结")


def pending_extension(office, lead, other=None):
    ticket = handling_ticket(office, lead)
    workflow.ticket_request_extension(actor=lead, ticket=ticket, due_date=later_than_due(ticket), reason="需现场核查")
    return ticket


def pending_termination(office, lead, other=None):
    ticket = handling_ticket(office, lead)
    workflow.ticket_request_termination(actor=lead, ticket=ticket, reason="unreachable", note="三次电话均未接通")
    return ticket


def returned(office, lead, other=None):
    ticket = closed_ticket(office, lead)
    workflow.ticket_callback(actor=office, ticket=ticket, reached=True, satisfaction="unsatisfied", consistent=False,
                             meets_standard=True, note="企业称问题仍未解决")
    return fresh(ticket)


def in_review(office, lead, other=None):
    ticket = returned(office, lead)
    workflow.ticket_request_review(actor=lead, ticket=ticket, reason="企业诉求超出政策范围")
    return fresh(ticket)


def archived(office, lead, other=None):
    ticket = closed_ticket(office, lead)
    good_callback(office, ticket)
    return fresh(ticket)


def terminated(office, lead, other=None):
    ticket = pending_termination(office, lead)
    workflow.ticket_decide_termination(actor=office, ticket=ticket, approve=True)
    return fresh(ticket)


def escalated(office, lead, other=None):
    ticket = handling_ticket(office, lead)
    return workflow.ticket_escalate(actor=office, ticket=ticket, reason="涉及省级审批权限")


BUILDERS = {
    "dispatched": lambda o, l, x: dispatched_ticket(o),
    "handling": lambda o, l, x: handling_ticket(o, l),
    "co": co_ticket,
    "co_confirmed": co_confirmed,
    "co_closed": co_closed,
    "pending_extension": pending_extension,
    "pending_termination": pending_termination,
    "closed": lambda o, l, x: closed_ticket(o, l),
    "returned": returned,
    "review": in_review,
    "archived": archived,
    "terminated": terminated,
    "escalated": escalated,
}


def enterprise_ticket(office, lead, enterprise_user, *, close=True):
    demand = register(enterprise_user, channel="online", title="新厂房消防验收排期过长")
    workflow.demand_form_ticket(actor=office, demand=demand, category="coordination", lead_department="anshun-scjg")
    ticket = workflow.ticket_sign(actor=lead, ticket=Ticket.objects.get(demands=demand))
    if close:
        ticket = workflow.ticket_close(actor=lead, ticket=ticket, standard="resolved", result="已协调消防部门于下周验收")
    return ticket


def assert_done(response, ticket, message):
    assert response.status_code == 302 and response.url == detail_url(ticket)
    assert any(message in m for m in flashed(response)), flashed(response)
