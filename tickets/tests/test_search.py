"""Keyword search finds Chinese words of two characters or more inside numbers, titles and enterprise names, on an
index on PostgreSQL (core.search), and the same on SQLite without one."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import valid_uscc
from core.search import document, matches
from tickets import workflow
from tickets.models import Demand, Ticket
from tickets.tests.helpers import dispatched_ticket, register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def tunpu(office_clerk):
    """A ticket for an enterprise with 屯堡 inside its name, and one for another enterprise."""
    found = dispatched_ticket(office_clerk, enterprise_name="安顺屯堡食品有限公司", enterprise_uscc=valid_uscc(11), title="冷库用电增容")
    other = dispatched_ticket(office_clerk, enterprise_name="黔中机械制造有限公司", enterprise_uscc=valid_uscc(12), title="厂房消防验收")
    return found, other


def ticket_numbers(keyword) -> set[str]:
    return set(Ticket.objects.filter(matches("search_text", keyword)).values_list("number", flat=True))


def test_a_two_character_word_inside_an_enterprise_name_finds_its_ticket(tunpu):
    found, other = tunpu
    assert ticket_numbers("屯堡") == {found.number}
    assert ticket_numbers("屯堡食品") == {found.number}
    assert ticket_numbers("用电增容") == {found.number}  # the title
    assert ticket_numbers("食堡") == set()  # every bigram of the query must stand in one piece


def test_numbers_are_found_by_any_piece_whatever_the_case(tunpu):
    found, _ = tunpu
    demand = found.demands.get()
    assert ticket_numbers(found.number.lower()) == {found.number}
    assert ticket_numbers(demand.number[-6:]) >= {found.number}  # the demand's number (SQ…) finds its ticket
    assert ticket_numbers(" 屯堡 ") == {found.number}  # spaces around a keyword are not part of it


def test_a_merged_demand_makes_its_enterprise_findable_on_the_ticket(office_clerk, tunpu):
    found, _ = tunpu
    late = register(office_clerk, enterprise_name="紫云红心薯业合作社", enterprise_uscc=valid_uscc(13))
    workflow.demand_merge(actor=office_clerk, demand=late, into=found,
                          consent={"by": "王先生", "method": "phone", "at": datetime(2026, 1, 1, 9, 0, tzinfo=SH)})
    assert ticket_numbers("红心薯业") == {found.number}
    assert ticket_numbers(late.number) == {found.number}


def test_demands_are_searched_by_their_own_text(tunpu):
    found, other = tunpu
    demand = found.demands.get()
    assert demand.search_text == document(demand.number, demand.title, "安顺屯堡食品有限公司")
    assert set(Demand.objects.filter(matches("search_text", "屯堡")).values_list("pk", flat=True)) == {demand.pk}


def test_the_ticket_list_and_the_demand_list_search_by_keyword(client, office_clerk, tunpu):
    found, other = tunpu
    client.force_login(office_clerk)
    body = client.get(reverse("tickets:ticket_list"), {"q": "屯堡"}).content.decode()
    assert found.number in body and other.number not in body
    body = client.get(reverse("tickets:demand_list"), {"q": "屯堡"}).content.decode()
    assert found.demands.get().number in body and other.demands.get().number not in body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index exists on PostgreSQL only")
def test_on_postgresql_the_bigram_index_serves_a_two_character_query(tunpu):
    found, _ = tunpu
    # Unordered: the question is whether the filter is served by the bigram index. (Ordered newest first, a table of
    # a few rows is cheapest read backwards along the created_at index, filtering each row; at scale the bench's
    # keyword pages show the bigram index chosen.)
    queryset = Ticket.objects.filter(matches("search_text", "屯堡")).order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "ticket_search_bigrams" in plan
    with connection.cursor() as cursor:
        cursor.execute("SELECT qyzj_bigrams('屯堡食品')")
        assert sorted(cursor.fetchone()[0]) == ["堡食", "屯堡", "食品"]
