"""The password policy (SECURITY.md §2): strength, the last five, the 90-day age and "must change" at first login."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from accounts.models import PasswordHistory, User
from accounts.passwords import ComplexityValidator, password_set
from accounts.tests.factories import UserFactory
from tickets.tests.api_helpers import api_as

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
CHANGE = reverse("accounts:password_change")
NEW = "Qyzj-Neues-2027"


def messages_of(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


# --- strength ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("password", "fragment"), [
    ("Ab1!xyz", "至少需要 10 个字符"),
    ("abcdefgh1234", "至少 3 类"),       # lower + digit only
    ("ABCDEFGHIJ!!", "至少 3 类"),       # upper + symbol only
])
def test_complexity_refuses_with_a_chinese_reason(password, fragment):
    with pytest.raises(ValidationError) as excinfo:
        ComplexityValidator().validate(password)
    assert any(fragment in m for m in excinfo.value.messages)


@pytest.mark.parametrize("password", ["Abcdefgh12", "abcdefgh1!", "ABCDEFGH1!", "Abcdefgh!!", DEMO_PASSWORD])
def test_complexity_accepts_three_classes_of_ten_characters(password):
    ComplexityValidator().validate(password)


def test_the_settings_apply_every_rule():
    assert any("至少 3 类" in m for m in messages_of("abcdefghijkl"))
    assert any("太常见" in m for m in messages_of("Password123"))
    user = User(username="zhangwei2026", first_name="", last_name="")
    assert any("太相似" in m for m in messages_of("Zhangwei2026!", user))
    assert messages_of(NEW, user) == []


def test_none_of_the_last_five_passwords_again():
    user = UserFactory()
    passwords = [f"Qyzj-Passwort-{n}x" for n in range(6)]
    for raw in passwords:
        password_set(user=user, raw_password=raw, must_change=False)
    assert user.password_history.count() == 5
    for recent in passwords[1:]:
        assert any("最近 5 次" in m for m in messages_of(recent, user)), recent
    assert messages_of(passwords[0], user) == []


def test_the_current_password_counts_even_without_history():
    user = UserFactory()  # created with DEMO_PASSWORD, no history row
    assert any("最近 5 次" in m for m in messages_of(DEMO_PASSWORD, user))


# --- the change page --------------------------------------------------------------------------------------------------
def post_change(client, old=DEMO_PASSWORD, new1=NEW, new2=NEW):
    return client.post(CHANGE, {"old_password": old, "new_password1": new1, "new_password2": new2})


def test_a_user_changes_the_password(client, lead_handler):
    with time_machine.travel(datetime(2026, 12, 10, 9, 0, tzinfo=SH), tick=False):
        client.force_login(lead_handler)
        response = post_change(client)
        assert client.get(reverse("accounts:home")).status_code == 200  # this session goes on
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    user = User.objects.get(pk=lead_handler.pk)
    assert user.check_password(NEW)
    assert user.password_changed_at == datetime(2026, 12, 10, 9, 0, tzinfo=SH)
    assert PasswordHistory.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"old": "Wrong-Passw0rd"}, "old_password", "当前密码不正确。"),
    ({"new2": "Qyzj-Anders-2027"}, "new_password2", "两次输入的新密码不一致。"),
    ({"new1": "abcdefghijkl", "new2": "abcdefghijkl"}, "new_password1", "至少 3 类"),
    ({"new1": DEMO_PASSWORD, "new2": DEMO_PASSWORD}, "new_password1", "最近 5 次"),
    ({"new1": "", "new2": ""}, "new_password1", "请输入新密码。"),
])
def test_bad_input_is_shown_beside_the_field_and_changes_nothing(client, lead_handler, data, field, message):
    client.force_login(lead_handler)
    response = post_change(client, **data)
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert User.objects.get(pk=lead_handler.pk).check_password(DEMO_PASSWORD)
    assert not PasswordHistory.objects.exists()


def test_the_change_page_needs_a_login(client):
    response = client.get(CHANGE)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# --- must change / stale: the change page and nothing else -----------------------------------------------------------
@pytest.fixture
def must_change(lead_handler):
    lead_handler.must_change_password = True
    lead_handler.save(update_fields=["must_change_password"])
    return lead_handler


def test_must_change_reaches_only_the_change_page(client, must_change):
    client.force_login(must_change)
    for url in (reverse("accounts:home"), reverse("tickets:ticket_list"), "/admin/", reverse("notifications:list")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == CHANGE, url
    page = client.get(CHANGE)
    assert page.status_code == 200 and "由管理员设置" in page.content.decode()
    assert client.get("/static/css/app.css").status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_the_api_answers_403_in_the_contract_shape(client, must_change):
    client.force_login(must_change)
    response = client.get("/api/v1/tickets/")
    assert response.status_code == 403
    assert "请先修改密码" in json.loads(response.content)["error"]
    token_response = api_as(must_change).get("/api/v1/tickets/")
    assert token_response.status_code == 403 and "请先修改密码" in token_response.json()["error"]


def test_changing_it_clears_must_change(client, must_change):
    client.force_login(must_change)
    assert post_change(client).status_code == 302
    assert not User.objects.get(pk=must_change.pk).must_change_password
    assert client.get(reverse("accounts:home")).status_code == 200


def test_a_password_older_than_90_days_leads_to_the_change_page(client):
    with time_machine.travel(datetime(2026, 9, 1, 9, 0, tzinfo=SH), tick=False):
        user = UserFactory()
    with time_machine.travel(datetime(2026, 11, 29, 9, 0, tzinfo=SH), tick=False):  # 89 days
        client.force_login(user)
        assert client.get(reverse("accounts:home")).status_code == 200
    with time_machine.travel(datetime(2026, 11, 30, 10, 0, tzinfo=SH), tick=False):  # 90 days and an hour
        client.force_login(user)
        response = client.get(reverse("accounts:home"))
        assert response["Location"] == CHANGE
        assert "超过 90 天" in client.get(CHANGE).content.decode()
        assert post_change(client).status_code == 302
        assert client.get(reverse("accounts:home")).status_code == 200


def test_demo_users_log_in_without_being_sent_to_change(client):
    from accounts.demo import seed_demo_accounts

    seed_demo_accounts()
    assert not User.objects.filter(must_change_password=True).exists()
    client.post(reverse("accounts:login"), {"username": "handler_scjg", "password": DEMO_PASSWORD})
    assert client.get(reverse("accounts:home")).status_code == 200
    # A role with a second factor is asked for it next, never for a new password.
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": "office", "password": DEMO_PASSWORD})
    assert client.get(reverse("accounts:home"))["Location"].startswith(reverse("accounts:otp_verify"))


# --- through the Django admin ---------------------------------------------------------------------------------------
def test_an_administrators_reset_in_the_admin_forces_a_change(client, platform_admin, lead_handler):
    client.force_login(platform_admin)
    url = reverse("admin:auth_user_password_change", args=[lead_handler.pk])
    response = client.post(url, {"password1": NEW, "password2": NEW, "usable_password": "true"})
    assert response.status_code == 302
    user = User.objects.get(pk=lead_handler.pk)
    assert user.check_password(NEW) and user.must_change_password
    assert user.password_history.count() == 1


def test_an_account_added_in_the_admin_must_change_its_password(client, platform_admin):
    from accounts.tests.factories import department

    client.force_login(platform_admin)
    client.post("/admin/accounts/user/add/", {
        "username": "newbie", "password1": NEW, "password2": NEW, "role": "handler",
        "department": department("anshun-fgw").pk, "last_name": "新", "first_name": "人",
    })
    assert User.objects.get(username="newbie").must_change_password


# --- deploy: nobody is locked out ----------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_the_migration_dates_every_existing_password_now():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    apps = migrate([("accounts", "0003_three_administrators")])
    # Roles without a department: an earlier transactional test may have flushed the reference data.
    old = apps.get_model("accounts", "User")
    old.objects.create(username="veteran", role="auditor")
    old.objects.create(username="root", role="sysadmin")
    try:
        moment = datetime(2027, 3, 1, 8, 0, tzinfo=SH)
        with time_machine.travel(moment, tick=False):
            apps = migrate([("accounts", "0004_password_policy")])
        new = apps.get_model("accounts", "User")
        assert sorted(new.objects.values_list("username", "password_changed_at", "must_change_password")) == [
            ("root", moment, False), ("veteran", moment, False),
        ]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
