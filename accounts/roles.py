"""Every group of roles the platform uses, in one place (SPEC §1). Screens, rules and the API name these groups."""

from accounts.models import Role

ALL_ROLES = frozenset(Role.values)
STAFF_ROLES = ALL_ROLES - {Role.ENTERPRISE}
# The three administrators (三权分立, SECURITY.md §3); none acts on tickets.
ADMINISTRATORS = frozenset({Role.SYSADMIN, Role.AUDITOR, Role.SECADMIN})
# A session of these roles reaches nothing but the second-factor pages until a TOTP or recovery code is given
# (SECURITY.md §2); so does any session on /admin/.
SECOND_FACTOR_ROLES = frozenset({Role.OFFICE, Role.GOVERNMENT, Role.LEADER, *ADMINISTRATORS})

# People outside the administration: they see only what concerns them, never internal notes or opinions.
EXTERNAL_ROLES = frozenset({Role.ENTERPRISE, Role.SUPERVISOR, Role.CHAMBER})
# Outside registrars follow only what they registered themselves.
OWN_SUBMISSION_READERS = frozenset({Role.SUPERVISOR, Role.CHAMBER})

# Read everything of their region and of the regions below it (a city sees its counties, §3.2.3–§3.2.4).
REGION_TREE_READERS = frozenset({Role.OFFICE, Role.GOVERNMENT, Role.LEADER})
# Register demands received on a channel (SPEC §3).
REGISTRARS = frozenset({Role.SPECIALIST, Role.HANDLER, Role.OFFICE, Role.CHAMBER, Role.SUPERVISOR})
# Read a list of demands.
DEMAND_LIST_READERS = REGISTRARS | {Role.GOVERNMENT, Role.LEADER}
# Read a list of tickets and the internal side of a ticket (department staff).
TICKET_READERS = frozenset({Role.SPECIALIST, Role.HANDLER, Role.OFFICE, Role.GOVERNMENT, Role.LEADER})
# Read internal timeline entries, disputes and supervisions: department staff only (no administrator reads tickets,
# SECURITY.md §3).
INTERNAL_READERS = TICKET_READERS
# Handle a department's own first-contact demand (首问负责, §4.1).
SELF_HANDLERS = frozenset({Role.HANDLER, Role.SPECIALIST})
# Name another department of the region as first contact when registering.
FIRST_CONTACT_NAMERS = frozenset({Role.OFFICE, Role.SPECIALIST})
# Give an opinion when a department is consulted (§4.2.1(3)); handlers and specialists answer from their inbox.
CONSULTEES = frozenset({Role.HANDLER, Role.SPECIALIST, Role.OFFICE})
CONSULT_INBOX_ROLES = frozenset({Role.HANDLER, Role.SPECIALIST})
# Record callbacks and urge (SPEC §5 `callback`, `urge`).
CALLBACK_ROLES = frozenset({Role.OFFICE, Role.SPECIALIST})
# Collect materials for a demand whose first contact they are (§4.2.1(4)).
MATERIAL_COLLECTORS = frozenset({Role.HANDLER, Role.SPECIALIST, Role.OFFICE})
# Read the dashboards, reports and supervision board of their region.
REPORT_READERS = frozenset({Role.OFFICE, Role.GOVERNMENT, Role.LEADER})
# Read and download a department's ledger: a handler its own department's; the office, the government office and the
# leaders (read-only reports of their region, SPEC §1, §9) any department of their region and of the regions below it.
LEDGER_ROLES = frozenset({Role.HANDLER, Role.OFFICE, Role.GOVERNMENT, Role.LEADER})
# Answer supervisions addressed to their department (a county office answers the city's).
SUPERVISION_ANSWERERS = frozenset({Role.HANDLER, Role.OFFICE})
# Read a supervision notice or the supervision list of the API.
SUPERVISION_READERS = frozenset({Role.OFFICE, Role.GOVERNMENT, Role.LEADER, Role.HANDLER, Role.SPECIALIST})
# Read the API's documentation: the people whose work the API serves (administrators have no API, SECURITY.md §3).
API_DOC_READERS = STAFF_ROLES - OWN_SUBMISSION_READERS - ADMINISTRATORS
# Roles the account administrator may create and reset through the staff screen: department staff only. Enterprise
# users sign up themselves; administrators and superusers come from the installation (least privilege, §3).
STAFF_ACCOUNT_ROLES = frozenset({
    Role.SPECIALIST, Role.HANDLER, Role.OFFICE, Role.GOVERNMENT, Role.LEADER, Role.SUPERVISOR, Role.CHAMBER,
})


def sees_internal(user) -> bool:
    """Whether the user reads the administration's side: internal timeline entries, opinions, supervisions
    (department staff; never an outsider, never an administrator)."""
    return user.role in INTERNAL_READERS
