"""Sampled callbacks of county tickets by the city office (SPEC §8, §3.2.4)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from accounts.models import Region, Role
from accounts.tests.factories import UserFactory, department
from tickets import workflow
from tickets.models import Callback, SamplingBatch, Ticket
from tickets.sampling import sample_callbacks, sample_size
from tickets.tests.helpers import closed_ticket

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def xixiu_closed(county_office):
    """12 xixiu tickets closed in 2026-11, 1 closed in 2026-10."""
    handler = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    tickets = []
    with time_machine.travel(datetime(2026, 10, 30, 10, 0, tzinfo=SH), tick=False):
        closed_ticket(county_office, handler, registrar=handler, channel="department", domain="market")
    for day in range(2, 14):
        with time_machine.travel(datetime(2026, 11, day, 10, 0, tzinfo=SH), tick=False):
            tickets.append(closed_ticket(county_office, handler, registrar=handler, channel="department", domain="market"))
    return tickets


@pytest.mark.parametrize(("closed", "sampled"), [(0, 0), (1, 1), (10, 1), (11, 2), (12, 2), (20, 2), (21, 3)])
def test_at_least_ten_percent_rounded_up(closed, sampled):
    assert sample_size(closed) == sampled


def test_sampling_picks_ten_percent_per_county_reproducibly(xixiu_closed):
    batches = sample_callbacks(region=Region.objects.get(code="anshun"), month=date(2026, 11, 1))
    assert len(batches) == 8  # one per county, empty ones included
    xixiu = next(b for b in batches if b.region.code == "xixiu")
    assert xixiu.closed_count == 12 and xixiu.tickets.count() == 2
    picked = set(xixiu.tickets.values_list("pk", flat=True))
    assert picked <= {t.pk for t in xixiu_closed}
    # The same inputs pick the same tickets, even after the batch is removed and drawn again.
    SamplingBatch.objects.all().delete()
    again = sample_callbacks(region=Region.objects.get(code="anshun"), month=date(2026, 11, 1))
    assert set(next(b for b in again if b.region.code == "xixiu").tickets.values_list("pk", flat=True)) == picked


def test_command_prints_the_numbers_and_refuses_bad_input(xixiu_closed, capsys):
    call_command("sample_callbacks", "--region", "anshun", "--month", "2026-11")
    out = capsys.readouterr().out
    line = next(l for l in out.splitlines() if l.startswith("xixiu"))
    assert "办结 12 件，抽访 2 件" in line and line.count("GD2026") == 2
    call_command("sample_callbacks", "--region", "anshun", "--month", "2026-11")
    assert SamplingBatch.objects.filter(region__code="xixiu").count() == 1
    with pytest.raises(CommandError, match="格式不正确"):
        call_command("sample_callbacks", "--region", "anshun", "--month", "2026-13")
    with pytest.raises(CommandError, match="不存在"):
        call_command("sample_callbacks", "--region", "mars", "--month", "2026-11")
    with pytest.raises(CommandError, match="没有下级区域"):
        call_command("sample_callbacks", "--region", "xixiu", "--month", "2026-11")


def test_city_office_records_sampled_callbacks_without_changing_the_ticket(xixiu_closed, office_clerk, county_office):
    batch = next(b for b in sample_callbacks(region=Region.objects.get(code="anshun"), month=date(2026, 11, 1)) if b.region.code == "xixiu")
    ticket = batch.tickets.first()
    record = workflow.ticket_sampled_callback(
        actor=office_clerk, batch=batch, ticket=ticket, reached=True, satisfaction="unsatisfied", consistent=False,
        meets_standard=True, note="企业称问题仍未解决",
    )
    assert record.sampled and record.failed and record.batch == batch
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.CLOSED
    with pytest.raises(PermissionDenied):
        workflow.ticket_sampled_callback(actor=county_office, batch=batch, ticket=ticket, reached=False, note="x")
    outside = next(t for t in xixiu_closed if not batch.tickets.filter(pk=t.pk).exists())
    with pytest.raises(ValidationError):
        workflow.ticket_sampled_callback(actor=office_clerk, batch=batch, ticket=outside, reached=False, note="x")
    assert Callback.objects.filter(sampled=True).count() == 1
