"""The notification centre, opening a notification, marking all read, and the bell in the top bar."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification

pytestmark = pytest.mark.django_db
LIST = reverse("notifications:list")
READ_ALL = reverse("notifications:mark_all_read")


def make(user, n: int = 1, **fields) -> list[Notification]:
    start = Notification.objects.count()
    return [
        Notification.objects.create(
            recipient=user, event=fields.get("event", "dispatch"), key=f"k{start + i}", title=fields.get("title", f"通知{start + i}"),
            body=fields.get("body", ""), url=fields.get("url", "/tickets/1/"), read_at=fields.get("read_at"),
        )
        for i in range(n)
    ]


def bell_count(html: str) -> str | None:
    match = re.search(r'data-testid="notification-count">(\d+)<', html)
    return match.group(1) if match else None


def test_centre_lists_own_notifications_newest_first_with_unread_marked(client, lead_handler, other_handler):
    old, new = make(lead_handler, 2)
    make(lead_handler, title="已读的通知", read_at=timezone.now())
    make(other_handler, title="别人的通知")
    client.force_login(lead_handler)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(new.title) < html.index(old.title)
    assert "别人的通知" not in html
    assert html.count('data-unread="1"') == 2 and html.count(">未读</span>") == 2
    assert "共 3 条" in html
    assert bell_count(html) == "2"


def test_centre_paginates_and_filters_unread(client, lead_handler):
    make(lead_handler, 25)
    make(lead_handler, 3, read_at=timezone.now())
    client.force_login(lead_handler)
    first = client.get(LIST).content.decode()
    assert first.count('data-testid="notification"') == 20 and "共 28 条，第 1 / 2 页" in first
    second = client.get(LIST, {"page": "2"}).content.decode()
    assert second.count('data-testid="notification"') == 8
    assert client.get(LIST, {"page": "abc"}).status_code == 200  # a malformed page number shows the first page
    unread = client.get(LIST, {"unread": "1"}).content.decode()
    assert "共 25 条" in unread


def test_centre_is_for_every_role_including_enterprise_users(client, enterprise_user, government_user):
    for user in (enterprise_user, government_user):
        make(user, title=f"给{user.username}的通知")
        client.force_login(user)
        html = client.get(LIST).content.decode()
        assert f"给{user.username}的通知" in html and bell_count(html) == "1"


def test_centre_needs_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_centre_query_count_does_not_grow_with_rows(client, lead_handler, django_assert_max_num_queries):
    make(lead_handler, 3)
    client.force_login(lead_handler)
    with django_assert_max_num_queries(12) as first:
        client.get(LIST)
    make(lead_handler, 15)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(LIST)


def test_opening_marks_read_and_goes_to_the_object(client, lead_handler):
    (note,) = make(lead_handler, url="/tickets/42/")
    client.force_login(lead_handler)
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/tickets/42/"
    note.refresh_from_db()
    first_read = note.read_at
    assert first_read is not None
    client.post(reverse("notifications:open", args=[note.pk]))  # opening again keeps the first reading time
    note.refresh_from_db()
    assert note.read_at == first_read


def test_opening_a_notification_without_a_link_returns_to_the_centre(client, lead_handler):
    (note,) = make(lead_handler, url="")
    client.force_login(lead_handler)
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == LIST


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
                                 "http:/evil.example", "tickets/1/"])
def test_opening_never_redirects_off_the_site(client, lead_handler, url):
    (note,) = make(lead_handler, url=url)
    client.force_login(lead_handler)
    response = client.post(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == LIST


def test_another_users_notification_is_404_and_stays_unread(client, lead_handler, outsider):
    (note,) = make(lead_handler)
    client.force_login(outsider)
    assert client.post(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client.post(reverse("notifications:open", args=[999999])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_open_and_mark_all_are_post_only(client, lead_handler):
    (note,) = make(lead_handler)
    client.force_login(lead_handler)
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 405
    assert client.get(READ_ALL).status_code == 405
    assert client.post(LIST).status_code == 405
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_marks_only_the_callers_notifications(client, lead_handler, other_handler):
    make(lead_handler, 3)
    (theirs,) = make(other_handler)
    client.force_login(lead_handler)
    response = client.post(READ_ALL, follow=True)
    html = response.content.decode()
    assert "已将 3 条通知标为已读。" in html and bell_count(html) is None
    assert not Notification.objects.filter(recipient=lead_handler, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "没有未读通知。" in client.post(READ_ALL, follow=True).content.decode()


def test_the_bell_shows_the_unread_count_on_every_page(client, lead_handler):
    client.force_login(lead_handler)
    home = client.get(reverse("accounts:home")).content.decode()
    assert 'data-testid="notification-bell"' in home and bell_count(home) is None
    make(lead_handler, 4)
    make(lead_handler, read_at=timezone.now())
    inbox = client.get(reverse("tickets:inbox")).content.decode()
    assert bell_count(inbox) == "4" and "4 条未读" in inbox


def test_the_bell_rides_on_the_query_that_loads_the_user(client, lead_handler, django_assert_max_num_queries):
    make(lead_handler, 2)
    client.force_login(lead_handler)
    # The account page: the workbench at `/` lists the latest notifications as well (one query of its own).
    with django_assert_max_num_queries(50) as context:
        html = client.get(reverse("enterprises:account")).content.decode()
    assert bell_count(html) == "2"
    own_queries = [q["sql"] for q in context.captured_queries if 'FROM "notifications_notification"' in q["sql"]]
    assert len(own_queries) == 1 and 'FROM "accounts_user"' in own_queries[0]
