"""The second factor (SECURITY.md §2): TOTP (django-otp) with one-time recovery codes (django-otp's static device).

A session counts as verified once `django_otp.login` has put the device in it (the session key
`django_otp.DEVICE_ID_SESSION_KEY`); accounts.middleware.SecondFactorMiddleware reads only that key, so no page pays
a query for it. Resetting a user's second factor deletes their devices and ends their sessions.
"""

from __future__ import annotations

import hashlib
from base64 import b32encode
from functools import lru_cache

import django_otp
import segno
from django.db import transaction
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import SECOND_FACTOR_ROLES
from audit.models import Result
from audit.services import record

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "动态口令"
RECOVERY_NAME = "恢复码"


def required_for(user) -> bool:
    return bool(user.is_authenticated and user.role in SECOND_FACTOR_ROLES)


def session_verified(session) -> bool:
    return django_otp.DEVICE_ID_SESSION_KEY in session


@lru_cache(maxsize=1)
def open_paths() -> frozenset[str]:
    """What a session without its second factor may still open."""
    names = ["accounts:otp_verify", "accounts:otp_enrol", "accounts:logout", "accounts:login"]
    return frozenset(reverse(name) for name in names)


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def secret_base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code, drawn on the server (no CDN, no script)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="动态口令二维码")


@transaction.atomic
def start_enrolment(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first use (the same secret until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_enrolment(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Check the first code from the authenticator app. On success the device is confirmed, any former device and
    recovery codes are replaced, the session is verified, and the new recovery codes are returned (shown once)."""
    if not device.verify_token(token):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = replace_recovery_codes(user)
    django_otp.login(request, device)
    record("account.second_factor_enrol", request=request, obj=user)
    return codes


def replace_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def verify(request, token: str) -> bool:
    """A code from the app, or one recovery code (used up by this). On success the session is verified."""
    token = "".join(token.split()).lower()
    if not token:
        return False
    devices = [*TOTPDevice.objects.filter(user=request.user, confirmed=True)]
    if not token.isdigit():
        devices = [*StaticDevice.objects.filter(user=request.user, confirmed=True)]
    for device in devices:
        if device.verify_token(token):
            django_otp.login(request, device)
            record("account.second_factor", request=request, obj=request.user, method=_method(device))
            return True
    record("account.second_factor_failed", request=request, result=Result.FAILED, obj=request.user)
    return False


def _method(device) -> str:
    return "recovery" if isinstance(device, StaticDevice) else "totp"


def wait_seconds(user) -> int:
    """How long django-otp's throttling (1, 2, 4, 8 … seconds after successive wrong codes) still refuses codes."""
    import math

    from django.utils import timezone

    wait = 0
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user, confirmed=True):
            allowed, data = device.verify_is_allowed()
            if not allowed and data and data.get("locked_until"):
                wait = max(wait, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))
    return wait


@transaction.atomic
def reset_second_factor(*, actor, user) -> None:
    """The security administrator resets a user's second factor: devices deleted, sessions ended; the user enrols
    again at the next login."""
    from accounts.access import require_role
    from accounts.models import Role
    from accounts.sessions import end_user_sessions

    require_role(actor, {Role.SECADMIN}, "只有安全管理员可以重置第二因子。")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    end_user_sessions(user)
    record("account.second_factor_reset", actor=actor, obj=user)


# --- demo data --------------------------------------------------------------------------------------------------
def demo_key(username: str) -> str:
    """A fixed TOTP key per demo user (hex), derived from the username alone so a person and the browser tests can
    compute codes. For seed_demo only: never for real accounts."""
    return hashlib.sha1(f"qyzj-demo-totp:{username}".encode()).hexdigest()


def ensure_demo_device(user) -> str:
    """Give a demo user a confirmed TOTP device with their fixed key; returns the secret in base32."""
    key = demo_key(user.username)
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name=DEVICE_NAME, defaults={"key": key, "confirmed": True}
    )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return secret_base32(device)
