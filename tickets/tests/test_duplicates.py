"""Likely duplicates: texts that read alike (jieba words compared by rapidfuzz), in the same region within 30 days,
ranked by similarity; the same enterprise's listed apart with a lower threshold, never on the enterprise alone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Role
from accounts.tests.factories import UserFactory, department, valid_uscc
from tickets import duplicates
from tickets.duplicates import duplicate_counts, likely_duplicates, similarity, split
from tickets.tests.helpers import dispatched_ticket, register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 10, 12, 9, 0, tzinfo=SH)

RENT = "园区厂房租金补贴申请已提交三个月，至今没有审核结果，企业资金周转困难，请尽快协调兑现。"
RENT_AGAIN = "园区厂房租金补贴申请提交已经三个月，至今仍没有审核结果，企业资金周转困难，请帮助尽快兑现。"
HIRING = "企业扩产需要招聘五十名熟练焊工，本地人才市场难以招到，希望人社部门帮助对接职业院校。"
# The same matter in other words: what word segmentation finds and a character-by-character ratio (50 %) misses.
RENT_REWORDED = "我们申请的厂房租金补贴三个月了还没审核，请协调。"
ROAD = "企业门前道路破损，影响货车通行，希望尽快维修。"


def at(days):
    return time_machine.travel(START + timedelta(days=days), tick=False)


def make(actor, days=0, **overrides):
    with at(days):
        return register(actor, **overrides)


def numbers(found):
    return [d.demand.number for d in found]


def test_same_enterprise_is_no_duplicate_by_itself(specialist):
    make(specialist, title="用地问题", content=HIRING, enterprise_uscc=valid_uscc(1))
    second = make(specialist, days=3, title="租金问题", content=RENT, enterprise_uscc=valid_uscc(1))
    assert likely_duplicates(second) == []


def test_an_active_enterprise_gets_no_hint_for_its_unrelated_demands(specialist):
    texts = [("厂房租金补贴未兑现", RENT), ("招聘焊工困难", HIRING), ("门前道路破损", ROAD),
             ("税控设备领用问题", "公司新开办，申领税控设备时系统提示信息不一致。")]
    made = [make(specialist, days=i, title=t, content=c, enterprise_uscc=valid_uscc(1)) for i, (t, c) in enumerate(texts)]
    assert duplicate_counts(made) == {d.pk: 0 for d in made}


def test_same_enterprise_saying_the_same_matter_again_is_a_likely_duplicate(specialist):
    first = make(specialist, title="厂房租金补贴未兑现", content=RENT, enterprise_uscc=valid_uscc(1))
    second = make(specialist, days=3, title="租金补贴申请没有结果", content=RENT_REWORDED, enterprise_uscc=valid_uscc(1))
    found = likely_duplicates(second)
    assert numbers(found) == [first.number]
    assert found[0].same_enterprise and found[0].reason == f"同一企业，相似度 {found[0].percent}%"
    assert found[0].ratio >= duplicates.SAME_ENTERPRISE_SIMILARITY


def test_very_similar_text_of_another_enterprise_is_a_likely_duplicate(specialist):
    first = make(specialist, title="厂房租金补贴未兑现", content=RENT, enterprise_uscc=valid_uscc(2))
    second = make(specialist, days=1, title="厂房租金补贴迟迟未兑现", content=RENT_AGAIN, enterprise_uscc=valid_uscc(3))
    found = likely_duplicates(second)
    assert numbers(found) == [first.number]
    assert not found[0].same_enterprise and found[0].ratio >= 0.6
    assert found[0].reason == f"相似度 {found[0].percent}%" and found[0].percent >= 90


def test_different_text_of_another_enterprise_is_not(specialist):
    make(specialist, title="厂房租金补贴未兑现", content=RENT, enterprise_uscc=valid_uscc(4))
    other = make(specialist, days=1, title="招聘焊工困难", content=HIRING, enterprise_uscc=valid_uscc(5))
    assert likely_duplicates(other) == []


def test_only_within_30_days_either_side(specialist):
    old = make(specialist, days=-31, enterprise_uscc=valid_uscc(6))
    edge = make(specialist, days=-30, enterprise_uscc=valid_uscc(6))
    demand = make(specialist, enterprise_uscc=valid_uscc(6))
    later = make(specialist, days=29, enterprise_uscc=valid_uscc(6))
    found = numbers(likely_duplicates(demand))
    assert old.number not in found and edge.number in found and later.number in found


def test_only_in_the_same_region_and_never_itself(specialist, county_office):
    city = make(specialist, enterprise_uscc=valid_uscc(7))
    registrar = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    county = make(registrar, days=1, channel="department", enterprise_uscc=valid_uscc(7))
    assert likely_duplicates(city) == [] and likely_duplicates(county) == []


def test_anonymous_demands_match_by_text_only(specialist):
    first = make(specialist, anonymous=True, enterprise_name="", enterprise_uscc="", title="租金补贴", content=RENT)
    other = make(specialist, days=1, anonymous=True, enterprise_name="", enterprise_uscc="", title="招聘", content=HIRING)
    again = make(specialist, days=2, anonymous=True, enterprise_name="", enterprise_uscc="", title="租金补贴", content=RENT_AGAIN)
    assert numbers(likely_duplicates(again)) == [first.number]
    assert likely_duplicates(other) == []


def test_each_duplicate_shows_its_state_and_ticket(office_clerk, specialist):
    with at(0):
        ticket = dispatched_ticket(office_clerk, registrar=specialist, enterprise_uscc=valid_uscc(8))
    demand = make(specialist, days=1, enterprise_uscc=valid_uscc(8))
    found = likely_duplicates(demand)
    assert found[0].demand.state == "ticketed" and found[0].demand.ticket.number == ticket.number


def test_ranked_by_similarity_and_split_by_enterprise(specialist):
    reworded = make(specialist, title="租金补贴申请没有结果", content=RENT_REWORDED, enterprise_uscc=valid_uscc(9))
    close = make(specialist, days=1, title="厂房租金补贴未兑现", content=RENT, enterprise_uscc=valid_uscc(11))
    same = make(specialist, days=1, title="厂房租金补贴还没兑现", content=RENT_REWORDED, enterprise_uscc=valid_uscc(10))
    make(specialist, days=1, title="招聘焊工", content=HIRING, enterprise_uscc=valid_uscc(10))  # same enterprise, unrelated
    demand = make(specialist, days=2, title="厂房租金补贴迟迟未兑现", content=RENT_AGAIN, enterprise_uscc=valid_uscc(10))
    found = likely_duplicates(demand)
    assert numbers(found) == [close.number, same.number, reworded.number]
    assert [d.ratio for d in found] == sorted((d.ratio for d in found), reverse=True)
    same_enterprise, others = split(found)
    assert numbers(same_enterprise) == [same.number] and numbers(others) == [close.number, reworded.number]


def test_below_the_threshold_another_enterprise_is_not_listed(specialist):
    # Shares 企业, 园区, 厂房 … with the demand, but is about something else.
    make(specialist, title="园区厂房消防验收", content="园区新建厂房申请消防验收两个月仍未排期，企业无法投产。",
         enterprise_uscc=valid_uscc(12))
    demand = make(specialist, days=1, title="厂房租金补贴迟迟未兑现", content=RENT_AGAIN, enterprise_uscc=valid_uscc(13))
    assert likely_duplicates(demand) == []


def test_finder_costs_at_most_three_queries(specialist, django_assert_max_num_queries, django_assert_num_queries):
    """Two reads of candidates as plain values, then one of the demands found (with their tickets): constant, however
    many candidates are scored (model instances of every candidate cost more than the third query)."""
    for i in range(5):
        make(specialist, days=i, enterprise_uscc=valid_uscc(20 + i % 2))
    demand = make(specialist, days=6, enterprise_uscc=valid_uscc(20))
    with django_assert_max_num_queries(3):
        found = likely_duplicates(demand)
        [d.demand.ticket for d in found]
    assert len(found) == 5  # all alike in text (the helpers' default content)
    alone = make(specialist, days=6, title="完全不同的事项", content=HIRING, enterprise_uscc=valid_uscc(29))
    with django_assert_num_queries(2):  # nothing found: nothing more to read
        assert likely_duplicates(alone) == []


def test_text_candidates_are_bounded(specialist, monkeypatch):
    similar = make(specialist, title="厂房租金补贴未兑现", content=RENT, enterprise_uscc=valid_uscc(30))
    for i in range(3):
        make(specialist, days=1, title=f"招聘{i}", content=HIRING, enterprise_uscc=valid_uscc(31 + i))
    demand = make(specialist, days=2, title="厂房租金补贴迟迟未兑现", content=RENT_AGAIN, enterprise_uscc=valid_uscc(40))
    assert numbers(likely_duplicates(demand)) == [similar.number]
    # With room for only the three most recent candidates, the older look-alike is not compared.
    assert likely_duplicates(demand, limit=3) == []
    assert duplicate_counts([demand], limit=3) == {demand.pk: 0}


def test_counts_for_a_page_agree_with_the_finder(specialist, django_assert_max_num_queries):
    page = [
        make(specialist, title="厂房租金补贴未兑现", content=RENT, enterprise_uscc=valid_uscc(50)),
        make(specialist, days=1, title="厂房租金补贴迟迟未兑现", content=RENT_AGAIN, enterprise_uscc=valid_uscc(51)),
        make(specialist, days=2, title="招聘焊工", content=HIRING, enterprise_uscc=valid_uscc(50)),
        make(specialist, days=3, title="独立的一件事", content="企业门前道路破损影响货车通行。", enterprise_uscc=valid_uscc(52)),
    ]
    with django_assert_max_num_queries(2):
        counts = duplicate_counts(page)
    assert counts == {d.pk: len(likely_duplicates(d)) for d in page}
    assert [counts[d.pk] for d in page] == [1, 1, 0, 0]  # the same enterprise's 招聘焊工 is no duplicate


def test_counts_of_an_empty_page_need_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert duplicate_counts([]) == {}


def test_similarity_ratio():
    assert similarity(RENT, RENT) == 1.0
    assert similarity(RENT, RENT_AGAIN) >= duplicates.SIMILARITY
    assert similarity("厂房租金补贴\n" + RENT, "租金补贴申请\n" + RENT_REWORDED) >= duplicates.SIMILARITY
    assert similarity(RENT, HIRING) < duplicates.SIMILARITY
    assert similarity("短", RENT) == 0.0  # ruled out by length alone
