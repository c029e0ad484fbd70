"""API tokens (SECURITY.md §2): django-rest-knox stores only a digest; each token has a name and an expiry."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from accounts.models import ApiToken


def issue_token(*, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the key — the only time the key exists outside the caller."""
    ttl = timedelta(days=days if days is not None else settings.API_TOKEN_DAYS)
    return ApiToken.objects.create(user=user, expiry=ttl, name=name)


def revoke_token(token: ApiToken) -> None:
    token.delete()
