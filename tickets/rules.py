"""Who may do what, and when: predicates over (object, user) used as django-fsm transition permissions, by the acts
(tickets.workflow) before every change, and by the screens and the API to offer exactly the actions that would pass.

They read attributes only (no queries beyond the rows already loaded or one EXISTS), so a button and the rule behind it
cannot disagree.
"""

from accounts.access import is_region_government, is_region_office, is_region_staff, user_region_id
from accounts.models import Role
from accounts.roles import CALLBACK_ROLES, MATERIAL_COLLECTORS, SELF_HANDLERS

__all__ = [
    "ROLE_CHANNELS", "SELF_HANDLE_ROLES", "available_transitions", "is_co_handler", "is_demand_owner", "is_lead_handler", "is_parent_region_office",
    "is_rater", "is_region_government", "is_region_office", "may_attach_to_demand", "may_attach_to_ticket",
    "may_call_back", "may_rate_now", "may_reveal_phone", "may_see_requester", "may_supply_materials", "nobody", "own_co_link_unconfirmed", "pending_request",
    "ticket_handling", "ticket_open", "transition_permitted",
]

PENDING = "pending"  # tickets.models.handling.Decision.PENDING
# Channels each role may register demands on (SPEC §1, §3).
ROLE_CHANNELS: dict[str, tuple[str, ...]] = {
    Role.ENTERPRISE: ("online",),
    Role.SPECIALIST: ("online", "hotline", "hall", "transfer", "department", "chamber", "supervisor", "other", "assigned"),
    Role.OFFICE: ("hotline", "hall", "transfer", "department", "other", "assigned"),
    Role.HANDLER: ("department", "hall", "hotline", "other"),
    Role.CHAMBER: ("chamber",),
    Role.SUPERVISOR: ("supervisor",),
}
# Roles whose own department may handle a demand it received (首问负责, §4.1).
SELF_HANDLE_ROLES = SELF_HANDLERS


def transition_permitted(obj, transition: str, user) -> bool:
    """Whether the user's role and department allow the named transition of `obj`, whatever its state now (the
    permission declared on the `@transition`, read through django-fsm's public transition list)."""
    for candidate in obj.get_all_state_transitions():
        if candidate.name == transition:
            return candidate.has_perm(obj, user)
    raise ValueError(f"{type(obj).__name__} has no transition {transition!r}")


def available_transitions(obj, user) -> set[str]:
    """The transitions the user may take on `obj` now: allowed from its state, conditions met, permitted (django-fsm's
    public `get_available_user_state_transitions`), so the buttons offered are exactly the acts that would pass."""
    return {transition.name for transition in obj.get_available_user_state_transitions(user)}


# --- roles and departments ------------------------------------------------------------------------------------------
def is_lead_handler(ticket, user) -> bool:
    return user.is_authenticated and user.role == Role.HANDLER and user.department_id == ticket.lead_department_id


def is_demand_owner(demand, user) -> bool:
    """The enterprise the demand is about (its staff), for online demands it submitted or any demand naming it."""
    return (
        user.is_authenticated
        and user.role == Role.ENTERPRISE
        and demand.enterprise_id is not None
        and user.enterprise_id == demand.enterprise_id
    )


def may_supply_materials(demand, user) -> bool:
    """The enterprise itself, or staff of the first-contact department that must collect the materials (§4.2.1(4))."""
    if is_demand_owner(demand, user):
        return True
    return (
        user.is_authenticated
        and user.role in MATERIAL_COLLECTORS
        and user.department_id == demand.first_contact_department_id
    )


def nobody(obj, user) -> bool:
    """Transitions only the system takes (the deadline sweep)."""
    return False


def may_call_back(ticket, user) -> bool:
    """Callbacks are recorded by the office or a specialist of the ticket's region (SPEC §5 `callback`)."""
    return is_region_staff(ticket, user, CALLBACK_ROLES)


def _loaded(ticket, relation: str):
    """The rows of `relation` when the page prefetched them (no query), else None."""
    return getattr(ticket, "_prefetched_objects_cache", {}).get(relation)


