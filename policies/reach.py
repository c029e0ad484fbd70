"""Whom a department's policies reached (OUTREACH §2): who may look, the figures per policy, the matched enterprises with
their reasons, and the figures the leaders' dashboard reads by department (SPEC §9).

Every read here has a fixed number of queries whatever the number of policies, enterprises or reaches: the figures of
a page of policies are two grouped queries and one statement counting each policy's matches side by side.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, IntegerField, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import Enterprise, Role, User
from policies import matching
from policies.models import Beneficiary, Policy, Reach

# Department staff for their department's policies, and the office for every policy of its region (OUTREACH §2).
OUTREACH_ROLES = frozenset({Role.HANDLER, Role.SPECIALIST, Role.OFFICE})
ROLE_MESSAGE = "只有发布部门的涉企服务工作人员、企业服务专员和联合服务办公室可以查看政策触达情况。"
NOT_FOUND = "政策不存在或无权查看。"
MATCH_PAGE_SIZE = 20
ZERO = Decimal("0.00")


# --- who may look ----------------------------------------------------------------------------------------------------
def require_outreach_role(user: User) -> None:
    """403 unless the user is department staff or office staff with a department."""
    if not user.is_authenticated or user.role not in OUTREACH_ROLES or not user.department_id:
        raise PermissionDenied(ROLE_MESSAGE)


def outreach_policies(user: User) -> QuerySet[Policy]:
    """The policies whose reach the user reads: their department's, or for the office every one of its region."""
    require_outreach_role(user)
    if user.role == Role.OFFICE:
        return Policy.objects.filter(region_id=user.department.region_id)
    return Policy.objects.filter(department_id=user.department_id)


def outreach_policy(user: User, pk) -> Policy:
    """One policy for the reach and beneficiary screens: 403 for a wrong role, 404 outside the user's scope."""
    policy = outreach_policies(user).select_related("region", "department").filter(pk=pk).first()
    if policy is None:
        raise Http404(NOT_FOUND)
    return policy


def may_manage(user: User, policy: Policy) -> bool:
    """Department staff of the issuer, or the office of the policy's region (the acts check this again)."""
    if not user.is_authenticated or user.role not in OUTREACH_ROLES or not user.department_id:
        return False
    if user.role == Role.OFFICE:
        return user.department.region_id == policy.region_id
    return user.department_id == policy.department_id


# --- figures per policy ----------------------------------------------------------------------------------------------
@dataclass
class Figures:
    matched: int | None = None  # verified enterprises that match (None: not counted, e.g. a draft)
    matched_at: datetime.datetime | None = None  # when `matched` was counted (None: just now)
    told: int = 0
    read: int = 0
    interested: int = 0
    applied: int = 0
    beneficiaries: int = 0
    pending: int = 0
    disbursed: int = 0
    amount_pending: Decimal = ZERO
    amount_disbursed: Decimal = ZERO

    @property
    def amount_total(self) -> Decimal:
        return self.amount_pending + self.amount_disbursed


class _SubqueryCount(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) _matched)"
    output_field = IntegerField()


def match_counts(policies: list[Policy], today: datetime.date) -> dict[int, int]:
    """How many verified enterprises match each policy now, in one statement (a count per policy, side by side).
    Keep `policies` to a page: each adds a subquery over the enterprises."""
    counts: dict[int, int] = {}
    subqueries = {}
    for policy in policies:
        queryset = matching.candidates(policy, today)
        if queryset.query.is_empty():
            counts[policy.pk] = 0
        else:
            subqueries[f"m{policy.pk}"] = _SubqueryCount(queryset.order_by().values("pk"))
    if subqueries:
        anchor = min(int(name[1:]) for name in subqueries)
        row = Policy.objects.filter(pk=anchor).order_by().annotate(**subqueries).values_list(*subqueries).first()
        counts.update({int(name[1:]): value for name, value in zip(subqueries, row or (), strict=False)})
    return counts


