"""Linking a provincial unified identity to a user: the command and tests call this; the admin validates the same
constraints through its model form."""

from django.core.exceptions import ValidationError
from django.db import transaction

from sso.models import OidcIdentity


@transaction.atomic
def link_identity(*, user, issuer: str, subject: str) -> OidcIdentity:
    issuer, subject = issuer.strip(), subject.strip()
    if not issuer:
        raise ValidationError({"issuer": "身份提供方（issuer）不能为空。"})
    if not subject:
        raise ValidationError({"subject": "统一身份标识（sub）不能为空。"})
    identity = OidcIdentity(user=user, issuer=issuer, subject=subject)
    identity.full_clean()
    identity.save()
    return identity
