"""Who may do what with chambers, plans and activities (OUTREACH §4). Pure predicates over the user and a record;
selectors turn them into 403/404, acts check them again.

- The federation of industry and commerce of a region (department `{region}-gsl`): its handlers and specialists write
  the region's chambers, memberships, plans and activities.
- Every staff role of the region reads them (department staff, office, government, leaders) and so do chamber users
  (the rotation plan, and their own chamber's activities); a chamber user records activities for their own chamber.
- Everybody else (enterprise users, supervisors, the three administrators): 403.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from accounts.models import Role

FEDERATION_SUFFIX = "gsl"
FEDERATION_ROLES = frozenset({Role.HANDLER, Role.SPECIALIST})
STAFF_READERS = frozenset({Role.SPECIALIST, Role.HANDLER, Role.OFFICE, Role.GOVERNMENT, Role.LEADER})
READERS = STAFF_READERS | {Role.CHAMBER}
ACTIVITY_READERS = READERS
ACTIVITY_WRITERS = FEDERATION_ROLES | {Role.CHAMBER}

NOT_READER = "只有本区域的工作人员和商会工作人员可以查看商会轮值。"
NOT_FEDERATION = "只有工商业联合会（工商联）的工作人员可以管理商会、成员和轮值计划。"
NOT_ACTIVITY_WRITER = "只有工商业联合会的工作人员或商会工作人员可以登记商会活动。"
OTHER_CHAMBER = "商会工作人员只能为本商会登记活动和诉求。"
NO_CHAMBER = "您的账号还未加入任何商会，请联系工商业联合会设置所属商会。"


def region_id_of(user) -> int | None:
    return user.department.region_id if getattr(user, "department_id", None) else None


def is_federation(user) -> bool:
    """A handler or specialist of the region's federation of industry and commerce (`{region}-gsl`)."""
    if not user.is_authenticated or user.role not in FEDERATION_ROLES or not user.department_id:
        return False
    department = user.department
    return department.code == f"{department.region.code}-{FEDERATION_SUFFIX}"


def is_reader(user) -> bool:
    return bool(user.is_authenticated and user.role in READERS and user.department_id)


def chamber_id_of(user) -> int | None:
    """The chamber a chamber user belongs to (None for anyone else, or a chamber user not yet placed)."""
    if not user.is_authenticated or user.role != Role.CHAMBER:
        return None
    try:
        return user.chamber_membership.chamber_id
    except ObjectDoesNotExist:
        return None


def may_manage(user, region_id: int) -> bool:
    """Write chambers, memberships and plans of `region_id`."""
    return is_federation(user) and region_id_of(user) == region_id


def may_read_activity(user, activity) -> bool:
    if not is_reader(user) or region_id_of(user) != activity.region_id:
        return False
    if user.role == Role.CHAMBER:
        return chamber_id_of(user) == activity.chamber_id
    return True


def may_record_for(user, chamber) -> bool:
    """Record an activity of `chamber` (and attach its files): the region's federation, or the chamber's own user."""
    if user.role == Role.CHAMBER:
        return user.is_authenticated and chamber_id_of(user) == chamber.pk
    return may_manage(user, chamber.region_id)
