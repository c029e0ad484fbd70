"""The admin speaks Chinese on the pages the account administrator works in: no English help text, validator message or
button (Django 5.2's own zh_Hans catalogue lacks a few strings: locale/zh_Hans supplies them)."""

import html
import re

import pytest
from django.utils import translation

from accounts.models import Department, Role, User

pytestmark = pytest.mark.django_db

PHRASES = [
    "Required", "Designates", "Enter a valid", "Save and add another", "Save and continue", "This field",
    "Model name", "Add link", "Change or view list link", "After you", "Error:", "Select ", "Username", "Password",
    "Your password", "Raw passwords", "Letters, digits", "Hold down", "Add another", "Delete", "History", "Filter",
    "Search", "Action", "Go", "Change", "Add ",
]


def visible_text(body: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "\n", body))


def english_in(body: str) -> list[str]:
    text = visible_text(body)
    found = [p for p in PHRASES if re.search(r"(?<![A-Za-z])" + re.escape(p), text)]
    # Any run of two English words in what the page says (codes such as anshun-fgw or SPEC §6 are single tokens).
    found += [m.group(0) for m in re.finditer(r"\b[A-Za-z]{3,}\s+[A-Za-z]{2,}\b", text)]
    return found


@pytest.fixture
def superuser(db, platform_admin):
    return User.objects.create_superuser(username="t_root", password="Root@2026qyzj-x", role=Role.SYSADMIN,
                                         department=platform_admin.department)


@pytest.mark.parametrize("who", ["platform_admin", "superuser"])
def test_users_and_departments_pages_have_no_english(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    department = Department.objects.get(code="anshun-fgw")
    pages = ["/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/", f"/admin/accounts/user/{user.pk}/change/",
             "/admin/accounts/department/", "/admin/accounts/department/add/",
             f"/admin/accounts/department/{department.pk}/change/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_in(response.content.decode()) == [], url
    # Refused forms: the validators' messages are Chinese too.
    for url, data in [
        ("/admin/accounts/user/add/", {"username": "bad name!", "password1": "abc", "password2": "abd"}),
        ("/admin/accounts/user/add/", {"username": "newbie", "password1": "abcdefgh", "password2": "abcdefgh"}),
        ("/admin/accounts/department/add/", {"code": "", "name": "", "region": "x", "kind": "nope"}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "errornote" in body and english_in(body) == [], (url, english_in(body))
    assert not User.objects.filter(username__in=["bad name!", "newbie"]).exists()


def test_the_superusers_index_names_the_lockout_and_second_factor_apps_in_chinese(client, superuser):
    client.force_login(superuser)
    body = client.get("/admin/").content.decode()
    for label in ["登录失败锁定", "登录失败记录", "登录日志", "动态口令设备", "恢复码设备", "企业之家平台管理"]:
        assert label in body
    assert "登录失败锁定" in client.get("/admin/axes/").content.decode()


def test_the_missing_django_strings_come_from_the_platforms_catalogue():
    with translation.override("zh-hans"):
        assert translation.gettext("Model name") == "模型名称"
        assert translation.gettext("Error:") == "错误："
        assert translation.gettext("After you’ve created a user, you’ll be able to edit more user options.").startswith("创建用户后")
