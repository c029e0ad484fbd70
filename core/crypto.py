"""Encryption at rest of personal numbers (SECURITY.md §5): phones and ID numbers are stored as AES-256-GCM tokens under
the key `settings.PII_KEY` (environment `QYZJ_PII_KEY`, 32 bytes in base64), and found again by a keyed hash under the
separate key `settings.PII_HASH_KEY` (`QYZJ_PII_HASH_KEY`), so that neither a database dump nor a stolen backup shows a
single digit of them.

A token reads `pii1:` followed by the URL-safe base64 of a 12-byte random nonce and the ciphertext with its tag. A
value without that prefix is a row written before encryption (the data migrations turn every one into a token); it is
read as it is, so a migration can run on a live table.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "pii1:"
NONCE_BYTES = 12
# Authenticated data: a token copied into another deployment's (or another purpose's) column does not decrypt there.
_AAD = b"qyzj-pii-v1"


class DecryptionError(ValueError):
    """A token that this deployment's key cannot open (a wrong QYZJ_PII_KEY, or a damaged value)."""


@lru_cache(maxsize=4)
def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


def is_token(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def encrypt(plain: str) -> str:
    """A fresh token for `plain` (a new nonce each time: the same phone twice gives two different tokens)."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead(settings.PII_KEY).encrypt(nonce, plain.encode("utf-8"), _AAD)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str) -> str:
    """The plain value of a token; a value that is not a token (written before encryption) is returned unchanged."""
    if not is_token(token):
        return token
    try:
        blob = base64.urlsafe_b64decode(token[len(PREFIX):].encode("ascii"))
        return _aead(settings.PII_KEY).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _AAD).decode("utf-8")
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise DecryptionError("个人信息密文无法解密（QYZJ_PII_KEY 是否正确？）。") from exc


def normalize_phone(value: str | None) -> str:
    """The digits of a phone as people type it ("139 8530-0001", "+86 13985300001" → "13985300001"); "" for none."""
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    for prefix in ("0086", "86"):
        rest = digits[len(prefix):]
        if digits.startswith(prefix) and len(rest) == 11 and rest.startswith("1"):
            return rest
    return digits


def pii_hash(value: str | None, *, namespace: str = "phone") -> str:
    """The keyed hash (HMAC-SHA256 under PII_HASH_KEY) of a normalised phone, for equality look-ups; "" for none.

    Namespaced, so a phone's hash and an ID number's hash of the same digits differ.
    """
    normal = normalize_phone(value) if namespace == "phone" else str(value or "").strip().upper()
    if not normal:
        return ""
    return hmac.new(settings.PII_HASH_KEY, f"{namespace}\x00{normal}".encode(), hashlib.sha256).hexdigest()
