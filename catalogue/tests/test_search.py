"""Search over name, conditions and materials' names: Chinese words and substrings, through the bigram index on
PostgreSQL (core.search), the same on SQLite without one. The text searched is the published version."""

import pytest
from django.db import connection

from catalogue import services
from catalogue.models import ServiceItem
from catalogue.selectors import search_published
from catalogue.tests.helpers import make_item
from core.search import document, matches

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue_items(lead_handler, other_handler):
    licence = make_item(lead_handler, publish=True)
    social = make_item(other_handler, publish=True, name="办理单位职工社保登记", domain="talent", kind="public_service",
                       conditions="新成立的用人单位", materials=[{"name": "劳动合同", "original": False, "copies": 1}])
    return licence, social


def names(keyword) -> set[str]:
    return set(search_published(q=keyword).values_list("name", flat=True))


def test_a_word_inside_a_name_finds_the_item(catalogue_items):
    assert names("营业执照") == {"办理营业执照变更登记"}
    assert names("社保") == {"办理单位职工社保登记"}
    assert names("劳动合同") == {"办理单位职工社保登记"}  # a material's name
    assert names("用人单位") == {"办理单位职工社保登记"}  # the conditions
    assert names("执营") == set()


def test_the_searched_text_is_the_published_version(catalogue_items, lead_handler):
    licence, _ = catalogue_items
    assert licence.search_text == licence.search_document()
    assert licence.search_text.startswith(document("办理营业执照变更登记"))
    services.item_update(actor=lead_handler, item=licence, name="办理公司登记事项变更")
    assert names("公司登记") == set() and names("办理营业执照") == {"办理营业执照变更登记"}
    services.item_publish(actor=lead_handler, item=licence)
    assert names("公司登记") == {"办理公司登记事项变更"} and names("办理营业执照") == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index exists on PostgreSQL only")
def test_on_postgresql_the_bigram_index_serves_a_two_character_query(catalogue_items):
    # The keyword condition alone (unordered), with sequential scans off so a table of two rows still shows which
    # index the planner would use: the question is whether the bigram index serves the condition (on two rows the
    # state index is cheaper for the whole public query; at 100,000 items the keyword is the selective part).
    queryset = ServiceItem.objects.filter(matches("search_text", "社保")).order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "service_item_search_bigrams" in plan
    assert names("社保") == {"办理单位职工社保登记"} and names("营业执照") == {"办理营业执照变更登记"}
