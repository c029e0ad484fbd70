import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_answers(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_wrong_password_gets_a_chinese_error_and_no_session(client, lead_handler):
    response = client.post(reverse("accounts:login"), {"username": lead_handler.username, "password": "wrong-one"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_user_gets_the_same_error(client):
    response = client.post(reverse("accounts:login"), {"username": "nobody", "password": "whatever"})
    assert "用户名或密码不正确" in response.content.decode()


def test_empty_form_says_what_is_missing_and_keeps_the_username(client):
    response = client.post(reverse("accounts:login"), {"username": "zhangsan", "password": ""})
    body = response.content.decode()
    assert "请输入密码。" in body
    assert 'value="zhangsan"' in body


def test_inactive_user_cannot_log_in(client):
    user = UserFactory(is_active=False)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": DEMO_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_login_then_home_shows_who_you_are(client, lead_handler):
    response = client.post(reverse("accounts:login"), {"username": lead_handler.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    body = client.get(reverse("accounts:home")).content.decode()
    assert "涉企服务工作人员" in body
    assert "市市场监督管理局" in body
    assert "本部门待办工单" in body  # the workbench (issue 15); what the role may do is on the account page
    account = client.get(reverse("enterprises:account")).content.decode()
    assert "签收或提出办理异议" in account and lead_handler.username in account


def test_a_visitor_gets_the_public_portal_and_a_staff_page_requires_login(client):
    portal = client.get(reverse("accounts:home"))
    assert portal.status_code == 200 and "portal/home.html" in [t.name for t in portal.templates]
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_does_not_redirect_off_site(client, lead_handler):
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": lead_handler.username, "password": DEMO_PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("accounts:home")


def test_logout_is_post_only(client, lead_handler):
    client.force_login(lead_handler)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_home_is_get_only(client, lead_handler):
    client.force_login(lead_handler)
    assert client.post(reverse("accounts:home")).status_code == 405


def test_login_form_requires_csrf(lead_handler):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("accounts:login"), {"username": lead_handler.username, "password": DEMO_PASSWORD})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("role", "dept", "sees", "does_not_see"),
    [
        (Role.SYSADMIN, "anshun-zwfw", ["平台管理", "工作人员账号"], ["API 文档"]),
        (Role.OFFICE, "anshun-zwfw", ["API 文档"], ["平台管理"]),
        (Role.HANDLER, "anshun-sw", ["API 文档"], ["平台管理"]),
        (Role.SUPERVISOR, "anshun-zwfw", ["首页"], ["API 文档", "平台管理"]),
    ],
)
def test_menu_depends_on_role(client, role, dept, sees, does_not_see):
    user = UserFactory(role=role, department=department(dept), is_staff=role == Role.SYSADMIN)
    client.force_login(user)
    body = client.get(reverse("accounts:home")).content.decode()
    menu = body.split('data-testid="main-menu"')[1].split("</ul>")[0]
    for label in sees:
        assert label in menu
    for label in does_not_see:
        assert label not in menu


def test_enterprise_menu_is_minimal(client, enterprise_user):
    client.force_login(enterprise_user)
    body = client.get(reverse("accounts:home")).content.decode()
    menu = body.split('data-testid="main-menu"')[1].split("</ul>")[0]
    assert "首页" in menu and "API 文档" not in menu
    assert enterprise_user.enterprise.name in body
    assert "我要反映诉求" in body  # the enterprise's home leads with it (issue 15)
