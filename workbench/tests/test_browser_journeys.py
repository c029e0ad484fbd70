"""A day's main task per role, in a real browser, starting on the workbench (issue 15): the office triages a demand
from its backlog and dispatches it; the lead department signs and closes a ticket; a specialist records a callback;
the enterprise submits a demand and rates a result from its home; the leader goes from the dashboard to the tickets."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from qiyezhijia.testing import (
    accept_confirmations,
    assert_accessible,
    confirm,
    login_as,
    pick,
    screenshot,
)
from tickets import workflow
from tickets.models import Demand, Ticket

pytestmark = pytest.mark.browser


@pytest.fixture
def site(demo_site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return demo_site


@pytest.fixture
def page(page):
    page.on("dialog", lambda dialog: dialog.accept())  # final acts confirm once
    return page


def user(username):
    return User.objects.get(username=username)


def hotline_demand(title):
    demand, _ = workflow.demand_register(
        actor=user("spec_fgw"), channel="hotline", title=title,
        content="企业在网上申报食品经营许可时系统一直提示材料不全，电话咨询窗口也说不清缺什么，已耽误两周开业。",
        domain="market", enterprise_name="安顺黔中智造装备有限公司", enterprise_uscc="91520400MA6J2K3L4K",
        requester_name="刘晓燕", requester_phone="13985300001",
    )
    return demand


def dispatched(title, registrar=None):
    demand = hotline_demand(title) if registrar is None else registrar(title)
    return workflow.demand_form_ticket(actor=user("office"), demand=demand, category="coordination",
                                       lead_department="anshun-scjg").ticket


def go_home(page):
    page.get_by_test_id("main-menu").get_by_role("link", name=re.compile("^首页")).click()


def top(page):
    page.evaluate("window.scrollTo(0, 0)")


def expect_flash(page, text):
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def test_the_office_triages_from_its_workbench(site, page):
    demand = hotline_demand("食品经营许可网上申报一直提示材料不全")
    login_as(page, site, "office")
    expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()
    backlog = page.get_by_test_id("panel-triage")
    row = backlog.get_by_test_id("triage-backlog-row").filter(has_text=demand.number)
    expect(row).to_contain_text(re.compile("剩余|今日到期"))  # triage within 1 working day
    expect(page.get_by_test_id("queue-links")).to_contain_text("待研判")
    screenshot(page, "workbench-office")
    assert_accessible(page, "工作台（联合服务办公室）")
    row.get_by_role("link", name=demand.title).click()
    form = page.locator("#decision-ticket")
    form.get_by_role("combobox", name="诉求类别").select_option(label="协调类")
    pick(form, "牵头部门", "市场监督", "市市场监督管理局")
    page.get_by_test_id("submit-ticket").click()
    expect_flash(page, "已形成工单")
    go_home(page)
    expect(page.get_by_test_id("panel-triage")).not_to_contain_text(demand.number)
    screenshot(page, "workbench-office-after-triage")


def test_the_lead_department_signs_and_closes_from_its_workbench(site, page):
    ticket = dispatched("企业名称变更后食品经营许可证信息未同步")
    login_as(page, site, "handler_scjg")
    accept_confirmations(page)  # signing and closing are final acts: each asks once
    due = page.get_by_test_id("panel-due")
    row = due.get_by_test_id("due-row").filter(has_text=ticket.number)
    expect(row).to_contain_text("待签收")
    screenshot(page, "workbench-handler")
    assert_accessible(page, "工作台（部门）")
    row.get_by_role("link", name=ticket.number).click()
    page.get_by_test_id("action-sign").click()
    expect(page.get_by_test_id("ticket-state")).to_have_text("办理中")
    page.get_by_test_id("action-close").click()
    form = page.get_by_role("form", name="办结", exact=True)
    form.get_by_label("办结标准").select_option(label="企业需求得到解决")
    form.get_by_label("办理结果（将告知企业）").fill("已协调省局系统同步许可证信息，企业可正常开业。")
    page.get_by_test_id("submit-close").click()
    expect_flash(page, "已办结")
    expect(page.get_by_test_id("ticket-state")).to_have_text("已办结待回访")
    page.goto(site.url + "/")
    expect(page.get_by_test_id("panel-due")).not_to_contain_text(ticket.number)


def test_a_specialist_records_a_callback_from_its_workbench(site, page):
    ticket = dispatched("园区道路破损影响货车通行")
    ticket = workflow.ticket_sign(actor=user("handler_scjg"), ticket=ticket)
    workflow.ticket_close(actor=user("handler_scjg"), ticket=ticket, standard="resolved", result="已修复道路。")
    login_as(page, site, "spec_fgw")
    accept_confirmations(page)  # the callback is a final act
    row = page.get_by_test_id("panel-due").get_by_test_id("due-row").filter(has_text=ticket.number)
    expect(row).to_contain_text("已办结待回访")
    screenshot(page, "workbench-specialist")
    assert_accessible(page, "工作台（企业服务专员）")
    row.get_by_role("link", name=ticket.number).click()
    page.get_by_test_id("action-callback").click()
    form = page.get_by_role("form", name="记录回访", exact=True)
    form.get_by_role("group", name="是否联系上诉求人").get_by_label("是", exact=True).check()
    form.get_by_label("满意度").select_option(label="满意")
    form.get_by_role("group", name="回访情况与办结信息是否一致").get_by_label("是", exact=True).check()
    form.get_by_role("group", name="是否符合办结标准").get_by_label("是", exact=True).check()
    form.get_by_label("回访记录").fill("企业确认道路已修复。")
    page.get_by_test_id("submit-callback").click()
    expect_flash(page, "已记录工单")
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.ARCHIVED


def test_the_enterprise_submits_and_rates_from_its_home(site, page):
    def online(title):
        demand, _ = workflow.demand_register(
            actor=user("ent"), channel="online", title=title, content="新建厂房已具备验收条件，申请消防验收两个月仍未排期。",
            domain="business_env", requester_name="刘晓燕", requester_phone="13985300001",
        )
        return demand

    ticket = dispatched("新厂房消防验收排期过长", registrar=online)
    ticket = workflow.ticket_sign(actor=user("handler_scjg"), ticket=ticket)
    workflow.ticket_close(actor=user("handler_scjg"), ticket=ticket, standard="resolved",
                          result="已协调消防部门于下周二现场验收。")
    login_as(page, site, "ent")
    todo = page.get_by_test_id("needs-action")
    expect(todo.get_by_test_id("todo-rate")).to_contain_text("新厂房消防验收排期过长")
    expect(page.get_by_test_id("recent-demands")).to_contain_text("已形成工单")
    screenshot(page, "home-enterprise")
    assert_accessible(page, "企业首页")

    page.get_by_test_id("submit-demand").click()
    page.get_by_label("标题").fill("园区供电线路老化经常停电")
    page.get_by_label("诉求内容").fill("园区供电线路老化，近一个月停电三次，影响生产。")
    page.get_by_label("业务领域").select_option(label="营商环境")
    page.get_by_role("button", name="提交诉求").click()
    demand = Demand.objects.get(title="园区供电线路老化经常停电")
    expect(page.get_by_test_id("demand-number")).to_have_text(demand.number)

    go_home(page)
    expect(page.get_by_test_id("recent-demands")).to_contain_text("园区供电线路老化经常停电")
    page.get_by_test_id("todo-rate").get_by_role("link").click()
    expect(page.get_by_test_id("ticket-result")).to_contain_text("已协调消防部门于下周二现场验收")
    rate = page.get_by_test_id("action-rate")
    rate.get_by_label("满意", exact=True).check()
    rate.get_by_label("评价（可不填）").fill("验收很快安排上了，谢谢。")
    top(page)
    screenshot(page, "enterprise-ticket-rate")
    assert_accessible(page, "企业看到的工单页")
    page.get_by_test_id("submit-rate").click()
    confirm(page, "评价提交后不能修改")
    expect_flash(page, "感谢您的评价")
    expect(page.get_by_test_id("rating")).to_contain_text("验收很快安排上了")
    screenshot(page, "enterprise-ticket-rated")
    go_home(page)
    expect(page.get_by_test_id("nothing-to-do")).to_be_visible()


def test_the_leader_lands_on_the_dashboard_and_reads_the_tickets(site, page):
    login_as(page, site, "leader")
    expect(page.get_by_role("heading", name="运行看板")).to_be_visible()
    page.get_by_test_id("main-menu").get_by_role("link", name=re.compile("^工单列表")).click()
    expect(page.get_by_role("heading", name="工单列表")).to_be_visible()
    screenshot(page, "leader-tickets")
    # The ledger of the region is the leader's to read (and to print on A4 landscape).
    page.get_by_test_id("main-menu").get_by_role("link", name=re.compile("^台账")).click()
    expect(page.get_by_role("heading", name="企业诉求台账")).to_be_visible()
    assert_accessible(page, "台账（领导）")
    screenshot(page, "leader-ledger")
