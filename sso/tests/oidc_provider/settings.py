"""A stand-in for the provincial unified identity: django-oauth-toolkit as an OpenID Connect provider.

A separate Django project with its own SQLite database and its own users, run in its own process by the SSO tests
(sso/tests/provider.py starts it; serve.py is its entry point). It shares nothing with the platform but HTTP, as the
real provider would — and its tables never reach the platform's INSTALLED_APPS or migrations.
"""

import json
import os
from pathlib import Path

CONFIG = json.loads(Path(os.environ["SSO_TEST_PROVIDER_CONFIG"]).read_text(encoding="utf-8"))

SECRET_KEY = CONFIG["secret_key"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "sso.tests.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": CONFIG["database"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only: fast
USE_TZ = True
STATIC_URL = "/static/"
LOGIN_URL = "/accounts/login/"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": Path(CONFIG["rsa_private_key_file"]).read_text(encoding="ascii"),
    "OIDC_ISS_ENDPOINT": os.environ["SSO_TEST_PROVIDER_ISSUER"],
    "SCOPES": {"openid": "OpenID Connect", "profile": "姓名与单位", "phone": "手机号"},
    "OAUTH2_VALIDATOR_CLASS": "sso.tests.oidc_provider.validators.ProvincialClaimsValidator",
    "PKCE_REQUIRED": True,
}
