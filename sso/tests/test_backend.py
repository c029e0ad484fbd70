"""What the backend checks beyond mozilla-django-oidc: the ID token's issuer and audience, the userinfo subject.

The round trip (test_round_trip.py) runs against the real provider; a provider that mints a token for another client
or a mismatching userinfo cannot be made from django-oauth-toolkit, so these tokens are signed here with a key the
backend is told to trust (OIDC_RP_IDP_SIGN_KEY, the library's alternative to the JWKS endpoint).
"""

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from sso.backends import ProvincialIdentityBackend

ISSUER = "https://ids.example.gov.cn/oidc"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def backend(settings):
    settings.OIDC_RP_CLIENT_ID = "qyzj-platform"
    settings.OIDC_RP_CLIENT_SECRET = "s3cret"
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_IDP_SIGN_KEY = KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return ProvincialIdentityBackend()


def id_token(**claims) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": "qyzj-platform", "sub": "gz-0001", "nonce": "n-1", "iat": now, "exp": now + 300}
    return jwt.encode({**payload, **claims}, KEY, algorithm="RS256")


def test_a_token_for_this_client_from_this_issuer_is_accepted(backend):
    assert backend.verify_token(id_token(), nonce="n-1")["sub"] == "gz-0001"
    assert backend.verify_token(id_token(aud=["other", "qyzj-platform"]), nonce="n-1")["sub"] == "gz-0001"


@pytest.mark.parametrize(
    "claims", [{"aud": "another-client"}, {"aud": ["a", "b"]}, {"iss": "https://elsewhere.example/oidc"}]
)
def test_a_token_for_another_client_or_from_another_issuer_is_refused(backend, claims):
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(id_token(**claims), nonce="n-1")


def test_userinfo_about_another_subject_is_refused(backend, monkeypatch):
    monkeypatch.setattr(backend, "get_userinfo", lambda *args: {"sub": "gz-9999"})
    with pytest.raises(SuspiciousOperation):
        backend.get_or_create_user("access", "id", {"iss": ISSUER, "sub": "gz-0001"})
