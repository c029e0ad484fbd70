"""An enterprise signs up for a training on a phone: a visitor opens the public list of upcoming sessions, opens one
(a login link instead of the button), logs in as the demo enterprise user `ent`, signs up, and finds the session in
"我的培训" from the menu."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from qiyezhijia.testing import browser_login, current_totp, screenshot
from trainings.models import Registration
from trainings.tests.factories import SessionFactory

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "is_mobile": True}
TITLE = "小微企业融资贷款与贴息政策宣讲会"


@pytest.fixture
def site(demo_site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return demo_site


def test_an_enterprise_signs_up_for_a_training_on_a_phone(site, browser):
    session = SessionFactory(state="published", title=TITLE, topic="financing", capacity=40,
                             venue="安顺市政务服务中心三楼第一会议室")
    SessionFactory(state="published", title="知识产权保护法律服务专题培训", topic="legal")
    context = browser.new_context(**PHONE)
    page = context.new_page()

    page.goto(f"{site.url}/")
    expect(page.get_by_test_id("upcoming-trainings")).to_contain_text(TITLE)
    page.get_by_test_id("public-nav").get_by_role("link", name="宣讲培训").click()
    expect(page.get_by_test_id("training-list")).to_contain_text(TITLE)
    page.get_by_label("主题").select_option("financing")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("training-list")).not_to_contain_text("知识产权保护法律服务专题培训")
    screenshot(page, "training-list-phone")

    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_test_id("seats")).to_contain_text("剩余 40 个")
    screenshot(page, "training-detail-visitor-phone")
    page.get_by_test_id("login-to-signup").click()
    page.get_by_label("用户名").fill("ent")
    from accounts.demo import DEMO_PASSWORD

    page.get_by_label("密码").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    if "/login/verify/" in page.url:
        page.get_by_label("动态口令或恢复码").fill(current_totp("ent"))
        with page.expect_navigation():
            page.get_by_role("button", name="验证").click()
    if f"/trainings/{session.pk}/" not in page.url:
        page.goto(f"{site.url}/trainings/{session.pk}/")

    page.get_by_test_id("signup").click()
    expect(page.get_by_role("status").first).to_contain_text("报名成功")
    expect(page.get_by_test_id("signed-up")).to_contain_text("您已报名这场培训")
    expect(page.get_by_test_id("seats")).to_contain_text("剩余 39 个")
    screenshot(page, "training-signed-up-phone")
    assert Registration.objects.filter(session=session, user=User.objects.get(username="ent")).exists()

    page.get_by_role("button", name="打开菜单").click()
    page.get_by_test_id("main-menu").get_by_role("link", name="我的培训").click()
    expect(page.get_by_test_id("my-trainings")).to_contain_text(TITLE)
    expect(page.get_by_test_id("my-trainings")).to_contain_text("培训前一天会提醒您")
    screenshot(page, "training-mine-phone")
    context.close()


def test_the_staff_page_on_a_desktop(site, browser):
    session = SessionFactory(state="published", title=TITLE)
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 860})
    page = context.new_page()
    browser_login(page, site.url, "handler_gxj")
    page.get_by_test_id("main-menu").get_by_role("link", name="宣讲培训").click()
    expect(page.get_by_test_id("training-table")).to_contain_text(TITLE)
    screenshot(page, "training-staff-list")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_test_id("training-figures")).to_be_visible()
    expect(page.get_by_test_id("register-question")).to_be_visible()
    screenshot(page, "training-staff-detail")
    assert session.pk
    context.close()
