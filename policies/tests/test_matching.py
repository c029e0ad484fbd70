"""The one matching function (OUTREACH §2): each criterion alone and together, empty criteria, expiry, the region
tree, tags, the years' boundaries; and `candidates()` (SQL) agreeing with `match()` (Python)."""

import datetime

import pytest

from policies.matching import (
    Criteria,
    Profile,
    candidates,
    criteria_of,
    match,
    profiles_of,
    whole_years,
)
from policies.tests.factories import PolicyFactory, verified_enterprise

TODAY = datetime.date(2026, 12, 7)
CITY_FIRM = Profile(industry="C", scale="small", regions=("anshun",), region_name="安顺市",
                    established_on=datetime.date(2018, 4, 16), tags=frozenset({"gaoxin", "zhuanjingtexin"}))
COUNTY_FIRM = Profile(industry="C", scale="small", regions=("xixiu", "anshun"), region_name="西秀区",
                      established_on=datetime.date(2018, 4, 16))


def criteria(**fields) -> Criteria:
    return Criteria(**{"published": True, "effective_to": None, "issuing_region": "anshun", **fields})


# --- each criterion alone ------------------------------------------------------------------------------------------
def test_empty_criteria_match_every_enterprise_of_the_region_with_a_reason():
    result = match(criteria(), CITY_FIRM, TODAY)
    assert result.matched
    assert "区域：安顺市" in result.reasons and "不限行业、规模、成立年限和企业标签" in result.reasons


def test_industry():
    assert match(criteria(industries=("C",)), CITY_FIRM, TODAY).reasons[0] == "行业：制造业（C）"
    miss = match(criteria(industries=("A", "I")), CITY_FIRM, TODAY)
    assert not miss and miss.misses == ["行业不符：本企业为制造业（C）"]
    assert match(criteria(industries=("C",)), Profile(regions=("anshun",)), TODAY).misses == ["企业未填写所属行业门类"]


def test_scale():
    assert "规模：小型" in match(criteria(scales=("small", "micro")), CITY_FIRM, TODAY).reasons
    assert match(criteria(scales=("large",)), CITY_FIRM, TODAY).misses == ["规模不符：本企业为小型"]


def test_expired_or_unpublished_policy_matches_nobody():
    assert match(criteria(effective_to=TODAY), CITY_FIRM, TODAY)  # the last day still counts
    expired = match(criteria(effective_to=TODAY - datetime.timedelta(days=1)), CITY_FIRM, TODAY)
    assert not expired and "失效" in expired.misses[0]
    assert not match(criteria(published=False), CITY_FIRM, TODAY)


# --- the region tree -----------------------------------------------------------------------------------------------
def test_county_enterprise_matches_a_city_policy_with_empty_regions():
    result = match(criteria(), COUNTY_FIRM, TODAY, region_names={"anshun": "安顺市"})
    assert result and "区域：西秀区（属安顺市）" in result.reasons


def test_city_enterprise_does_not_match_a_county_only_policy():
    county_only = criteria(regions=("xixiu",))
    assert match(county_only, COUNTY_FIRM, TODAY)
    assert not match(county_only, CITY_FIRM, TODAY)
    assert not match(criteria(issuing_region="xixiu"), CITY_FIRM, TODAY)


def test_other_county_does_not_match():
    assert not match(criteria(regions=("puding",)), COUNTY_FIRM, TODAY)


def test_enterprise_without_region_matches_nothing():
    assert match(criteria(), Profile(industry="C"), TODAY).misses == ["企业未登记所在区域"]


# --- tags ----------------------------------------------------------------------------------------------------------
def test_every_listed_tag_is_required():
    names = {"gaoxin": "高新技术企业", "zhuanjingtexin": "专精特新", "waimao": "外贸企业"}
    both = match(criteria(tags=("gaoxin", "zhuanjingtexin")), CITY_FIRM, TODAY, tag_names=names)
    assert both and "标签：高新技术企业、专精特新" in both.reasons
    one_missing = match(criteria(tags=("gaoxin", "waimao")), CITY_FIRM, TODAY, tag_names=names)
    assert not one_missing and one_missing.misses == ["缺少企业标签：外贸企业"]


# --- years ---------------------------------------------------------------------------------------------------------
def firm_founded(day: datetime.date) -> Profile:
    return Profile(regions=("anshun",), established_on=day)


def test_min_years_counts_from_the_anniversary_day():
    founded = datetime.date(2024, 12, 7)
    assert match(criteria(min_years=2), firm_founded(founded), TODAY).reasons[1] == "成立满 2 年"
    assert not match(criteria(min_years=2), firm_founded(founded), TODAY - datetime.timedelta(days=1))