REACH_COUNTS = {
    "told": Count("pk", filter=Q(notified_at__isnull=False)),
    # What the enterprise did: read covers every further step (one who marked interest has read it).
    "read": Count("pk", filter=Q(status__in=[Reach.Status.READ, Reach.Status.INTERESTED, Reach.Status.APPLIED])),
    "interested": Count("pk", filter=Q(status=Reach.Status.INTERESTED)),
    "applied": Count("pk", filter=Q(status=Reach.Status.APPLIED)),
}
BENEFIT_FIGURES = {
    "beneficiaries": Count("pk"),
    "pending": Count("pk", filter=Q(state=Beneficiary.State.PENDING)),
    "disbursed": Count("pk", filter=Q(state=Beneficiary.State.DISBURSED)),
    "amount_pending": Sum("amount", filter=Q(state=Beneficiary.State.PENDING)),
    "amount_disbursed": Sum("amount", filter=Q(state=Beneficiary.State.DISBURSED)),
}


def policy_figures(policies: list[Policy], today: datetime.date | None = None) -> dict[int, Figures]:
    """The reach and beneficiary figures of `policies` (a page of them) in three queries, keyed by policy id."""
    today = today or timezone.localdate()
    ids = [policy.pk for policy in policies]
    figures = {pk: Figures() for pk in ids}
    if not ids:
        return figures
    for row in Reach.objects.filter(policy_id__in=ids).order_by().values("policy_id").annotate(**REACH_COUNTS):
        for name in REACH_COUNTS:
            setattr(figures[row["policy_id"]], name, row[name])
    for row in Beneficiary.objects.filter(policy_id__in=ids).order_by().values("policy_id").annotate(**BENEFIT_FIGURES):
        for name in BENEFIT_FIGURES:
            setattr(figures[row["policy_id"]], name, row[name] if row[name] is not None else ZERO)
    # The figure the last push or the nightly recount kept (policies.push.record_match_count); counted here only for
    # a published policy that has none yet. Drafts show none: they fit nobody until published (the preview counts).
    uncounted = []
    for policy in policies:
        if policy.state == Policy.State.DRAFT:
            continue
        if policy.matched_count is None:
            uncounted.append(policy)
        else:
            figures[policy.pk].matched = policy.matched_count
            figures[policy.pk].matched_at = policy.matched_counted_at
    for pk, n in match_counts(uncounted, today).items():
        figures[pk].matched = n
    return figures


# --- the matched enterprises of one policy ---------------------------------------------------------------------------
def matched_enterprises(policy: Policy, today: datetime.date | None = None) -> QuerySet[Enterprise]:
    """The verified enterprises that match `policy` now, in a stable order for paging."""
    return (matching.candidates(policy, today or timezone.localdate())
            .select_related("region").order_by("name", "pk"))


@dataclass(frozen=True)
class MatchRow:
    enterprise: Enterprise
    reasons: list[str]
    notified_at: datetime.datetime | None
    status: str
    matched: bool = True

    @property
    def status_label(self) -> str:
        return Reach.Status(self.status).label


def match_rows(policy: Policy, enterprises: list[Enterprise], today: datetime.date | None = None) -> list[MatchRow]:
    """The reasons and the reach of a page of matched enterprises: a fixed number of queries for the page."""
    today = today or timezone.localdate()
    if not enterprises:
        return []
    criteria = matching.criteria_of(policy)
    regions = matching.regions_by_id()
    profiles = matching.profiles_of(enterprises, regions=regions)
    names = {region.code: region.name for region in regions.values()}
    tags = matching.tag_names()
    reaches = {
        reach.enterprise_id: reach
        for reach in Reach.objects.filter(policy=policy, enterprise_id__in=[e.pk for e in enterprises])
    }
    rows = []
    for enterprise in enterprises:
        result = matching.match(criteria, profiles[enterprise.pk], today, tag_names=tags, region_names=names)
        reach = reaches.get(enterprise.pk)
        rows.append(MatchRow(
            enterprise=enterprise,
            reasons=result.reasons if result.matched else result.misses,
            notified_at=reach.notified_at if reach else None,
            status=reach.status if reach else Reach.Status.NEW,
            matched=result.matched,
        ))
    return rows


