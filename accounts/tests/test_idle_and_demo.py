"""Accounts idle for 90 days are disabled by a beat task; demo data never reaches production (SECURITY.md §3)."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from accounts.services import users_disable_idle
from accounts.tasks import disable_idle_users
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=SH)


@pytest.fixture
def people():
    def user(username, *, joined_days, login_days=None, **extra):
        return UserFactory(
            username=username, date_joined=NOW - timedelta(days=joined_days),
            last_login=None if login_days is None else NOW - timedelta(days=login_days), **extra,
        )

    return [
        user("logged_in_91_days_ago", joined_days=400, login_days=91),
        user("logged_in_89_days_ago", joined_days=400, login_days=89),
        user("never_logged_in_old", joined_days=100),
        user("never_logged_in_new", joined_days=10),
        user("idle_superuser", joined_days=400, login_days=200, role=Role.SYSADMIN, department=None, is_superuser=True),
        user("already_disabled", joined_days=400, login_days=200, is_active=False),
    ]


def active(username) -> bool:
    return User.objects.get(username=username).is_active


def test_idle_accounts_are_disabled_and_listed(people):
    assert users_disable_idle(now=NOW) == ["logged_in_91_days_ago", "never_logged_in_old"]
    assert not active("logged_in_91_days_ago") and not active("never_logged_in_old")
    assert active("logged_in_89_days_ago") and active("never_logged_in_new") and active("idle_superuser")
    assert not active("already_disabled")


def test_a_second_run_disables_nothing_more(people):
    users_disable_idle(now=NOW)
    assert users_disable_idle(now=NOW) == []


def test_exactly_90_days_is_not_yet_idle():
    UserFactory(username="ninety", date_joined=NOW - timedelta(days=200), last_login=NOW - timedelta(days=90))
    assert users_disable_idle(now=NOW) == []
    assert users_disable_idle(now=NOW + timedelta(seconds=1)) == ["ninety"]


def test_the_disabling_is_in_the_change_history(people):
    users_disable_idle(now=NOW)
    latest = User.objects.get(username="never_logged_in_old").history.first()
    assert latest.is_active is False


def test_the_beat_task_uses_the_current_time(people):
    with time_machine.travel(NOW, tick=False):
        assert disable_idle_users() == ["logged_in_91_days_ago", "never_logged_in_old"]
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        assert disable_idle_users() == ["logged_in_89_days_ago"]


def test_beat_runs_the_task_daily():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == disable_idle_users.name]
    assert len(entries) == 1
    assert disable_idle_users.name == "accounts.tasks.disable_idle_users"


# --- seed_demo -----------------------------------------------------------------------------------------------------
def test_seed_demo_refuses_to_run_in_production(monkeypatch):
    monkeypatch.setenv("DJANGO_ENV", "production")
    with pytest.raises(CommandError) as excinfo:
        call_command("seed_demo", stdout=StringIO())
    assert "生产环境" in str(excinfo.value)
    assert not User.objects.filter(username__in=["admin", "office", "ent"]).exists()


def test_seed_demo_refuses_under_production_settings(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(username="admin").exists()
