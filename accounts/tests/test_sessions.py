"""Sessions (SECURITY.md §2): 30 minutes idle, 12 hours absolute, rotated at login, ended by logout, and a
deactivated user's sessions and tokens stop at once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from accounts.models import ApiToken
from accounts.sessions import end_user_sessions
from accounts.tokens import issue_token
from core.ratelimit import RateLimit

pytestmark = pytest.mark.django_db

# A page only a logged-in person reads (`/` itself is the public portal for a visitor).
HOME = reverse("notifications:list")
START = datetime(2026, 12, 7, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def password_login(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def is_in(client) -> bool:
    return client.get(HOME).status_code == 200


def test_thirty_minutes_without_a_request_end_the_session(client, lead_handler):
    with time_machine.travel(START, tick=False) as clock:
        key = password_login(client, lead_handler)
        clock.shift(timedelta(minutes=29, seconds=59))
        assert is_in(client)  # activity restarts the idle clock
        clock.shift(timedelta(minutes=29, seconds=59))
        assert is_in(client)
        clock.shift(timedelta(minutes=30))
        response = client.get(HOME)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        assert not Session.objects.filter(session_key=key).exists()
        page = client.get(response["Location"]).content.decode()
        assert "30 分钟未操作" in page


def test_activity_never_stretches_a_session_past_twelve_hours(client, lead_handler):
    with time_machine.travel(START, tick=False) as clock:
        password_login(client, lead_handler)
        for _ in range(35):  # a request every 20 minutes: never idle
            clock.shift(timedelta(minutes=20))
            assert is_in(client)
        clock.shift(timedelta(minutes=19, seconds=59))  # 11:59:59 after the login
        assert is_in(client)
        clock.shift(timedelta(seconds=1))
        assert not is_in(client)
        assert "12 小时" in client.get(reverse("accounts:login")).content.decode()


def test_the_session_key_changes_at_login(client, lead_handler):
    client.get(reverse("accounts:login"))
    session = client.session
    session["before_login"] = True
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    after = password_login(client, lead_handler)
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    # The old key no longer opens anything.
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stale.get(HOME).status_code == 302


def test_logout_ends_the_session(client, lead_handler):
    key = password_login(client, lead_handler)
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get(HOME).status_code == 302


def test_deactivation_ends_every_session_and_token_at_once(lead_handler, other_handler):
    browsers = [Client(), Client()]
    keys = [password_login(browser, lead_handler) for browser in browsers]
    bystander = Client()
    password_login(bystander, other_handler)
    _, token = issue_token(user=lead_handler, name="对接")
    api = Client()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200

    lead_handler.is_active = False
    lead_handler.save()

    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not ApiToken.objects.filter(user=lead_handler).exists()
    for browser in browsers:
        assert browser.get(HOME).status_code == 302
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert is_in(bystander)
    # Turning the account on again brings nothing back.
    lead_handler.is_active = True
    lead_handler.save()
    assert all(browser.get(HOME).status_code == 302 for browser in browsers)


def test_deactivation_through_the_admin_ends_the_sessions(superuser_client, lead_handler):
    browser = Client()
    password_login(browser, lead_handler)
    user_url = reverse("admin:accounts_user_change", args=[lead_handler.pk])
    form = superuser_client.get(user_url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"is_active": "", "department": lead_handler.department_id, "groups": []})
    data = {k: v for k, v in data.items() if k not in ("password", "last_login", "date_joined", "groups", "user_permissions")}
    response = superuser_client.post(user_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    lead_handler.refresh_from_db()
    assert not lead_handler.is_active
    assert browser.get(HOME).status_code == 302


def test_end_user_sessions_leaves_other_users_alone(lead_handler, other_handler):
    mine, theirs = Client(), Client()
    password_login(mine, lead_handler)
    password_login(theirs, other_handler)
    assert end_user_sessions(lead_handler) == 1
    assert not is_in(mine) and is_in(theirs)


# --- login rate limit -----------------------------------------------------------------------------------------------
def test_login_posts_beyond_the_limit_per_username_get_a_chinese_429(client, lead_handler, settings):
    settings.LOGIN_RATE_PER_USERNAME = 3
    # From the start of a window (START): the posts must not straddle two fixed windows, or the fourth counts anew.
    with time_machine.travel(START, tick=True):
        for n in range(3):
            client.post(reverse("accounts:login"), {"username": lead_handler.username, "password": "x"},
                        REMOTE_ADDR=f"10.7.0.{n}")
        response = client.post(
            reverse("accounts:login"), {"username": lead_handler.username, "password": DEMO_PASSWORD},
            REMOTE_ADDR="10.7.1.1",
        )
        assert response.status_code == 429 and "_auth_user_id" not in client.session
        assert "操作过于频繁" in response.content.decode() and int(response["Retry-After"]) > 0
        # Another username from another address is not concerned.
        assert client.post(reverse("accounts:login"), {"username": "someone", "password": "x"},
                           REMOTE_ADDR="10.7.2.2").status_code == 200


def test_login_posts_beyond_the_limit_per_address_get_a_429(client, lead_handler, settings):
    settings.LOGIN_RATE_PER_IP = 3
    with time_machine.travel(START, tick=True):  # within one fixed window (see the test above)
        for n in range(3):
            client.post(reverse("accounts:login"), {"username": f"u{n}", "password": "x"}, REMOTE_ADDR="10.8.0.1")
        response = client.post(
            reverse("accounts:login"), {"username": lead_handler.username, "password": DEMO_PASSWORD},
            REMOTE_ADDR="10.8.0.1",
        )
        assert response.status_code == 429 and "_auth_user_id" not in client.session
        assert client.get(reverse("accounts:login"), REMOTE_ADDR="10.8.0.1").status_code == 200  # reading is free


def test_the_login_rate_window_is_five_minutes(client, lead_handler, settings):
    settings.LOGIN_RATE_PER_USERNAME = 1
    with time_machine.travel(START, tick=False) as clock:
        client.post(reverse("accounts:login"), {"username": lead_handler.username, "password": "x"})
        blocked = client.post(reverse("accounts:login"), {"username": lead_handler.username, "password": DEMO_PASSWORD})
        assert blocked.status_code == 429
        clock.shift(timedelta(seconds=int(blocked["Retry-After"])))
        assert client.post(reverse("accounts:login"), {"username": lead_handler.username, "password": DEMO_PASSWORD}).status_code == 302
    assert RateLimit("login-user", 1, 300).window == 300
