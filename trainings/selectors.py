"""Read-only queries over training sessions for the screens, the API, the portal and the tickets app.

Who reads which sessions (OUTREACH §3): the public reads published and held ones (public fields only); department staff
their department's, the office its region's (404 outside, 403 for a role that manages no session); an enterprise user
its own registrations."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from trainings import rules
from trainings.models import Registration, Topic, TrainingAttachment, TrainingSession

NOT_FOUND = "培训不存在或无权查看。"


# --- public --------------------------------------------------------------------------------------------------------
def public_sessions(*, upcoming: bool = False, topic: str = "", now=None) -> QuerySet[TrainingSession]:
    """Published and held sessions (upcoming: published ones not yet started, soonest first)."""
    queryset = TrainingSession.objects.filter(state__in=TrainingSession.PUBLIC_STATES).select_related("department")
    if upcoming:
        queryset = queryset.filter(state=TrainingSession.State.PUBLISHED, starts_at__gt=now or timezone.now())
    if topic:
        queryset = queryset.filter(topic=topic)
    return queryset.order_by("starts_at", "id") if upcoming else queryset.order_by("-starts_at", "-id")


def upcoming_sessions(limit: int = 5, now=None) -> list[TrainingSession]:
    """What the portal shows: the next published sessions."""
    return list(public_sessions(upcoming=True, now=now)[:limit])


def public_session(pk) -> TrainingSession | None:
    """A published or held session, or None: what the public reads and what a demand may link to."""
    try:
        return (TrainingSession.objects.filter(state__in=TrainingSession.PUBLIC_STATES)
                .select_related("department", "region").get(pk=pk))
    except (TrainingSession.DoesNotExist, ValueError, TypeError):
        return None


def public_session_or_404(pk) -> TrainingSession:
    session = public_session(pk)
    if session is None:
        raise Http404(NOT_FOUND)
    return session


def signup_target_or_404(pk) -> TrainingSession:
    """What a sign-up names: a public session, or one cancelled after publication (the answer is then 409 "已取消",
    not 404). A draft is unknown to everybody but its managers: 404."""
    try:
        return (TrainingSession.objects.filter(state__in=(*TrainingSession.PUBLIC_STATES, TrainingSession.State.CANCELLED),
                                               published_at__isnull=False)
                .select_related("department", "region").get(pk=pk))
    except (TrainingSession.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def topic_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Topic.choices]


# --- staff ---------------------------------------------------------------------------------------------------------
def require_manager(user) -> None:
    if not user.is_authenticated or user.role not in rules.MANAGERS or not user.department_id:
        raise PermissionDenied(rules.NOT_MANAGER)


def sessions_for_staff(user) -> QuerySet[TrainingSession]:
    """Department staff: their department's sessions; office: every session of its region. 403 for other roles."""
    require_manager(user)
    if user.role == Role.OFFICE:
        return TrainingSession.objects.filter(region_id=user.department.region_id)
    return TrainingSession.objects.filter(department_id=user.department_id)


def session_for_staff(user, pk, *, lock: bool = False) -> TrainingSession:
    queryset = sessions_for_staff(user).select_related("department", "region", "created_by")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.get(pk=pk)
    except (TrainingSession.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def with_figures(queryset: QuerySet[TrainingSession]) -> QuerySet[TrainingSession]:
    """Per session: attendance, mean score and the demands raised (counted by state through `demand_states`)."""
    return queryset.annotate(
        attended_count=Count("registrations", filter=Q(registrations__attended=True), distinct=True),
        mean_score=Avg("registrations__feedback__score"),
        feedback_count=Count("registrations__feedback", distinct=True),
    )


def demand_counts(sessions) -> dict[int, dict[str, int]]:
    """{session id: {demand state as a person reads it: count}} for the sessions' demands (tickets.Demand.training),
    in one query. The tickets app sits above this one: the reverse relation is read by name, its model never
    imported."""
    ids = [session.pk for session in sessions]
    related = TrainingSession._meta.fields_map.get("demands")
    if not ids or related is None:
        return {}
    model = related.related_model
    labels = dict(model._meta.get_field("state").flatchoices)
    counts: dict[int, dict[str, int]] = {}
    rows = model.objects.filter(training_id__in=ids).values("training_id", "state").annotate(n=Count("id")).order_by()
    for row in rows:
        label = str(labels.get(row["state"], row["state"]))
        counts.setdefault(row["training_id"], {})[label] = row["n"]
    return counts


def session_demands(session: TrainingSession):
    """The demands raised at the session, oldest first, with their states."""
    return session.demands.select_related("enterprise").order_by("registered_at", "id")


def registrants(session: TrainingSession) -> QuerySet[Registration]:
    return session.registrations.select_related("user", "enterprise", "feedback").order_by("created_at", "id")


# --- enterprise ----------------------------------------------------------------------------------------------------
def registration_of(user, session: TrainingSession) -> Registration | None:
    if not rules.is_enterprise_user(user):
        return None
    return Registration.objects.filter(session=session, user=user).select_related("feedback").first()


def registrations_of(user) -> QuerySet[Registration]:
    """An enterprise user's sign-ups (a cancelled session stays listed, saying so), newest session first."""
    return (Registration.objects.filter(user=user).select_related("session__department", "feedback")
            .order_by("-session__starts_at", "-id"))


def signed_up_ids(user, sessions) -> set[int]:
    if not rules.is_enterprise_user(user):
        return set()
    return set(Registration.objects.filter(user=user, session__in=[s.pk for s in sessions])
               .values_list("session_id", flat=True))


# --- files ---------------------------------------------------------------------------------------------------------
def attachment_for_user(user, pk) -> TrainingAttachment:
    """A session's file: anyone once the session is published or held; its managers always (404 to everyone else)."""
    attachment = TrainingAttachment.objects.select_related("session").filter(pk=pk).first() if str(pk).isdigit() else None
    if attachment is None:
        raise Http404("文件不存在或无权查看。")
    if attachment.session.is_public or rules.may_manage(attachment.session, user):
        return attachment
    raise Http404("文件不存在或无权查看。")


def dashboard_figures(*, region_ids: list[int], since, until, department_id: int | None = None) -> dict:
    """Sessions held in [since, until) of the regions (the organiser's department when given): how many, their seats
    taken, attendance and mean feedback score (SPEC §9 dashboard). One query."""
    sessions = TrainingSession.objects.filter(region_id__in=region_ids, state=TrainingSession.State.HELD,
                                              starts_at__gte=since, starts_at__lt=until)
    if department_id:
        sessions = sessions.filter(department_id=department_id)
    figures = sessions.aggregate(
        held=Count("pk", distinct=True),
        signed_up=Count("registrations", distinct=True),
        attended=Count("registrations", filter=Q(registrations__attended=True), distinct=True),
        score=Avg("registrations__feedback__score"),
    )
    signed_up = figures["signed_up"]
    figures["attendance_rate"] = round(100 * figures["attended"] / signed_up, 1) if signed_up else None
    figures["score"] = round(figures["score"], 2) if figures["score"] is not None else None
    return figures
