"""Who may hold which meeting (OUTREACH §5): predicates over (meeting, user), used as django-fsm transition
permissions, by the acts before every change, and by the screens and the API to offer exactly the acts that pass.
Attributes only, no queries (a coordination meeting is read with its ticket selected)."""

from accounts.access import is_region_office, user_region_id
from accounts.models import Role

ANALYSIS = "analysis"
ENTREPRENEUR = "entrepreneur"
COORDINATION = "coordination"
SPECIAL = "special"

# Department staff of a ticket's lead department (its handlers and specialists) hold its coordination meetings.
LEAD_STAFF = frozenset({Role.HANDLER, Role.SPECIALIST})
# Roles that may call a meeting of some kind (a finer check per kind follows).
CONVENERS = frozenset({Role.OFFICE, Role.GOVERNMENT, Role.HANDLER, Role.SPECIALIST})
# Which role holds each kind; coordination: the ticket's lead department staff as well.
HOLDER_ROLES = {
    ANALYSIS: frozenset({Role.OFFICE}),
    ENTREPRENEUR: frozenset({Role.OFFICE}),
    COORDINATION: frozenset({Role.OFFICE}) | LEAD_STAFF,
    SPECIAL: frozenset({Role.GOVERNMENT}),
}


def kinds_for(user) -> list[str]:
    """The kinds of meeting a user's role may call."""
    return [kind for kind, roles in HOLDER_ROLES.items() if user.role in roles]


def is_lead_staff(ticket, user) -> bool:
    return (
        user.role in LEAD_STAFF and user.department_id is not None
        and ticket is not None and ticket.lead_department_id == user.department_id
    )


def may_convene(kind: str, user, *, region_id: int | None, ticket=None) -> bool:
    """Whether `user` may call (and then run) a meeting of `kind` in the region, about `ticket` for coordination."""
    if not user.is_authenticated or user.role not in HOLDER_ROLES.get(kind, ()):
        return False
    if region_id is None or user_region_id(user) != region_id:
        return False
    if kind == COORDINATION and user.role in LEAD_STAFF:
        return is_lead_staff(ticket, user)
    return True


def may_manage(meeting, user) -> bool:
    """Edit, add items, hold, cancel and decide: the meeting's holder (by kind, of the meeting's region)."""
    ticket = meeting.ticket if meeting.kind == COORDINATION and meeting.ticket_id else None
    return may_convene(meeting.kind, user, region_id=meeting.region_id, ticket=ticket)


def may_follow_up(item, user) -> bool:
    """Record the follow-up of a decided item: the responsible department's staff, the region's office, or the
    meeting's holder."""
    if item.department_id and user.role in LEAD_STAFF and user.department_id == item.department_id:
        return True
    return is_region_office(item.meeting, user) or may_manage(item.meeting, user)
