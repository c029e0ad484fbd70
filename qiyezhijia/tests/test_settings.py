"""Malformed configuration stops the process at start with a message naming the variable."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Variables these tests set themselves: a value in the calling shell (CI sets DATABASE_URL) must not leak in.
CONTROLLED = {
    "DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "DJANGO_DEBUG", "DJANGO_SECRET_KEY",
    "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL",
    "DJANGO_SECRET_KEY_FILE", "DATABASE_URL_FILE", "REDIS_URL_FILE", "EMAIL_HOST_PASSWORD_FILE",
    "QYZJ_PII_KEY", "QYZJ_PII_HASH_KEY", "QYZJ_PII_KEY_FILE", "QYZJ_PII_HASH_KEY_FILE",
    "DB_PARALLEL_WORKERS", "DB_REPORT_PARALLEL_WORKERS",
}
# Production requires the personal-information keys (core/tests/test_crypto.py tests that); these tests are about
# other variables, so a production environment here gets two well-formed keys unless the test names its own.
from qiyezhijia.testing import PRODUCTION_PII_KEYS as PII_KEYS  # noqa: E402


def environment(env_overrides: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CONTROLLED}
    if env_overrides.get("DJANGO_ENV") == "production":
        env.update(PII_KEYS)
    env.update(env_overrides)
    return env


def start(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env=environment(env_overrides), capture_output=True, text=True, timeout=120,
    )


def load_settings(env_overrides: dict[str, str], names: list[str]) -> dict:
    """The named settings as a fresh process computes them from `env_overrides` (settings are read once per process)."""
    code = (
        "import json, sys; from django.conf import settings; "
        "print(json.dumps({n: getattr(settings, n) for n in sys.argv[1:]}, default=str))"
    )
    env = environment({"DJANGO_SETTINGS_MODULE": "qiyezhijia.settings", **env_overrides})
    result = subprocess.run(
        [sys.executable, "-c", code, *names], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def fails_to_load(env_overrides: dict[str, str]) -> str:
    """Load the settings with `env_overrides`, expecting a refusal; returns what the process printed."""
    env = environment({"DJANGO_SETTINGS_MODULE": "qiyezhijia.settings", **env_overrides})
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    return result.stderr + result.stdout


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DATABASE_URL": "nosuchdb://x/y"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL"),
        ({"DJANGO_ENV": "staging"}, "DJANGO_ENV"),
        ({"DJANGO_ENV": "production", "DJANGO_DEBUG": "0"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ENV": "production", "DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": "x" * 40}, "DEBUG"),
        ({"SESSION_COOKIE_AGE": "ten"}, "SESSION_COOKIE_AGE"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
        ({"EMAIL_PORT": "70000"}, "EMAIL_PORT"),
        ({"EMAIL_USE_TLS": "maybe"}, "EMAIL_USE_TLS"),
        ({"EMAIL_USE_SSL": "maybe"}, "EMAIL_USE_SSL"),
        ({"DB_PARALLEL_WORKERS": "-1"}, "DB_PARALLEL_WORKERS"),
        ({"DB_REPORT_PARALLEL_WORKERS": "two"}, "DB_REPORT_PARALLEL_WORKERS"),
    ],
)
def test_malformed_environment_fails_at_start(overrides, expected):
    result = start(overrides)
    assert result.returncode != 0
    assert expected in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_settings_with_a_secret_start():
    result = start({"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "k" * 50})
    assert result.returncode == 0, result.stderr


def test_defaults_start_without_any_variable():
    result = start({})
    assert result.returncode == 0, result.stderr


# --- SQLite ----------------------------------------------------------------------------------------------------------
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def test_the_embedded_sqlite_database_waits_for_the_write_lock_in_wal_mode(tmp_path):
    db = load_settings({"QYZJ_VAR_DIR": str(tmp_path)}, ["DATABASES"])["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "db.sqlite3")
    assert db["OPTIONS"] == SQLITE_OPTIONS


def test_a_sqlite_database_url_gets_the_same_options_as_the_embedded_default(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert url.startswith("sqlite:////")
    db = load_settings({"DATABASE_URL": url, "QYZJ_VAR_DIR": str(tmp_path)}, ["DATABASES"])["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "x.db")
    assert db["OPTIONS"] == SQLITE_OPTIONS


def test_options_written_in_a_sqlite_url_override_the_defaults(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}?timeout=5"
    db = load_settings({"DATABASE_URL": url, "QYZJ_VAR_DIR": str(tmp_path)}, ["DATABASES"])["DATABASES"]["default"]
    assert db["OPTIONS"] == {**SQLITE_OPTIONS, "timeout": 5}


def test_a_postgres_database_url_gets_no_sqlite_options_and_parallel_query_off(tmp_path):
    url = "postgres://postgres@127.0.0.1:5432/qiyezhijia"
    db = load_settings({"DATABASE_URL": url, "QYZJ_VAR_DIR": str(tmp_path)}, ["DATABASES"])["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["OPTIONS"] == {"options": "-c max_parallel_workers_per_gather=0"}  # core.db


def test_parallel_workers_come_from_the_environment_and_options_in_the_url_come_after(tmp_path):
    url = "postgres://postgres@127.0.0.1:5432/qiyezhijia?options=-c%20statement_timeout%3D5000"
    env = {"DATABASE_URL": url, "QYZJ_VAR_DIR": str(tmp_path), "DB_PARALLEL_WORKERS": "1"}
    db = load_settings(env, ["DATABASES"])["DATABASES"]["default"]
    assert db["OPTIONS"]["options"] == "-c max_parallel_workers_per_gather=1 -c statement_timeout=5000"


# --- SMTP --------------------------------------------------------------------------------------------------------------
SMTP = ["EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL"]


def test_smtp_settings_default_to_djangos_defaults(tmp_path):
    assert load_settings({"QYZJ_VAR_DIR": str(tmp_path)}, SMTP) == {
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
    }


def test_smtp_settings_come_from_the_environment(tmp_path):
    env = {
        "QYZJ_VAR_DIR": str(tmp_path),
        "EMAIL_HOST": "smtp.example.gov.cn",
        "EMAIL_PORT": " 465 ",
        "EMAIL_HOST_USER": "noreply@example.gov.cn",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": "no",
        "EMAIL_USE_SSL": "yes",
    }
    assert load_settings(env, SMTP) == {
        "EMAIL_HOST": "smtp.example.gov.cn",
        "EMAIL_PORT": 465,
        "EMAIL_HOST_USER": "noreply@example.gov.cn",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": True,
    }


def test_tls_and_ssl_together_stop_the_process_naming_both_variables(tmp_path):
    output = fails_to_load({"QYZJ_VAR_DIR": str(tmp_path), "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"})
    assert "EMAIL_USE_TLS" in output and "EMAIL_USE_SSL" in output
    assert "不能同时开启" in output


# --- Secrets from files --------------------------------------------------------------------------------------------
def secret_file(folder: Path, name: str, content: str) -> Path:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def test_every_secret_can_be_read_from_a_file_without_its_trailing_newline(tmp_path):
    db_path = tmp_path / "from-file.db"
    env = {
        "QYZJ_VAR_DIR": str(tmp_path),
        "DJANGO_SECRET_KEY_FILE": str(secret_file(tmp_path, "key", "k" * 40 + "\n")),
        "DATABASE_URL_FILE": str(secret_file(tmp_path, "db", f"sqlite:///{db_path}\n")),
        "REDIS_URL_FILE": str(secret_file(tmp_path, "redis", "redis://:pw@127.0.0.1:6379/3\n")),
        "EMAIL_HOST_PASSWORD_FILE": str(secret_file(tmp_path, "smtp", "smtp pass\n")),
    }
    loaded = load_settings(env, ["SECRET_KEY", "DATABASES", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_HOST_PASSWORD"])
    assert loaded["SECRET_KEY"] == "k" * 40
    assert loaded["DATABASES"]["default"]["NAME"] == str(db_path)
    assert loaded["DATABASES"]["default"]["OPTIONS"] == SQLITE_OPTIONS
    assert loaded["REDIS_URL"] == loaded["CELERY_BROKER_URL"] == "redis://:pw@127.0.0.1:6379/3"
    assert loaded["EMAIL_HOST_PASSWORD"] == "smtp pass"


def test_production_starts_with_the_secret_key_in_a_file(tmp_path):
    key = secret_file(tmp_path, "key", "p" * 50 + "\n")
    result = start({"DJANGO_ENV": "production", "DJANGO_SECRET_KEY_FILE": str(key)})
    assert result.returncode == 0, result.stderr


def test_production_refuses_a_short_secret_key_from_a_file(tmp_path):
    key = secret_file(tmp_path, "key", "tooShortKey9\n")
    output = fails_to_load({"DJANGO_ENV": "production", "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY_FILE": str(key)})
    assert "DJANGO_SECRET_KEY" in output
    assert "tooShortKey9" not in output


@pytest.mark.parametrize("name", ["DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST_PASSWORD"])
def test_setting_a_secret_and_its_file_stops_the_process_naming_both(tmp_path, name):
    path = secret_file(tmp_path, "secret", "from-the-file-0123456789\n")
    output = fails_to_load({"QYZJ_VAR_DIR": str(tmp_path), name: "direct-value-9876543210", f"{name}_FILE": str(path)})
    assert f"{name} 与 {name}_FILE 只能设置其中一个" in output
    assert "direct-value-9876543210" not in output and "from-the-file-0123456789" not in output


@pytest.mark.parametrize("name", ["DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST_PASSWORD"])
def test_a_missing_secret_file_stops_the_process_naming_the_variable_and_path(tmp_path, name):
    missing = tmp_path / "no-such-secret"
    output = fails_to_load({"QYZJ_VAR_DIR": str(tmp_path), f"{name}_FILE": str(missing)})
    assert f"{name}_FILE" in output
    assert str(missing) in output


@pytest.mark.parametrize(
    ("name", "content"),
    [("DATABASE_URL", "nosuchdb://admin:hunter2secret@db/x"), ("REDIS_URL", "http://admin:hunter2secret@cache:6379")],
)
def test_a_malformed_url_in_a_secret_file_is_named_by_its_variable_but_not_printed(tmp_path, name, content):
    path = secret_file(tmp_path, "url", content + "\n")
    output = fails_to_load({"QYZJ_VAR_DIR": str(tmp_path), f"{name}_FILE": str(path)})
    assert f"{name}_FILE" in output
    assert "hunter2secret" not in output
