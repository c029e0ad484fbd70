"""Account-level operations shared by commands, the admin and tests."""

from datetime import datetime, timedelta

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import record

ADMIN_GROUP = "系统管理员"
# What the system administrator manages in the Django admin (SECURITY.md §3): accounts and reference data. Not API
# tokens (the admin never shows a token key), not groups or permissions (that would let it widen its own rights), not
# the audit log, never tickets. The auditor and the security administrator get no model rights here.
ADMIN_MODELS = {
    "accounts": ["region", "domain", "department", "enterprise", "user", "apitoken"],
    "workcalendar": ["calendaryear", "calendarexception", "deadlinepolicy"],
    "tickets": ["workflowsettings"],
    "reports": ["rankingweights"],
    "sso": ["oidcidentity"],
}


@transaction.atomic
def ensure_admin_group() -> Group:
    """The sysadmin's group with exactly the rights of ADMIN_MODELS (rights it had beyond them are taken away)."""
    group, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    perms = Permission.objects.filter(
        content_type__app_label__in=ADMIN_MODELS.keys(),
    ).select_related("content_type")
    group.permissions.set([p for p in perms if p.content_type.model in ADMIN_MODELS[p.content_type.app_label]])
    return group


IDLE_LIMIT = timedelta(days=90)


@transaction.atomic
def users_disable_idle(*, now: datetime | None = None) -> list[str]:
    """Disable the accounts nobody used for 90 days (SECURITY.md §3): last login, or the account's creation when it
    never logged in, older than that. Superusers and accounts already disabled are left alone. Returns the usernames
    disabled, in order."""
    from accounts.models import User

    cutoff = (now or timezone.now()) - IDLE_LIMIT
    idle = (
        User.objects.select_for_update()
        .filter(is_active=True, is_superuser=False)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("username")
    )
    usernames = []
    for user in idle:
        # One save per user (not a bulk update) so that the change history records who was disabled and when.
        user.is_active = False
        user.save(update_fields=["is_active"])
        record("account.disable", actor=None, obj=user, reason="idle_90_days")
        usernames.append(user.username)
    return usernames
