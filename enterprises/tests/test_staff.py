"""The enterprise administrator: join requests (approve / refuse), inviting staff by SMS link, removing staff (their
sessions end at once), handing the role over. Other enterprises' people get 404, non-administrators 403."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.login_names import GENERATED
from accounts.models import Region, User
from accounts.tests.factories import EnterpriseFactory, EnterpriseUserFactory
from enterprises.models import EnterpriseAdmin, JoinRequest
from enterprises.privacy import PRIVACY_VERSION
from enterprises.services import enterprise_signup

pytestmark = pytest.mark.django_db
HOME = reverse("enterprises:home")
PASSWORD = "Qyzj-2026-secure"


def join(enterprise, phone="13985300041"):
    return enterprise_signup(
        enterprise_name=enterprise.name, uscc=enterprise.uscc, region=enterprise.region, person_name="赵加入",
        phone=phone, password=PASSWORD, licence=None, consent_version=PRIVACY_VERSION,
    )


def decide(pk):
    return reverse("enterprises:join_decide", args=[pk])


def test_administrator_approves_a_join_request(client, ent_admin, sms, django_capture_on_commit_callbacks):
    result = join(ent_admin.enterprise)
    client.force_login(ent_admin)
    html = client.get(HOME).content.decode()
    assert "赵加入 · 139****0041" in html
    assert "待设置密码" not in html  # a person asking to join is not an invited colleague
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide(JoinRequest.objects.get().pk), {"decision": "approve"})
    assert User.objects.get(pk=result.user.pk).is_active
    assert JoinRequest.objects.get().status == JoinRequest.Status.APPROVED
    assert any(to == "13985300041" and "已通过" in text for to, text in sms)
    assert Client().login(username="13985300041", password=PASSWORD)


def test_administrator_refuses_and_the_unused_account_goes(client, ent_admin, sms, django_capture_on_commit_callbacks):
    result = join(ent_admin.enterprise)
    client.force_login(ent_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide(JoinRequest.objects.get().pk), {"decision": "refuse"})
    assert not User.objects.filter(pk=result.user.pk).exists()
    request = JoinRequest.objects.get()
    assert request.status == JoinRequest.Status.REFUSED and request.name == "赵加入"
    assert any(to == "13985300041" and "未获同意" in text for to, text in sms)


def test_a_plain_member_gets_403_and_another_enterprise_404(client, ent_admin):
    join(ent_admin.enterprise)
    pk = JoinRequest.objects.get().pk
    member = EnterpriseUserFactory(enterprise=ent_admin.enterprise)
    client.force_login(member)
    assert client.post(decide(pk), {"decision": "approve"}).status_code == 403
    client.force_login(EnterpriseUserFactory())
    assert client.post(decide(pk), {"decision": "approve"}).status_code == 404
    assert JoinRequest.objects.get().status == JoinRequest.Status.PENDING
    assert client.get(decide(pk)).status_code == 405


def test_join_to_an_enterprise_without_administrator_goes_to_the_region_office(client, county_office, office_clerk):
    enterprise = EnterpriseFactory(region=Region.objects.get(code="xixiu"))
    result = join(enterprise)
    client.force_login(office_clerk)  # the city office: not this enterprise's region
    assert client.post(decide(JoinRequest.objects.get().pk), {"decision": "approve"}).status_code == 404
    client.force_login(county_office)
    assert "赵加入" in client.get(reverse("enterprises:verification_queue")).content.decode()
    client.post(decide(JoinRequest.objects.get().pk), {"decision": "approve"})
    assert EnterpriseAdmin.objects.get(enterprise=enterprise).user == result.user


def test_invite_sends_a_one_time_link_to_set_a_password(client, ent_admin, sms, django_capture_on_commit_callbacks):
    client.force_login(ent_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprises:invite"), {"name": "钱员工", "phone": "139 8530 0051"})
    assert response.status_code == 302
    invited = User.objects.with_phone("13985300051").get()
    assert GENERATED.match(invited.username)  # not the phone (SECURITY.md §5)
    assert not invited.is_active and not invited.has_usable_password() and invited.enterprise == ent_admin.enterprise
    link = re.search(r"(/invite/[^/\s]+/)", [text for to, text in sms if to == "13985300051"][-1]).group(1)
    visitor = Client()
    bad = visitor.post(link, {"password1": PASSWORD, "password2": "Different-2026x", "consent": "on"})
    assert "两次输入的密码不一致" in bad.content.decode()
    assert visitor.post(link, {"password1": PASSWORD, "password2": PASSWORD, "consent": "on"}).status_code == 302
    invited.refresh_from_db()
    assert invited.is_active and invited.check_password(PASSWORD)
    assert Client().get(link).status_code == 404  # used up


def test_invite_bad_phone_re_renders_with_the_error(client, ent_admin):
    client.force_login(ent_admin)
    response = client.post(reverse("enterprises:invite"), {"name": "钱员工", "phone": "12345"})
    assert response.status_code == 200 and "请输入 11 位手机号码" in response.content.decode()
    assert 'value="钱员工"' in response.content.decode()
    assert User.objects.count() == 1


def test_a_member_may_not_invite(client, ent_admin):
    member = EnterpriseUserFactory(enterprise=ent_admin.enterprise)
    client.force_login(member)
    assert client.post(reverse("enterprises:invite"), {"name": "钱员工", "phone": "13985300051"}).status_code == 403


def test_removing_a_member_ends_their_sessions_at_once(client, ent_admin):
    member = EnterpriseUserFactory(enterprise=ent_admin.enterprise)
    theirs = Client()
    theirs.force_login(member)
    assert theirs.get(HOME).status_code == 200
    client.force_login(ent_admin)
    client.post(reverse("enterprises:staff_remove", args=[member.pk]))
    member.refresh_from_db()
    assert not member.is_active
    assert theirs.get(HOME).status_code == 302  # back to the login page
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(member.pk)]
    assert client.get(HOME).status_code == 200  # the administrator's own session lives on


def test_staff_of_another_enterprise_is_404(client, ent_admin):
    stranger = EnterpriseUserFactory()
    client.force_login(ent_admin)
    assert client.post(reverse("enterprises:staff_remove", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("enterprises:hand_over", args=[stranger.pk])).status_code == 404
    assert User.objects.get(pk=stranger.pk).is_active


def test_hand_over_moves_the_role_and_the_menu_count(client, ent_admin):
    member = EnterpriseUserFactory(enterprise=ent_admin.enterprise)
    client.force_login(member)
    assert client.post(reverse("enterprises:hand_over", args=[member.pk])).status_code == 403
    client.force_login(ent_admin)
    client.post(reverse("enterprises:hand_over", args=[member.pk]))
    assert EnterpriseAdmin.objects.get(enterprise=ent_admin.enterprise).user == member
    assert client.post(reverse("enterprises:invite"), {"name": "钱员工", "phone": "13985300051"}).status_code == 403
