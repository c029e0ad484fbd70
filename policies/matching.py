"""Which policies fit which enterprise, and why (OUTREACH §2): one pure function, `match`, serves the enterprise's page,
the precise push and the API. `criteria_of` and `profile_of` read what it needs from the database; `candidates` narrows
a policy's enterprises in SQL before `match` decides each (the push and the department's figures at 100,000 rows).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.industries import SECTION_NAMES
from accounts.models import Enterprise, Region, Scale

SCALE_NAMES = dict(Scale.choices)


@dataclass(frozen=True)
class Criteria:
    """A policy as matching sees it. Empty tuples mean "any"; `regions` empty means the issuing region and below."""

    published: bool
    effective_to: datetime.date | None
    issuing_region: str
    industries: tuple[str, ...] = ()
    scales: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    min_years: int | None = None
    max_years: int | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    """An enterprise as matching sees it: its region with the regions above it (nearest first), and its tags."""

    industry: str = ""
    scale: str = ""
    regions: tuple[str, ...] = ()
    region_name: str = ""
    established_on: datetime.date | None = None
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Match:
    matched: bool
    reasons: list[str] = field(default_factory=list)  # why it fits, one line per criterion
    misses: list[str] = field(default_factory=list)  # why it does not (empty when matched)

    def __bool__(self) -> bool:
        return self.matched


def whole_years(since: datetime.date, today: datetime.date) -> int:
    """Whole years from `since` to `today`. A founding on 29 February completes its year on 1 March of a common year
    (28 February is still short of it); `years_ago` and `candidates` agree."""
    years = today.year - since.year
    if (today.month, today.day) < (since.month, since.day):
        years -= 1
    return years


def years_ago(today: datetime.date, years: int) -> datetime.date:
    """The date `years` whole years before `today` (28 February for 29 February in a common year)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def match(criteria: Criteria, profile: Profile, today: datetime.date, *, tag_names: dict[str, str] | None = None,
          region_names: dict[str, str] | None = None) -> Match:
    """Whether the policy fits the enterprise on `today`, with the reasons in Chinese. Pure: reads nothing else."""
    tag_names = tag_names or {}
    region_names = region_names or {}
    reasons: list[str] = []
    misses: list[str] = []
    if not criteria.published:
        misses.append("政策未发布或已撤回")
    elif criteria.effective_to is not None and criteria.effective_to < today:
        misses.append(f"政策已于 {criteria.effective_to:%Y年%m月%d日} 失效")

    if criteria.industries:
        if profile.industry in criteria.industries:
            reasons.append(f"行业：{SECTION_NAMES.get(profile.industry, profile.industry)}（{profile.industry}）")
        elif profile.industry:
            misses.append(f"行业不符：本企业为{SECTION_NAMES.get(profile.industry, profile.industry)}（{profile.industry}）")
        else:
            misses.append("企业未填写所属行业门类")

    if criteria.scales:
        if profile.scale in criteria.scales:
            reasons.append(f"规模：{SCALE_NAMES.get(profile.scale, profile.scale)}")
        elif profile.scale:
            misses.append(f"规模不符：本企业为{SCALE_NAMES.get(profile.scale, profile.scale)}")
        else:
            misses.append("企业未填写企业规模")

    allowed = criteria.regions or (criteria.issuing_region,)
    hit = next((code for code in profile.regions if code in allowed), None)
    if hit is not None:
        where = profile.region_name or region_names.get(profile.regions[0], profile.regions[0])
        if hit == profile.regions[0]:
            reasons.append(f"区域：{where}")
        else:
            reasons.append(f"区域：{where}（属{region_names.get(hit, hit)}）")
    elif profile.regions:
        misses.append(f"区域不符：本企业位于{profile.region_name or profile.regions[0]}")
    else:
        misses.append("企业未登记所在区域")

    if criteria.min_years is not None or criteria.max_years is not None:
        if profile.established_on is None:
            misses.append("企业未填写成立日期")
        else:
            years = whole_years(profile.established_on, today)
            if criteria.min_years is not None and years < criteria.min_years:
                misses.append(f"成立年限不足：成立满 {years} 年，须满 {criteria.min_years} 年")
            elif criteria.max_years is not None and years > criteria.max_years:
                misses.append(f"成立年限超出：成立满 {years} 年，须不超过 {criteria.max_years} 年")
            else:
                reasons.append(f"成立满 {years} 年")

    if criteria.tags:
        lacking = [code for code in criteria.tags if code not in profile.tags]
        if lacking:
            misses.append("缺少企业标签：" + "、".join(tag_names.get(code, code) for code in lacking))
        else:
            reasons.append("标签：" + "、".join(tag_names.get(code, code) for code in criteria.tags))

    if not (criteria.industries or criteria.scales or criteria.tags or criteria.min_years is not None
            or criteria.max_years is not None):
        reasons.append("不限行业、规模、成立年限和企业标签")

    if misses:
        return Match(False, [], misses)
    return Match(True, reasons, [])


