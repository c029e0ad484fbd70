"""The ticket list in a real browser: a handler signs several tickets at once (one refused, reported) and filters by
department through the searchable picker."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from qiyezhijia.testing import login_as, screenshot
from tickets import workflow
from tickets.models import Ticket

pytestmark = pytest.mark.browser


def dispatched(title, lead="anshun-scjg"):
    demand, _ = workflow.demand_register(
        actor=User.objects.get(username="spec_fgw"), channel="hotline", title=title,
        content="企业反映的事项，用于批量签收的浏览器测试，内容足够长以通过校验。", domain="market",
        enterprise_name="安顺黔中智造装备有限公司", enterprise_uscc="91520400MA6J2K3L4K",
        requester_name="刘晓燕", requester_phone="13985300001",
    )
    office = User.objects.get(username="office")
    return workflow.demand_form_ticket(actor=office, demand=demand, category="coordination", lead_department=lead).ticket


def test_handler_signs_several_tickets_at_once_and_filters_with_the_picker(demo_site, page):
    first = dispatched("食品经营许可证办理进度咨询")
    second = dispatched("厂房用地规划调整申请")
    signed = dispatched("企业招工难问题协调")
    workflow.ticket_sign(actor=User.objects.get(username="handler_scjg"), ticket=signed)

    login_as(page, demo_site, "handler_scjg")
    page.goto(f"{demo_site.url}/tickets/?sort=number")
    expect(page.get_by_role("heading", name="工单列表")).to_be_visible()
    for ticket in (first, second, signed):
        page.get_by_label(f"选择 {ticket.number}").check()
    screenshot(page, "lists-bulk-sign-selected")
    page.get_by_test_id("bulk-sign").click()

    expect(page.get_by_role("heading", name="批量签收结果")).to_be_visible()
    expect(page.get_by_test_id("bulk-summary")).to_have_text("已完成 2 件，未完成 1 件。")
    expect(page.get_by_test_id("bulk-refused")).to_contain_text(f"{signed.number} 当前为办理中，不能签收")
    expect(page.get_by_test_id("bulk-done")).to_contain_text(first.number)
    screenshot(page, "lists-bulk-sign-report")
    assert set(Ticket.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)) == {"handling"}

    # Back on the list (its order kept), the department filter searches as one types and groups by region.
    page.get_by_role("link", name="返回列表").click()
    expect(page).to_have_url(f"{demo_site.url}/tickets/?sort=number")
    control = page.get_by_role("combobox", name="牵头部门", exact=True)
    control.locator("xpath=ancestor::div[contains(@class, 'ts-wrapper')]").locator(".ts-control").click()
    control.press_sequentially("市场监督")
    dropdown = page.locator(".ts-dropdown").filter(has_text="市市场监督管理局")
    expect(dropdown).to_be_visible()
    expect(dropdown.locator(".optgroup-header").first).to_have_text("安顺市")
    # typing narrowed the list down (tom-select refreshes a moment after the last key)
    expect(dropdown.locator(".option").filter(has_text="市政府政务服务中心")).to_have_count(0)
    expect(dropdown.locator(".option").filter(has_text="市场监督")).not_to_have_count(0)
    screenshot(page, "lists-department-picker")
    dropdown.locator(".option").filter(has_text=re.compile("^市市场监督管理局$")).click()
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"/tickets/\?sort=number&.*lead_department=anshun-scjg"))
    expect(page.get_by_test_id("ticket-table")).to_contain_text(first.number)
