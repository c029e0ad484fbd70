"""The provincial identity in a real browser: the login page's button, the provider's pages, back to the platform."""

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.models import Role
from accounts.twofactor import demo_key, ensure_demo_device
from accounts.tests.factories import (
    EnterpriseFactory,
    EnterpriseUserFactory,
    UserFactory,
    department,
)
from qiyezhijia.testing import screenshot
from sso import matching
from sso.services import link_identity
from sso.tests.conftest import ENTERPRISE_PHONE, ENTERPRISE_USCC, STAFF_SUBJECT
from sso.tests.provider import PROVIDER_PASSWORD

pytestmark = pytest.mark.browser


def sign_in_at_the_provider(page, platform_url: str, provider_username: str) -> None:
    page.goto(f"{platform_url}/login/")
    screenshot(page, "sso-login-page")
    page.get_by_role("link", name="使用省统一身份认证登录").click()
    expect(page.get_by_role("heading", name="省统一身份认证平台（测试）")).to_be_visible()
    page.get_by_label("账号").fill(provider_username)
    page.get_by_label("密码").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="登录统一身份认证").click()
    page.get_by_role("button", name="Authorize").click()  # the provider's consent page


def test_staff_and_enterprise_users_log_in_with_the_provincial_identity(platform, sso_on, page):
    office = UserFactory(username="zw_office", last_name="张", first_name="伟", role=Role.OFFICE,
                         department=department("anshun-zwfw"))
    link_identity(user=office, issuer=sso_on.issuer, subject=STAFF_SUBJECT)
    ensure_demo_device(office)
    EnterpriseUserFactory(username="ent_li", last_name="李", first_name="娜", phone=ENTERPRISE_PHONE,
                          enterprise=EnterpriseFactory(name="安顺黔中测试装备有限公司", uscc=ENTERPRISE_USCC))

    sign_in_at_the_provider(page, platform.url, "zhangwei")
    # The provincial identity is a first factor only: an office account still gives its TOTP code.
    expect(page.get_by_role("heading", name="动态口令验证")).to_be_visible()
    page.get_by_label("动态口令或恢复码").fill(f"{totp(bytes.fromhex(demo_key(office.username))):06d}")
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_test_id("user-identity")).to_contain_text("张伟")
    expect(page.get_by_test_id("home-role")).to_have_text("联合服务办公室")
    screenshot(page, "sso-staff-home")

    page.context.clear_cookies()
    sign_in_at_the_provider(page, platform.url, "lina")
    expect(page.get_by_test_id("user-identity")).to_contain_text("李娜")
    expect(page.get_by_test_id("home-role")).to_have_text("企业用户")


def test_an_identity_nobody_linked_is_sent_back_with_a_chinese_message(platform, sso_on, page):
    sign_in_at_the_provider(page, platform.url, "wangwu")
    expect(page.get_by_role("alert")).to_contain_text(matching.UNLINKED)
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_test_id("user-identity")).to_have_count(0)
    screenshot(page, "sso-unlinked-refused")
