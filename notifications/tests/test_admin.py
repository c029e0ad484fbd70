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
    listing = client.get(reverse("admin:notifications_delivery_changelist")).content.decode()
    assert "139****0001" in listing and "13900000001" not in listing  # the address masked (SECURITY.md §5)
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


def test_the_delivery_admin_masks_the_address_hides_the_text_and_finds_a_whole_address(client, superuser):
    sms = Delivery.objects.create(channel="sms", address="13900000002", key="k", event="dispatch", body="短信正文甲乙丙")
    Delivery.objects.create(channel="email", address="Zhang.San@example.cn", key="k", event="dispatch", body="邮件正文")
    client.force_login(superuser)
    detail = client.get(reverse("admin:notifications_delivery_change", args=[sms.pk])).content.decode()
    assert "139****0002" in detail and "13900000002" not in detail and "短信正文甲乙丙" not in detail
    changelist = reverse("admin:notifications_delivery_changelist")
    listing = client.get(changelist).content.decode()
    assert "Z****@example.cn" in listing and "Zhang.San" not in listing
    found = client.get(changelist, {"q": "139 0000 0002"}).content.decode()
    assert "139****0002" in found and "Z****@example.cn" not in found
    found = client.get(changelist, {"q": "zhang.san@EXAMPLE.cn"}).content.decode()
    assert "Z****@example.cn" in found and "139****0002" not in found
