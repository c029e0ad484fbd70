"""Who may do what: predicates over (object, user), used as django-fsm transition permissions.

The workflow checks them before every transition, and screens list a user's actions from them, so a button and
the rule behind it cannot disagree. They read attributes only (no queries beyond the rows already loaded).
"""

from accounts.models import Role

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
SELF_HANDLE_ROLES = (Role.HANDLER, Role.SPECIALIST)


def _region_id(user):
    return user.department.region_id if user.department_id else None


def is_region_office(obj, user) -> bool:
    """Office staff of the region the demand or ticket belongs to."""
    return user.is_authenticated and user.role == Role.OFFICE and _region_id(user) == obj.region_id


def is_region_government(obj, user) -> bool:
    return user.is_authenticated and user.role == Role.GOVERNMENT and _region_id(user) == obj.region_id


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
        and user.role in (Role.HANDLER, Role.SPECIALIST, Role.OFFICE)
        and user.department_id == demand.first_contact_department_id
    )


def nobody(obj, user) -> bool:
    """Transitions only the system takes (the deadline sweep)."""
    return False


def may_call_back(ticket, user) -> bool:
    """Callbacks are recorded by the office or a specialist of the ticket's region (SPEC §5 `callback`)."""
    return user.is_authenticated and user.role in (Role.OFFICE, Role.SPECIALIST) and _region_id(user) == ticket.region_id


def is_co_handler(ticket, user) -> bool:
    """A handler of one of the ticket's co-departments (rows already loaded or one query)."""
    return (
        user.is_authenticated
        and user.role == Role.HANDLER
        and user.department_id is not None
        and ticket.co_links.filter(department_id=user.department_id).exists()
    )


def is_parent_region_office(ticket, user) -> bool:
    """The office of the region above the ticket's (the city sampling a county's tickets, §3.2.4)."""
    return (
        user.is_authenticated
        and user.role == Role.OFFICE
        and ticket.region.parent_id is not None
        and _region_id(user) == ticket.region.parent_id
    )


def may_attach_to_demand(demand, user) -> bool:
    """Materials come from the enterprise, the first-contact department, the registrar or the region's office."""
    return may_supply_materials(demand, user) or is_region_office(demand, user) or demand.registered_by_id == user.id


def may_attach_to_ticket(ticket, user) -> bool:
    """Evidence comes from the lead department, a co-department or the region's office."""
    return is_lead_handler(ticket, user) or is_region_office(ticket, user) or is_co_handler(ticket, user)
