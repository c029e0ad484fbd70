"""Second factor (SECURITY.md §2): TOTP with recovery codes for office, government, leader and the administrators,
and for /admin/; until it is given a session reaches only the second-factor pages and logout."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User
from accounts.roles import SECOND_FACTOR_ROLES
from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department
from accounts.tokens import issue_token
from accounts.twofactor import demo_key, replace_recovery_codes
from qiyezhijia.menu import menu_for
from qiyezhijia.tests.test_settings import fails_to_load, load_settings

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:otp_verify")
ENROL = reverse("accounts:otp_enrol")


def password_login(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    return response


def code_for(device: TOTPDevice, step_offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + step_offset * device.step
    return f"{totp.token():06d}"


def with_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True)


def pages_for(user) -> list[str]:
    """Every page of the user's menu, the admin and the API documentation."""
    return [item["url"] for item in menu_for(user)] + ["/admin/", reverse("api-docs"), reverse("notifications:list")]


def test_the_roles_that_need_a_second_factor():
    assert SECOND_FACTOR_ROLES == {
        Role.OFFICE, Role.GOVERNMENT, Role.LEADER, Role.SYSADMIN, Role.AUDITOR, Role.SECADMIN
    }


@pytest.mark.parametrize("role", sorted(SECOND_FACTOR_ROLES))
def test_a_password_login_without_the_second_factor_reaches_only_the_verification_page(client, role):
    dept = "anshun-zfb" if role in (Role.GOVERNMENT, Role.LEADER) else "anshun-zwfw"
    user = UserFactory(role=role, department=department(dept))
    with_device(user)
    response = password_login(client, user)
    assert response["Location"] == reverse("accounts:home")
    pages = pages_for(user)
    assert len(pages) >= 3
    for url in pages:
        response = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml")
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY + "?next="), url
    # The API with this session answers 403 in the contract's shape.
    response = client.get("/api/v1/me/")
    assert response.status_code == 403 and "第二因子" in response.json()["error"]
    # A POST elsewhere is refused the same way and changes nothing.
    assert client.post(reverse("notifications:mark_all_read")).status_code == 302
    # The verification page itself and logout answer.
    assert client.get(VERIFY).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_office_every_page_opens_after_the_totp_code(client, office_clerk):
    device = with_device(office_clerk)
    password_login(client, office_clerk)
    response = client.get(reverse("tickets:ticket_list"))
    assert response.status_code == 302
    next_url = response["Location"].split("next=")[1]
    response = client.post(VERIFY, {"code": code_for(device), "next": reverse("tickets:ticket_list")})
    assert response.status_code == 302 and response["Location"] == reverse("tickets:ticket_list") and next_url
    for url in pages_for(office_clerk)[:-3]:
        assert client.get(url).status_code == 200, url
    assert client.get("/api/v1/me/").status_code == 200


def test_a_wrong_or_replayed_code_is_refused_with_a_chinese_error(client, office_clerk):
    device = with_device(office_clerk)
    password_login(client, office_clerk)
    response = client.post(VERIFY, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert response.status_code == 200 and "动态口令或恢复码不正确" in response.content.decode()
    assert client.get(reverse("accounts:home")).status_code == 302
    # django-otp throttles after a failure; a code of the next step, after the delay, is accepted once only.
    device.refresh_from_db()
    device.throttle_reset()
    code = code_for(device)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    other = client.__class__()
    password_login(other, office_clerk)
    device.refresh_from_db()
    device.throttle_reset()
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200 and other.get(reverse("accounts:home")).status_code == 302


def test_a_recovery_code_works_once(client, office_clerk):
    with_device(office_clerk)
    codes = replace_recovery_codes(office_clerk)
    assert len(codes) == 10 and len(set(codes)) == 10
    password_login(client, office_clerk)
    assert client.post(VERIFY, {"code": codes[0].upper()}).status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200
    other = client.__class__()
    password_login(other, office_clerk)
    assert other.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert other.get(reverse("accounts:home")).status_code == 302
    assert StaticToken.objects.filter(device__user=office_clerk).count() == 9


def test_first_login_enrols_with_a_secret_an_otpauth_uri_and_a_server_drawn_qr_code(client, office_clerk):
    password_login(client, office_clerk)
    response = client.get(reverse("accounts:home"))
    assert response["Location"].startswith(ENROL)
    page = client.get(ENROL).content.decode()
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7]+)<', page).group(1)
    assert "otpauth://totp/" in page and f"secret={secret}" in page
    assert "<svg" in page and "cdn" not in page.lower() and "<script>" not in page
    device = TOTPDevice.objects.get(user=office_clerk)
    assert not device.confirmed
    # A wrong code: the error beside the field, nothing confirmed, the same secret shown again.
    response = client.post(ENROL, {"code": "12345x"})
    assert "动态口令是 6 位数字" in response.content.decode() and secret in response.content.decode()
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(ENROL, {"code": wrong})
    assert "动态口令不正确" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()
    response = client.post(ENROL, {"code": code_for(device)})
    body = response.content.decode()
    assert response.status_code == 200 and "只显示这一次" in body
    codes = re.findall(r'<li class="col">([a-z2-7]+)</li>', body)
    assert len(codes) == 10
    assert set(StaticToken.objects.filter(device__user=office_clerk).values_list("token", flat=True)) == set(codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("accounts:home")).status_code == 200


def test_enrolment_page_with_a_device_goes_to_verification(client, office_clerk):
    with_device(office_clerk)
    password_login(client, office_clerk)
    assert client.get(ENROL)["Location"].startswith(VERIFY)


