"""One gate for role checks in views: 403 with a Chinese reason when the user's role may not use a screen.

Finer rules (this department, this region, this state) live in each app's `rules.py`; this only answers "may a person
of this role open this screen at all".
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from accounts.models import ADMINISTRATOR_ROLES, Role


def require_role(user, roles: Iterable[str], message: str) -> None:
    """403 unless `user` holds one of `roles`; staff roles must also belong to a department."""
    if not user.is_authenticated or user.role not in roles:
        raise PermissionDenied(message)
    if user.role not in (Role.ENTERPRISE, *ADMINISTRATOR_ROLES) and not user.department_id:
        raise PermissionDenied(message)


def role_required(roles: Iterable[str], message: str) -> Callable:
    """View decorator: log in first, then `require_role`."""
    roles = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require_role(request.user, roles, message)
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


def region_ids(user, *, with_children: bool):
    """The user's region, and with `with_children` the regions right below it (a city reads its counties): for
    `region_id__in=`, as a subquery (no query of its own)."""
    from accounts.models import Region

    region_id = user.department.region_id
    if not with_children:
        return [region_id]
    return Region.objects.filter(Q(pk=region_id) | Q(parent_id=region_id)).values("pk")


# --- who acts for a region: predicates over (object with `region_id`, user) ---------------------------------------
def user_region_id(user) -> int | None:
    return user.department.region_id if user.department_id else None


def is_region_office(obj, user) -> bool:
    """Office staff of the region the object (demand, ticket, supervision …) belongs to."""
    return user.is_authenticated and user.role == Role.OFFICE and user_region_id(user) == obj.region_id


def is_region_government(obj, user) -> bool:
    return user.is_authenticated and user.role == Role.GOVERNMENT and user_region_id(user) == obj.region_id


def is_region_staff(obj, user, roles) -> bool:
    """A user of one of `roles` in the object's region."""
    return user.is_authenticated and user.role in roles and user_region_id(user) == obj.region_id
