"""Office journeys in a real browser: triage → dispatch → sign; objection → reassignment; referral → government decision."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from qiyezhijia.testing import assert_accessible, confirm, login_as, pick, screenshot
from tickets import workflow
from tickets.models import Ticket

pytestmark = pytest.mark.browser


def open_menu(page, label):
    page.get_by_test_id("main-menu").get_by_role("link", name=re.compile(f"^{label}")).click()


def new_demand(title="市场准入许可网上申报一直提示材料不全"):
    """A hotline demand registered by the fgw specialist, as SPEC §11's demo user would."""
    demand, _ = workflow.demand_register(
        actor=User.objects.get(username="spec_fgw"),
        channel="hotline",
        title=title,
        content="企业在网上申报食品经营许可时系统一直提示材料不全，电话咨询窗口也说不清缺什么，已耽误两周开业。",
        domain="market",
        enterprise_name="安顺黔中智造装备有限公司",
        enterprise_uscc="91520400MA6J2K3L4K",
        requester_name="刘晓燕",
        requester_phone="13985300001",
    )
    return demand


def dispatched(lead="anshun-scjg", **kwargs):
    demand = new_demand(**kwargs)
    office = User.objects.get(username="office")
    demand = workflow.demand_form_ticket(actor=office, demand=demand, category="coordination", lead_department=lead)
    return demand.ticket


def test_office_triages_a_demand_and_the_lead_signs_it(demo_site, page):
    demand = new_demand()
    login_as(page, demo_site, "office")
    open_menu(page, "待研判")
    expect(page.get_by_role("heading", name="待研判诉求")).to_be_visible()
    row = page.get_by_test_id("triage-row").filter(has_text=demand.number)
    expect(row).to_contain_text("市市场监督管理局")  # the suggested lead
    screenshot(page, "triage-queue")
    assert_accessible(page, "待研判诉求")

    row.get_by_role("link", name=demand.title).click()
    expect(page.get_by_role("heading", name=re.compile("研判诉求"))).to_be_visible()
    expect(page.get_by_test_id("suggested-lead")).to_have_text("市市场监督管理局")
    expect(page.locator("#decision-ticket")).to_be_visible()
    expect(page.locator("#decision-reject")).to_be_hidden()  # only the chosen decision's form shows
    ticket_form = page.locator("#decision-ticket")
    ticket_form.get_by_role("combobox", name="诉求类别").select_option(label="协调类")
    pick(ticket_form, "牵头部门", "市场监督", "市市场监督管理局")
    screenshot(page, "triage-form")
    page.get_by_test_id("submit-ticket").click()
    expect(page.get_by_role("status").filter(has_text="已形成工单")).to_be_visible()
    expect(page.get_by_test_id("triage-table")).not_to_contain_text(demand.number)
    ticket = Ticket.objects.get(demands=demand)

    login_as(page, demo_site, "handler_scjg")
    open_menu(page, "待签收")
    row = page.get_by_test_id("inbox-row").filter(has_text=ticket.number)
    expect(row).to_contain_text("安顺黔中智造装备有限公司")
    expect(row).to_contain_text("剩余")
    screenshot(page, "inbox-to-sign")
    row.get_by_role("button", name=f"签收 {ticket.number}").click()
    expect(page.get_by_test_id("ticket-state")).to_have_text("办理中")
    expect(page.get_by_test_id("running-due")).to_contain_text("剩余")
    # Signed: the lead now has the handling actions, and signing is no longer offered.
    expect(page.get_by_test_id("action-close")).to_be_visible()
    expect(page.get_by_test_id("action-sign")).to_have_count(0)
    screenshot(page, "ticket-detail-handling")
    assert_accessible(page, "工单页（办理中）")


