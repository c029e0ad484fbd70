"""Reads that carry permission knowledge: what each user may see. Objects outside one's scope are 404, never 403."""

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import Region, Role, User
from tickets.models import ConsultRequest, Demand, Supervision, Ticket, TicketCoDepartment

# Roles that read everything in their region and the regions below it (a city sees its counties, §3.2.3–§3.2.4).
_REGION_TREE_READERS = (Role.OFFICE, Role.GOVERNMENT, Role.LEADER)


def _region_ids(user, *, with_children: bool) -> list[int]:
    region_id = user.department.region_id
    if not with_children:
        return [region_id]
    return [region_id, *Region.objects.filter(parent_id=region_id).values_list("id", flat=True)]


def demands_visible_to(user) -> QuerySet[Demand]:
    demands = Demand.objects.all()
    if not user.is_authenticated:
        return demands.none()
    role = user.role
    if role == Role.ENTERPRISE:
        return demands.filter(enterprise_id=user.enterprise_id)
    if role in (Role.SUPERVISOR, Role.CHAMBER):
        return demands.filter(registered_by=user)
    if not user.department_id:
        return demands.none()
    if role in _REGION_TREE_READERS:
        return demands.filter(region_id__in=_region_ids(user, with_children=True))
    if role == Role.SPECIALIST:
        return demands.filter(Q(region_id=user.department.region_id) | Q(registered_by=user))
    if role == Role.HANDLER:
        asked = ConsultRequest.objects.filter(demand=OuterRef("pk"), department_id=user.department_id)
        handled = Ticket.objects.filter(
            Q(lead_department_id=user.department_id)
            | Q(co_links__department_id=user.department_id),
            pk=OuterRef("ticket_id"),
        )
        return demands.filter(
            Q(first_contact_department_id=user.department_id) | Q(registered_by=user) | Exists(asked) | Exists(handled)
        )
    return demands.none()


def tickets_visible_to(user) -> QuerySet[Ticket]:
    tickets = Ticket.objects.all()
    if not user.is_authenticated:
        return tickets.none()
    role = user.role
    if role == Role.ENTERPRISE:
        return tickets.filter(Exists(Demand.objects.filter(ticket=OuterRef("pk"), enterprise_id=user.enterprise_id)))
    if role in (Role.SUPERVISOR, Role.CHAMBER):
        return tickets.filter(Exists(Demand.objects.filter(ticket=OuterRef("pk"), registered_by=user)))
    if not user.department_id:
        return tickets.none()
    if role in _REGION_TREE_READERS:
        return tickets.filter(region_id__in=_region_ids(user, with_children=True))
    if role == Role.SPECIALIST:
        return tickets.filter(region_id=user.department.region_id)
    if role == Role.HANDLER:
        co = TicketCoDepartment.objects.filter(ticket=OuterRef("pk"), department_id=user.department_id)
        return tickets.filter(Q(lead_department_id=user.department_id) | Exists(co))
    return tickets.none()


def demand_for_user(user, pk, *, for_update: bool = False) -> Demand:
    queryset = demands_visible_to(user)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.select_related(
            "region", "enterprise", "domain", "first_contact_department", "registered_by", "ticket"
        ).get(pk=pk)
    except (Demand.DoesNotExist, ValueError, TypeError):
        raise Http404("诉求不存在或无权查看。") from None


def ticket_for_user(user, pk, *, for_update: bool = False) -> Ticket:
    queryset = tickets_visible_to(user)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.select_related("region", "domain", "lead_department", "created_by").get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404("工单不存在或无权查看。") from None