# --- the dashboard (reports reads these; SPEC §9) --------------------------------------------------------------------
def _window(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_default_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, zone),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone))


BY_DEPARTMENT = {"department_id_": F("department_id"), "code": F("department__code"), "name": F("department__name")}
BY_POLICY_DEPARTMENT = {"department_id_": F("policy__department_id"), "code": F("policy__department__code"),
                        "name": F("policy__department__name")}


def dashboard_figures(*, region_ids: list[int], start: datetime.date, end: datetime.date,
                      department_id: int | None = None) -> dict:
    """Per department of the regions, for the period [start, end] (local days): policies published, enterprises told,
    read and applied, and 免申即享 amounts imported and disbursed. Three queries whatever the rows.

    Reach counts by event time: told when pushed in the period, read when first opened in it, applied when the
    enterprise marked it so in it. Amounts: imported in the period, disbursed on a day of it.
    """
    since, until = _window(start, end)
    scope = Q(region_id__in=region_ids)
    if department_id:
        scope &= Q(department_id=department_id)
    rows: dict[int, dict] = {}

    def row(item: dict) -> dict:
        return rows.setdefault(item["department_id_"], {
            "department_id": item["department_id_"], "department": item["code"], "name": item["name"], "published": 0, "told": 0, "read": 0, "applied": 0,
            "imported_amount": ZERO, "imported": 0, "disbursed_amount": ZERO, "disbursed": 0,
        })

    for item in (Policy.objects.filter(scope, published_at__gte=since, published_at__lt=until)
                 .order_by().values(**BY_DEPARTMENT).annotate(n=Count("pk"))):
        row(item)["published"] = item["n"]
    for item in (Reach.objects.filter(Q(policy__region_id__in=region_ids)
                                      & (Q(policy__department_id=department_id) if department_id else Q()))
                 .filter(Q(notified_at__gte=since, notified_at__lt=until) | Q(read_at__gte=since, read_at__lt=until)
                         | Q(status=Reach.Status.APPLIED, status_changed_at__gte=since, status_changed_at__lt=until))
                 .order_by().values(**BY_POLICY_DEPARTMENT)
                 .annotate(told=Count("pk", filter=Q(notified_at__gte=since, notified_at__lt=until)),
                           read=Count("pk", filter=Q(read_at__gte=since, read_at__lt=until)),
                           applied=Count("pk", filter=Q(status=Reach.Status.APPLIED, status_changed_at__gte=since,
                                                        status_changed_at__lt=until)))):
        target = row(item)
        target.update(told=item["told"], read=item["read"], applied=item["applied"])
    imported = Q(imported_at__gte=since, imported_at__lt=until)
    disbursed = Q(state=Beneficiary.State.DISBURSED, disbursed_on__gte=start, disbursed_on__lte=end)
    for item in (Beneficiary.objects.filter(Q(policy__region_id__in=region_ids)
                                            & (Q(policy__department_id=department_id) if department_id else Q()))
                 .filter(imported | disbursed)
                 .order_by().values(**BY_POLICY_DEPARTMENT)
                 .annotate(imported=Count("pk", filter=imported), imported_amount=Sum("amount", filter=imported),
                           disbursed=Count("pk", filter=disbursed), disbursed_amount=Sum("amount", filter=disbursed))):
        target = row(item)
        target.update(imported=item["imported"], imported_amount=item["imported_amount"] or ZERO,
                      disbursed=item["disbursed"], disbursed_amount=item["disbursed_amount"] or ZERO)
    ordered = sorted(rows.values(), key=lambda r: (-r["published"], -r["told"], r.get("department", "")))
    totals = {key: sum((r[key] for r in ordered), ZERO if "amount" in key else 0)
              for key in ("published", "told", "read", "applied", "imported", "imported_amount", "disbursed",
                          "disbursed_amount")}
    return {"departments": ordered, "totals": totals}