def _own_co_link(ticket, user):
    loaded = _loaded(ticket, "co_links")
    if loaded is not None:
        return next((link for link in loaded if link.department_id == user.department_id), None)
    return ticket.co_links.filter(department_id=user.department_id).first()


def is_co_handler(ticket, user) -> bool:
    """A handler of one of the ticket's co-departments (rows already loaded or one query)."""
    return (
        user.is_authenticated
        and user.role == Role.HANDLER
        and user.department_id is not None
        and _own_co_link(ticket, user) is not None
    )


def is_parent_region_office(ticket, user) -> bool:
    """The office of the region above the ticket's (the city sampling a county's tickets, §3.2.4)."""
    return (
        user.is_authenticated
        and user.role == Role.OFFICE
        and ticket.region.parent_id is not None
        and user_region_id(user) == ticket.region.parent_id
    )


def may_attach_to_demand(demand, user) -> bool:
    """Materials come from the enterprise, the first-contact department, the registrar or the region's office."""
    registrar = demand.registered_by_id is not None and demand.registered_by_id == user.id
    return may_supply_materials(demand, user) or is_region_office(demand, user) or registrar


def may_see_requester(demand, user) -> bool:
    """Who the requester is (name and phone): anyone who may read the demand, except that an anonymous demand shows
    them to its region's office only — never to a department, the enterprise or anyone else (SECURITY.md §5)."""
    return not demand.anonymous or is_region_office(demand, user)


def may_reveal_phone(demand, user) -> bool:
    """Who may read a requester's full phone, one at a time and audited (SECURITY.md §5): those who must call back —
    the office of the demand's region, and the lead department's handlers while its ticket is open. A department never
    reads the phone of an anonymous demand; everyone else reads it masked (core.masking)."""
    if not demand.requester_phone or not user.is_authenticated:
        return False
    if is_region_office(demand, user):
        return True
    if demand.anonymous or demand.ticket_id is None:
        return False
    ticket = demand.ticket
    return ticket.is_open and is_lead_handler(ticket, user)


def may_attach_to_ticket(ticket, user) -> bool:
    """Evidence comes from the lead department, a co-department or the region's office."""
    return is_lead_handler(ticket, user) or is_region_office(ticket, user) or is_co_handler(ticket, user)


def is_rater(ticket, user) -> bool:
    """The enterprise whose demand the ticket answers (it rates the result, SPEC §8)."""
    if user.role != Role.ENTERPRISE:
        return False
    loaded = _loaded(ticket, "demands")
    if loaded is not None:
        return any(demand.enterprise_id == user.enterprise_id for demand in loaded)
    return ticket.demands.filter(enterprise_id=user.enterprise_id).exists()


# --- when: the ticket's state and pending requests ------------------------------------------------------------------
def ticket_open(ticket, user=None) -> bool:
    return ticket.is_open


def ticket_handling(ticket, user=None) -> bool:
    return ticket.state == ticket.State.HANDLING


def pending_request(kind: str, exists: bool):
    """While handling: whether a request of `kind` ("extensions", "terminations") awaits the office's decision."""

    def check(ticket, user=None) -> bool:
        if not ticket_handling(ticket):
            return False
        loaded = _loaded(ticket, kind)
        if loaded is not None:
            return any(request.state == PENDING for request in loaded) == exists
        return getattr(ticket, kind).filter(state=PENDING).exists() == exists

    return check


def own_co_link_unconfirmed(ticket, user) -> bool:
    """While handling, the user's department is a co-department that has not confirmed yet."""
    if not ticket_handling(ticket):
        return False
    link = _own_co_link(ticket, user)
    return link is not None and link.confirmed_at is None


def may_rate_now(ticket, user=None) -> bool:
    """After closing and before the callback archives it; once per ticket (SPEC §8)."""
    from tickets.models import Rating  # the models import these rules for their transitions

    if ticket.state != ticket.State.CLOSED:
        return False
    if "rating" in getattr(ticket, "_state").fields_cache:  # loaded with the ticket (select_related)
        return ticket._state.fields_cache["rating"] is None
    return not Rating.objects.filter(ticket=ticket).exists()
