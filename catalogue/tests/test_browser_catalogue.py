"""A visitor on a phone: searches the service catalogue for a word, opens a guide and prints it (A4, no navigation)."""

import pytest
from playwright.sync_api import expect

from catalogue.demo import seed_demo_items
from qiyezhijia.testing import ARTIFACTS, screenshot

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "is_mobile": True}


def test_visitor_searches_opens_and_prints_a_guide(demo_site, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_items()
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{demo_site.url}/services/")
    page.get_by_label("关键词").fill("营业执照")
    page.get_by_role("button", name="查找").click()
    rows = page.get_by_test_id("service-row")
    expect(rows.first).to_be_visible()
    expect(page.get_by_test_id("service-results")).to_contain_text("办理营业执照变更登记")
    expect(page.get_by_test_id("service-results")).not_to_contain_text("办理增值税专用发票领用")
    screenshot(page, "catalogue-search-phone")

    page.get_by_role("link", name="办理营业执照变更登记").click()
    expect(page.get_by_test_id("guide-name")).to_have_text("办理营业执照变更登记")
    expect(page.get_by_test_id("guide-materials")).to_contain_text("市场主体变更登记申请书")
    expect(page.get_by_test_id("print-guide")).to_be_visible()
    expect(page.get_by_test_id("demand-link")).to_be_visible()
    screenshot(page, "catalogue-guide-phone")

    page.emulate_media(media="print")
    expect(page.get_by_test_id("print-guide")).to_be_hidden()
    expect(page.get_by_test_id("demand-link")).to_be_hidden()
    expect(page.get_by_test_id("guide-name")).to_be_visible()
    screenshot(page, "catalogue-guide-print")
    folder = ARTIFACTS / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(folder / "catalogue-guide.pdf"), format="A4", print_background=False)
    assert (folder / "catalogue-guide.pdf").stat().st_size > 1000
    context.close()