# --- reading the database --------------------------------------------------------------------------------------------
def criteria_of(policy) -> Criteria:
    return Criteria(
        published=policy.state == "published",
        effective_to=policy.effective_to,
        issuing_region=policy.region.code,
        industries=tuple(policy.industries or ()),
        scales=tuple(policy.scales or ()),
        regions=tuple(policy.regions or ()),
        min_years=policy.min_years,
        max_years=policy.max_years,
        tags=tuple(policy.tags or ()),
    )


def _region_chain(region: Region | None, regions_by_id: dict[int, Region]) -> tuple[str, ...]:
    chain = []
    while region is not None:
        chain.append(region.code)
        region = regions_by_id.get(region.parent_id) if region.parent_id else None
    return tuple(chain)


def regions_by_id() -> dict[int, Region]:
    """Every region (a few dozen rows), to walk the tree without a query per enterprise."""
    return {region.pk: region for region in Region.objects.all()}


def region_names() -> dict[str, str]:
    return {region.code: region.name for region in Region.objects.all()}


def tag_names() -> dict[str, str]:
    from enterprises.models import Tag

    return dict(Tag.objects.values_list("code", "name"))


def profiles_of(enterprises: Iterable[Enterprise], *, regions: dict[int, Region] | None = None) -> dict[int, Profile]:
    """The profiles of many enterprises in two queries (regions and tags), keyed by enterprise id."""
    from enterprises.models import EnterpriseTag

    enterprises = list(enterprises)
    regions = regions if regions is not None else regions_by_id()
    held: dict[int, set[str]] = {}
    for enterprise_id, code in EnterpriseTag.objects.filter(
        enterprise_id__in=[e.pk for e in enterprises]
    ).values_list("enterprise_id", "tag__code"):
        held.setdefault(enterprise_id, set()).add(code)
    profiles = {}
    for enterprise in enterprises:
        region = regions.get(enterprise.region_id) if enterprise.region_id else None
        profiles[enterprise.pk] = Profile(
            industry=enterprise.industry_id or "",
            scale=enterprise.scale,
            regions=_region_chain(region, regions),
            region_name=region.name if region else "",
            established_on=enterprise.established_on,
            tags=frozenset(held.get(enterprise.pk, ())),
        )
    return profiles


def profile_of(enterprise: Enterprise) -> Profile:
    return profiles_of([enterprise])[enterprise.pk]


def match_policy(policy, enterprise: Enterprise, today: datetime.date) -> Match:
    """`match` for one policy and one enterprise read from the database."""
    return match(criteria_of(policy), profile_of(enterprise), today, tag_names=tag_names(), region_names=region_names())


def verified_enterprises() -> QuerySet[Enterprise]:
    """Enterprises whose identity the office has checked: only they are pushed policies and counted as reached."""
    return Enterprise.objects.filter(verification__status="verified")


def candidates(policy, today: datetime.date, *, base: QuerySet[Enterprise] | None = None) -> QuerySet[Enterprise]:
    """The verified enterprises that can fit `policy` on `today`, narrowed in SQL by every criterion. `match` still
    decides each one (and gives the reasons); the two agree (policies/tests/test_matching.py checks them together)."""
    from enterprises.models import EnterpriseTag

    criteria = criteria_of(policy)
    queryset = verified_enterprises() if base is None else base
    if not criteria.published or (criteria.effective_to is not None and criteria.effective_to < today):
        return queryset.none()
    if criteria.industries:
        queryset = queryset.filter(industry_id__in=criteria.industries)
    if criteria.scales:
        queryset = queryset.filter(scale__in=criteria.scales)
    allowed = criteria.regions or (criteria.issuing_region,)
    queryset = queryset.filter(Q(region__code__in=allowed) | Q(region__parent__code__in=allowed))
    if criteria.min_years is not None:
        queryset = queryset.filter(established_on__lte=years_ago(today, criteria.min_years))
    if criteria.max_years is not None:
        # Fewer than max_years + 1 whole years: founded after the date max_years + 1 years ago.
        queryset = queryset.filter(established_on__gt=years_ago(today, criteria.max_years + 1))
    for code in criteria.tags:
        queryset = queryset.filter(Exists(EnterpriseTag.objects.filter(enterprise=OuterRef("pk"), tag__code=code)))
    return queryset
