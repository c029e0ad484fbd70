"""`python manage.py sweep_deadlines [--now ISO8601]`, the Celery task and its beat entry (API.md "Commands")."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command

from deadlines import tasks
from deadlines.models import ClockAlert, SweepState
from tickets.models import Ticket
from tickets.tests.helpers import dispatched_ticket

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """The task's lock lives in the cache: a private one, so parallel test workers cannot hold each other's lock."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sweep-tests"}}


@pytest.fixture(autouse=True)
def _clock_after_the_instants_swept():
    """Sweeps as of a future instant are not remembered: keep the clock after every `--now` used here."""
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=SH), tick=False):
        yield


@pytest.fixture
def ticket(office_clerk):
    with time_machine.travel(datetime(2026, 9, 30, 15, 0, tzinfo=SH), tick=False):
        return dispatched_ticket(office_clerk)  # sign due 2026-10-09 23:59:59


def sweep_command(*args) -> str:
    out = StringIO()
    call_command("sweep_deadlines", *args, stdout=out)
    return out.getvalue()


def test_prints_one_summary_line(ticket):
    output = sweep_command("--now", "2026-10-10T00:10:00+08:00")
    assert output.strip().splitlines() == [
        "预警 warned=0 超期 overdue=1 视为签收 auto_signed=1 自动督办 supervisions=1"
    ]
    assert Ticket.objects.get(pk=ticket.pk).auto_signed


def test_the_same_now_twice_reports_nothing_new(ticket):
    sweep_command("--now", "2026-10-10T00:10:00+08:00")
    again = sweep_command("--now", "2026-10-10T00:10:00+08:00")
    assert "warned=0 超期 overdue=0 视为签收 auto_signed=0 自动督办 supervisions=0" in again


def test_now_without_offset_is_beijing_time(ticket):
    # 2026-10-09 23:59:59 is the due instant: 23:30 local is still within it, 23:30 UTC would be past it.
    sweep_command("--now", "2026-10-09T23:30")
    assert list(ClockAlert.objects.values_list("kind", flat=True)) == ["warning"]
    assert SweepState.objects.get().last_now == datetime(2026, 10, 9, 23, 30, tzinfo=SH)


def test_an_offset_is_honoured(ticket):
    sweep_command("--now", "2026-10-09T16:00:00Z")  # 2026-10-10 00:00 in Asia/Shanghai
    assert sorted(ClockAlert.objects.values_list("kind", flat=True)) == ["overdue"]


def test_default_now_is_the_current_time(ticket):
    with time_machine.travel(datetime(2026, 10, 8, 9, 0, tzinfo=SH), tick=False):
        output = sweep_command()
    assert "warned=1" in output


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01T00:00", "2026-10-10 25:00", "", "10/10/2026"])
def test_bad_now_is_a_chinese_error_and_nothing_is_done(ticket, value):
    with pytest.raises(CommandError) as excinfo:
        sweep_command("--now", value)
    assert "不是有效的 ISO 8601 时间" in str(excinfo.value)
    assert not ClockAlert.objects.exists()
    assert not SweepState.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.DISPATCHED


def test_celery_task_runs_the_same_sweep(ticket):
    with time_machine.travel(datetime(2026, 10, 10, 0, 10, tzinfo=SH), tick=False):
        summary = tasks.sweep_deadlines.apply().get()
    assert summary == "warned=0 overdue=1 auto_signed=1 supervisions=1"


def test_celery_task_leaves_a_running_sweep_alone(ticket):
    from django.core.cache import cache

    cache.set(tasks.SWEEP_LOCK_KEY, "running", timeout=60)
    try:
        with time_machine.travel(datetime(2026, 10, 10, 0, 10, tzinfo=SH), tick=False):
            assert tasks.sweep_deadlines.apply().get() == "skipped: a sweep is still running"
    finally:
        cache.delete(tasks.SWEEP_LOCK_KEY)
    assert not ClockAlert.objects.exists()
    with time_machine.travel(datetime(2026, 10, 10, 0, 10, tzinfo=SH), tick=False):
        assert "overdue=1" in tasks.sweep_deadlines.apply().get()
    assert cache.get(tasks.SWEEP_LOCK_KEY) is None


def test_beat_runs_the_sweep_every_five_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-deadlines"]
    assert entry["task"] == "deadlines.tasks.sweep_deadlines"
    assert entry["schedule"] == 300.0
    assert tasks.sweep_deadlines.name == entry["task"]
