"""The login's defences in a real browser: the lockout message, enrolment of the second factor at a first login, and
the security administrator lifting a lockout."""

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from qiyezhijia.testing import browser_login, confirm, screenshot

pytestmark = pytest.mark.browser


def test_a_locked_account_is_explained_and_the_secadmin_unlocks_it(demo_site, browser, settings):
    # Five failures lock the address as well as the account: the clerk and the security administrator sit at
    # different addresses (as a proxy would report them), so only the account lock stands between them.
    settings.QYZJ_TRUSTED_PROXIES = 1
    context_args = {"locale": "zh-CN", "viewport": {"width": 1366, "height": 860}}
    page = browser.new_context(**context_args, extra_http_headers={"X-Forwarded-For": "10.0.0.1"}).new_page()
    for _ in range(5):
        browser_login(page, demo_site.url, "handler_sw", "not-the-password")
    browser_login(page, demo_site.url, "handler_sw")
    expect(page.get_by_test_id("lockout-message")).to_contain_text("已被锁定 30 分钟")
    expect(page.get_by_label("用户名")).to_have_value("handler_sw")
    screenshot(page, "login-locked-out")

    admin = browser.new_context(**context_args, extra_http_headers={"X-Forwarded-For": "10.0.0.2"}).new_page()
    browser_login(admin, demo_site.url, "secadmin")
    admin.get_by_test_id("main-menu").get_by_role("link", name="账号安全").click()
    row = admin.get_by_test_id("lockouts").get_by_role("row").filter(has_text="handler_sw")
    expect(row).to_contain_text("已锁定")
    screenshot(admin, "security-lockouts")
    row.get_by_role("button", name="解锁").click()
    confirm(admin, "确定解锁并清除其失败记录？")
    expect(admin.get_by_role("status").or_(admin.get_by_role("alert")).first).to_contain_text("已解锁账号“handler_sw”")
    admin.context.close()

    browser_login(page, demo_site.url, "handler_sw")
    expect(page.get_by_test_id("user-identity")).to_be_visible()
    page.context.close()


def test_a_new_office_clerk_enrols_the_authenticator_at_the_first_login(demo_site, page):
    UserFactory(username="new_office", role=Role.OFFICE, department=department("anshun-zwfw"))
    browser_login(page, demo_site.url, "new_office")
    expect(page.get_by_role("heading", name="绑定身份验证器")).to_be_visible()
    expect(page.get_by_test_id("otp-qr").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("main-menu")).to_have_count(0)
    screenshot(page, "otp-enrol")
    secret = page.get_by_test_id("otp-secret").inner_text()
    from base64 import b32decode

    code = f"{TOTP(b32decode(secret)).token():06d}"
    page.get_by_label("身份验证器显示的 6 位数字").fill(code)
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    screenshot(page, "otp-recovery-codes")
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page.get_by_test_id("home-role")).to_have_text("联合服务办公室")
