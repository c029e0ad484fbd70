"""Reading configuration from the environment.

Every reader has one embedded default so a fresh checkout runs, and every reader
fails at start with a message naming the variable when the value is malformed:
a typo in production must stop the process, not silently fall back. Secrets may also be read from files
(`<NAME>_FILE`, the way Docker and Kubernetes mount secrets).
"""

import os
from pathlib import Path
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _bad(name: str, value: str | None, expected: str) -> ImproperlyConfigured:
    """`value` None: the value came from a secret file and is not repeated in the message."""
    if value is None:
        return ImproperlyConfigured(
            f"环境变量 {name} 所指文件中的值无效（应为{expected}）。"
            f" / The file named by environment variable {name} holds a malformed value (expected {expected})."
        )
    return ImproperlyConfigured(
        f"环境变量 {name} 的值无效：{value!r}（应为{expected}）。"
        f" / Environment variable {name} is malformed: {value!r} (expected {expected})."
    )


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _bad(name, raw, "true/false、1/0、yes/no 或 on/off")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise _bad(name, raw, "整数") from None
    if minimum is not None and value < minimum:
        raise _bad(name, raw, f"不小于 {minimum} 的整数")
    if maximum is not None and value > maximum:
        raise _bad(name, raw, f"不大于 {maximum} 的整数")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise _bad(name, raw, "以逗号分隔的非空列表")
    return items


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise _bad(name, raw, " / ".join(choices) + " 之一")
    return value


def env_url(name: str, schemes: tuple[str, ...], *, secret: bool = False) -> str | None:
    """A URL whose scheme is one of `schemes`, or None when the variable is unset or empty.

    With `secret`, the URL may also come from the file named by `<name>_FILE` (see env_secret).
    """
    raw = (env_secret(name, "") if secret else os.environ.get(name, "")).strip()
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
        expected = "以 " + "、".join(f"{s}://" for s in schemes) + " 开头的地址"
        if secret and _secret_file(name):
            raise _bad(f"{name}_FILE", None, expected)
        raise _bad(name, raw, expected)
    return raw


def _secret_file(name: str) -> str:
    return os.environ.get(f"{name}_FILE", "").strip()


def secret_source(name: str) -> str:
    """The variable a secret is read from: `<name>_FILE` when that is set, else `name` (for messages)."""
    return f"{name}_FILE" if _secret_file(name) else name


def env_secret(name: str, default: str) -> str:
    """A secret from `name`, or from the file named by `<name>_FILE` (Docker and Kubernetes secrets).

    The file's content is the value, without its trailing newline. Setting both variables (to non-empty values) is
    an error, and so is a file that cannot be read; messages name the variable and the path, never the secret.
    """
    path = _secret_file(name)
    if not path:
        return os.environ.get(name, default)
    file_var = f"{name}_FILE"
    if os.environ.get(name, ""):
        raise ImproperlyConfigured(
            f"环境变量 {name} 与 {file_var} 只能设置其中一个。 / Set either {name} or {file_var}, not both."
        )
    try:
        content = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ImproperlyConfigured(
            f"环境变量 {file_var} 所指的文件无法读取：{path}（{reason}）。"
            f" / Cannot read the file named by {file_var}: {path} ({reason})."
        ) from None
    except UnicodeDecodeError:
        raise ImproperlyConfigured(
            f"环境变量 {file_var} 所指的文件不是 UTF-8 文本：{path}。"
            f" / The file named by {file_var} is not UTF-8 text: {path}."
        ) from None
    return content.rstrip("\r\n")
