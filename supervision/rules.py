"""Who may supervise, urge and answer (SPEC §1, §7): predicates the acts check and the screens offer buttons by."""

from accounts.access import is_region_government, is_region_office, is_region_staff
from accounts.models import Department, Role
from accounts.roles import CALLBACK_ROLES


def may_supervise(ticket, user) -> bool:
    """The office of the ticket's region, or its government (专项督办 only)."""
    return is_region_office(ticket, user) or is_region_government(ticket, user)


def may_urge(ticket, user) -> bool:
    """The office or a specialist of the ticket's region (SPEC §5 `urge`)."""
    return is_region_staff(ticket, user, CALLBACK_ROLES)


def may_answer(supervision, user) -> bool:
    """Handlers of the addressed department; a county office answers for itself (its office staff)."""
    if not user.is_authenticated or user.department_id != supervision.department_id:
        return False
    return user.role == Role.HANDLER or (
        user.role == Role.OFFICE and supervision.department.kind == Department.Kind.OFFICE_HOST
    )
