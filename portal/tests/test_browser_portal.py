"""A visitor on a phone: the portal at `/`, one search across service items and policies, then the ways in."""

import pytest
from playwright.sync_api import expect

from catalogue.demo import seed_demo_items
from policies.demo import seed_demo_policies
from qiyezhijia.testing import assert_accessible, screenshot

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "is_mobile": True}


def test_a_visitor_searches_the_portal_on_a_phone_and_finds_the_way_to_report(demo_site, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_items()
    seed_demo_policies()
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{demo_site.url}/")
    expect(page).to_have_title("首页 · 安顺市“企业之家”联合服务平台")
    expect(page.get_by_test_id("latest-items")).to_be_visible()
    expect(page.get_by_test_id("latest-policies")).not_to_contain_text("征求意见稿")  # a draft stays unseen
    screenshot(page, "portal-home-phone")
    assert_accessible(page, "门户首页（手机）")

    page.get_by_label("搜索办事事项和惠企政策").fill("社保")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("found-items")).to_contain_text("办理单位社保登记")
    page.get_by_label("关键词").fill("贴息")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("found-policies")).to_contain_text("农业产业化龙头企业流动资金贷款贴息")
    expect(page.get_by_test_id("found-policies")).to_contain_text("中小微企业首贷续贷贴息")
    screenshot(page, "portal-search-phone")
    assert_accessible(page, "门户搜索结果（手机）")

    page.get_by_role("link", name="农业产业化龙头企业流动资金贷款贴息").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("农业产业化龙头企业流动资金贷款贴息")
    page.goto(f"{demo_site.url}/")
    page.get_by_role("link", name="无需注册，直接反映").click()
    expect(page.get_by_test_id("public-submit-form")).to_be_visible()
    page.goto(f"{demo_site.url}/")
    page.get_by_role("link", name="查询办理进度").click()
    expect(page).to_have_url(f"{demo_site.url}/track/")
    context.close()
