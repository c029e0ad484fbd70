"""The office holds an analysis meeting over three tickets in a real browser and prints the minutes (issue 14)."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from meetings.models import AgendaItem, Meeting
from qiyezhijia.testing import login_as, screenshot
from tickets import workflow

pytestmark = pytest.mark.browser

MATTERS = ["企业厂房消防验收久拖未决", "园区道路施工影响企业出货", "企业技改项目用地指标协调"]


def dispatched(title: str, lead: str = "anshun-scjg"):
    specialist = User.objects.get(username="spec_fgw")
    office = User.objects.get(username="office")
    demand, _ = workflow.demand_register(
        actor=specialist, channel="hotline", title=title,
        content="企业多次反映，涉及多个部门，需要联合服务办公室统筹协调解决。", domain="business_env",
        enterprise_name="安顺黔中智造装备有限公司", enterprise_uscc="91520400MA6J2K3L4K",
        requester_name="刘晓燕", requester_phone="13985300001",
    )
    demand = workflow.demand_form_ticket(actor=office, demand=demand, category="coordination", lead_department=lead)
    return demand.ticket


def test_office_holds_an_analysis_meeting_over_three_tickets_and_prints_the_minutes(demo_site, page):
    tickets = [dispatched(title) for title in MATTERS]
    login_as(page, demo_site, "office")
    page.get_by_test_id("main-menu").get_by_role("link", name=re.compile("^会议")).click()
    expect(page.get_by_role("heading", name=re.compile("^会议"))).to_be_visible()
    page.get_by_test_id("meeting-new").click()

    page.get_by_label("分析研判会").check()
    page.get_by_label("会议名称").fill("十二月企业诉求集中分析研判会")
    page.get_by_label("召开时间").fill("2026-12-08T09:30")
    page.get_by_label("会议地点").fill("市政务服务中心四楼会议室")
    page.get_by_label("主持人").fill("市政务服务中心主任")
    page.get_by_label("市市场监督管理局").check()
    page.get_by_label("市发展和改革委员会").check()
    screenshot(page, "meetings-create")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("meeting-title")).to_contain_text("十二月企业诉求集中分析研判会")
    expect(page.get_by_test_id("meeting-state")).to_have_text("待召开")

    form = page.get_by_test_id("item-form")
    for ticket in tickets:
        form.get_by_label("工单编号").fill(ticket.number)
        form.get_by_test_id("item-add").click()
        expect(page.get_by_test_id("agenda")).to_contain_text(ticket.number)
    expect(page.get_by_test_id("agenda-item")).to_have_count(3)
    screenshot(page, "meetings-agenda")

    page.get_by_test_id("meeting-hold").click()
    page.get_by_label("会议纪要").fill("会议听取了三张疑难工单的办理情况汇报，逐件研究并明确了责任单位和办理时限。")
    page.get_by_test_id("hold-submit").click()
    expect(page.get_by_test_id("meeting-state")).to_have_text("已召开")

    decisions = [
        ("明确责任单位限期办理", "由市市场监督管理局牵头，5 个工作日内完成消防验收协调。"),
        ("已解决", "会上明确施工时段，企业出货不受影响。"),
        ("报市人民政府研究", "用地指标超出部门权限，报市人民政府研究。"),
    ]
    for n, (outcome, decision) in enumerate(decisions):
        page.get_by_test_id("agenda-item").nth(n).get_by_test_id("item-decide").click()
        page.get_by_label(outcome).check()
        page.get_by_label("会议决定").fill(decision)
        if n == 0:
            page.get_by_label("责任单位", exact=True).select_option(label="市市场监督管理局")
            page.get_by_label("或：自今日起的工作日数").fill("5")
            screenshot(page, "meetings-decide")
        page.get_by_test_id("decide-submit").click()
        expect(page.get_by_test_id("agenda-item").nth(n).get_by_test_id("item-decision")).to_contain_text(outcome)
    expect(page.get_by_test_id("agenda")).to_contain_text("剩余")
    screenshot(page, "meetings-detail-decided")

    with page.expect_popup() as popup:
        page.get_by_test_id("meeting-minutes-link").click()
    minutes = popup.value
    expect(minutes.get_by_test_id("minutes-office")).to_have_text("安顺市“企业之家”联合服务工作机制办公室")
    expect(minutes.get_by_test_id("minutes-item")).to_have_count(3)
    expect(minutes.get_by_test_id("minutes")).to_contain_text("报市人民政府研究")
    minutes.emulate_media(media="print")
    expect(minutes.get_by_test_id("print")).to_be_hidden()
    screenshot(minutes, "meetings-minutes-print")
    minutes.emulate_media(media="screen")
    screenshot(minutes, "meetings-minutes")

    meeting = Meeting.objects.get()
    assert meeting.state == "held"
    assert sorted(AgendaItem.objects.values_list("outcome", flat=True)) == ["assigned", "resolved", "to_government"]

    # The ticket's page lists the meeting that discussed it.
    page.goto(f"{demo_site.url}/tickets/{tickets[0].pk}/")
    expect(page.get_by_test_id("ticket-meetings")).to_contain_text("十二月企业诉求集中分析研判会")
    screenshot(page, "meetings-ticket-page")
