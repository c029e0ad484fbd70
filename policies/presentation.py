"""How a policy's eligibility reads for a person (codes only in the API): one line per criterion."""

from __future__ import annotations

from accounts.industries import SECTION_NAMES
from accounts.models import Region
from policies.matching import SCALE_NAMES, tag_names


def eligibility(policy) -> list[tuple[str, str]]:
    if policy.industries:
        industries = "、".join(f"{SECTION_NAMES.get(c, c)}（{c}）" for c in policy.industries)
    else:
        industries = "不限"
    scales = "、".join(str(SCALE_NAMES.get(c, c)) for c in policy.scales) if policy.scales else "不限"
    if policy.regions:
        names = dict(Region.objects.filter(code__in=policy.regions).values_list("code", "name"))
        regions = "、".join(names.get(c, c) for c in policy.regions)
    else:
        regions = f"{policy.region.name}及其下辖区域"
    if policy.min_years is not None and policy.max_years is not None:
        years = f"成立满 {policy.min_years} 年、不超过 {policy.max_years} 年"
    elif policy.min_years is not None:
        years = f"成立满 {policy.min_years} 年"
    elif policy.max_years is not None:
        years = f"成立不超过 {policy.max_years} 年"
    else:
        years = "不限"
    if policy.tags:
        names = tag_names()
        tags = "、".join(names.get(c, c) for c in policy.tags) + "（须全部具备）"
    else:
        tags = "不限"
    return [("适用行业", industries), ("企业规模", scales), ("适用区域", regions), ("成立年限", years), ("企业标签", tags)]
