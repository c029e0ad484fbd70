"""Reads of chambers, rotation plans and activities, with their permissions (chambers.rules) and query shape.

Staff of another region, or a chamber user reading another chamber's activity: 404 (records of others are not
shown to exist); a role that reads no rotation at all: 403. The public reads published plans only."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from chambers import rules
from chambers.models import (
    Activity,
    ActivityFile,
    Chamber,
    ChamberMembership,
    RotationEntry,
    RotationPlan,
)

NOT_FOUND = "记录不存在或无权查看。"
ACTIVITY_NOT_FOUND = "活动不存在或无权查看。"
BAD_ACTIVITY = "关联的商会活动不存在或不属于本区域。"


# --- gates ---------------------------------------------------------------------------------------------------------
def require_reader(user) -> None:
    if not rules.is_reader(user):
        raise PermissionDenied(rules.NOT_READER)


def require_federation(user) -> None:
    if not rules.is_federation(user):
        raise PermissionDenied(rules.NOT_FEDERATION)


def require_activity_writer(user) -> None:
    require_reader(user)
    if user.role == Role.CHAMBER:
        if rules.chamber_id_of(user) is None:
            raise PermissionDenied(rules.NO_CHAMBER)
    elif not rules.is_federation(user):
        raise PermissionDenied(rules.NOT_ACTIVITY_WRITER)


# --- chambers ------------------------------------------------------------------------------------------------------
def chambers_for(user) -> QuerySet[Chamber]:
    """The chambers of the reader's region (403 for a role that reads none)."""
    require_reader(user)
    return Chamber.objects.filter(region_id=rules.region_id_of(user)).select_related("region")


def chamber_for(user, pk) -> Chamber:
    try:
        return chambers_for(user).get(pk=pk)
    except (Chamber.DoesNotExist, ValueError, TypeError):
        raise Http404("商会不存在或无权查看。") from None


def memberships_for(user) -> QuerySet[ChamberMembership]:
    require_reader(user)
    return ChamberMembership.objects.filter(chamber__region_id=rules.region_id_of(user)).select_related(
        "user", "chamber")


def chamber_users_of_region(region_id: int):
    """The chamber users whose department lies in the region: who may be placed in a chamber."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(role=Role.CHAMBER, department__region_id=region_id, is_active=True)
            .order_by("username"))


# --- plans ---------------------------------------------------------------------------------------------------------
def plan_of(region_id: int, year: int) -> RotationPlan | None:
    return RotationPlan.objects.filter(region_id=region_id, year=year).first()


def plan_for(user, year: int) -> RotationPlan | None:
    require_reader(user)
    return plan_of(rules.region_id_of(user), year)


def with_counts(entries: QuerySet[RotationEntry]) -> QuerySet[RotationEntry]:
    """Each entry with how many activities it held and how many demands they produced (one query)."""
    return entries.select_related("chamber", "plan").annotate(
        activity_count=Count("activities", distinct=True),
        demand_count=Count("activities__demands", distinct=True),
    ).order_by("starts_on", "chamber__name", "id")


def entries_for(user, year: int) -> QuerySet[RotationEntry]:
    """The entries of the reader's region for `year`, draft or published, with activity and demand counts."""
    require_reader(user)
    return with_counts(RotationEntry.objects.filter(plan__region_id=rules.region_id_of(user), plan__year=year))


def entry_for(user, pk) -> RotationEntry:
    require_reader(user)
    entry = (RotationEntry.objects.select_related("chamber", "plan")
             .filter(pk=pk, plan__region_id=rules.region_id_of(user)).first() if str(pk).isdigit() else None)
    if entry is None:
        raise Http404("轮值安排不存在或无权查看。")
    return entry


def entry_choices(user) -> QuerySet[RotationEntry]:
    """The entries an activity of this user may name: its region's (a chamber user: its own chamber's)."""
    entries = RotationEntry.objects.filter(plan__region_id=rules.region_id_of(user)).select_related("chamber", "plan")
    if user.role == Role.CHAMBER:
        entries = entries.filter(chamber_id=rules.chamber_id_of(user))
    return entries.order_by("-plan__year", "starts_on", "id")