@pytest.mark.parametrize("role", [Role.HANDLER, Role.SPECIALIST, Role.SUPERVISOR, Role.ENTERPRISE])
def test_other_roles_log_in_with_the_password_alone(client, role):
    user = EnterpriseUserFactory() if role == Role.ENTERPRISE else UserFactory(role=role, department=department("anshun-sw"))
    password_login(client, user)
    assert client.get(reverse("accounts:home")).status_code == 200


def test_the_django_admin_needs_the_second_factor_whatever_the_role(client):
    user = UserFactory(role=Role.HANDLER, department=department("anshun-sw"), is_staff=True)
    password_login(client, user)
    assert client.get(reverse("accounts:home")).status_code == 200
    assert client.get("/admin/")["Location"].startswith(ENROL)


def test_token_authentication_is_not_concerned(client, office_clerk):
    with_device(office_clerk)
    _, key = issue_token(user=office_clerk, name="对接")
    password_login(client, office_clerk)  # an unverified session in the same client
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and response.json()["username"] == office_clerk.username


def test_the_requirement_can_be_switched_off_for_development(client, office_clerk, settings):
    settings.OTP_REQUIRED = False
    password_login(client, office_clerk)
    assert client.get(reverse("accounts:home")).status_code == 200


def test_production_refuses_the_second_factor_switched_off():
    output = fails_to_load({"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "k" * 50, "QYZJ_OTP_REQUIRED": "0"})
    assert "QYZJ_OTP_REQUIRED" in output
    assert load_settings({"QYZJ_OTP_REQUIRED": "0"}, ["OTP_REQUIRED"]) == {"OTP_REQUIRED": False}
    assert load_settings({}, ["OTP_REQUIRED"]) == {"OTP_REQUIRED": True}


# --- the security administrator resets a second factor ------------------------------------------------------------
@pytest.fixture
def secadmin_client(client):
    from django_otp import DEVICE_ID_SESSION_KEY

    secadmin = UserFactory(role=Role.SECADMIN, department=department("anshun-zwfw"))
    client.force_login(secadmin)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = "verified"
    session.save()
    return client


def test_secadmin_resets_a_second_factor_and_ends_the_users_sessions(client, secadmin_client, office_clerk):
    from django.test import Client

    device = with_device(office_clerk)
    replace_recovery_codes(office_clerk)
    victim = Client()
    password_login(victim, office_clerk)
    assert victim.post(VERIFY, {"code": code_for(device)}).status_code == 302
    response = secadmin_client.post(reverse("accounts:security_reset_otp"), {"username": office_clerk.username})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=office_clerk).exists()
    assert not StaticDevice.objects.filter(user=office_clerk).exists()
    assert victim.get(reverse("notifications:list"))["Location"].startswith(LOGIN)  # `/` is the portal for a visitor
    password_login(victim, office_clerk)
    assert victim.get(reverse("accounts:home"))["Location"].startswith(ENROL)


def test_reset_of_an_unknown_user_is_explained_beside_the_field(secadmin_client, office_clerk):
    with_device(office_clerk)
    response = secadmin_client.post(reverse("accounts:security_reset_otp"), {"username": "ghost"})
    assert response.status_code == 200 and "用户“ghost”不存在" in response.content.decode()
    assert 'value="ghost"' in response.content.decode()
    assert TOTPDevice.objects.filter(user=office_clerk).exists()


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.OFFICE])
def test_only_the_secadmin_resets_a_second_factor(client, office_clerk, role):
    from django_otp import DEVICE_ID_SESSION_KEY

    with_device(office_clerk)
    client.force_login(UserFactory(role=role, department=department("anshun-zwfw")))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = "verified"
    session.save()
    response = client.post(reverse("accounts:security_reset_otp"), {"username": office_clerk.username})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=office_clerk).exists()


# --- demo data ---------------------------------------------------------------------------------------------------
def test_seed_demo_gives_each_second_factor_demo_user_a_known_secret_and_prints_it(capsys):
    from base64 import b32encode

    call_command("seed_demo")
    out = capsys.readouterr().out
    for user in User.objects.all():
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
        if user.role in SECOND_FACTOR_ROLES:
            secret = b32encode(bytes.fromhex(demo_key(user.username))).decode()
            assert devices.get().key == demo_key(user.username)
            line = next(line for line in out.splitlines() if line.strip().startswith(user.username + " "))
            assert secret in line
        else:
            assert not devices.exists()
    call_command("seed_demo")
    assert TOTPDevice.objects.filter(user__username="office").count() == 1


def test_force_login_of_the_test_personas_counts_as_verified_only_outside_this_module(client, office_clerk):
    # This module is marked real_second_factor: a force_login here is an unverified session.
    client.force_login(office_clerk)
    assert client.get(reverse("accounts:home")).status_code == 302


def test_the_admin_login_is_the_platforms_login(client):
    response = client.post("/admin/login/?next=/admin/", {"username": "x", "password": "y"})
    assert response.status_code == 302 and response["Location"] == "/login/?next=/admin/"
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=%2Fadmin%2F" and response.status_code == 200


def test_after_wrong_codes_the_page_says_how_long_to_wait(client, office_clerk):
    import time_machine
    from django.utils import timezone

    device = with_device(office_clerk)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        password_login(client, office_clerk)
        client.post(VERIFY, {"code": wrong})
        client.post(VERIFY, {"code": wrong})  # within the 1 s delay: refused before it is checked
        response = client.post(VERIFY, {"code": code_for(device)})
        assert "秒后再输入" in response.content.decode()
        assert client.get(reverse("accounts:home")).status_code == 302
        clock.shift(2)
        assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