def test_max_years_holds_until_the_next_anniversary():
    founded = datetime.date(2023, 12, 8)  # 2 whole years on TODAY, 3 tomorrow
    assert match(criteria(max_years=2), firm_founded(founded), TODAY)
    assert not match(criteria(max_years=2), firm_founded(founded), TODAY + datetime.timedelta(days=1))


def test_founded_on_29_february():
    leap = datetime.date(2024, 2, 29)
    # In a common year the anniversary of 29 February is reached on 1 March (as matching.whole_years computes it).
    assert whole_years(leap, datetime.date(2025, 2, 28)) == 0
    assert whole_years(leap, datetime.date(2025, 3, 1)) == 1
    assert match(criteria(min_years=1), firm_founded(leap), datetime.date(2025, 3, 1))
    assert not match(criteria(min_years=1), firm_founded(leap), datetime.date(2025, 2, 28))
    assert match(criteria(min_years=4), firm_founded(leap), datetime.date(2028, 2, 29))
    assert not match(criteria(min_years=4), firm_founded(leap), datetime.date(2028, 2, 28))


def test_years_need_a_founding_date():
    assert match(criteria(min_years=1), Profile(regions=("anshun",)), TODAY).misses == ["企业未填写成立日期"]


# --- combined ------------------------------------------------------------------------------------------------------
def test_all_criteria_together_give_every_reason():
    result = match(criteria(industries=("C",), scales=("small",), regions=("anshun",), min_years=3, max_years=10,
                            tags=("gaoxin",)), CITY_FIRM, TODAY, tag_names={"gaoxin": "高新技术企业"})
    assert result.reasons == ["行业：制造业（C）", "规模：小型", "区域：安顺市", "成立满 8 年", "标签：高新技术企业"]


def test_one_failing_criterion_among_many_fails_the_match_and_says_which():
    result = match(criteria(industries=("C",), scales=("medium",), tags=("gaoxin",)), CITY_FIRM, TODAY)
    assert not result and result.misses == ["规模不符：本企业为小型"] and result.reasons == []


# --- candidates() agrees with match() ------------------------------------------------------------------------------
POLICY_SHAPES = [
    {},
    {"industries": ["C"]},
    {"industries": ["A", "I"], "scales": ["micro"]},
    {"scales": ["small", "medium"]},
    {"regions": ["xixiu"]},
    {"regions": ["anshun"]},
    {"min_years": 3},
    {"max_years": 2},
    {"min_years": 1, "max_years": 1},
    {"tags": ["gaoxin"]},
    {"tags": ["gaoxin", "zhuanjingtexin"]},
    {"industries": ["C"], "scales": ["small"], "tags": ["gaoxin"], "min_years": 2, "regions": ["xixiu", "anshun"]},
    {"effective_to": TODAY - datetime.timedelta(days=1)},
    {"effective_to": TODAY},
]


@pytest.mark.django_db
def test_candidates_agree_with_match_over_a_mixed_set():
    from django.utils import timezone

    today = timezone.localdate()
    year = datetime.timedelta(days=365)
    firms = [
        verified_enterprise(industry="C", scale="small", region="anshun", established_on=today - 8 * year,
                            tags=("gaoxin", "zhuanjingtexin"), users=0),
        verified_enterprise(industry="C", scale="medium", region="xixiu", established_on=today - 3 * year,
                            tags=("gaoxin",), users=0),
        verified_enterprise(industry="A", scale="micro", region="puding", established_on=today - 400 * datetime.timedelta(days=1),
                            users=0),
        verified_enterprise(industry="I", scale="micro", region="xixiu", established_on=None, users=0),
        verified_enterprise(industry="C", scale="small", region="xixiu",
                            established_on=today.replace(year=today.year - 2), tags=("zhuanjingtexin",), users=0),
        verified_enterprise(industry=None, scale="", region="anshun", established_on=None, users=0),
    ]
    unverified = verified_enterprise(industry="C", scale="small", users=0)
    unverified.verification.status = "unverified"
    unverified.verification.save()
    profiles = profiles_of(firms)
    for shape in POLICY_SHAPES:
        shape = dict(shape)
        if "effective_to" in shape:
            shape["effective_to"] = today + (shape["effective_to"] - TODAY)
        policy = PolicyFactory(state="published", **shape)
        by_sql = set(candidates(policy, today).values_list("pk", flat=True))
        by_match = {firm.pk for firm in firms if match(criteria_of(policy), profiles[firm.pk], today)}
        assert by_sql == by_match, shape
        assert unverified.pk not in by_sql
    assert PolicyFactory(state="draft").pk and not candidates(PolicyFactory(state="draft"), today).exists()