# --- public --------------------------------------------------------------------------------------------------------
def published_entries(year: int) -> QuerySet[RotationEntry]:
    return (RotationEntry.objects.filter(plan__year=year, plan__published_at__isnull=False)
            .select_related("chamber", "plan__region").order_by("plan__region__sort_order", "starts_on", "id"))


def current_entries(today: datetime.date | None = None) -> QuerySet[RotationEntry]:
    """The published entries whose turn covers `today`: the current rotation (portal, /rotation/)."""
    today = today or timezone.localdate()
    return published_entries(today.year).filter(starts_on__lte=today, ends_on__gte=today)


# --- activities ----------------------------------------------------------------------------------------------------
def activities_for(user) -> QuerySet[Activity]:
    """The activities the user reads: the region's (a chamber user: its own chamber's; none before it is placed)."""
    require_reader(user)
    activities = Activity.objects.filter(region_id=rules.region_id_of(user))
    if user.role == Role.CHAMBER:
        activities = activities.filter(chamber_id=rules.chamber_id_of(user))
    return activities


def activity_list(user) -> QuerySet[Activity]:
    return (activities_for(user).select_related("chamber", "entry")
            .annotate(demand_count=Count("demands", distinct=True)).order_by("-held_on", "-id"))


def activity_for(user, pk) -> Activity:
    try:
        return (activities_for(user).select_related("chamber", "entry__plan", "region", "created_by")
                .prefetch_related("departments", Prefetch("files", queryset=ActivityFile.objects.order_by("id")))
                .get(pk=pk))
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise Http404(ACTIVITY_NOT_FOUND) from None


def demands_of(activity: Activity):
    """The demands registered at the activity, oldest first (number, title, state)."""
    return activity.demands.order_by("registered_at", "id").only(
        "id", "number", "title", "state", "registered_at", "registered_by_id", "activity_id")


def file_for(user, pk) -> ActivityFile:
    attachment = ActivityFile.objects.select_related("activity").filter(pk=pk).first() if str(pk).isdigit() else None
    if attachment is None or not rules.may_read_activity(user, attachment.activity):
        raise Http404("文件不存在或无权查看。")
    return attachment


# --- the link from a demand (tickets registration) -----------------------------------------------------------------
def activity_for_link(actor, value) -> Activity:
    """The activity a demand registered by `actor` may name: one of the registrar's region; a chamber user only its
    own chamber's (another chamber's: 403). A missing or foreign one: ValidationError on `activity` (400)."""
    if isinstance(value, Activity):
        value = value.pk
    if isinstance(value, bool) or not str(value).isdigit():
        raise ValidationError({"activity": [BAD_ACTIVITY]})
    activity = Activity.objects.select_related("chamber").filter(pk=int(value)).first()
    if activity is None or rules.region_id_of(actor) != activity.region_id:
        raise ValidationError({"activity": [BAD_ACTIVITY]})
    if actor.role == Role.CHAMBER and rules.chamber_id_of(actor) != activity.chamber_id:
        raise PermissionDenied(rules.OTHER_CHAMBER)
    return activity


def may_register_from(user, activity: Activity) -> bool:
    """Whether the activity page offers "登记诉求": the user registers on channel `chamber` (a specialist, or the
    chamber's own user) — a handler registers only its own department's channels (SPEC §1)."""
    if user.role == Role.CHAMBER:
        return rules.chamber_id_of(user) == activity.chamber_id
    return user.role == Role.SPECIALIST and rules.region_id_of(user) == activity.region_id




def dashboard_figures(*, region_ids: list[int], start: datetime.date, end: datetime.date) -> dict:
    """Chamber activities held on a day of [start, end] in the regions and the enterprises they met (SPEC §9
    dashboard). One query."""
    figures = Activity.objects.filter(region_id__in=region_ids, held_on__gte=start, held_on__lte=end).aggregate(
        held=Count("pk"), enterprises=Sum("enterprises_count"))
    figures["enterprises"] = figures["enterprises"] or 0
    return figures
