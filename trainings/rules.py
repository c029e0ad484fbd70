"""Who may manage a training session (OUTREACH "Who edits"): predicates over (session, user), used as django-fsm
transition permissions, by the acts before every change, and by the screens and the API to offer exactly the acts
that would pass. Attributes only, no queries."""

from accounts.access import is_region_office
from accounts.models import Role

# Department staff: handlers and specialists, for their own department's sessions.
DEPARTMENT_STAFF = frozenset({Role.HANDLER, Role.SPECIALIST})
# Who opens the staff screens at all (a finer check per session follows).
MANAGERS = DEPARTMENT_STAFF | {Role.OFFICE}
NOT_MANAGER = "只有部门工作人员（涉企服务工作人员、企业服务专员）和联合服务办公室可以管理宣讲培训。"


def is_organiser_staff(session, user) -> bool:
    return (
        user.is_authenticated
        and user.role in DEPARTMENT_STAFF
        and user.department_id is not None
        and user.department_id == session.department_id
    )


def may_manage(session, user) -> bool:
    """Edit, publish, cancel, mark held, record attendance: the organiser's staff, or the office of its region."""
    return is_organiser_staff(session, user) or is_region_office(session, user)


def is_enterprise_user(user) -> bool:
    return user.is_authenticated and user.role == Role.ENTERPRISE and user.enterprise_id is not None
