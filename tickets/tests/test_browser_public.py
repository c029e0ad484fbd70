"""A visitor without an account, on a phone: from the login page to an anonymous demand, then tracking it."""

import pytest
from playwright.sync_api import expect

from qiyezhijia.testing import screenshot
from tickets.models import Demand

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "is_mobile": True}


@pytest.fixture
def site(demo_site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return demo_site


def test_visitor_submits_anonymously_then_tracks_the_demand(site, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{site.url}/login/")
    page.get_by_role("link", name="无需注册，在线反映问题").click()

    page.get_by_label("匿名提交").check()
    page.get_by_label("诉求所在区域").select_option(label="西秀区")
    page.get_by_label("标题").fill("工业园区道路积水影响货车通行")
    page.get_by_label("诉求内容").fill("园区主干道每逢下雨积水严重，货车无法进出，已持续一个多月。")
    page.get_by_label("业务领域").select_option(label="营商环境")
    screenshot(page, "public-submit")
    page.get_by_role("button", name="提交诉求").click()

    demand = Demand.objects.get(title="工业园区道路积水影响货车通行")
    expect(page.get_by_test_id("public-number")).to_have_text(demand.number)
    code = page.get_by_test_id("public-code").inner_text()
    assert len(code) == 8 and demand.anonymous and demand.requester_phone == ""
    screenshot(page, "public-done")

    page.get_by_role("link", name="查询办理进度").click()
    page.get_by_label("诉求编号").fill(demand.number)
    page.get_by_label("查询码").fill("ZZZZZZZZ" if code != "ZZZZZZZZ" else "YYYYYYYY")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("track-error")).to_have_text("编号或查询码不正确，请核对后重新输入。")

    page.get_by_label("诉求编号").fill(demand.number)
    page.get_by_label("查询码").fill(code.lower())
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("track-standing")).to_contain_text("联合服务办公室正在研判")
    expect(page.get_by_test_id("track-result")).not_to_contain_text("园区主干道")
    screenshot(page, "public-track")
    context.close()
