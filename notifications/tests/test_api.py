"""GET /api/v1/notifications/: the caller's own notifications only."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_lists_only_the_callers_notifications_newest_first(lead_handler, other_handler):
    first = Notification.objects.create(recipient=lead_handler, event="dispatch", key="a", title="第一条", url="/tickets/1/")
    second = Notification.objects.create(recipient=lead_handler, event="result", key="b", title="第二条", read_at=timezone.now())
    Notification.objects.create(recipient=other_handler, event="dispatch", key="a", title="别人的")
    response = api(lead_handler).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]
    row = body["results"][1]
    assert row["event"] == "dispatch" and row["event_label"] == "派单" and row["unread"] is True and row["url"] == "/tickets/1/"
    assert api(lead_handler).get(URL, {"unread": "1"}).json()["count"] == 1


def test_bad_filter_is_a_400_in_chinese(lead_handler):
    response = api(lead_handler).get(URL, {"unread": "yes"})
    assert response.status_code == 400 and "unread" in response.json()["errors"]


def test_anonymous_is_refused_and_post_is_405(lead_handler):
    assert api().get(URL).status_code == 401
    assert api(lead_handler).post(URL, {}).status_code == 405
