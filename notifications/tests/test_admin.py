"""The admin lists notifications and outgoing messages read-only."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(role=Role.SYSADMIN, department=None, is_staff=True, is_superuser=True)


def test_admin_lists_notifications_and_deliveries_read_only(client, superuser, lead_handler):
    note = Notification.objects.create(recipient=lead_handler, event="dispatch", key="k", title="新工单待签收：GD1")
    Delivery.objects.create(channel="sms", address="13900000001", key="k", event="dispatch", status="sent")
    client.force_login(superuser)
    listing = client.get(reverse("admin:notifications_notification_changelist"))
    assert listing.status_code == 200 and "新工单待签收：GD1" in listing.content.decode()
    assert "13900000001" in client.get(reverse("admin:notifications_delivery_changelist")).content.decode()
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
    assert client.post(reverse("admin:notifications_notification_delete", args=[note.pk]), {"post": "yes"}).status_code == 403
    assert Notification.objects.filter(pk=note.pk).exists()


def test_only_superusers_see_them(client, lead_handler, platform_admin):
    # Platform admins keep reference data and accounts (accounts.services.ADMIN_MODELS); messages about tickets are not theirs.
    client.force_login(platform_admin)
    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 403
    client.force_login(lead_handler)
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
