"""Who may manage a service item (OUTREACH §1 "Who edits"): predicates over (item, user), used as django-fsm
transition permissions, by the acts before every change, and by the screens and the API to offer exactly the acts
that would pass. Attributes only, no queries."""

from accounts.access import is_region_office
from accounts.models import Role

# Department staff: handlers and specialists, for their own department's items.
DEPARTMENT_STAFF = frozenset({Role.HANDLER, Role.SPECIALIST})
# Who opens the catalogue's staff screens at all (a finer check per item follows).
MANAGERS = DEPARTMENT_STAFF | {Role.OFFICE}


def is_department_staff(item, user) -> bool:
    return (
        user.is_authenticated
        and user.role in DEPARTMENT_STAFF
        and user.department_id is not None
        and user.department_id == item.department_id
    )


def may_manage(item, user) -> bool:
    """Edit, publish and retire: the item's own department staff, or the office of the item's region."""
    return is_department_staff(item, user) or is_region_office(item, user)


def has_something_to_publish(item) -> bool:
    """A draft, or a published item with an edit waiting (publishing an unchanged item again changes nothing)."""
    return item.state == "draft" or item.pending is not None
