import pytest
from django.core.management import call_command

from tickets.models import Demand, Ticket

pytestmark = pytest.mark.django_db


def test_seed_demo_spreads_demands_and_tickets_over_the_states_and_runs_twice(capsys):
    call_command("seed_demo", "--quiet-logins")
    demands, tickets = Demand.objects.count(), Ticket.objects.count()
    call_command("seed_demo", "--quiet-logins")
    assert (Demand.objects.count(), Ticket.objects.count()) == (demands, tickets)
    assert set(Demand.objects.values_list("state", flat=True)) == set(Demand.State.values)
    assert set(Ticket.objects.values_list("state", flat=True)) == set(Ticket.State.values)
    assert demands >= 24
    assert "本次新建 0 组" in capsys.readouterr().out
    # The demo is replayed through the workflow: every row has its timeline and sensible clocks.
    for demand in Demand.objects.all():
        assert demand.events.exists()
        assert demand.registered_at >= demand.received_at
    for ticket in Ticket.objects.filter(state="handling"):
        assert ticket.handle_due_at > ticket.signed_at


def test_admin_shows_demands_and_tickets_read_only(admin_client):
    call_command("seed_demo", "--quiet-logins")
    ticket = Ticket.objects.first()
    assert admin_client.get("/admin/tickets/ticket/").status_code == 200
    page = admin_client.get(f"/admin/tickets/ticket/{ticket.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.get("/admin/tickets/demand/add/").status_code == 403
    assert admin_client.post(f"/admin/tickets/ticket/{ticket.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Ticket.objects.filter(pk=ticket.pk).exists()
