"""The leader's journey in a real browser: log in, land on the dashboard, read the charts, drill into the tickets
behind a number, switch to weekly trends, open the printable report. Tickets are made through the workflow first."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from qiyezhijia.testing import assert_accessible, browser_login, screenshot
from tickets import workflow
from tickets.tests.helpers import dispatched_ticket, good_callback

pytestmark = pytest.mark.browser


@pytest.fixture
def tickets(demo_site):
    office, handler = User.objects.get(username="office"), User.objects.get(username="handler_scjg")
    made = [dispatched_ticket(office, lead="anshun-scjg", title=f"看板工单{i}") for i in range(3)]
    workflow.ticket_sign(actor=handler, ticket=made[0])
    workflow.ticket_close(actor=handler, ticket=made[0], standard="resolved", result="已办结")
    good_callback(office, made[0])
    workflow.ticket_sign(actor=handler, ticket=made[1])
    return made


def test_leader_reads_the_dashboard_and_drills_down(demo_site, page, tickets):
    browser_login(page, demo_site.url, "leader")
    expect(page.get_by_role("heading", name="运行看板")).to_be_visible()
    expect(page.get_by_test_id("kpi-tickets_dispatched")).to_have_text("3")
    expect(page.get_by_test_id("kpi-satisfaction_rate")).to_have_text("100.0%")
    expect(page.get_by_test_id("ranking")).to_contain_text("市市场监督管理局")
    # chart.js is served by the app and draws on every canvas.
    assert page.evaluate("typeof Chart") == "function"
    for canvas in ("chart-trend-counts", "chart-trend-rates", "chart-channels", "chart-departments"):
        assert page.evaluate(f"Chart.getChart(document.getElementById('{canvas}')) !== undefined"), canvas
    screenshot(page, "reports-dashboard-leader")
    assert_accessible(page, "运行看板")

    page.get_by_test_id("kpi-tickets_dispatched").click()
    expect(page.get_by_test_id("drill-title")).to_have_text("派发工单")
    table = page.get_by_test_id("drill-table")
    for ticket in tickets:
        expect(table).to_contain_text(ticket.number)
    page.get_by_role("link", name="返回运行看板").click()

    page.get_by_label("趋势粒度").select_option("week")
    page.get_by_role("button", name="统计").click()
    expect(page.get_by_role("heading", name=re.compile("趋势（按周）"))).to_be_visible()

    page.get_by_test_id("main-menu").get_by_role("link", name="运行报告").click()
    expect(page.get_by_test_id("report-office")).to_contain_text("安顺市“企业之家”联合服务工作机制办公室")
    page.emulate_media(media="print")
    expect(page.get_by_test_id("main-menu")).to_be_hidden()
    screenshot(page, "reports-operations-print")
