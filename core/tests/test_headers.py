"""SECURITY.md §6, headers: a Content-Security-Policy without inline scripts on every page, HTTPS and HSTS by default in
production, `check --deploy` clean with production settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/api/v1/demands/"])
def test_every_response_carries_a_csp_without_inline_scripts(client, url):
    policy = _policy(client.get(url))
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("script-src", []) and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]


def test_a_logged_in_page_carries_it_too(client, office_clerk):
    client.force_login(office_clerk)
    response = client.get("/demands/")
    assert response.status_code == 200 and _policy(response)["script-src"] == ["'self'"]


def test_the_api_docs_load_their_start_up_script_as_a_file(client, office_clerk):
    client.force_login(office_clerk)
    html = client.get("/api/v1/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert client.get("/api/v1/docs/?script=").status_code == 200


def test_no_template_has_an_inline_script_or_event_handler():
    inline_script = re.compile(r"<script(?![^>]*\b(src|type=\"application/json\")=?)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text) or "javascript:" in text:
            found.append(str(path.relative_to(TEMPLATES)))
    assert found == []


# Production refuses to start without the personal-information keys (core/tests/test_crypto.py): give it two.
from qiyezhijia.testing import PRODUCTION_PII_KEYS as PII_KEYS  # noqa: E402


def _deploy_check(**env) -> subprocess.CompletedProcess:
    environment = {**os.environ, **PII_KEYS, "DJANGO_ENV": "production", "DJANGO_ALLOWED_HOSTS": "qyzj.example.gov.cn",
                   "DJANGO_SECRET_KEY": "q7Wm2Lx9Pz4Rk8Vn1Bc6Hd3Jf5Gs0Ty-only-for-the-deploy-check-test!", **env}
    # Set by the browser tests' plugin in this process; never in a deployment.
    for name in ("DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(name, None)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=120, check=False)


def test_check_deploy_is_clean_with_production_settings():
    result = _deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_defaults_are_https_only():
    code = ("from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
            "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)")
    environment = {**os.environ, **PII_KEYS, "DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "k" * 40,
                   "DJANGO_SETTINGS_MODULE": "qiyezhijia.settings"}
    run = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], cwd=settings.BASE_DIR,
                         env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert run.stdout.strip().splitlines()[-1] == "True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https')", run.stderr
