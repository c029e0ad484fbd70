"""Single sign-on is configured by environment variables, off by default; half a configuration stops the process."""

import pytest

from qiyezhijia.tests.test_settings import fails_to_load, load_settings

BACKEND = "sso.backends.ProvincialIdentityBackend"
FULL = {
    "OIDC_RP_CLIENT_ID": "qyzj-platform",
    "OIDC_RP_CLIENT_SECRET": "s3cret",
    "OIDC_OP_ISSUER": "https://ids.example.gov.cn/oidc",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://ids.example.gov.cn/oidc/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://ids.example.gov.cn/oidc/token",
    "OIDC_OP_USER_ENDPOINT": "https://ids.example.gov.cn/oidc/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://ids.example.gov.cn/oidc/jwks",
}
NAMES = ["SSO_ENABLED", "AUTHENTICATION_BACKENDS", "OIDC_RP_CLIENT_SECRET", "OIDC_RP_SIGN_ALGO", "OIDC_CLAIM_USCC",
         "OIDC_CLAIM_PHONE", "OIDC_OP_TOKEN_ENDPOINT"]
UNSET = {name: "" for name in FULL}


def test_without_the_variables_sso_is_off():
    loaded = load_settings(UNSET, NAMES)
    assert loaded["SSO_ENABLED"] is False
    assert BACKEND not in loaded["AUTHENTICATION_BACKENDS"]


def test_with_the_variables_sso_is_on_with_rs256_by_default():
    loaded = load_settings(FULL, NAMES)
    assert loaded["SSO_ENABLED"] is True
    assert loaded["AUTHENTICATION_BACKENDS"][-1] == BACKEND
    # The lockout guards every login first; the password backend stays; SSO comes last.
    assert loaded["AUTHENTICATION_BACKENDS"][:2] == ["accounts.lockout.LockoutBackend", "notifications.backends.PlatformBackend"]
    assert loaded["OIDC_RP_SIGN_ALGO"] == "RS256"
    assert (loaded["OIDC_CLAIM_USCC"], loaded["OIDC_CLAIM_PHONE"]) == ("uscc", "phone_number")


def test_claim_names_and_algorithm_are_configurable():
    loaded = load_settings(
        {**FULL, "OIDC_CLAIM_USCC": "social_credit_code", "OIDC_CLAIM_PHONE": "mobile", "OIDC_RP_SIGN_ALGO": "es256"},
        NAMES,
    )
    assert (loaded["OIDC_CLAIM_USCC"], loaded["OIDC_CLAIM_PHONE"]) == ("social_credit_code", "mobile")
    assert loaded["OIDC_RP_SIGN_ALGO"] == "ES256"


def test_the_client_secret_may_come_from_a_file(tmp_path):
    secret_file = tmp_path / "oidc-secret"
    secret_file.write_text("from-a-file\n", encoding="utf-8")
    env = {**FULL, "OIDC_RP_CLIENT_SECRET": "", "OIDC_RP_CLIENT_SECRET_FILE": str(secret_file)}
    assert load_settings(env, NAMES)["OIDC_RP_CLIENT_SECRET"] == "from-a-file"


@pytest.mark.parametrize("missing", ["OIDC_RP_CLIENT_SECRET", "OIDC_OP_ISSUER", "OIDC_OP_TOKEN_ENDPOINT",
                                     "OIDC_OP_JWKS_ENDPOINT"])
def test_half_a_configuration_stops_the_process_naming_what_is_missing(missing):
    output = fails_to_load({**FULL, missing: ""})
    assert "单点登录" in output and missing in output


def test_a_malformed_endpoint_stops_the_process():
    assert "OIDC_OP_TOKEN_ENDPOINT" in fails_to_load({**FULL, "OIDC_OP_TOKEN_ENDPOINT": "ids.example.gov.cn/token"})


def test_an_unknown_algorithm_stops_the_process():
    assert "OIDC_RP_SIGN_ALGO" in fails_to_load({**FULL, "OIDC_RP_SIGN_ALGO": "none"})


def test_production_refuses_plain_http_endpoints():
    production = {"DJANGO_ENV": "production", "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 40}
    output = fails_to_load({**production, **FULL, "OIDC_OP_TOKEN_ENDPOINT": "http://ids.example.gov.cn/oidc/token"})
    assert "OIDC_OP_TOKEN_ENDPOINT" in output
