"""Keyed digests: a value that must be found again (a phone number, a one-time code) is stored as a digest that only
this deployment can compute (HMAC-SHA256 under a key derived from SECRET_KEY and a namespace), never in the clear."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def keyed_digest(namespace: str, value: str) -> str:
    key = hashlib.sha256(f"{namespace}\x00{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def digests_match(namespace: str, value: str, digest: str) -> bool:
    return hmac.compare_digest(keyed_digest(namespace, value), digest)
