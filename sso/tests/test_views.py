"""/sso/ and the login page's button: absent unless configured; the start of the flow (no provider needed)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from sso.backends import ProvincialIdentityBackend

pytestmark = pytest.mark.django_db

BUTTON = "使用省统一身份认证登录"
ISSUER = "https://ids.example.gov.cn/oidc"


@pytest.fixture
def configured(settings):
    settings.SSO_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "qyzj-platform"
    settings.OIDC_RP_CLIENT_SECRET = "s3cret-for-tests"
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{ISSUER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/jwks"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "sso.backends.ProvincialIdentityBackend"]
    return settings


def test_off_by_default_the_backend_is_not_installed():
    assert django_settings.SSO_ENABLED is False
    assert "sso.backends.ProvincialIdentityBackend" not in django_settings.AUTHENTICATION_BACKENDS


@pytest.mark.parametrize("name", ["sso:start", "sso:callback"])
def test_off_the_urls_answer_404(client, name):
    assert client.get(reverse(name), {"code": "x", "state": "y"}).status_code == 404


def test_off_the_login_page_shows_no_button(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert BUTTON not in body
    assert "/sso/start/" not in body


def test_on_the_login_page_offers_the_provincial_identity_and_keeps_next(client, configured):
    body = client.get(reverse("accounts:login") + "?next=/notifications/").content.decode()
    assert BUTTON in body
    assert 'href="/sso/start/?next=/notifications/"' in body


def test_start_sends_the_browser_to_the_provider_with_state_nonce_and_pkce(client, configured):
    response = client.get(reverse("sso:start"), {"next": "/notifications/"})
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{ISSUER}/authorize"
    query = parse_qs(target.query)
    assert query["client_id"] == ["qyzj-platform"]
    assert query["redirect_uri"] == ["http://testserver/sso/callback/"]
    assert query["scope"] == ["openid profile phone"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"][0] and query["nonce"][0]
    assert client.session["oidc_login_next"] == "/notifications/"


def test_start_does_not_carry_an_off_site_next(client, configured):
    client.get(reverse("sso:start"), {"next": "https://evil.example/"})
    assert client.session["oidc_login_next"] is None


def test_start_is_get_only(client, configured):
    assert client.post(reverse("sso:start")).status_code == 405


def test_callback_with_an_unknown_state_is_refused(client, configured):
    client.get(reverse("sso:start"))
    response = client.get(reverse("sso:callback"), {"code": "abc", "state": "not-the-one"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_provider_cancelled_login_goes_back_to_the_login_page_in_chinese(client, configured):
    response = client.get(reverse("sso:callback"), {"error": "access_denied", "state": "whatever"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:login")
    assert "已取消省统一身份认证登录。" in response.content.decode()


def test_password_login_still_works_and_never_calls_the_provider(client, configured, lead_handler, monkeypatch):
    """With SSO on, a password login whose URL happens to carry `code` and `state` stays a password login."""

    def no_provider(*args, **kwargs):
        raise AssertionError("the provider was called during a password login")

    monkeypatch.setattr(ProvincialIdentityBackend, "get_token", no_provider)
    response = client.post(
        reverse("accounts:login") + "?code=abc&state=def",
        {"username": lead_handler.username, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(lead_handler.pk)
