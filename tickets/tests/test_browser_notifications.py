"""In a real browser: a handler sees the bell's count after a dispatch, opens the centre and follows the notification
to the ticket. The dispatch is made through the workflow, so its notification is delivered by a real commit."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from notifications.models import Notification
from qiyezhijia.testing import browser_login, screenshot
from tickets import workflow
from tickets.tests.helpers import register

pytestmark = pytest.mark.browser


def test_handler_follows_the_bell_to_a_dispatched_ticket(demo_site, page):
    office = User.objects.get(username="office")
    handler = User.objects.get(username="handler_scjg")
    Notification.objects.filter(recipient=handler).update(read_at=None)
    before = Notification.objects.filter(recipient=handler, read_at__isnull=True).count()
    demand = register(office, title="厂房消防验收进度咨询")
    ticket = workflow.demand_form_ticket(actor=office, demand=demand, category="coordination", lead_department="anshun-scjg").ticket

    browser_login(page, demo_site.url, "handler_scjg")
    expect(page.get_by_test_id("notification-count")).to_have_text(str(before + 1))
    page.get_by_test_id("notification-bell").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("消息通知")
    item = page.get_by_test_id("notification").filter(has_text=ticket.number)
    expect(item).to_have_attribute("data-unread", "1")
    expect(item).to_contain_text(f"新工单待签收：{ticket.number}")
    screenshot(page, "notifications-centre-handler")

    item.get_by_test_id("notification-open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ticket.title)
    assert page.url.endswith(f"/tickets/{ticket.pk}/")
    if before:
        expect(page.get_by_test_id("notification-count")).to_have_text(str(before))
    else:
        expect(page.get_by_test_id("notification-count")).to_have_count(0)
    assert Notification.objects.get(recipient=handler, url=f"/tickets/{ticket.pk}/").read_at is not None
    screenshot(page, "notifications-followed-to-ticket")
