"""In a real browser: the lead department's handler hands a ticket to a colleague and leaves an internal note that
mentions him (picked from the @ suggestions); the colleague finds it under 我的工单 and in his notifications."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role, User
from accounts.tests.factories import UserFactory, department
from notifications.models import Notification
from qiyezhijia.testing import browser_login, login_as, screenshot
from tickets.models import Ticket, TicketNote
from tickets.tests.helpers import handling_ticket

pytestmark = pytest.mark.browser


def test_assign_a_colleague_and_mention_him_in_a_note(demo_site, page):
    office = User.objects.get(username="office")
    handler = User.objects.get(username="handler_scjg")
    colleague = UserFactory(username="handler_scjg_li", last_name="李", first_name="娜", role=Role.HANDLER,
                            department=department("anshun-scjg"))
    ticket = handling_ticket(office, handler, title="新厂房消防验收排期过长")

    browser_login(page, demo_site.url, "handler_scjg")
    page.goto(f"{demo_site.url}/tickets/{ticket.pk}/")
    expect(page.get_by_test_id("assignee")).to_have_text("未指定")
    page.get_by_test_id("action-assign").click()
    page.locator("#id_assign-assignee").select_option(label="李娜（handler_scjg_li）")
    page.get_by_test_id("submit-assign").click()
    expect(page.get_by_role("status").or_(page.locator(".alert-success")).first).to_contain_text("承办人已改为李娜")
    expect(page.get_by_test_id("assignee")).to_contain_text("李娜")

    note = page.locator("#id_note-body")
    note.click()
    note.press_sequentially("@李")
    suggestion = page.get_by_role("option", name="李娜（handler_scjg_li，市市场监督管理局）")
    expect(suggestion).to_be_visible()
    screenshot(page, "collab-mention-suggestions")
    suggestion.click()
    expect(note).to_have_value("@handler_scjg_li ")
    note.press_sequentially("请于明天前联系企业核实验收材料。")
    page.get_by_test_id("submit-note").click()
    expect(page.get_by_test_id("note")).to_contain_text("请于明天前联系企业核实验收材料。")
    expect(page.get_by_test_id("note")).to_contain_text("已提醒：李娜")
    screenshot(page, "collab-ticket-assigned-with-note")
    saved = TicketNote.objects.get(ticket=ticket)
    assert list(saved.mentions.all()) == [colleague]
    assert Ticket.objects.get(pk=ticket.pk).assignee == colleague

    login_as(page, demo_site, "handler_scjg_li")
    page.goto(f"{demo_site.url}/tickets/mine/")
    expect(page.get_by_test_id("my-ticket")).to_have_count(1)
    expect(page.get_by_test_id("my-ticket")).to_contain_text(ticket.number)
    screenshot(page, "collab-my-tickets")
    assert {"assign", "mention"} <= set(Notification.objects.filter(recipient=colleague).values_list("event", flat=True))
    page.goto(f"{demo_site.url}{Notification.objects.get(recipient=colleague, event='mention').url}")
    expect(page.locator(f"#note-{saved.pk}")).to_be_visible()
