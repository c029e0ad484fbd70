"""Password reset by SMS (/password/reset/, enterprise users; no answer tells whether a phone has an account) and
"我的账号" (/account/: the phone changed only to a phone verified by SMS)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from enterprises import limits
from enterprises.models import PhoneCode
from enterprises.phonecodes import phone_code_send
from enterprises.tests.helpers import last_code
from qiyezhijia.testing import committed

pytestmark = pytest.mark.django_db
RESET = reverse("enterprises:password_reset")
ACCOUNT = reverse("enterprises:account")
NEW = "Neu-Passwort-2026"


def reset(client, phone, code, password=NEW, again=None):
    return client.post(RESET, {"action": "reset", "phone": phone, "code": code, "password1": password,
                               "password2": again or password})


def test_reset_by_sms_code(client, ent_admin, sms):
    other = Client()
    other.force_login(ent_admin)
    with committed():
        page = client.post(RESET, {"action": "send_code", "phone": "13985300031"})
    assert "如果该手机号已注册企业账号，验证码已发送" in page.content.decode()
    response = reset(client, "13985300031", last_code(sms))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    user = User.objects.get(pk=ent_admin.pk)
    assert user.check_password(NEW)
    # The new password counts among the recent ones (none of the last five again) and its age starts now.
    assert user.password_history.filter(password=user.password).exists() and not user.must_change_password
    assert other.get(reverse("enterprises:home")).status_code == 302  # other sessions ended


def test_unknown_phone_reads_the_same_and_gets_no_sms(client, sms):
    with committed():
        page = client.post(RESET, {"action": "send_code", "phone": "13985300099"})
    assert "如果该手机号已注册企业账号，验证码已发送" in page.content.decode()
    assert sms == []
    response = reset(client, "13985300099", "123456")
    assert "验证码不正确或已过期" in response.content.decode()


def test_staff_accounts_are_not_reset_by_sms(client, office_clerk, sms):
    office_clerk.phone = "13985300061"
    office_clerk.save(update_fields=["phone"])
    with committed():
        client.post(RESET, {"action": "send_code", "phone": "13985300061"})
    assert sms == []
    assert "由系统管理员（账号管理员）统一管理" in client.get(RESET).content.decode()


def test_wrong_code_and_mismatched_passwords_change_nothing(client, ent_admin, sms):
    with committed():
        client.post(RESET, {"action": "send_code", "phone": "13985300031"})
    code = last_code(sms)
    wrong = "000000" if code != "000000" else "111111"
    assert "验证码不正确或已过期" in reset(client, "13985300031", wrong).content.decode()
    assert "两次输入的密码不一致" in reset(client, "13985300031", code, again="Other-2026-pass").content.decode()
    assert not User.objects.get(pk=ent_admin.pk).check_password(NEW)


def test_reset_posts_are_rate_limited_per_phone(client, ent_admin, one_rate_window):
    for n in range(limits.RESET.limit):
        client.post(RESET, {"action": "reset", "phone": "13985300031"}, REMOTE_ADDR=f"10.0.0.{n}")
    response = client.post(RESET, {"action": "reset", "phone": "13985300031"}, REMOTE_ADDR="10.0.9.9")
    assert response.status_code == 429


def test_account_page_masks_the_phone_and_links_the_password_change(client, ent_admin):
    client.force_login(ent_admin)
    html = client.get(ACCOUNT).content.decode()
    assert "139****0031" in html and "13985300031" not in html and "修改密码" in html


def test_account_needs_login(client):
    assert client.get(ACCOUNT).status_code == 302


def test_change_phone_with_a_verified_code(client, office_clerk, sms):
    client.force_login(office_clerk)
    with committed():
        client.post(ACCOUNT, {"action": "send_code", "phone": "13985300071"})
    assert sms[-1][0] == "13985300071"
    bad = client.post(ACCOUNT, {"action": "change", "phone": "13985300071", "code": "12345a"})
    assert "验证码为 6 位数字" in bad.content.decode()
    client.post(ACCOUNT, {"action": "change", "phone": "13985300071", "code": last_code(sms)})
    assert User.objects.get(pk=office_clerk.pk).phone == "13985300071"


def test_change_phone_refuses_a_wrong_code(client, office_clerk, sms):
    client.force_login(office_clerk)
    with committed():
        phone_code_send(phone="13985300071", purpose=PhoneCode.Purpose.CHANGE_PHONE)
    code = last_code(sms)
    response = client.post(ACCOUNT, {"action": "change", "phone": "13985300071",
                                     "code": "000000" if code != "000000" else "111111"})
    assert "验证码不正确" in response.content.decode()
    assert User.objects.get(pk=office_clerk.pk).phone == ""


def test_an_enterprise_user_logs_in_with_the_new_phone_after_the_change(client, applicant, sms):
    # Before usernames stopped being phones, the username followed the phone; now the username stays and the login
    # by phone follows the change (accounts.login_names).
    applicant.set_password(NEW)
    applicant.save(update_fields=["password"])
    client.force_login(applicant)
    with committed():
        client.post(ACCOUNT, {"action": "send_code", "phone": "13985300081"})
    client.post(ACCOUNT, {"action": "change", "phone": "13985300081", "code": last_code(sms)})
    user = User.objects.get(pk=applicant.pk)
    assert user.phone == "13985300081" and user.username == applicant.username
    assert Client().login(username="13985300081", password=NEW)
    assert not Client().login(username="13985300021", password=NEW)


def test_a_phone_of_another_account_is_refused(client, office_clerk, ent_admin, sms):
    client.force_login(office_clerk)
    with committed():
        response = client.post(ACCOUNT, {"action": "send_code", "phone": "13985300031"})
    assert "该手机号已被其他账号使用" in response.content.decode() and sms == []
    assert User.objects.get(pk=office_clerk.pk).phone == ""
