"""Secrets from files (`NAME_FILE`, as Docker and Kubernetes mount them) and the readers' other rules."""

import pathlib

import pytest
from django.core.exceptions import ImproperlyConfigured

from qiyezhijia.env import env_int, env_secret, env_url, secret_source


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    for name in ("QYZJ_T", "QYZJ_T_FILE"):
        monkeypatch.delenv(name, raising=False)


def test_a_secret_without_either_variable_is_the_default():
    assert env_secret("QYZJ_T", "fallback") == "fallback"
    assert secret_source("QYZJ_T") == "QYZJ_T"


def test_a_secret_set_directly_is_read_from_the_variable(monkeypatch):
    monkeypatch.setenv("QYZJ_T", "direct")
    assert env_secret("QYZJ_T", "fallback") == "direct"


def test_a_secret_file_gives_its_content_without_the_trailing_newline(monkeypatch, tmp_path):
    path = tmp_path / "secret"
    path.write_text("  line one\nline two \r\n\n", encoding="utf-8")
    monkeypatch.setenv("QYZJ_T_FILE", str(path))
    assert env_secret("QYZJ_T", "fallback") == "  line one\nline two "
    assert secret_source("QYZJ_T") == "QYZJ_T_FILE"


def test_an_empty_secret_file_gives_an_empty_value_not_the_default(monkeypatch, tmp_path):
    path = tmp_path / "secret"
    path.write_text("\n", encoding="utf-8")
    monkeypatch.setenv("QYZJ_T_FILE", str(path))
    assert env_secret("QYZJ_T", "fallback") == ""


def test_an_empty_file_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("QYZJ_T_FILE", "")
    monkeypatch.setenv("QYZJ_T", "direct")
    assert env_secret("QYZJ_T", "fallback") == "direct"


def test_setting_a_secret_and_its_file_is_an_error_that_shows_neither_value(monkeypatch, tmp_path):
    path = tmp_path / "secret"
    path.write_text("in-the-file", encoding="utf-8")
    monkeypatch.setenv("QYZJ_T", "in-the-variable")
    monkeypatch.setenv("QYZJ_T_FILE", str(path))
    with pytest.raises(ImproperlyConfigured) as raised:
        env_secret("QYZJ_T", "fallback")
    message = str(raised.value)
    assert "QYZJ_T 与 QYZJ_T_FILE 只能设置其中一个" in message
    assert "in-the-file" not in message and "in-the-variable" not in message


def test_an_empty_variable_beside_its_file_is_not_a_conflict(monkeypatch, tmp_path):
    path = tmp_path / "secret"
    path.write_text("in-the-file\n", encoding="utf-8")
    monkeypatch.setenv("QYZJ_T", "")
    monkeypatch.setenv("QYZJ_T_FILE", str(path))
    assert env_secret("QYZJ_T", "fallback") == "in-the-file"


def test_a_missing_secret_file_is_an_error_naming_the_variable_and_path(monkeypatch, tmp_path):
    missing = tmp_path / "nope"
    monkeypatch.setenv("QYZJ_T_FILE", str(missing))
    with pytest.raises(ImproperlyConfigured) as raised:
        env_secret("QYZJ_T", "fallback")
    message = str(raised.value)
    assert "QYZJ_T_FILE" in message and str(missing) in message
    assert "无法读取" in message


def test_a_directory_as_secret_file_is_an_error_naming_the_variable_and_path(monkeypatch, tmp_path):
    monkeypatch.setenv("QYZJ_T_FILE", str(tmp_path))
    with pytest.raises(ImproperlyConfigured) as raised:
        env_secret("QYZJ_T", "fallback")
    assert "QYZJ_T_FILE" in str(raised.value) and str(tmp_path) in str(raised.value)


def test_a_secret_file_without_read_permission_is_an_error_naming_the_variable_and_path(monkeypatch, tmp_path):
    path = tmp_path / "secret"
    path.write_text("hidden-value", encoding="utf-8")

    def refuse(self, *args, **kwargs):
        # chmod 000 does not stop root, who runs the tests in CI: refuse the way the kernel would.
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(pathlib.Path, "read_text", refuse)
    monkeypatch.setenv("QYZJ_T_FILE", str(path))
    with pytest.raises(ImproperlyConfigured) as raised:
        env_secret("QYZJ_T", "fallback")
    message = str(raised.value)
    assert "QYZJ_T_FILE" in message and str(path) in message and "Permission denied" in message
    assert "hidden-value" not in message


def test_a_secret_file_that_is_not_text_is_an_error_that_shows_none_of_its_bytes(monkeypatch, tmp_path):
    path = tmp_path / "secret"
    path.write_bytes(b"\xff\xfe\xfa binary")
    monkeypatch.setenv("QYZJ_T_FILE", str(path))
    with pytest.raises(ImproperlyConfigured) as raised:
        env_secret("QYZJ_T", "fallback")
    message = str(raised.value)
    assert "QYZJ_T_FILE" in message and str(path) in message
    assert "0xff" not in message and "binary" not in message


def test_a_url_secret_from_a_file_is_checked_without_repeating_it(monkeypatch, tmp_path):
    path = tmp_path / "secret"
    path.write_text("http://user:pa55word@host:6379\n", encoding="utf-8")
    monkeypatch.setenv("QYZJ_T_FILE", str(path))
    with pytest.raises(ImproperlyConfigured) as raised:
        env_url("QYZJ_T", ("redis",), secret=True)
    assert "QYZJ_T_FILE" in str(raised.value)
    assert "pa55word" not in str(raised.value)


def test_a_url_secret_from_a_file_is_read(monkeypatch, tmp_path):
    path = tmp_path / "secret"
    path.write_text("redis://:pw@host:6379/1\n", encoding="utf-8")
    monkeypatch.setenv("QYZJ_T_FILE", str(path))
    assert env_url("QYZJ_T", ("redis",), secret=True) == "redis://:pw@host:6379/1"
    assert env_url("QYZJ_T", ("redis",)) is None  # without `secret` only the variable itself counts


def test_an_integer_above_its_maximum_is_refused(monkeypatch):
    monkeypatch.setenv("QYZJ_T", "65536")
    with pytest.raises(ImproperlyConfigured, match="QYZJ_T"):
        env_int("QYZJ_T", 25, minimum=1, maximum=65535)
    monkeypatch.setenv("QYZJ_T", "65535")
    assert env_int("QYZJ_T", 25, minimum=1, maximum=65535) == 65535
