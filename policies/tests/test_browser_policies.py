"""A policy's journey in a real browser: 市工业和信息化局 drafts a policy for small manufacturers holding the 高新技术企业
and 专精特新 tags, sees how many verified enterprises it fits, publishes it; the demo enterprise `ent` is told and finds
it in "为我匹配的政策" with the reasons, reads it and marks it 感兴趣."""

import pytest
from playwright.sync_api import expect

from accounts.models import Enterprise, User
from enterprises.models import Verification
from enterprises.tags import set_tag
from policies.models import Policy, Reach
from qiyezhijia.testing import accept_confirmations, browser_login, screenshot

pytestmark = pytest.mark.browser
DESKTOP = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", "viewport": {"width": 1366, "height": 860}}
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "is_mobile": True}


@pytest.fixture
def site(demo_site, settings, tmp_path, monkeypatch, sms):
    from policies import push

    settings.MEDIA_ROOT = tmp_path / "media"
    # The push runs where the publishing request commits, instead of in a Celery worker.
    monkeypatch.setattr(push.push_policy, "delay", lambda policy_id: push.push_policy(policy_id))
    ent = User.objects.get(username="ent").enterprise
    Verification.objects.update_or_create(enterprise=ent, defaults={"status": Verification.Status.VERIFIED})
    office = User.objects.get(username="office")
    for code in ("gaoxin", "zhuanjingtexin"):
        set_tag(enterprise=ent, tag_code=code, granted=True, by=office)
    return demo_site


def test_department_publishes_and_the_enterprise_finds_it_with_reasons(site, browser, sms):
    ent = Enterprise.objects.get(users__username="ent")
    assert (ent.industry_id, ent.scale, ent.region.code) == ("C", "small", "anshun")

    staff = browser.new_context(**DESKTOP)
    page = staff.new_page()
    accept_confirmations(page)
    browser_login(page, site.url, "handler_gxj")
    page.get_by_test_id("main-menu").get_by_role("link", name="政策管理").click()
    page.get_by_role("link", name="新建政策").click()
    page.get_by_label("政策名称").fill("专精特新小型制造企业技术改造奖补")
    page.get_by_label("文号").fill("安市工信发〔2026〕18号")
    page.get_by_label("发文日期").fill("2026-03-01")
    page.get_by_label("生效日期").fill("2026-03-01")
    page.get_by_label("政策要点").fill("对获得高新技术企业和专精特新认定的小型制造企业，按技改投资额给予奖补。")
    page.get_by_label("惠企政策兑现").check()
    page.get_by_label("申请网址").fill("https://zwfw.guizhou.gov.cn/policy/apply")
    eligibility = page.get_by_test_id("eligibility")
    eligibility.get_by_label("C 制造业").check()
    eligibility.get_by_label("小型").check()
    eligibility.get_by_label("高新技术企业").check()
    eligibility.get_by_label("专精特新").check()
    screenshot(page, "policy-draft-form")
    page.get_by_role("button", name="保存").click()

    policy = Policy.objects.get(title="专精特新小型制造企业技术改造奖补")
    expect(page.get_by_test_id("matched-count")).to_have_text("1")
    expect(page.get_by_test_id("policy-criteria")).to_contain_text("高新技术企业、专精特新（须全部具备）")
    screenshot(page, "policy-draft-preview")
    page.get_by_test_id("publish").click()
    expect(page.get_by_role("status").first).to_contain_text("政策已发布")
    policy.refresh_from_db()
    assert policy.state == "published" and policy.tags == ["gaoxin", "zhuanjingtexin"]
    staff.close()

    assert Reach.objects.get(policy=policy, enterprise=ent).notified_at is not None  # told once by the push

    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    browser_login(page, site.url, "ent")
    page.goto(f"{site.url}/policies/mine/")
    item = page.get_by_test_id("matched-policy").filter(has_text="专精特新小型制造企业技术改造奖补")
    expect(item.get_by_test_id("policy-reasons")).to_contain_text("行业：制造业（C）")
    expect(item.get_by_test_id("policy-reasons")).to_contain_text("规模：小型")
    expect(item.get_by_test_id("policy-reasons")).to_contain_text("标签：高新技术企业、专精特新")
    expect(item.get_by_test_id("policy-status")).to_have_text("未读")
    screenshot(page, "policy-mine-phone")

    item.get_by_role("link", name="专精特新小型制造企业技术改造奖补").click()
    expect(page.get_by_test_id("policy-fit")).to_contain_text("本政策与贵企业匹配")
    expect(page.get_by_test_id("reach-status")).to_have_text("已读")
    page.get_by_test_id("policy-fit").get_by_role("button", name="感兴趣").click()
    expect(page.get_by_test_id("reach-status")).to_have_text("感兴趣")
    screenshot(page, "policy-detail-enterprise")
    assert Reach.objects.get(policy=policy, enterprise=ent).status == "interested"
    phone.close()

    visitor = browser.new_context(**PHONE).new_page()
    visitor.goto(f"{site.url}/policies/")
    visitor.get_by_role("link", name="专精特新小型制造企业技术改造奖补").click()
    expect(visitor.get_by_test_id("policy-detail")).to_contain_text("安市工信发〔2026〕18号")
    screenshot(visitor, "policy-public-phone")
