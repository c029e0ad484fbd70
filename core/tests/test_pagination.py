"""Pages of every list: the screens' bounded count and the API's pages (core.pagination), through the notifications
list (the simplest API list: a caller's own rows)."""

import pytest
from django.db import connection
from django.test import RequestFactory
from rest_framework.test import APIClient

from core.pagination import BoundedPaginator, bounded_count, estimated_count, paginate
from notifications.models import Notification

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications/"


def notifications(user, n: int) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=user, event="dispatch", key=f"k{i}", title=f"第{i}条") for i in range(n)
    )


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 2 and exact counts up to 3, so that a handful of rows shows every case."""
    monkeypatch.setattr("core.pagination.BoundedPagination.page_size", 2)
    monkeypatch.setattr("core.pagination.BoundedPagination.EXACT_UP_TO", 3)


def test_the_count_reads_at_most_one_row_past_its_limit(lead_handler):
    notifications(lead_handler, 5)
    rows = Notification.objects.filter(recipient=lead_handler)
    assert bounded_count(rows, 10) == 5 and bounded_count(rows, 3) == 4 and bounded_count(rows, 5) == 5


def test_the_estimate_comes_from_postgresql_only(lead_handler):
    notifications(lead_handler, 5)
    estimate = estimated_count(Notification.objects.all())
    if connection.vendor == "postgresql":
        assert isinstance(estimate, int) and estimate >= 0
    else:
        assert estimate is None


def test_a_screen_past_its_limit_says_so(lead_handler):
    notifications(lead_handler, 7)
    paginator = BoundedPaginator(Notification.objects.order_by("pk"), 2, limit=5)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, True, 3)
    page = paginate(RequestFactory().get("/?page=abc"), Notification.objects.order_by("pk"), per_page=2, limit=5)
    assert page.number == 1 and page.paginator.capped


def test_api_pages_link_to_each_other_with_the_filters_kept(lead_handler, small_pages):
    notifications(lead_handler, 5)
    first = api(lead_handler).get(URL, {"unread": "1"}).json()
    assert (len(first["results"]), first["previous"]) == (2, None)
    assert first["next"].endswith(f"{URL}?page=2&unread=1") or first["next"].endswith(f"{URL}?unread=1&page=2")
    second = api(lead_handler).get(first["next"]).json()
    assert "page" not in second["previous"] and "unread=1" in second["previous"]
    last = api(lead_handler).get(URL, {"unread": "1", "page": 3}).json()
    assert (last["count"], last["count_exact"], len(last["results"]), last["next"]) == (5, True, 1, None)
    seen = [row["id"] for page in (first, second, last) for row in page["results"]]
    assert len(set(seen)) == 5


def test_a_long_list_is_estimated_and_says_so(lead_handler, small_pages, django_assert_max_num_queries):
    notifications(lead_handler, 5)
    body = api(lead_handler).get(URL).json()
    if connection.vendor == "postgresql":
        assert body["count_exact"] is False and body["count"] >= 4  # never below the exact limit + 1
    else:
        assert (body["count"], body["count_exact"]) == (5, True)  # SQLite gives no estimate: counted
    assert len(body["results"]) == 2 and body["next"]


def test_a_short_list_is_counted_exactly(lead_handler, small_pages):
    notifications(lead_handler, 3)
    body = api(lead_handler).get(URL).json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (3, True, 2)


def test_the_last_page_needs_no_count(lead_handler, django_assert_max_num_queries):
    notifications(lead_handler, 3)
    client = api(lead_handler)
    client.get(URL)
    with django_assert_max_num_queries(2) as captured:  # the user's session is forced: the rows, nothing else
        body = client.get(URL).json()
    assert (body["count"], body["count_exact"]) == (3, True)
    assert not any("COUNT(" in query["sql"].upper() for query in captured.captured_queries)


@pytest.mark.parametrize(("page", "message"), [("0", "无效"), ("abc", "无效"), ("-1", "无效"), ("9", "没有数据")])
def test_a_bad_page_is_404_in_chinese(lead_handler, page, message):
    notifications(lead_handler, 3)
    response = api(lead_handler).get(URL, {"page": page})
    assert response.status_code == 404 and message in response.json()["error"]


def test_an_empty_list_has_one_empty_page(lead_handler):
    body = api(lead_handler).get(URL).json()
    assert body == {"count": 0, "count_exact": True, "next": None, "previous": None, "results": []}
