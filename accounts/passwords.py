"""The password policy (SECURITY.md §2): how strong a password must be, how old it may get, and the last five.

The validators are listed in settings.AUTH_PASSWORD_VALIDATORS, so Django's forms (the admin's included) apply them;
`password_set` is the one place a password changes on the platform's own screens.
"""

from __future__ import annotations

import string
from datetime import timedelta

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import record

# A password older than this leads to the change page and nothing else.
MAX_AGE = timedelta(days=90)
HISTORY_SIZE = 5

CLASSES = (
    ("大写字母", lambda ch: ch.isascii() and ch.isupper()),
    ("小写字母", lambda ch: ch.isascii() and ch.islower()),
    ("数字", lambda ch: ch.isdigit()),
    ("符号", lambda ch: ch in string.punctuation or not (ch.isascii() and ch.isalnum())),
)


class ComplexityValidator:
    """At least `min_length` characters drawn from at least `min_classes` of upper, lower, digit and symbol."""

    def __init__(self, min_length: int = 10, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(
                f"密码太短，至少需要 {self.min_length} 个字符。", code="password_too_short",
            ))
        used = sum(1 for _name, test in CLASSES if any(test(ch) for ch in password))
        if used < self.min_classes:
            errors.append(ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。", code="password_too_simple",
            ))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 个字符，包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


def recent_hashes(user, count: int = HISTORY_SIZE) -> list[str]:
    """The hashes of the user's last `count` passwords, the current one first."""
    hashes = [user.password] if user.password else []
    for old in user.password_history.values_list("password", flat=True)[:count]:
        if old not in hashes:
            hashes.append(old)
    return hashes[:count]


class HistoryValidator:
    """Not one of the user's last `count` passwords (each checked against its stored hash)."""

    def __init__(self, count: int = HISTORY_SIZE):
        self.count = count

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        if any(check_password(password, old) for old in recent_hashes(user, self.count)):
            raise ValidationError(f"不能使用最近 {self.count} 次用过的密码。", code="password_reused")

    def get_help_text(self) -> str:
        return f"不能与最近 {self.count} 次使用的密码相同。"


def password_is_stale(user, now=None) -> bool:
    """Whether this user must change the password before doing anything else."""
    if user.must_change_password:
        return True
    return user.password_changed_at < (now or timezone.now()) - MAX_AGE


@transaction.atomic
def password_set(*, user, raw_password: str, must_change: bool) -> None:
    """Give `user` a new password (already validated), remember its hash among the recent ones and restart its age.

    `must_change`: True when someone else chose it (a new account, an administrator's reset), so its owner replaces
    it at the next login; False when the owner chose it.
    """
    user.set_password(raw_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    remember_password(user)
    if not must_change:
        # The owner's own change; a password someone else chose is recorded by that act (creation, reset).
        record("account.password_change", actor=user, obj=user)


def remember_password(user) -> None:
    """Keep the hash of the user's (new) password among the recent ones; only the last few are kept."""
    from accounts.models import PasswordHistory

    PasswordHistory.objects.create(user=user, password=user.password, created_at=user.password_changed_at)
    keep = user.password_history.values_list("pk", flat=True)[:HISTORY_SIZE]
    user.password_history.exclude(pk__in=list(keep)).delete()
