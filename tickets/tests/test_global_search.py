"""The global search of the top bar (/staff/search/): tickets, demands and enterprises found by one keyword, each within what
the user may read (tickets.search)."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Enterprise, Role
from accounts.tests.factories import UserFactory, department, valid_uscc
from tickets.tests.helpers import dispatched_ticket, register

pytestmark = pytest.mark.django_db
URL = reverse("tickets:search")

# The user, the menu's queue count, and per group its rows (with the tickets' departments and the demands' tickets
# read by the shown rows' ids) plus a count when more rows match than are shown, and on PostgreSQL for a word of two
# characters the planner's estimate of how common it is (tickets.search.demands_found): never a query per row.
SEARCH_QUERIES = 11


@pytest.fixture
def world(office_clerk, county_office):
    """A city ticket led by 市场监管 (scjg) with 屯堡 in its enterprise's name and 冷库 in its demand's content, a city
    ticket led by 商务 (sw), and a county ticket of 西秀."""
    scjg = dispatched_ticket(
        office_clerk, lead="anshun-scjg", enterprise_name="安顺屯堡食品有限公司", enterprise_uscc=valid_uscc(21),
        title="食品生产许可延续", content="我公司新建冷库已投用，申请食品生产许可延续时被告知需重新现场核查。",
    )
    sw = dispatched_ticket(
        office_clerk, lead="anshun-sw", enterprise_name="黔中屯堡商贸有限公司", enterprise_uscc=valid_uscc(22),
        title="展会摊位费补贴申领", content="参加展会的摊位费补贴迟迟未到账。",
    )
    county = dispatched_ticket(
        county_office, lead="xixiu-scjg", enterprise_name="西秀屯堡茶业有限公司", enterprise_uscc=valid_uscc(23),
        title="茶叶加工厂房租赁", content="冷库租赁合同到期后园区不再续租。",
    )
    return {"scjg": scjg, "sw": sw, "county": county}


def search(client, user, q, **params):
    client.force_login(user)
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_office_finds_tickets_demands_and_enterprises_by_a_word(client, office_clerk, world):
    response, body = search(client, office_clerk, "屯堡")
    groups = {g.key: g for g in response.context["overview"]}
    # The city office reads its region and the counties below it.
    assert {t.number for t in groups["tickets"].rows} == {world[k].number for k in ("scjg", "sw", "county")}
    assert {d.number for d in groups["demands"].rows} == {world[k].demands.get().number for k in ("scjg", "sw", "county")}
    assert {e.name for e in groups["enterprises"].rows} >= {"安顺屯堡食品有限公司", "西秀屯堡茶业有限公司"}
    assert "工单" in body and "诉求" in body and "企业" in body


def test_a_two_character_word_of_the_content_finds_the_demands_with_their_tickets(client, office_clerk, world):
    response, body = search(client, office_clerk, "冷库")
    groups = {g.key: g for g in response.context["overview"]}
    assert {d.ticket_id for d in groups["demands"].rows} == {world["scjg"].pk, world["county"].pk}
    assert world["scjg"].number in body and world["county"].number in body  # each demand shows its ticket
    # Content is searched on demands only (tickets.search.tickets_found).
    assert groups["tickets"].rows == [] and groups["enterprises"].rows == []


def test_a_piece_of_a_number_finds_the_ticket_and_the_demand(client, office_clerk, world):
    ticket = world["scjg"]
    demand = ticket.demands.get()
    response, body = search(client, office_clerk, demand.number[:6])  # "SQ2026"-like: the prefix and the year
    assert demand.number in body
    response, body = search(client, office_clerk, demand.number[-6:].lower())
    groups = {g.key: g for g in response.context["overview"]}
    assert demand.pk in {d.pk for d in groups["demands"].rows}
    assert ticket.pk in {t.pk for t in groups["tickets"].rows}  # a ticket is found by its demands' numbers
    response, _ = search(client, office_clerk, ticket.number)
    assert [t.pk for t in {g.key: g for g in response.context["overview"]}["tickets"].rows] == [ticket.pk]


def test_an_enterprise_is_found_by_a_piece_of_its_uscc(client, office_clerk, world):
    code = valid_uscc(21)
    Enterprise.objects.filter(uscc=code).update(region=office_clerk.department.region)
    response, _ = search(client, office_clerk, code[-8:].lower())
    assert [e.uscc for e in {g.key: g for g in response.context["overview"]}["enterprises"].rows] == [code]


def test_a_handler_finds_nothing_of_another_departments_tickets(client, lead_handler, other_handler, world):
    response, body = search(client, lead_handler, "屯堡")
    groups = {g.key: g for g in response.context["overview"]}
    assert [t.pk for t in groups["tickets"].rows] == [world["scjg"].pk]
    assert world["sw"].number not in body and world["county"].number not in body
    assert world["sw"].demands.get().number not in body
    response, body = search(client, other_handler, "食品生产")  # the scjg ticket's title, seen from 商务
    groups = {g.key: g for g in response.context["overview"]}
    assert groups["tickets"].rows == [] and groups["demands"].rows == []
    assert world["scjg"].number not in body


def test_a_county_office_finds_nothing_of_the_city(client, county_office, world):
    response, body = search(client, county_office, "屯堡")
    groups = {g.key: g for g in response.context["overview"]}
    assert [t.pk for t in groups["tickets"].rows] == [world["county"].pk]
    assert world["scjg"].number not in body and world["sw"].number not in body
    assert all(e.region.code == "xixiu" for e in groups["enterprises"].rows)


def test_the_government_and_a_specialist_search_too(client, government_user, specialist, world):
    for user in (government_user, specialist):
        response, _ = search(client, user, "屯堡")
        assert world["scjg"].pk in {t.pk for t in {g.key: g for g in response.context["overview"]}["tickets"].rows}


@pytest.mark.parametrize("q", ["屯", "5", " 屯 "])
def test_a_one_character_keyword_is_explained_in_chinese(client, office_clerk, world, q):
    response, body = search(client, office_clerk, q)
    assert "至少需要 2 个字符" in body and "overview" not in response.context


def test_a_keyword_too_long_is_refused(client, office_clerk, world):
    response, body = search(client, office_clerk, "屯堡" * 40)
    assert "最多 64 个字符" in body and "overview" not in response.context


def test_an_empty_keyword_shows_the_form_only(client, office_clerk, world):
    response, body = search(client, office_clerk, "   ")
    assert "overview" not in response.context and "search-error" not in body


def test_a_group_is_listed_in_full_page_by_page(client, office_clerk, world):
    for n in range(6):
        register(office_clerk, enterprise_name=f"屯堡配套企业{n}有限公司", enterprise_uscc=valid_uscc(40 + n))
    response, body = search(client, office_clerk, "屯堡")
    demands = {g.key: g for g in response.context["overview"]}["demands"]
    assert len(demands.rows) == 5 and demands.count == 9 and "查看全部 9 条诉求" in body
    response, body = search(client, office_clerk, "屯堡", group="demands")
    assert response.context["page"].paginator.count == 9 and "共 9 条" in body


@pytest.mark.parametrize("role", [Role.SYSADMIN, Role.AUDITOR, Role.SECADMIN, Role.CHAMBER, Role.SUPERVISOR])
def test_roles_without_tickets_get_403_and_no_box(client, role):
    user = UserFactory(role=role, department=department("anshun-zwfw"))
    client.force_login(user)
    response = client.get(URL, {"q": "屯堡"})
    assert response.status_code == 403
    assert 'data-testid="topbar-search"' not in client.get(reverse("notifications:list")).content.decode()


def test_the_enterprise_gets_403_and_no_box(client, enterprise_user):
    client.force_login(enterprise_user)
    assert client.get(URL, {"q": "屯堡"}).status_code == 403
    assert 'data-testid="topbar-search"' not in client.get(reverse("tickets:my_demands")).content.decode()


def test_staff_have_the_box_in_the_top_bar_with_a_label(client, lead_handler):
    client.force_login(lead_handler)
    body = client.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="topbar-search"' in body and '<label class="visually-hidden" for="topbar-q">' in body


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(URL, {"q": "屯堡"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_post_is_not_allowed(client, office_clerk):
    client.force_login(office_clerk)
    assert client.post(URL, {"q": "屯堡"}).status_code == 405


def test_the_results_page_costs_the_same_however_many_rows_match(
    client, office_clerk, world, django_assert_max_num_queries
):
    client.force_login(office_clerk)
    client.get(URL, {"q": "屯堡"})  # the calendar and the session are warm
    with django_assert_max_num_queries(SEARCH_QUERIES):
        client.get(URL, {"q": "屯堡"})
    for n in range(8):
        dispatched_ticket(office_clerk, enterprise_name=f"屯堡配套企业{n}有限公司", enterprise_uscc=valid_uscc(60 + n))
    with django_assert_max_num_queries(SEARCH_QUERIES):
        response = client.get(URL, {"q": "屯堡"})
    assert {g.key: g for g in response.context["overview"]}["tickets"].count == 11


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram indexes exist on PostgreSQL only")
def test_on_postgresql_content_and_enterprise_names_are_searched_through_their_bigram_indexes(office_clerk, world):
    from core.search import matches_raw
    from tickets.models import Demand
    from tickets.search import content_matches

    # Unordered and without the scope: the question is whether each condition can be served by its index (see
    # test_search.py; at scale the bench's search pages show them chosen).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        demand_plan = Demand.objects.filter(content_matches("冷库")).order_by().explain()
        enterprise_plan = Enterprise.objects.filter(matches_raw("name", "屯堡")).order_by().explain()
        uscc_plan = Enterprise.objects.filter(matches_raw("uscc", "ma6j")).order_by().explain()
    assert "demand_content_bigrams" in demand_plan
    assert "enterprise_name_bigrams" in enterprise_plan and "enterprise_uscc_bigrams" in uscc_plan


def test_the_demand_group_shows_the_newest_of_both_conditions_and_counts_their_union(client, office_clerk, specialist):
    """A word in one demand's enterprise name and in another's content, and in both of a third: three demands, the
    newest first, counted once each (core.search.matches_either)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    sh = ZoneInfo("Asia/Shanghai")
    with time_machine.travel(datetime(2026, 9, 14, 9, 0, tzinfo=sh), tick=False):
        by_name = register(specialist, enterprise_name="安顺龙宫旅游有限公司", enterprise_uscc=valid_uscc(81))
    with time_machine.travel(datetime(2026, 9, 15, 9, 0, tzinfo=sh), tick=False):
        both = register(specialist, enterprise_name="龙宫景区管理公司", enterprise_uscc=valid_uscc(82),
                        content="龙宫景区停车场扩建用地审批慢。")
    with time_machine.travel(datetime(2026, 9, 16, 9, 0, tzinfo=sh), tick=False):
        by_content = register(specialist, content="去龙宫方向的道路维修影响游客通行。")
    client.force_login(office_clerk)
    demands = {g.key: g for g in client.get(URL, {"q": "龙宫"}).context["overview"]}["demands"]
    assert [d.pk for d in demands.rows] == [by_content.pk, both.pk, by_name.pk] and demands.count == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram conditions exist on PostgreSQL only")
def test_a_common_two_character_word_finds_the_same_demands_by_its_bigram_alone(office_clerk, specialist, monkeypatch):
    from tickets import search

    register(specialist, title="园区道路破损", content="厂区门前道路破损。")
    register(specialist, title="招工难", content="需要焊工。", enterprise_name="道路运输公司", enterprise_uscc=valid_uscc(90))
    register(specialist, title="无关事项", content="申请补贴。", enterprise_uscc=valid_uscc(91))
    rare = [d.pk for d in search.demands_found(office_clerk, "道路")]
    monkeypatch.setattr(search, "COMMON_WORD_ROWS", -1)  # every word counts as common: the bigram-only condition
    assert [d.pk for d in search.demands_found(office_clerk, "道路")] == rare and len(rare) == 2
