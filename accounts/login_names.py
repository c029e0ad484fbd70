"""Login names (SECURITY.md §5): no username is a phone number.

An enterprise user gets a generated, non-personal username (`new_username`, e.g. `qy7k2m9x4ta1`) and logs in with
either it or the phone (the login form's "用户名或手机号"): `user_for_login` finds the account a typed phone belongs to
through the keyed hash (`User.phone_digest`), never by comparing the phone in the clear. The same mapping names the
account to the lockout (django-axes: AXES_USERNAME_CALLABLE = `axes_username`), so five failures typed as the phone
lock the account, and typing the username is then locked too; a phone that no account has is counted under its keyed
hash, so axes' tables never hold a typed phone. The audit row of a failed login shows a typed phone masked.
"""

from __future__ import annotations

import re
import secrets

from core.crypto import normalize_phone, pii_hash
from core.masking import mask_phone

PREFIX = "qy"
_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: a name people may read out or copy by hand
_RANDOM_LENGTH = 10
GENERATED = re.compile(rf"^{PREFIX}[{_ALPHABET}]{{{_RANDOM_LENGTH}}}$")
_TYPED_PHONE = re.compile(r"^[\d\s\-+()]+$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
UNKNOWN_PHONE_PREFIX = "phone#"


def new_username(taken=None) -> str:
    """A fresh username that says nothing about the person ("qy" and 10 random letters and digits), not yet taken.
    `taken(name)` says whether a name is in use (default: the User table; a data migration passes its own)."""
    if taken is None:
        from accounts.models import User

        def taken(name: str) -> bool:
            return User.objects.filter(username__iexact=name).exists()

    while True:
        name = PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_LENGTH))
        if not taken(name):
            return name


def typed_phone(value: str | None) -> str:
    """The mobile number `value` is, as 11 digits, when it is one as people type it ("139 8530-0001", "+86…"); else ""."""
    value = (value or "").strip()
    if not value or not _TYPED_PHONE.match(value):
        return ""
    digits = normalize_phone(value)
    return digits if _MOBILE.match(digits) else ""


def user_for_login(value: str | None):
    """The account a login name means: the user with that username, else — for a typed mobile number — the one enterprise
    user holding it (the active one when a disabled former account shares it), found by the keyed hash; else None."""
    from accounts.models import Role, User

    value = (value or "").strip()
    if not value:
        return None
    user = User.objects.filter(username=value).first()
    if user is not None:
        return user
    phone = typed_phone(value)
    if not phone:
        return None
    holders = list(User.objects.with_phone(phone).filter(role=Role.ENTERPRISE).order_by("pk")[:10])
    active = [holder for holder in holders if holder.is_active]
    candidates = active or holders
    return candidates[0] if len(candidates) == 1 else None


def login_username(value: str | None) -> str | None:
    """What the password backend looks up: the username of the account a typed phone belongs to, or what was typed."""
    if value is None:
        return None
    if not typed_phone(value):
        return value
    user = user_for_login(value)
    return user.get_username() if user is not None else value


def lockout_name(value: str | None) -> str | None:
    """The name failures are counted under: the account's username (however it was typed); a typed phone no account
    holds is counted under its keyed hash — never the phone itself."""
    if value is None:
        return None
    user = user_for_login(value)
    if user is not None:
        return user.get_username()
    phone = typed_phone(value)
    return f"{UNKNOWN_PHONE_PREFIX}{pii_hash(phone)[:24]}" if phone else value


def axes_username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the lockout name of the username field of the credentials (or of the POST)."""
    from django.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field) if request is not None else None
    return lockout_name(value)


PHONE_USERNAME = "用户名不能是手机号码（手机号属于个人信息；企业用户可直接用手机号登录）。"


def refuse_phone_username(value: str) -> None:
    """A username chosen by an administrator may not be a mobile number (SECURITY.md §5)."""
    from django.core.exceptions import ValidationError

    if typed_phone(value):
        raise ValidationError(PHONE_USERNAME)


def shown_login_name(value: str | None) -> str:
    """A typed login name as a log or audit row may hold it: a phone masked (139****0001), anything else as typed."""
    value = str(value or "")
    phone = typed_phone(value)
    return mask_phone(phone) if phone else value
