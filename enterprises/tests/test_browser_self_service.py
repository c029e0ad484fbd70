"""Journeys in a real browser: an enterprise signs up on a phone (code by SMS, licence, consent), lands on its page
and submits at once; the office verifies it from the queue; a person resets a forgotten password by SMS."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import valid_uscc
from enterprises.demo import seed_demo_identity
from enterprises.models import Verification
from enterprises.tests.helpers import PNG, last_code
from qiyezhijia.testing import browser_login, screenshot

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "is_mobile": True}
PASSWORD = "Qyzj-2026-secure"


@pytest.fixture
def site(demo_site, settings, tmp_path, sms):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_identity()
    return demo_site


def test_sign_up_on_a_phone_then_the_office_verifies(site, browser, sms, tmp_path):
    licence = tmp_path / "营业执照.png"
    licence.write_bytes(PNG)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{site.url}/login/")
    page.locator("#main").get_by_role("link", name="企业注册").click()  # the login page's own link (the header has one too)
    page.get_by_label("企业名称").fill("安顺浏览器测试有限公司")
    page.get_by_label("统一社会信用代码").fill(valid_uscc(4242))
    page.get_by_label("所在区域").select_option(label="安顺市")
    page.get_by_label("您的姓名").fill("周注册")
    page.get_by_label("手机号").fill("13985300091")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status").first).to_contain_text("验证码已发送至 139****0091")
    expect(page.get_by_label("企业名称")).to_have_value("安顺浏览器测试有限公司")  # nothing typed is lost
    page.get_by_label("短信验证码").fill(last_code(sms))
    page.get_by_label("设置密码").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_label("营业执照").set_input_files(str(licence))
    page.get_by_label("我已阅读并同意《个人信息保护告知》").check()
    screenshot(page, "enterprise-signup")
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.get_by_test_id("verification-state")).to_contain_text("企业认证审核中")
    screenshot(page, "enterprise-signup-done")
    page.get_by_role("link", name="我要反映诉求").click()
    expect(page.get_by_test_id("submit-enterprise")).to_contain_text("安顺浏览器测试有限公司")
    context.close()

    office = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 860})
    office_page = office.new_page()
    browser_login(office_page, site.url, "office")
    office_page.get_by_test_id("main-menu").get_by_role("link", name="企业认证").click()  # the workbench has a tile too
    office_page.get_by_role("link", name="安顺浏览器测试有限公司").click()
    expect(office_page.get_by_test_id("licence-image")).to_be_visible()
    screenshot(office_page, "office-verification")
    office_page.get_by_test_id("approve").click()
    expect(office_page.get_by_role("status").first).to_contain_text("已通过认证")
    assert Verification.objects.get(enterprise__name="安顺浏览器测试有限公司").status == Verification.Status.VERIFIED
    office.close()


def test_reset_a_forgotten_password_by_sms(site, browser, sms):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{site.url}/login/")
    page.get_by_role("link", name="忘记密码").click()
    expect(page.get_by_text("由系统管理员（账号管理员）统一管理")).to_be_visible()
    page.get_by_label("手机号").fill("13985300001")  # the demo user `ent`
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status").first).to_contain_text("如果该手机号已注册企业账号")
    page.get_by_label("短信验证码").fill(last_code(sms))
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("确认新密码").fill(PASSWORD)
    screenshot(page, "password-reset")
    page.get_by_label("确认新密码").press("Enter")  # Enter means the main button, not "获取验证码"
    expect(page.get_by_role("status").first).to_contain_text("密码已重置")
    browser_login(page, site.url, "ent", PASSWORD)
    expect(page.get_by_test_id("user-identity")).to_be_visible()
    context.close()


def test_a_colleague_asks_to_join_and_the_enterprise_administrator_lets_them_in(site, browser, sms, tmp_path):
    licence = tmp_path / "营业执照.png"
    licence.write_bytes(PNG)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{site.url}/signup/")
    page.get_by_label("企业名称").fill("安顺黔中智造装备有限公司")
    page.get_by_label("统一社会信用代码").fill("91520400MA6J2K3L4K")  # the demo enterprise of `ent`, already registered
    page.get_by_label("所在区域").select_option(label="安顺市")
    page.get_by_label("您的姓名").fill("吴同事")
    page.get_by_label("手机号").fill("13985300092")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status").first).to_contain_text("验证码已发送至 139****0092")
    page.get_by_label("短信验证码").fill(last_code(sms))
    page.get_by_label("设置密码").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_label("营业执照").set_input_files(str(licence))
    page.get_by_label("我已阅读并同意《个人信息保护告知》").check()
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.get_by_test_id("join-submitted")).to_contain_text("该企业的管理员同意后")
    screenshot(page, "enterprise-join-submitted")
    context.close()

    admin = browser.new_context(**PHONE)
    admin_page = admin.new_page()
    browser_login(admin_page, site.url, "ent")
    admin_page.goto(f"{site.url}/enterprise/")  # 我的企业 (the menu is folded on a phone)
    requests = admin_page.get_by_test_id("join-requests")
    expect(requests).to_contain_text("吴同事")
    screenshot(admin_page, "enterprise-join-requests")
    requests.get_by_role("button", name="同意").click()
    expect(admin_page.get_by_role("status").first).to_contain_text("已同意加入申请")
    admin.close()

    colleague = browser.new_context(**PHONE)
    colleague_page = colleague.new_page()
    browser_login(colleague_page, site.url, "13985300092", PASSWORD)
    expect(colleague_page.get_by_test_id("user-identity")).to_be_visible()
    colleague.close()
