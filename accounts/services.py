"""Account-level operations shared by commands, the admin and tests."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

ADMIN_GROUP = "系统管理员"
# Reference data and accounts only: admins never act on tickets (SPEC §1).
ADMIN_MODELS = {
    "accounts": ["region", "domain", "department", "enterprise", "user", "apitoken"],
    "workcalendar": ["calendaryear", "calendarexception", "deadlinepolicy"],
    "tickets": ["workflowsettings"],
    "reports": ["rankingweights"],
    "auth": ["group"],
}


@transaction.atomic
def ensure_admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    perms = Permission.objects.filter(
        content_type__app_label__in=ADMIN_MODELS.keys(),
    ).select_related("content_type")
    group.permissions.set([p for p in perms if p.content_type.model in ADMIN_MODELS[p.content_type.app_label]])
    return group