def test_an_objection_is_reassigned_by_the_office(demo_site, page):
    ticket = dispatched(title="企业名称变更后税务登记信息未同步")
    login_as(page, demo_site, "handler_scjg")
    open_menu(page, "待签收")
    page.get_by_test_id("inbox-row").filter(has_text=ticket.number).get_by_role("link", name=re.compile("异议")).click()
    reason = page.get_by_role("textbox", name="异议理由")
    expect(reason).to_be_visible()  # the objection form opens from the inbox's link
    reason.fill("税务登记信息同步属于税务部门职责，建议改派市税务局。")
    screenshot(page, "ticket-detail-object")
    page.get_by_test_id("submit-object").click()
    expect(page.get_by_test_id("ticket-state")).to_have_text("异议处理中")

    login_as(page, demo_site, "office")
    open_menu(page, "办理异议")
    row = page.get_by_test_id("dispute-row").filter(has_text=ticket.number)
    expect(row).to_contain_text("税务登记信息同步属于税务部门职责")
    expect(row).to_contain_text("市市场监督管理局")
    screenshot(page, "dispute-queue")
    row.get_by_role("link", name="处理").click()
    page.get_by_test_id("action-reassign").click()
    pick(page, "新的牵头部门", "税务局", "国家税务总局安顺市税务局")
    page.get_by_role("textbox", name="协调说明").fill("经协调，由市税务局牵头办理。")
    page.evaluate("window.scrollTo(0, 0)")  # a full-page capture shows the sticky top bar where the viewport is
    screenshot(page, "ticket-detail-reassign")
    page.get_by_test_id("submit-reassign").click()
    confirm(page, "重新派单后由所选部门牵头办理")
    expect(page.get_by_role("status").filter(has_text="已重新派至国家税务总局安顺市税务局")).to_be_visible()
    expect(page.get_by_test_id("lead-department")).to_have_text("国家税务总局安顺市税务局")

    login_as(page, demo_site, "handler_sw")
    open_menu(page, "待签收")
    expect(page.get_by_test_id("inbox-row").filter(has_text=ticket.number)).to_be_visible()


def test_a_referred_dispute_is_decided_by_the_government(demo_site, page):
    ticket = dispatched(title="园区道路产权不清导致维修无人负责")
    workflow.ticket_object(actor=User.objects.get(username="handler_scjg"), ticket=ticket, reason="道路维修不属于市场监管职责")
    login_as(page, demo_site, "office")
    page.goto(f"{demo_site.url}/tickets/{ticket.pk}/")
    page.get_by_test_id("action-refer_to_government").click()
    page.get_by_role("textbox", name="协调情况说明").fill("已召集市场监管、住建、自然资源三部门协调，均认为不属于本部门职责。")
    page.get_by_test_id("submit-refer_to_government").click()
    expect(page.get_by_test_id("ticket-state")).to_have_text("待政府确定")

    login_as(page, demo_site, "gov")
    open_menu(page, "待确定牵头部门")
    row = page.get_by_test_id("government-row").filter(has_text=ticket.number)
    expect(row).to_contain_text("道路维修不属于市场监管职责")
    expect(row).to_contain_text("已召集市场监管、住建、自然资源三部门协调")
    screenshot(page, "government-queue")
    row.get_by_role("link", name="确定牵头部门").click()
    expect(page.get_by_role("combobox", name="确定牵头部门")).to_be_visible()  # opened by the row's link
    pick(page, "确定牵头部门", "自然资源", "市自然资源局")
    page.get_by_test_id("submit-decide_lead").click()
    confirm(page, "确定后由所选部门牵头办理")
    expect(page.get_by_test_id("ticket-state")).to_have_text("待签收")
    expect(page.get_by_test_id("lead-department")).to_have_text("市自然资源局")

    login_as(page, demo_site, "handler_zrzy")
    open_menu(page, "待签收")
    expect(page.get_by_test_id("inbox-row").filter(has_text=ticket.number)).to_be_visible()


def test_triage_and_ticket_actions_work_without_javascript(demo_site, browser):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN", viewport={"width": 1366, "height": 860})
    page = context.new_page()
    demand = new_demand(title="两家企业之间的货款纠纷请求政府处理")
    login_as(page, demo_site, "office")
    page.goto(f"{demo_site.url}/demands/{demand.pk}/triage/")
    expect(page.locator("#decision-reject")).to_be_hidden()
    page.locator("label[for=choose-reject]").click()  # the radio reveals its form through CSS alone
    reject = page.locator("#decision-reject")
    expect(reject).to_be_visible()
    reject.get_by_role("combobox", name="不予受理原因").select_option(label="市场主体之间的矛盾纠纷")
    reject.get_by_role("textbox", name="不予受理说明").fill("属于企业之间的合同纠纷，建议通过诉讼或仲裁解决。")
    page.get_by_test_id("submit-reject").click()
    expect(page.get_by_role("status").filter(has_text="已作不予受理")).to_be_visible()
    demand.refresh_from_db()
    assert demand.state == "rejected"

    ticket = dispatched(title="无脚本环境下提出异议")
    login_as(page, demo_site, "handler_scjg")
    page.goto(f"{demo_site.url}/tickets/{ticket.pk}/")
    reason = page.get_by_role("textbox", name="异议理由")
    expect(reason).to_be_hidden()
    page.get_by_test_id("action-object").click()  # without JS the button is a link to the form's anchor
    reason.fill("不属于本部门职责。")
    page.get_by_test_id("submit-object").click()
    expect(page.get_by_test_id("ticket-state")).to_have_text("异议处理中")
    context.close()
