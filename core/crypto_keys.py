"""Reading the personal-information keys (core.crypto) in settings (nothing that needs settings is imported)."""

from __future__ import annotations

import base64
import binascii
import hashlib

from django.core.exceptions import ImproperlyConfigured


def decode_key(value: str, name: str) -> bytes:
    """32 bytes from base64 (standard or URL-safe alphabet); anything else stops the process with the variable named."""
    if not value.strip():
        raise ImproperlyConfigured(
            f"生产环境必须设置 {name}（或 {name}_FILE），值为 32 字节随机密钥的 base64 编码。"
            f" / Set {name} or {name}_FILE (a base64-encoded 32-byte key) in production."
        )
    try:
        text = value.strip().replace("-", "+").replace("_", "/")
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"环境变量 {name} 应为 32 字节密钥的 base64 编码。 / {name} must be a base64-encoded 32-byte key."
        )
    return raw


def development_key(purpose: str) -> str:
    """The fixed key a development install uses when the variable is unset (never in production: settings refuse)."""
    return base64.b64encode(hashlib.sha256(f"qyzj-development-only\x00{purpose}".encode()).digest()).decode("ascii")
