"""Journey 1 in a real browser: every demo role logs in and sees its own navigation."""

import pytest
from playwright.sync_api import expect

from accounts.demo import USERS
from accounts.models import Role
from qiyezhijia.testing import assert_accessible, browser_login, screenshot

pytestmark = pytest.mark.browser

EXPECTED_MENU = {
    Role.SYSADMIN: ["首页", "我的账号", "工作人员账号", "平台管理"],
    Role.AUDITOR: ["首页", "安全审计", "我的账号"],
    Role.SECADMIN: ["首页", "我的账号", "账号安全"],
    Role.OFFICE: ["首页", "企业认证", "待研判", "办理异议", "延期申请", "终止申请", "待回访", "退回重办", "复查复核", "提级记录", "抽访",
                  "服务事项", "会议", "督办管理", "督办回复", "登记诉求", "政策管理", "政策触达", "企业标签认定", "宣讲培训", "诉求列表",
                  "商会轮值", "工单列表", "运行看板", "台账", "运行报告", "我的账号", "API 文档"],
    Role.GOVERNMENT: ["首页", "待确定牵头部门", "会议", "督办管理", "诉求列表", "商会轮值", "工单列表", "运行看板", "台账", "运行报告",
                      "我的账号", "API 文档"],
    Role.LEADER: ["首页", "会议", "督办管理", "诉求列表", "商会轮值", "工单列表", "运行看板", "台账", "运行报告", "我的账号",
                  "API 文档"],
    Role.SPECIALIST: ["首页", "待回访", "服务事项", "会议", "会商意见", "登记诉求", "政策管理", "政策触达", "企业标签认定", "宣讲培训",
                      "诉求列表", "商会轮值", "工单列表", "我的账号", "API 文档"],
    Role.HANDLER: ["首页", "待签收", "办理中", "我的工单", "协办工单", "服务事项", "会议", "督办回复", "会商意见", "登记诉求", "政策管理", "政策触达",
                   "企业标签认定", "宣讲培训", "诉求列表", "商会轮值", "工单列表", "台账", "我的账号", "API 文档"],
    Role.SUPERVISOR: ["首页", "登记诉求", "诉求列表", "我的账号"],
    Role.CHAMBER: ["首页", "登记诉求", "诉求列表", "本商会活动", "我的账号"],
    Role.ENTERPRISE: ["首页", "我的企业", "提交诉求", "我的诉求", "为我匹配的政策", "我的惠企红利", "我的企业画像", "我的培训", "我的账号"],
}
ONE_PER_ROLE = {}
for _user in USERS:
    ONE_PER_ROLE.setdefault(_user.role, _user.username)


@pytest.mark.parametrize(("role", "username"), sorted(ONE_PER_ROLE.items()))
def test_each_role_logs_in_and_sees_its_menu(demo_site, page, role, username):
    browser_login(page, demo_site.url, username)
    if role == Role.LEADER:  # a leader's home is the dashboard
        expect(page.get_by_role("heading", name="运行看板")).to_be_visible()
    else:
        expect(page.get_by_test_id("home-role")).to_have_text(str(Role(role).label))
    menu = page.get_by_test_id("main-menu").get_by_role("link")
    expect(menu).to_have_count(len(EXPECTED_MENU[role]))
    for label in EXPECTED_MENU[role]:
        expect(page.get_by_test_id("main-menu")).to_contain_text(label)
    screenshot(page, f"login-{role}-{username}")
    assert_accessible(page, f"首页（{Role(role).label}）")
    page.get_by_test_id("logout").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_wrong_password_is_explained(demo_site, page):
    browser_login(page, demo_site.url, "office", "not-the-password")
    expect(page.get_by_test_id("login-error")).to_contain_text("用户名或密码不正确")
    expect(page.get_by_label("用户名")).to_have_value("office")
    screenshot(page, "login-wrong-password")
    assert_accessible(page, "登录（密码错误）")


def test_enterprise_on_a_phone(demo_site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    browser_login(page, demo_site.url, "ent")
    expect(page.get_by_test_id("home-role")).to_have_text("企业用户")
    expect(page.locator("#main").get_by_text("安顺黔中智造装备有限公司")).to_be_visible()
    screenshot(page, "enterprise-phone-home")
    assert_accessible(page, "企业首页（手机）")
    context.close()
