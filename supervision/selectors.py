"""Which supervisions a user may read, and the queues of unanswered ones (the menu counts and the screens use these)."""

from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.access import region_ids
from accounts.models import Role
from accounts.roles import REGION_TREE_READERS, SUPERVISION_ANSWERERS
from supervision.models import Supervision

RELATED = ("region", "ticket", "ticket__lead_department", "department", "issued_by", "issuing_department", "answered_by")
# A list joins only what its rows show: the planner's time grows fast with the joins (the eight of RELATED took 12 ms
# to plan at a million tickets, against 1 ms to run).
BOARD_RELATED = ("ticket", "department", "issued_by")
INBOX_RELATED = ("ticket", "issuing_department", "issued_by", "answered_by")


def supervisions_visible_to(user) -> QuerySet[Supervision]:
    """Supervisions a user may read: those addressed to the own department, plus, for region readers, those issued in
    their region (and, for the city, its counties); a specialist reads its region's; a handler those on its tickets."""
    supervisions = Supervision.objects.all()
    if not user.is_authenticated or not user.department_id:
        return supervisions.none()
    own = Q(department_id=user.department_id)
    if user.role in REGION_TREE_READERS:
        return supervisions.filter(own | Q(region_id__in=region_ids(user, with_children=True)))
    if user.role == Role.SPECIALIST:
        return supervisions.filter(own | Q(region_id=user.department.region_id))
    if user.role == Role.HANDLER:
        # Also those on tickets the department leads or helps with: the ticket page lists them. Tickets are named
        # through the app registry: this app sits below tickets and imports nothing of it.
        co_links = apps.get_model("tickets", "TicketCoDepartment").objects.filter(department_id=user.department_id)
        return supervisions.filter(
            own | Q(ticket__lead_department_id=user.department_id) | Q(ticket_id__in=co_links.values("ticket_id"))
        )
    return supervisions.none()


def supervision_for_user(user, pk) -> Supervision:
    try:
        return supervisions_visible_to(user).select_related(*RELATED).get(pk=pk)
    except (Supervision.DoesNotExist, ValueError, TypeError):
        raise Http404("督办不存在或无权查看。") from None


def awaiting_answer_in_region(region_id: int) -> QuerySet[Supervision]:
    """The office's queue: supervisions its region issued that await an answer."""
    return Supervision.objects.filter(region_id=region_id, answered_at__isnull=True)


def awaiting_answer_from(department_id: int) -> QuerySet[Supervision]:
    """A department's 督办 inbox queue: supervisions addressed to it that await its answer."""
    return Supervision.objects.filter(department_id=department_id, answered_at__isnull=True)


def menu_queues(user) -> dict[str, QuerySet]:
    queues: dict[str, QuerySet] = {}
    if not user.department_id:
        return queues
    if user.role == Role.OFFICE:
        queues["supervision_open"] = awaiting_answer_in_region(user.department.region_id)
    if user.role in SUPERVISION_ANSWERERS:
        queues["supervision_inbox"] = awaiting_answer_from(user.department_id)
    return queues
