"""No username is a phone (SECURITY.md §5): enterprise users get a generated username and log in with it or with the
phone, which is found through the keyed hash; a failed login typed as a phone leaves the phone neither in axes' tables
nor in the audit log, and the lockout counts the account however it is typed (SECURITY.md §2)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import override_settings
from django.urls import reverse

from accounts import login_names
from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from accounts.tests.factories import EnterpriseFactory, EnterpriseUserFactory
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
PHONE = "13985300777"
START = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def attempt(client, username, password="wrong-password", ip="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _no_phone_anywhere_in_axes():
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        for row in model.objects.values():
            assert not any(PHONE[i:i + 5] in str(value) for value in row.values() for i in range(len(PHONE) - 4)), row


@pytest.fixture
def ent_user():
    return EnterpriseUserFactory(username=login_names.new_username(), phone=PHONE)


def test_generated_usernames_are_not_personal_and_unique():
    names = {login_names.new_username() for _ in range(50)}
    assert len(names) == 50 and all(login_names.GENERATED.match(name) for name in names)
    taken = next(iter(names))
    EnterpriseUserFactory(username=taken)
    assert login_names.new_username() != taken


@pytest.mark.parametrize("typed", [PHONE, "139 8530 0777", "139-8530-0777", "+86 13985300777"])
def test_an_enterprise_user_logs_in_with_the_phone_however_typed(client, ent_user, typed):
    assert attempt(client, typed, DEMO_PASSWORD).status_code == 302 and logged_in(client)
    assert client.session["_auth_user_id"] == str(ent_user.pk)


def test_the_username_logs_in_too_and_the_form_says_both(client, ent_user):
    page = client.get(LOGIN).content.decode()
    assert "用户名或手机号" in page
    assert attempt(client, ent_user.username, DEMO_PASSWORD).status_code == 302 and logged_in(client)


def test_staff_are_not_logged_in_by_phone(client, lead_handler):
    lead_handler.phone = PHONE
    lead_handler.save(update_fields=["phone"])
    assert attempt(client, PHONE, DEMO_PASSWORD).status_code == 200 and not logged_in(client)
    assert attempt(client, lead_handler.username, DEMO_PASSWORD).status_code == 302


def test_a_phone_two_active_enterprise_accounts_share_logs_in_neither(client, ent_user):
    EnterpriseUserFactory(phone=PHONE, enterprise=EnterpriseFactory())
    assert attempt(client, PHONE, DEMO_PASSWORD).status_code == 200 and not logged_in(client)
    # A disabled former account with the phone does not stand in the way of the active one.
    User.objects.exclude(pk=ent_user.pk).filter(phone_digest=ent_user.phone_digest).update(is_active=False)
    assert attempt(client, PHONE, DEMO_PASSWORD).status_code == 302


@override_settings(LOGIN_RATE_PER_IP=100, LOGIN_RATE_PER_USERNAME=100)
def test_five_failures_typed_as_the_phone_lock_the_account_and_its_username(client, ent_user):
    with time_machine.travel(START, tick=False):
        for n, typed in enumerate([PHONE, "139 8530 0777", PHONE, "+86 13985300777"]):
            assert attempt(client, typed, ip=f"10.1.1.{n}").status_code == 200
        assert attempt(client, PHONE, ip="10.1.1.9").status_code == 429  # the fifth, from yet another address
        # The account is locked, whichever way it is named, from any address, even with the right password.
        assert attempt(client, ent_user.username, DEMO_PASSWORD, ip="10.2.2.2").status_code == 429
        assert attempt(client, PHONE, DEMO_PASSWORD, ip="10.3.3.3").status_code == 429 and not logged_in(client)
    # axes counted the account under its username, never the phone.
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {ent_user.username}
    assert set(AccessFailureLog.objects.values_list("username", flat=True)) == {ent_user.username}
    _no_phone_anywhere_in_axes()
    lockouts = AuditEvent.objects.filter(action="account.lockout")
    assert lockouts and {row.detail["username"] for row in lockouts} == {ent_user.username}


@override_settings(LOGIN_RATE_PER_IP=100, LOGIN_RATE_PER_USERNAME=100)
def test_failures_typed_as_the_username_lock_the_phone_login_too(client, ent_user):
    for n in range(5):
        attempt(client, ent_user.username, ip=f"10.4.4.{n}")
    assert attempt(client, PHONE, DEMO_PASSWORD, ip="10.5.5.5").status_code == 429 and not logged_in(client)


@override_settings(LOGIN_RATE_PER_IP=100, LOGIN_RATE_PER_USERNAME=100)
def test_a_phone_nobody_has_is_counted_under_its_keyed_hash(client):
    for n in range(5):
        attempt(client, PHONE, ip=f"10.6.6.{n}")
    assert attempt(client, "139 8530 0777", ip="10.6.7.7").status_code == 429  # still counted together
    (name,) = set(AccessAttempt.objects.values_list("username", flat=True))
    assert name.startswith(login_names.UNKNOWN_PHONE_PREFIX) and name == login_names.lockout_name(PHONE)
    _no_phone_anywhere_in_axes()


def test_a_failed_login_typed_as_a_phone_is_audited_masked(client, ent_user):
    attempt(client, "139 8530 0777")
    attempt(client, "13985300999")  # nobody's
    known, unknown = AuditEvent.objects.filter(action="account.login_failed").order_by("pk")
    assert known.detail == {"username": "139****0777", "account": ent_user.username}
    assert unknown.detail == {"username": "139****0999"}
    assert not any(PHONE[i:i + 5] in str(list(AuditEvent.objects.values_list())) for i in range(len(PHONE) - 4))


def test_a_successful_phone_login_is_audited_under_the_username(client, ent_user):
    attempt(client, PHONE, DEMO_PASSWORD)
    (login,) = AuditEvent.objects.filter(action="account.login")
    assert login.actor == ent_user and login.actor_name == ent_user.username
    assert set(AccessLog.objects.values_list("username", flat=True)) == {ent_user.username}


def test_a_password_like_the_phone_is_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("13985300777Ab", User(phone=PHONE, first_name="", last_name=""))


@pytest.mark.parametrize("typed", [PHONE, "+8613985300777", "86-139-8530-0777"])
def test_an_administrator_cannot_choose_a_phone_as_username(typed, superuser_client):
    from django.core.exceptions import ValidationError

    from accounts.staff import check_username

    with pytest.raises(ValidationError, match="用户名不能是手机号码"):
        check_username(typed)
    assert check_username("zhang_139") == "zhang_139"
    response = superuser_client.post(reverse("admin:accounts_user_add"), {
        "username": typed, "password1": "Qyzj-2026-Admin!", "password2": "Qyzj-2026-Admin!", "usable_password": "true",
        "role": "enterprise", "enterprise": EnterpriseFactory().pk,
    })
    assert response.status_code == 200 and "用户名不能是手机号码" in response.content.decode()
    assert not User.objects.filter(username=typed).exists()


@override_settings(LOGIN_RATE_PER_IP=100, LOGIN_RATE_PER_USERNAME=100)
def test_the_security_administrator_unlocks_an_account_typed_as_its_phone(client, ent_user):
    from accounts.lockout import unlock
    from accounts.models import Role
    from accounts.tests.factories import UserFactory, department

    for n in range(5):
        attempt(client, PHONE, ip=f"10.8.8.{n}")
    secadmin = UserFactory(role=Role.SECADMIN, department=department("anshun-zwfw"))
    assert unlock(actor=secadmin, kind="username", value="139 8530 0777") >= 1
    assert attempt(client, ent_user.username, DEMO_PASSWORD, ip="10.8.9.9").status_code == 302
    assert AuditEvent.objects.get(action="account.unlock").detail == {"kind": "username", "value": "139****0777"}


def test_the_user_admin_finds_an_account_by_its_whole_phone(superuser_client, ent_user):
    changelist = reverse("admin:accounts_user_changelist")
    found = superuser_client.get(changelist, {"q": "139 8530 0777"})
    assert found.status_code == 200 and ent_user.username in found.content.decode()
    assert PHONE not in found.content.decode()  # listed with the phone masked
    assert ent_user.username not in superuser_client.get(changelist, {"q": "0777"}).content.decode()  # no fragments
