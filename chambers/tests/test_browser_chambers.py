"""A chamber rotation journey in a real browser: the federation's specialist (spec_gsl, 市工商业联合会) opens this
year's published plan, records an activity on the turn under way, registers a demand collected there from the
activity's "登记诉求", sees it on the activity page with its state, and the plan page counts it; a visitor finds the
current turn on the portal and on /rotation/."""

import pytest
from playwright.sync_api import expect

from chambers.demo import seed_demo_chambers
from chambers.models import Activity, RotationEntry
from qiyezhijia.testing import accept_confirmations, browser_login, screenshot
from tickets.models import Demand

pytestmark = pytest.mark.browser
DESKTOP = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", "viewport": {"width": 1366, "height": 860}}
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "is_mobile": True}


@pytest.fixture
def site(demo_site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_chambers()
    return demo_site


def test_specialist_records_an_activity_and_registers_its_demand(site, browser):
    from django.utils import timezone

    today = timezone.localdate()
    current = RotationEntry.objects.select_related("chamber").get(starts_on__lte=today, ends_on__gte=today)
    before = current.activities.count()

    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    accept_confirmations(page)
    browser_login(page, site.url, "spec_gsl")
    page.get_by_test_id("main-menu").get_by_role("link", name="商会轮值").click()
    expect(page.get_by_test_id("plan-state")).to_have_text("已发布")
    row = page.get_by_test_id("plan-entry").filter(has_text=current.theme)
    expect(row.get_by_test_id("entry-demands")).to_have_text("0")
    screenshot(page, "chambers-plan-before")
    row.get_by_test_id("record-activity").click()

    expect(page.get_by_label("商会/协会")).to_have_value(str(current.chamber_id))
    page.get_by_label("企业座谈").check()
    page.get_by_label("活动日期").fill(today.isoformat())
    page.get_by_label("活动地点").fill("市工商联三楼会议室")
    page.get_by_label("参加企业数").fill("12")
    page.get_by_label("活动情况").fill("轮值座谈会，12 家会员企业参加，反映用地审批和招工问题。")
    page.get_by_label("国家税务总局安顺市税务局").check()
    screenshot(page, "chambers-activity-form")
    page.get_by_role("button", name="登记活动").click()
    expect(page.get_by_role("status").first).to_contain_text("活动已登记")
    activity = Activity.objects.get(place="市工商联三楼会议室")
    assert activity.entry_id == current.pk and activity.kind == "symposium"

    page.get_by_test_id("register-demand").click()
    expect(page.get_by_test_id("linked-activity")).to_contain_text(current.chamber.name)
    expect(page.get_by_label("渠道")).to_have_value("chamber")
    page.get_by_label("企业名称").fill("安顺黔中智造装备有限公司")
    page.get_by_label("统一社会信用代码").fill("91520400MA6J2K3L4K")
    page.locator("#id_requester_name").fill("刘晓燕")
    page.locator("#id_requester_phone").fill("13985300001")
    page.locator("#id_title").fill("新建厂房用地规划审批慢")
    page.get_by_label("诉求内容").fill("座谈中企业反映新建厂房的用地规划许可办理已两个月，希望加快。")
    page.get_by_label("业务领域").select_option("land")
    screenshot(page, "chambers-register-demand")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("已登记诉求")
    demand = Demand.objects.get(title="新建厂房用地规划审批慢")
    assert demand.activity_id == activity.pk and demand.channel == "chamber"

    page.goto(f"{site.url}/chambers/activities/{activity.pk}/")
    table = page.get_by_test_id("activity-demands")
    expect(table).to_contain_text(demand.number)
    expect(table.get_by_test_id("demand-state")).to_have_text("待研判")
    screenshot(page, "chambers-activity-page")

    page.get_by_role("link", name=f"{today.year} 年轮值计划").click()
    row = page.get_by_test_id("plan-entry").filter(has_text=current.theme)
    expect(row.get_by_test_id("entry-activities")).to_have_text(str(before + 1))
    expect(row.get_by_test_id("entry-demands")).to_have_text("1")
    screenshot(page, "chambers-plan-after")
    context.close()


def test_visitor_sees_the_current_rotation_on_a_phone(site, browser):
    from django.utils import timezone

    today = timezone.localdate()
    current = RotationEntry.objects.select_related("chamber").get(starts_on__lte=today, ends_on__gte=today)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{site.url}/")
    block = page.get_by_test_id("portal-rotation")
    expect(block).to_contain_text(current.chamber.name)
    expect(block).to_contain_text(current.theme)
    screenshot(page, "chambers-portal-phone")
    block.get_by_role("link", name="全年轮值安排").click()
    expect(page.get_by_test_id("current-rotation")).to_contain_text(current.theme)
    expect(page.get_by_test_id("public-rotation-table")).to_contain_text("安顺市建材行业协会")
    screenshot(page, "chambers-rotation-phone")
    context.close()
