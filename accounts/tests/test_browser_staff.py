"""In a real browser: the system administrator creates a staff account; its owner logs in with the one-time password
and must choose a new one before anything else (SECURITY.md §1, §2)."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from qiyezhijia.testing import browser_login, login_as, pick, screenshot

pytestmark = pytest.mark.browser


def test_new_staff_account_first_login_changes_the_password(demo_site, page):
    login_as(page, demo_site, "admin")
    page.get_by_test_id("main-menu").get_by_role("link", name="工作人员账号").click()
    expect(page.get_by_test_id("staff-scope")).to_contain_text("只能由安装时创建的超级管理员设置")
    page.get_by_test_id("staff-new-link").click()
    page.get_by_label("用户名").fill("liu_fgw")
    page.get_by_label("姓名").fill("刘新")
    page.get_by_label("手机号").fill("139123")
    page.get_by_label("角色").select_option(label="涉企服务工作人员")
    pick(page, "所属部门", "发展和改革", "安顺市 · 市发展和改革委员会")
    page.get_by_test_id("staff-submit").click()
    expect(page.locator("#id_phone_error")).to_contain_text("11 位")
    expect(page.get_by_label("姓名")).to_have_value("刘新")
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_test_id("staff-submit").click()
    one_time = page.get_by_test_id("password-liu_fgw")
    expect(one_time).to_be_visible()
    expect(page.get_by_test_id("one-time-passwords")).to_contain_text("139****5678")
    screenshot(page, "staff-one-time-password")
    password = one_time.inner_text().strip()
    assert User.objects.get(username="liu_fgw").must_change_password

    page.context.clear_cookies()
    browser_login(page, demo_site.url, "liu_fgw", password)
    expect(page.get_by_test_id("password-reason")).to_contain_text("由管理员设置")
    page.goto(f"{demo_site.url}/tickets/")
    expect(page).to_have_url(f"{demo_site.url}/accounts/password/")
    page.get_by_label("当前密码").fill(password)
    page.locator("#id_new_password1").fill("Liu-Xin-fgw-2027")
    page.get_by_label("再次输入新密码").fill("Liu-Xin-fgw-2027")
    screenshot(page, "password-change-first-login")
    page.get_by_test_id("submit-password").click()
    expect(page.get_by_test_id("home-role")).to_have_text("涉企服务工作人员")
    assert not User.objects.get(username="liu_fgw").must_change_password
