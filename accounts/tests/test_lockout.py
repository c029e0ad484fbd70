"""Lockout (SECURITY.md §2): 5 failed logins for one account or from one address lock it for 30 minutes, with a
Chinese message on the login page; the security administrator sees and lifts lockouts; every failure is recorded."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role
from accounts.tests.factories import UserFactory, department

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
START = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def attempt(client, username, password="wrong-password", ip="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_account_for_thirty_minutes(client, lead_handler):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            response = attempt(client, lead_handler.username)
            assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
        response = attempt(client, lead_handler.username)
        assert response.status_code == 429
        # Now even the right password is refused, with the lockout explained on the login page itself.
        clock.shift(timedelta(minutes=29, seconds=59))
        response = attempt(client, lead_handler.username, DEMO_PASSWORD)
        body = response.content.decode()
        assert response.status_code == 429 and not logged_in(client)
        assert "已被锁定 30 分钟" in body and "安全管理员" in body
        assert 'name="password"' in body and 'value="' + lead_handler.username + '"' in body
        assert response["Retry-After"] == "1800"
        # 30 minutes after the fifth failure the lock is gone (the try during the lockout did not extend it).
        clock.shift(timedelta(seconds=2))
        response = attempt(client, lead_handler.username, DEMO_PASSWORD)
        assert response.status_code == 302 and logged_in(client)


def test_four_failures_do_not_lock_and_a_success_forgets_them(client, lead_handler):
    for _ in range(4):
        attempt(client, lead_handler.username)
    assert attempt(client, lead_handler.username, DEMO_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        assert attempt(client, lead_handler.username).status_code == 200
    assert attempt(client, lead_handler.username, DEMO_PASSWORD).status_code == 302


def test_failures_from_several_addresses_lock_the_account(client, lead_handler):
    for n in range(5):
        attempt(client, lead_handler.username, ip=f"10.9.0.{n}")
    response = attempt(client, lead_handler.username, DEMO_PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429 and not logged_in(client)


def test_five_failures_from_one_address_lock_that_address_for_every_account(client, lead_handler, other_handler):
    for n in range(5):
        attempt(client, f"guess{n}", ip="10.2.2.2")
    assert attempt(client, lead_handler.username, DEMO_PASSWORD, ip="10.2.2.2").status_code == 429
    assert attempt(client, other_handler.username, DEMO_PASSWORD, ip="10.3.3.3").status_code == 302


def test_failures_spread_over_more_than_thirty_minutes_do_not_lock(client, lead_handler):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            attempt(client, lead_handler.username)
        clock.shift(timedelta(minutes=31))
        attempt(client, lead_handler.username)
        assert attempt(client, lead_handler.username, DEMO_PASSWORD).status_code == 302


def test_every_failure_and_the_lockout_are_recorded(client, lead_handler):
    for _ in range(5):
        attempt(client, lead_handler.username)
    failures = list(AccessFailureLog.objects.order_by("attempt_time", "pk"))
    assert [f.username for f in failures] == [lead_handler.username] * 5
    assert [f.locked_out for f in failures] == [False] * 4 + [True]
    assert all(f.ip_address == "10.1.1.1" for f in failures)
    # No password is kept in the records.
    assert "wrong-password" not in "".join(a.post_data for a in AccessAttempt.objects.all())


# --- the security administrator's screen ----------------------------------------------------------------------
@pytest.fixture
def secadmin(db):
    return UserFactory(username="t_secadmin", role=Role.SECADMIN, department=department("anshun-zwfw"))


def test_secadmin_sees_the_lockout_and_unlocks_the_account(client, lead_handler, secadmin):
    for _ in range(5):
        attempt(client, lead_handler.username)
    staff = client.__class__()
    staff.force_login(secadmin)
    page = staff.get(reverse("accounts:security")).content.decode()
    assert lead_handler.username in page and "已锁定" in page and "10.1.1.1" in page
    response = staff.post(reverse("accounts:security_unlock"), {"kind": "username", "value": lead_handler.username})
    assert response.status_code == 302
    assert attempt(client, lead_handler.username, DEMO_PASSWORD, ip="10.5.5.5").status_code == 302


def test_secadmin_unlocks_an_address(client, lead_handler, secadmin):
    for n in range(5):
        attempt(client, f"guess{n}", ip="10.2.2.2")
    staff = client.__class__()
    staff.force_login(secadmin)
    staff.post(reverse("accounts:security_unlock"), {"kind": "ip", "value": "10.2.2.2"})
    assert attempt(client, lead_handler.username, DEMO_PASSWORD, ip="10.2.2.2").status_code == 302


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.AUDITOR, Role.OFFICE, Role.HANDLER])
def test_other_roles_get_403_on_the_security_screen(client, lead_handler, role):
    for _ in range(5):
        attempt(client, lead_handler.username)
    client.force_login(UserFactory(role=role, department=department("anshun-zwfw")))
    assert client.get(reverse("accounts:security")).status_code == 403
    response = client.post(reverse("accounts:security_unlock"), {"kind": "username", "value": lead_handler.username})
    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username=lead_handler.username).exists()


def test_unlock_is_post_only(client, secadmin):
    client.force_login(secadmin)
    assert client.get(reverse("accounts:security_unlock")).status_code == 405


def test_security_screen_needs_login(client):
    assert client.get(reverse("accounts:security")).status_code == 302