def queue_counts(user) -> dict[str, int]:
    """The numbers beside the menu's queues (待研判 12, 待签收 3 …), in at most three queries whatever the role."""
    from django.db.models import Count

    counts: dict[str, int] = {}
    if not user.is_authenticated or not user.department_id:
        return counts
    region_id = user.department.region_id
    handling = Q(state=Ticket.State.HANDLING)
    if user.role == Role.OFFICE:
        # With the supervisions this office issued that await an answer, and those addressed to it (a county office
        # answers the city's), in one round trip.
        unanswered = Supervision.objects.filter(answered_at__isnull=True)
        counts.update(_count_together(
            user,
            triage=Demand.objects.filter(region_id=region_id, state__in=[Demand.State.REGISTERED, Demand.State.CONSULTING]),
            supervision_open=unanswered.filter(region_id=region_id),
            supervision_inbox=unanswered.filter(department_id=user.department_id),
        ))
        counts.update(
            Ticket.objects.filter(region_id=region_id).aggregate(
                disputes=Count("id", filter=Q(state=Ticket.State.DISPUTED), distinct=True),
                extensions=Count("id", filter=handling & Q(extensions__state="pending"), distinct=True),
                terminations=Count("id", filter=handling & Q(terminations__state="pending"), distinct=True),
                returned=Count("id", filter=handling & Q(rework_count__gt=0), distinct=True),
                reviews=Count("id", filter=Q(state=Ticket.State.REVIEW), distinct=True),
                callbacks=Count("id", filter=Q(state=Ticket.State.CLOSED), distinct=True),
            )
        )
    elif user.role == Role.SPECIALIST:
        counts["callbacks"] = Ticket.objects.filter(region_id=region_id, state=Ticket.State.CLOSED).count()
    elif user.role == Role.GOVERNMENT:
        counts["government"] = Ticket.objects.filter(region_id=region_id, state=Ticket.State.GOVERNMENT_DECISION).count()
    elif user.role == Role.HANDLER:
        counts.update(
            Ticket.objects.aggregate(
                to_sign=Count("id", filter=Q(lead_department_id=user.department_id, state=Ticket.State.DISPATCHED), distinct=True),
                handling=Count("id", filter=handling & Q(lead_department_id=user.department_id), distinct=True),
                co=Count("id", filter=handling & Q(co_links__department_id=user.department_id, co_links__feedback_at__isnull=True), distinct=True),
            )
        )
    if user.role in (Role.HANDLER, Role.SPECIALIST):
        together = {
            "consult": ConsultRequest.objects.filter(
                department_id=user.department_id, answered_at__isnull=True, demand__state=Demand.State.CONSULTING
            )
        }
        if user.role == Role.HANDLER:
            together["supervision_inbox"] = Supervision.objects.filter(department_id=user.department_id, answered_at__isnull=True)
        counts.update(_count_together(user, **together))
    return counts


class _SubqueryCount(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def _count_together(user, **querysets: QuerySet) -> dict[str, int]:
    """Several counts in one query (the menu runs on every page), anchored on the user's own row."""
    counted = {name: _SubqueryCount(queryset.order_by().values("pk")) for name, queryset in querysets.items()}
    return User.objects.filter(pk=user.pk).values(**counted).get()


def supervisions_visible_to(user) -> QuerySet[Supervision]:
    """Supervisions a user may read: those addressed to the own department, plus, for region readers, those issued in
    their region (and, for the city, its counties); a specialist reads its region's; a handler those on its tickets."""
    supervisions = Supervision.objects.all()
    if not user.is_authenticated or not user.department_id:
        return supervisions.none()
    own = Q(department_id=user.department_id)
    if user.role in _REGION_TREE_READERS:
        return supervisions.filter(own | Q(region_id__in=_region_ids(user, with_children=True)))
    if user.role == Role.SPECIALIST:
        return supervisions.filter(own | Q(region_id=user.department.region_id))
    if user.role == Role.HANDLER:
        # Also those on tickets the department leads or helps with: the ticket page lists them.
        co = TicketCoDepartment.objects.filter(ticket=OuterRef("ticket_id"), department_id=user.department_id)
        return supervisions.filter(own | Q(ticket__lead_department_id=user.department_id) | Q(Exists(co)))
    return supervisions.none()


def supervision_for_user(user, pk) -> Supervision:
    try:
        return supervisions_visible_to(user).select_related(
            "region", "ticket", "department", "issued_by", "issuing_department", "answered_by"
        ).get(pk=pk)
    except (Supervision.DoesNotExist, ValueError, TypeError):
        raise Http404("督办不存在或无权查看。") from None
