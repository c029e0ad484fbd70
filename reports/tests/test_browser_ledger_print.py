"""The leader's ledger on paper and the trend that starts with the data, in a real browser: the ledger printed to a PDF
(A4 landscape, Chromium's own print) and seen with print media; the dashboard's charts from the first month with
data, the rate axis 0–100 %."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import User
from qiyezhijia.testing import ARTIFACTS, browser_login, screenshot
from tickets import figures, workflow
from tickets.models import Demand, Ticket
from tickets.tests.helpers import dispatched_ticket, good_callback
from workcalendar.workdays import LOCAL_TZ

pytestmark = pytest.mark.browser


@pytest.fixture
def tickets(demo_site):
    office, handler = User.objects.get(username="office"), User.objects.get(username="handler_scjg")
    made = [dispatched_ticket(office, lead="anshun-scjg", title=f"台账打印工单{i}：企业反映园区道路破损影响货车通行，希望尽快协调维修")
            for i in range(12)]
    for ticket in made[:6]:
        workflow.ticket_sign(actor=handler, ticket=ticket)
    workflow.ticket_close(actor=handler, ticket=made[0], standard="resolved", result="已办结")
    good_callback(office, made[0])
    # The year's data starts in September: two tickets of then (their demand received then too).
    september = datetime(2026, 9, 15, 10, 0, tzinfo=LOCAL_TZ)
    Ticket.objects.filter(pk__in=[made[10].pk, made[11].pk]).update(created_at=september)
    Demand.objects.filter(ticket__in=[made[10], made[11]]).update(received_at=september, registered_at=september)
    figures.rebuild()
    return made


def test_leader_prints_the_ledger_and_reads_trends_from_the_first_month(demo_site, page, tickets):
    browser_login(page, demo_site.url, "leader")
    # The dashboard's trend starts in September (the year's first data), not in January.
    page.goto(f"{demo_site.url}/reports/dashboard/")
    first = page.get_by_test_id("trend-table").locator("tbody tr").first.locator("th")
    expect(first).to_have_text("2026-09")
    labels = page.evaluate("Chart.getChart(document.getElementById('chart-trend-rates')).data.labels")
    assert labels[0] == "2026-09" and "2026-01" not in labels
    scale = page.evaluate("(() => { const s = Chart.getChart(document.getElementById('chart-trend-rates')).scales.y;"
                          " return [s.min, s.max]; })()")
    assert scale == [0, 1]
    screenshot(page, "reports-dashboard-trend-from-first-data")

    # The ledger, reached from the leader's menu.
    page.get_by_test_id("main-menu").get_by_role("link", name="台账").click()
    overview = page.get_by_test_id("ledger-overview")  # each department's tickets of the quarter, before one is chosen
    expect(overview.get_by_role("row").filter(has_text="市市场监督管理局")).to_contain_text("查看台账")
    screenshot(page, "reports-ledger-overview")
    page.get_by_test_id("ledger-form").get_by_label("部门").select_option("anshun-scjg")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_test_id("ledger-table").locator("tbody tr")).to_have_count(10)  # the two of September belong to Q3
    expect(page.get_by_test_id("ledger-print")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.get_by_test_id("ledger-form")).to_be_hidden()
    expect(page.get_by_test_id("main-menu")).to_be_hidden()
    heading = page.get_by_test_id("ledger-print-heading")
    expect(heading).to_be_visible()
    expect(heading).to_contain_text("安顺市“企业之家”联合服务工作机制办公室")
    expect(heading).to_contain_text("部门：市市场监督管理局")
    expect(heading).to_contain_text("打印时间")
    # The table fits the sheet: A4 landscape is 297 mm less 2 × 10 mm margins ≈ 1047 CSS px wide.
    page.set_viewport_size({"width": 1047, "height": 700})
    width = page.evaluate("document.querySelector('[data-testid=ledger-table]').getBoundingClientRect().width")
    assert width <= 1047
    assert page.evaluate("getComputedStyle(document.querySelector('[data-testid=ledger-table] thead')).display") \
        == "table-header-group"
    screenshot(page, "reports-ledger-print-a4-landscape")
    pdf = ARTIFACTS / "reports-ledger-print.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
    head = pdf.read_bytes()
    # A4 landscape: 842 × 595 points.
    assert b"/MediaBox [0 0 841.91998 594.95996]" in head or b"/MediaBox [0 0 842 595]" in head, head[:2000]
