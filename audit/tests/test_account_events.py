"""Logins, failures, lockouts, logouts, second factor, password and account changes each write their audit row."""

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts import staff
from accounts.demo import DEMO_PASSWORD
from accounts.models import Role
from accounts.services import users_disable_idle
from accounts.tests.factories import UserFactory, department
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def rows(action):
    return list(AuditEvent.objects.filter(action=action))


def test_a_login_and_a_logout_are_recorded_with_address_and_client(client, office_clerk):
    client.post(reverse("accounts:login"), {"username": office_clerk.username, "password": DEMO_PASSWORD},
                REMOTE_ADDR="10.0.0.7", HTTP_USER_AGENT="Journey/1")
    (login,) = rows("account.login")
    assert (login.actor, login.ip, login.user_agent, login.result) == (office_clerk, "10.0.0.7", "Journey/1", "ok")
    client.post(reverse("accounts:logout"))
    assert rows("account.logout")[0].actor == office_clerk


def test_a_failed_login_is_recorded_without_the_password(client, office_clerk):
    client.post(reverse("accounts:login"), {"username": office_clerk.username, "password": "Wrong-pass-123"})
    (failure,) = rows("account.login_failed")
    assert failure.result == "failed" and failure.detail == {"username": office_clerk.username}
    assert "Wrong-pass-123" not in str(AuditEvent.objects.values_list())


@override_settings(LOGIN_RATE_PER_IP=100, LOGIN_RATE_PER_USERNAME=100)
def test_a_lockout_is_recorded(client, office_clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": office_clerk.username, "password": "Wrong-pass-123"})
    (lockout,) = rows("account.lockout")
    assert lockout.result == "denied" and lockout.detail["username"] == office_clerk.username


def test_the_second_factor_success_and_failure_are_recorded(rf, office_clerk):
    from django.contrib.sessions.backends.db import SessionStore

    from accounts import twofactor

    request = rf.post("/")
    request.user, request.session = office_clerk, SessionStore()
    device = twofactor.start_enrolment(office_clerk)
    device.confirmed = True
    device.save()
    from django_otp.oath import totp

    twofactor.verify(request, "999999")
    assert rows("account.second_factor_failed")[0].result == "failed"
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    device.throttle_reset()
    assert twofactor.verify(request, token)
    assert rows("account.second_factor")[0].detail == {"method": "totp"}


def test_an_own_password_change_is_recorded(client, office_clerk):
    client.force_login(office_clerk)
    new = "Another-Pass-2026!"
    client.post(reverse("accounts:password_change"),
                {"old_password": DEMO_PASSWORD, "new_password1": new, "new_password2": new})
    (change,) = rows("account.password_change")
    assert change.actor == office_clerk and change.object_id == str(office_clerk.pk)


def test_staff_creation_and_reset_are_recorded(platform_admin):
    created = staff.staff_create(actor=platform_admin, row=staff.StaffRow(
        username="t_new_handler", name="张三", phone="", role=Role.HANDLER, department=department("anshun-scjg")))
    staff.staff_password_reset(actor=platform_admin, user_id=created.user.pk)
    (create,) = rows("account.create")
    assert create.object_id == str(created.user.pk) and create.detail["role"] == "handler"
    (reset,) = rows("account.password_reset")
    assert reset.actor == platform_admin and reset.object_id == str(created.user.pk)


def test_the_idle_task_s_disabling_is_recorded():
    from datetime import timedelta

    from django.utils import timezone

    idle = UserFactory(username="t_idle", role=Role.HANDLER, department=department("anshun-sw"))
    idle.__class__.objects.filter(pk=idle.pk).update(last_login=timezone.now() - timedelta(days=120))
    users_disable_idle()
    (disable,) = rows("account.disable")
    assert disable.actor is None and disable.object_id == str(idle.pk) and disable.detail["reason"] == "idle_90_days"


def test_a_role_change_in_the_admin_is_recorded(superuser_client, lead_handler):
    url = reverse("admin:accounts_user_change", args=[lead_handler.pk])
    page = superuser_client.get(url)
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update(role=Role.OFFICE, department=department("anshun-zwfw").pk, groups=[], enterprise="")
    data.pop("password", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    (change,) = rows("account.role_change")
    assert change.detail["role"] == "office" and change.object_id == str(lead_handler.pk)
    admin_row = rows("admin.change")[0]
    assert admin_row.detail["model"] == "accounts.user" and admin_row.detail["target"] == str(lead_handler.pk)
