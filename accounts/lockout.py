"""Login lockout (SECURITY.md §2) on django-axes: 5 failed logins for one account or from one address lock it for
30 minutes (settings AXES_*). Every failure and lockout is recorded by axes (AccessAttempt, AccessFailureLog).

The unified audit log (SECURITY.md §4) hooks in at `axes.signals.user_locked_out` and Django's `user_login_failed` /
`user_logged_in` signals (see `record_lockout` below, the one place that hears a lockout).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

from accounts.login_names import (
    lockout_name,
    shown_login_name,
    typed_phone,
    user_for_login,
)
from audit.models import Result
from audit.services import record

logger = logging.getLogger(__name__)

LOCKOUT_MESSAGE = (
    "登录失败次数过多，该账号（或当前网络地址）已被锁定 {minutes} 分钟，请稍后再试。"
    "如需提前解锁，请联系安全管理员。"
)


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return LOCKOUT_MESSAGE.format(minutes=lockout_minutes())


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check before the password backend. Outside a request (a shell, `authenticate()` in a script) there is
    nobody to lock out and nothing to check: the next backend decides."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with the lockout message instead of a bare error page (AXES_LOCKOUT_CALLABLE)."""
    from accounts.forms import LoginForm

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = LoginForm(request, initial={"username": username})
    response = render(
        request,
        "accounts/login.html",
        {"form": form, "lockout_message": lockout_message(), "next": request.POST.get("next", "")},
        status=429,
    )
    response["Retry-After"] = str(lockout_minutes() * 60)
    return response


@receiver(user_locked_out)
def record_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    # Axes already keeps the failure rows; the unified audit log (SECURITY.md §4) writes its `lockout` row here.
    logger.warning("login lockout")
    record("account.lockout", request=request, result=Result.DENIED, username=(username or "")[:150])


# --- the audit log of logins and logouts (SECURITY.md §4) ----------------------------------------------------------
@receiver(user_logged_in, dispatch_uid="accounts.lockout.audit_login")
def record_login(sender, request=None, user=None, **kwargs):
    record("account.login", request=request, actor=user, obj=user)


@receiver(user_login_failed, dispatch_uid="accounts.lockout.audit_login_failed")
def record_login_failed(sender, credentials=None, request=None, **kwargs):
    # Django has already replaced the password by asterisks; only the login name is kept, a typed phone masked, with the
    # account it names when there is one (accounts.login_names).
    typed = str((credentials or {}).get("username") or "")
    detail = {"username": shown_login_name(typed)[:150]}
    if typed_phone(typed) and (user := user_for_login(typed)) is not None:
        detail["account"] = user.get_username()
    record("account.login_failed", request=request, result=Result.FAILED, **detail)


@receiver(user_logged_out, dispatch_uid="accounts.lockout.audit_logout")
def record_logout(sender, request=None, user=None, **kwargs):
    if user is not None:
        record("account.logout", request=request, actor=user, obj=user)


# --- the secadmin's screen -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lockout:
    """Failures of one account or one address still counting (within the cool-off), and whether they lock it."""

    kind: str  # "username" or "ip"
    value: str
    failures: int
    last_failure: datetime
    locked: bool

    @property
    def unlocks_at(self) -> datetime:
        return self.last_failure + settings.AXES_COOLOFF_TIME


def current_lockouts() -> list[Lockout]:
    """Accounts and addresses with failures inside the cool-off window, locked ones first."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = AccessAttempt.objects.filter(attempt_time__gte=since).values_list(
        "username", "ip_address", "failures_since_start", "attempt_time"
    )
    totals: dict[tuple[str, str], list] = {}
    for username, ip, failures, when in rows:
        for kind, value in (("username", username), ("ip", ip)):
            if not value:
                continue
            entry = totals.setdefault((kind, value), [0, when])
            entry[0] += failures
            entry[1] = max(entry[1], when)
    limit = settings.AXES_FAILURE_LIMIT
    items = [
        Lockout(kind=kind, value=value, failures=n, last_failure=last, locked=n >= limit)
        for (kind, value), (n, last) in totals.items()
    ]
    return sorted(items, key=lambda item: (not item.locked, -item.last_failure.timestamp()))


def recent_failures(limit: int = 50):
    return AccessFailureLog.objects.order_by("-attempt_time")[:limit]


def unlock(*, actor, kind: str, value: str) -> int:
    """Forget the failures of an account (`kind="username"`) or an address (`kind="ip"`): the lock ends at once."""
    from accounts.access import require_role
    from accounts.models import Role

    require_role(actor, {Role.SECADMIN}, "只有安全管理员可以解锁。")
    if kind not in ("username", "ip"):
        raise ValueError(kind)
    if kind == "username":
        # The lockout counts an account under its username, however it was typed (a phone typed here finds it too).
        shown, value = shown_login_name(value), lockout_name(value) or ""
    else:
        shown = value
    record("account.unlock", actor=actor, kind=kind, value=shown[:150])
    return reset(username=value) if kind == "username" else reset(ip=value)
