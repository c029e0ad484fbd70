"""Read-only queries over policies for the screens, the API, the portal and the reports.

Who reads which policies (OUTREACH §2): the public reads published ones; department staff their department's, the
office its region's (404 outside, 403 for a role that edits no policy); an enterprise the active ones that fit it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Enterprise, Role
from core.search import matches
from policies import matching
from policies.models import Policy, PolicyAttachment, Reach

# Department staff edit their department's policies; the office every policy of its region (OUTREACH §2).
DEPARTMENT_EDITORS = frozenset({Role.HANDLER, Role.SPECIALIST})
EDITOR_ROLES = DEPARTMENT_EDITORS | {Role.OFFICE}
NOT_EDITOR = "只有部门工作人员（涉企服务工作人员、企业服务专员）和联合服务办公室可以管理惠企政策。"
NOT_FOUND = "政策不存在或无权查看。"


# --- public --------------------------------------------------------------------------------------------------------
def published_policies() -> QuerySet[Policy]:
    return Policy.objects.filter(state=Policy.State.PUBLISHED)


def active_condition(today: datetime.date) -> Q:
    """Published and not past `effective_to`."""
    return Q(state=Policy.State.PUBLISHED) & (Q(effective_to__isnull=True) | Q(effective_to__gte=today))


def public_policies(*, active: bool | None = None, q: str = "", today: datetime.date | None = None) -> QuerySet[Policy]:
    """Published policies, newest first: everything a visitor may read (`active` True/False narrows by expiry)."""
    today = today or timezone.localdate()
    queryset = Policy.objects.filter(state=Policy.State.PUBLISHED).select_related("department", "region")
    if active is True:
        queryset = queryset.filter(active_condition(today))
    elif active is False:
        queryset = queryset.filter(effective_to__lt=today)
    if q:
        queryset = queryset.filter(matches("search_text", q))
    return queryset.order_by("-published_at", "-id")


def search_published(*, q: str = "", domain: str = "", mode: str = "", department: str = "",
                     active: bool | None = None, today: datetime.date | None = None) -> QuerySet[Policy]:
    """Published policies by keyword (title, document number, summary) and filters, newest first."""
    queryset = public_policies(active=active, q=q.strip(), today=today)
    if domain:
        queryset = queryset.filter(domains__code=domain)
    if mode:
        queryset = queryset.filter(mode=mode)
    if department:
        queryset = queryset.filter(department__code=department)
    return queryset


def published_policy(pk) -> Policy | None:
    """A published policy (active or expired), or None: what a demand may link to, what the public reads."""
    try:
        return published_policies().select_related("department", "region").get(pk=pk)
    except (Policy.DoesNotExist, ValueError, TypeError):
        return None


def public_policy_or_404(pk) -> Policy:
    policy = published_policy(pk)
    if policy is None:
        raise Http404(NOT_FOUND)
    return policy


# --- staff ---------------------------------------------------------------------------------------------------------
def require_editor(user) -> None:
    if not user.is_authenticated or user.role not in EDITOR_ROLES or not user.department_id:
        raise PermissionDenied(NOT_EDITOR)


def policies_for_staff(user) -> QuerySet[Policy]:
    """Department staff: their department's policies; office: every policy of its region. 403 for other roles."""
    require_editor(user)
    if user.role == Role.OFFICE:
        return Policy.objects.filter(region_id=user.department.region_id)
    return Policy.objects.filter(department_id=user.department_id)


def policy_for_staff(user, pk) -> Policy:
    try:
        return policies_for_staff(user).select_related("department", "region", "created_by").get(pk=pk)
    except (Policy.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def may_edit(user, policy: Policy) -> bool:
    if not user.is_authenticated or not user.department_id:
        return False
    if user.role == Role.OFFICE:
        return user.department.region_id == policy.region_id
    return user.role in DEPARTMENT_EDITORS and user.department_id == policy.department_id


def attachment_for_user(user, pk) -> PolicyAttachment:
    """A policy's file: anyone once the policy is published; before (or after withdrawal) only its editors."""
    attachment = PolicyAttachment.objects.select_related("policy").filter(pk=pk).first()
    if attachment is None:
        raise Http404("文件不存在或无权查看。")
    if attachment.policy.state == Policy.State.PUBLISHED or may_edit(user, attachment.policy):
        return attachment
    raise Http404("文件不存在或无权查看。")


def matched_count(policy: Policy, today: datetime.date | None = None) -> int:
    """How many verified enterprises fit the policy now (one COUNT). A draft is counted as if published."""
    today = today or timezone.localdate()
    if policy.state == Policy.State.DRAFT:
        policy = _as_published(policy)
    return matching.candidates(policy, today).count()


def _as_published(policy: Policy) -> Policy:
    """The same policy as matching would see it once published (for the preview of a draft)."""
    return Policy(
        state=Policy.State.PUBLISHED, region=policy.region, industries=policy.industries, scales=policy.scales,
        regions=policy.regions, min_years=policy.min_years, max_years=policy.max_years, tags=policy.tags,
        effective_to=policy.effective_to,
    )


# --- enterprise ----------------------------------------------------------------------------------------------------
@dataclass
class MatchedPolicy:
    policy: Policy
    reasons: list[str]
    status: str

    @property
    def status_label(self) -> str:
        return Reach.Status(self.status).label


def matched_for_enterprise(enterprise: Enterprise, today: datetime.date | None = None) -> list[MatchedPolicy]:
    """The active published policies that fit the enterprise (matching.match decides), newest first, with reasons and
    the enterprise's status on each. A policy can only fit an enterprise in its issuing region's tree, so only the
    policies of the enterprise's region and the regions above it are read."""
    today = today or timezone.localdate()
    regions = matching.regions_by_id()
    profile = matching.profiles_of([enterprise], regions=regions)[enterprise.pk]
    if not profile.regions:
        return []
    policies = list(
        Policy.objects.filter(active_condition(today), region__code__in=profile.regions)
        .select_related("department", "region").prefetch_related("domains").order_by("-published_at", "-id")
    )
    tags = matching.tag_names()
    names = {region.code: region.name for region in regions.values()}
    statuses = dict(Reach.objects.filter(enterprise=enterprise, policy__in=[p.pk for p in policies])
                    .values_list("policy_id", "status"))
    found = []
    for policy in policies:
        result = matching.match(matching.criteria_of(policy), profile, today, tag_names=tags, region_names=names)
        if result:
            found.append(MatchedPolicy(policy, result.reasons, statuses.get(policy.pk, Reach.Status.NEW)))
    return found


def match_for_enterprise(policy: Policy, enterprise: Enterprise, today: datetime.date | None = None):
    return matching.match_policy(policy, enterprise, today or timezone.localdate())
