"""API tokens (SECURITY.md §2): stored hashed, expiring (90 days by default), revocable, named; the admin lists them
without ever showing a key; the API is rate-limited per token with the contract's 429."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import issue_token, revoke_token

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def get_me(key, client=None):
    return (client or Client()).get(ME, HTTP_AUTHORIZATION=f"Token {key}")


def test_a_token_is_stored_only_as_a_digest_and_carries_its_name(lead_handler):
    _, key = issue_token(user=lead_handler, name="12345 热线对接")
    row = ApiToken.objects.get()
    assert row.name == "12345 热线对接" and row.user == lead_handler
    assert key not in (row.digest, row.token_key) and len(row.digest) == 128
    assert get_me(key).status_code == 200


def test_a_revoked_token_is_401(lead_handler):
    token, key = issue_token(user=lead_handler, name="对接")
    _, other_key = issue_token(user=lead_handler, name="另一个")
    revoke_token(token)
    response = get_me(key)
    assert response.status_code == 401
    assert get_me(other_key).status_code == 200


def test_a_token_expires_after_ninety_days_by_default(lead_handler):
    token, key = issue_token(user=lead_handler, name="对接")
    assert abs(token.expiry - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    with time_machine.travel(token.expiry - timedelta(seconds=1)):
        assert get_me(key).status_code == 200
    with time_machine.travel(token.expiry + timedelta(seconds=1)):
        assert get_me(key).status_code == 401
    assert not ApiToken.objects.exists()  # the expired token was deleted when it was presented


def test_the_default_lifetime_is_configurable_and_days_override_it(lead_handler, settings):
    settings.API_TOKEN_DAYS = 30
    token, _ = issue_token(user=lead_handler, name="a")
    assert abs(token.expiry - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    token, key = issue_token(user=lead_handler, name="b", days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=5)):
        assert get_me(key).status_code == 401


def test_a_made_up_or_malformed_token_is_401(lead_handler):
    _, key = issue_token(user=lead_handler, name="a")
    for bad in (key[:-1] + ("0" if key[-1] != "0" else "1"), "x", key + " extra"):
        assert get_me(bad).status_code == 401


# --- the admin -----------------------------------------------------------------------------------------------------
def test_the_admin_lists_tokens_without_keys_or_digests(superuser_client, lead_handler):
    token, key = issue_token(user=lead_handler, name="12345 热线对接")
    page = superuser_client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert "12345 热线对接" in page and str(lead_handler) in page
    assert key not in page and token.digest not in page and token.token_key not in page
    detail = superuser_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert key not in detail.content.decode()
    assert token.token_key not in detail.content.decode().replace(token.digest, "")
    assert superuser_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    # knox's own admin (which lists digests) is not installed.
    assert superuser_client.get("/admin/knox/").status_code == 404


def test_the_admin_revokes_tokens(superuser_client, lead_handler):
    token, key = issue_token(user=lead_handler, name="对接")
    response = superuser_client.post(
        reverse("admin:accounts_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    assert get_me(key).status_code == 401


def test_the_platform_administrator_may_list_and_revoke_tokens(platform_admin):
    assert platform_admin.has_perm("accounts.view_apitoken") and platform_admin.has_perm("accounts.delete_apitoken")


# --- the rate limit per token -----------------------------------------------------------------------------------------
def test_the_api_answers_429_beyond_the_limit_per_token(lead_handler, settings, one_rate_window):
    settings.API_RATE_PER_MINUTE = 3
    _, key = issue_token(user=lead_handler, name="a")
    _, other_key = issue_token(user=lead_handler, name="b")
    for _ in range(3):
        assert get_me(key).status_code == 200
    response = get_me(key)
    assert response.status_code == 429
    assert response.json() == {"error": response.json()["error"]} and "操作过于频繁" in response.json()["error"]
    assert 0 < int(response["Retry-After"]) <= 60
    assert get_me(other_key).status_code == 200  # each token has its own budget


def test_the_limit_also_holds_for_views_with_the_contracts_errors(lead_handler, settings, one_rate_window):
    from tickets.tests.api_helpers import api_as

    settings.API_RATE_PER_MINUTE = 1
    client = api_as(lead_handler)
    assert client.get("/api/v1/tickets/").status_code == 200
    response = client.get("/api/v1/tickets/")
    assert response.status_code == 429 and "操作过于频繁" in response.json()["error"] and response["Retry-After"]


def test_the_window_is_one_minute(lead_handler, settings):
    settings.API_RATE_PER_MINUTE = 1
    _, key = issue_token(user=lead_handler, name="a")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert get_me(key).status_code == 200
        response = get_me(key)
        assert response.status_code == 429
        clock.shift(timedelta(seconds=int(response["Retry-After"])))
        assert get_me(key).status_code == 200


def test_session_users_are_limited_too(client, lead_handler, settings, one_rate_window):
    settings.API_RATE_PER_MINUTE = 2
    client.force_login(lead_handler)
    assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 429]
