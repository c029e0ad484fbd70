"""Handling journeys in a real browser, after signing: closing, the callback that returns a ticket, the review that orders
rectification, archiving; termination; extension; the enterprise's rating; the city's sampled callbacks.

Only the starting point is made in Python (through the workflow); every step after it goes through the screens."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from qiyezhijia.testing import (
    accept_confirmations,
    assert_accessible,
    browser_login,
    confirm,
    login_as,
    screenshot,
)
from tickets import workflow
from tickets.models import Callback, Rating, SamplingBatch, Ticket

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "is_mobile": True}


@pytest.fixture
def site(demo_site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return demo_site


@pytest.fixture
def pdf(tmp_path):
    path = tmp_path / "营业执照变更答复函.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    return path


@pytest.fixture
def page(page):
    accept_confirmations(page)  # final acts confirm once
    return page


def user(username):
    return User.objects.get(username=username)


def open_menu(page, label):
    page.get_by_test_id("main-menu").get_by_role("link", name=re.compile(f"^{label}")).click()


def open_from_queue(page, label, ticket, row_testid="queue-row"):
    """Open the ticket from a queue of the left menu; returns the row as it was listed."""
    open_menu(page, label)
    row = page.get_by_test_id(row_testid).filter(has_text=ticket.number)
    expect(row).to_be_visible()
    return row


def go_to_ticket(page, row, ticket):
    row.get_by_role("link", name=ticket.number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ticket.title)


def action_form(page, label):
    return page.get_by_role("form", name=label, exact=True)


def choose(form, question, answer):
    form.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def expect_state(page, text):
    expect(page.get_by_test_id("ticket-state")).to_have_text(text)


def expect_flash(page, text):
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def expect_no_actions(page):
    expect(page.locator("[data-testid^='action-']")).to_have_count(0)


def top(page):
    page.evaluate("window.scrollTo(0, 0)")  # a full-page capture shows the sticky top bar where the viewport is


def handling(title, *, enterprise_user=None):
    """A hotline demand (or the enterprise's own online one) formed into a ticket for scjg and signed."""
    data = {
        "title": title,
        "content": "企业办理营业执照变更后，食品经营许可证信息迟迟未同步，影响新门店开业。",
        "domain": "market",
        "requester_name": "刘晓燕",
        "requester_phone": "13985300001",
    }
    if enterprise_user is None:
        data.update(channel="hotline", enterprise_name="安顺黔中智造装备有限公司", enterprise_uscc="91520400MA6J2K3L4K")
        registrar = user("spec_fgw")
    else:
        data.update(channel="online")
        registrar = enterprise_user
    demand, _ = workflow.demand_register(actor=registrar, **data)
    demand = workflow.demand_form_ticket(actor=user("office"), demand=demand, category="coordination",
                                         lead_department="anshun-scjg")
    return workflow.ticket_sign(actor=user("handler_scjg"), ticket=demand.ticket)


def lead_closes(page, standard, result, evidence=None, *, shot=None):
    page.get_by_test_id("action-close").click()
    form = action_form(page, "办结")
    form.get_by_label("办结标准").select_option(label=standard)
    form.get_by_label("办理结果（将告知企业）").fill(result)
    if evidence is not None:
        form.get_by_label("佐证材料").set_input_files(str(evidence))
    if shot:
        top(page)
        screenshot(page, shot)
    page.get_by_test_id("submit-close").click()
    expect_flash(page, "已办结，办理结果已告知企业")
    expect_state(page, "已办结待回访")


def office_calls_back(page, *, satisfaction, consistent, meets_standard, note):
    page.get_by_test_id("action-callback").click()
    form = action_form(page, "记录回访")
    choose(form, "是否联系上诉求人", "是")
    form.get_by_label("满意度").select_option(label=satisfaction)
    choose(form, "回访情况与办结信息是否一致", consistent)
    choose(form, "是否符合办结标准", meets_standard)
    form.get_by_label("回访记录").fill(note)
    page.get_by_test_id("submit-callback").click()
    expect_flash(page, "已记录工单")


# --- (a) close → failed callback → review → rectification → close → callback → archived ---------------------------------
def test_a_returned_ticket_is_reviewed_rectified_closed_again_and_archived(site, page, pdf):
    ticket = handling("食品经营许可证信息未随营业执照变更同步")
    login_as(page, site, "handler_scjg")
    go_to_ticket(page, open_from_queue(page, "办理中", ticket, "inbox-row"), ticket)
    expect_state(page, "办理中")
    assert_accessible(page, "工单页（牵头部门）")
    actions = page.get_by_test_id("actions")
    for label in ("办结", "添加协办部门", "申请延期", "申请终止办理"):
        expect(actions.get_by_role("button", name=label, exact=True)).to_be_visible()
    lead_closes(page, "企业需求得到解决", "已协调省局系统同步许可证信息，企业可正常开业。", pdf, shot="handling-close")
    expect(page.get_by_test_id("closure")).to_contain_text("已协调省局系统同步许可证信息")
    expect(page.get_by_role("link", name=pdf.name, exact=True)).to_be_visible()  # the evidence, downloadable
    expect_no_actions(page)

    login_as(page, site, "office")
    row = open_from_queue(page, "待回访", ticket)
    expect(row).to_contain_text("尚未回访")
    expect(row).to_contain_text("剩余")
    screenshot(page, "office-callback-queue")
    assert_accessible(page, "待回访")
    go_to_ticket(page, row, ticket)
    office_calls_back(page, satisfaction="不满意", consistent="否", meets_standard="是",
                      note="企业称许可证信息仍显示旧地址，与办结信息不一致。")
    expect_state(page, "办理中")
    # The message says what happened next: returned to whom, and until when.
    new_due = timezone.localtime(Ticket.objects.get(pk=ticket.pk).handle_due_at)
    expect_flash(page, f"工单已退回市市场监督管理局重新办理，新的办理期限为 {new_due:%Y年%m月%d日}")
    callbacks = page.get_by_test_id("callbacks")
    expect(callbacks).to_contain_text("与办结信息不一致")
    expect(callbacks).to_contain_text("退回重办")
    expect(page.get_by_text("重办次数")).to_be_visible()
    expect(page.get_by_test_id("closure-returned")).to_have_text("上次办结，已退回重办")
    top(page)
    screenshot(page, "handling-callback-return")

    login_as(page, site, "handler_scjg")
    go_to_ticket(page, open_from_queue(page, "办理中", ticket, "inbox-row"), ticket)
    page.get_by_test_id("action-request_review").click()
    action_form(page, "申请复查复核").get_by_label("复查复核建议").fill("许可证地址由省级系统维护，本部门已提交更正申请，建议复核。")
    page.get_by_test_id("submit-request_review").click()
    expect_flash(page, "已提出复查复核建议")
    expect_state(page, "复查复核中")
    expect_no_actions(page)

    login_as(page, site, "office")
    row = open_from_queue(page, "复查复核", ticket)
    expect(row).to_contain_text("许可证地址由省级系统维护")
    go_to_ticket(page, row, ticket)
    rectify_by = timezone.localdate() + timedelta(days=7)
    page.get_by_test_id("action-review").click()
    form = action_form(page, "作出复查复核结论")
    form.get_by_label("复查复核结论").select_option(label="责令整改")
    form.get_by_label("处置意见").fill("请与省局对接，确保许可证地址一周内更正。")
    form.get_by_label("整改期限（责令整改时必填）").fill(rectify_by.isoformat())
    top(page)
    screenshot(page, "handling-review")
    page.get_by_test_id("submit-review").click()
    expect_flash(page, f"责令整改，工单 {ticket.number} 已退回市市场监督管理局，整改期限为 {rectify_by:%Y年%m月%d日}")
    expect_state(page, "办理中")
    expect(page.get_by_test_id("running-due").locator(".due")).to_have_attribute(
        "title", f"办理期限：{rectify_by:%Y-%m-%d} 23:59"
    )

    login_as(page, site, "handler_scjg")
    page.goto(f"{site.url}/tickets/{ticket.pk}/")
    lead_closes(page, "企业需求得到解决", "省局已更正许可证地址，企业确认信息无误。")

    login_as(page, site, "office")
    go_to_ticket(page, open_from_queue(page, "待回访", ticket), ticket)
    office_calls_back(page, satisfaction="满意", consistent="是", meets_standard="是", note="企业确认许可证已更正。")
    expect_state(page, "已归档")
    expect_no_actions(page)
    expect(page.get_by_test_id("actions")).to_contain_text("当前没有需要您进行的操作")
    top(page)
    screenshot(page, "handling-archived")

    login_as(page, site, "handler_scjg")
    page.goto(f"{site.url}/tickets/{ticket.pk}/")
    expect_state(page, "已归档")
    expect_no_actions(page)
    done = Ticket.objects.get(pk=ticket.pk)
    assert done.state == Ticket.State.ARCHIVED and done.rework_count == 1
    assert done.attachments.get().original_name == pdf.name


# --- (b) termination requested by the lead, approved by the office ----------------------------------------------------
def test_the_office_approves_a_termination_the_lead_requested(site, page):
    ticket = handling("企业反映的园区停车难问题")
    login_as(page, site, "handler_scjg")
    page.goto(f"{site.url}/tickets/{ticket.pk}/")
    page.get_by_test_id("action-request_termination").click()
    form = action_form(page, "申请终止办理")
    form.get_by_label("终止原因").select_option(label="无法联系诉求人")
    form.get_by_label("终止说明").fill("11月20日至24日先后五次拨打诉求人电话均未接通，短信亦无回复。")
    page.get_by_test_id("submit-request_termination").click()
    expect_flash(page, "已提交终止办理申请")
    expect_state(page, "办理中")
    expect(page.get_by_test_id("action-request_termination")).to_have_count(0)

    login_as(page, site, "office")
    row = open_from_queue(page, "终止申请", ticket)
    expect(row).to_contain_text("无法联系诉求人")
    go_to_ticket(page, row, ticket)
    page.get_by_test_id("action-decide_termination").click()
    form = action_form(page, "审批终止申请")
    choose(form, "是否同意", "是")
    form.get_by_label("审批意见").fill("经核实确无法联系，同意终止。")
    page.get_by_test_id("submit-decide_termination").click()  # confirmed in the dialog
    expect_flash(page, f"已同意终止办理，工单 {ticket.number} 已终止，不再办理")
    expect_state(page, "已终止")
    expect_no_actions(page)
    expect(page.get_by_text("终止申请（已同意）")).to_be_visible()
    top(page)
    screenshot(page, "handling-termination")
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.TERMINATED


# --- (c) extension requested and approved: the due moves -----------------------------------------------------------------
def test_an_approved_extension_moves_the_handling_due(site, page):
    ticket = handling("新建厂房用电报装需协调电网改造")
    old_due = timezone.localdate(ticket.handle_due_at)
    committed = old_due + timedelta(days=14)
    due = page.get_by_test_id("running-due").locator(".due")

    login_as(page, site, "handler_scjg")
    page.goto(f"{site.url}/tickets/{ticket.pk}/")
    expect(due).to_have_attribute("title", f"办理期限：{old_due:%Y-%m-%d} 23:59")
    page.get_by_test_id("action-request_extension").click()
    form = action_form(page, "申请延期")
    form.get_by_label("承诺办结日期").fill(committed.isoformat())
    form.get_by_label("延期理由").fill("涉及电网线路改造，需供电局现场勘察后确定方案。")
    page.get_by_test_id("submit-request_extension").click()
    expect_flash(page, "已提交延期申请")
    expect(page.get_by_text(f"承诺 {committed:%Y-%m-%d} 前办结")).to_be_visible()

    login_as(page, site, "office")
    row = open_from_queue(page, "延期申请", ticket)
    expect(row).to_contain_text(f"{committed:%Y-%m-%d}")
    go_to_ticket(page, row, ticket)
    expect(due).to_have_attribute("title", f"办理期限：{old_due:%Y-%m-%d} 23:59")
    page.get_by_test_id("action-decide_extension").click()
    form = action_form(page, "审批延期申请")
    choose(form, "是否同意", "是")
    page.get_by_test_id("submit-decide_extension").click()
    expect_flash(page, f"已同意工单 {ticket.number} 延期，新的办理期限为 {committed:%Y年%m月%d日}")
    expect(due).to_have_attribute("title", f"办理期限：{committed:%Y-%m-%d} 23:59")
    expect(page.get_by_text("延期申请（已同意）")).to_be_visible()
    expect(page.get_by_test_id("action-decide_extension")).to_have_count(0)
    top(page)
    screenshot(page, "handling-extension")
    open_menu(page, "延期申请")
    expect(page.get_by_test_id("queue-row").filter(has_text=ticket.number)).to_have_count(0)


# --- (d) the enterprise reads the result and rates it --------------------------------------------------------------------
def test_the_enterprise_reads_the_result_and_rates_it(site, browser, page):
    ent = user("ent")
    ticket = handling("新门店食品经营许可证办理进度咨询", enterprise_user=ent)
    ticket = workflow.ticket_close(actor=user("handler_scjg"), ticket=ticket, standard="resolved",
                                   result="许可证已于11月25日核发，可到政务大厅市场监管窗口领取，也可选择邮寄。")
    demand = ticket.demands.get()

    phone = browser.new_context(**PHONE)
    mobile = phone.new_page()
    browser_login(mobile, site.url, "ent")
    mobile.goto(f"{site.url}/my/demands/")
    mobile.get_by_role("link", name=demand.title).click()
    expect(mobile.get_by_test_id("demand-ticket")).to_contain_text("已办结")
    expect(mobile.get_by_test_id("demand-result")).to_contain_text("许可证已于11月25日核发")
    mobile.get_by_role("link", name="查看办理结果并评价").click()
    # The enterprise's own ticket page (issue 15): the result meant for it, the rating form open, no staff clocks.
    expect(mobile.get_by_test_id("result-text")).to_contain_text("许可证已于11月25日核发")
    assert_accessible(mobile, "企业看到的工单页（手机）")
    form = mobile.get_by_test_id("action-rate")
    choose(form, "您对办理结果是否满意", "满意")
    form.get_by_label("评价（可不填）").fill("办理很快，窗口人员态度好。")
    mobile.get_by_test_id("submit-rate").click()
    confirm(mobile, "评价提交后不能修改")
    expect_flash(mobile, "感谢您的评价")
    expect(mobile.get_by_test_id("rating")).to_contain_text("满意——办理很快，窗口人员态度好。")
    expect(mobile.get_by_test_id("action-rate")).to_have_count(0)
    screenshot(mobile, "enterprise-rating")
    phone.close()

    login_as(page, site, "office")
    go_to_ticket(page, open_from_queue(page, "待回访", ticket), ticket)
    office_calls_back(page, satisfaction="满意", consistent="是", meets_standard="是", note="企业已领取许可证。")
    callbacks = page.get_by_test_id("callbacks")
    expect(callbacks.get_by_test_id("rating")).to_contain_text("企业评价：满意")
    expect(callbacks.get_by_role("row").filter(has_text="企业已领取许可证")).to_contain_text("符合办结标准")
    assert Rating.objects.get(ticket=ticket).by == ent


# --- the city samples county tickets --------------------------------------------------------------------------------
def test_the_city_office_samples_county_tickets_and_records_a_sampled_callback(site, page):
    county_office, county_handler = user("office_xixiu"), user("handler_xixiu_scjg")
    for i in range(3):
        demand, _ = workflow.demand_register(
            actor=county_handler, channel="department", title=f"西秀区企业开办咨询{i + 1}", content="咨询企业开办流程。",
            domain="market", enterprise_name="西秀区山泉农产品加工有限公司", enterprise_uscc="91520402MA6H8P7Q1T",
            requester_name="杨建国", requester_phone="13985300002",
        )
        demand = workflow.demand_form_ticket(actor=county_office, demand=demand, category="consultation",
                                             lead_department="xixiu-scjg")
        ticket = workflow.ticket_sign(actor=county_handler, ticket=demand.ticket)
        workflow.ticket_close(actor=county_handler, ticket=ticket, standard="resolved", result="已告知开办流程。")
    month = f"{timezone.localdate():%Y-%m}"

    login_as(page, site, "office")
    open_menu(page, "抽访")
    page.get_by_label("月份").fill(month)
    page.get_by_role("button", name="抽取抽访工单").click()
    expect_flash(page, f"已抽取 {month} 的抽访工单，共 1 件。")
    row = page.get_by_test_id("sampling-table").get_by_role("row").filter(has_text="西秀区")
    expect(row).to_contain_text("0 / 1")
    row.get_by_role("link", name="抽访").click()
    sampled = SamplingBatch.objects.get(region__code="xixiu").tickets.get()
    card = page.locator("section").filter(has_text=sampled.number)
    card.get_by_text("记录抽访结果").click()
    choose(card, "是否联系上诉求人", "是")
    card.get_by_label("满意度").select_option(label="基本满意")
    choose(card, "回访情况与办结信息是否一致", "是")
    choose(card, "是否符合办结标准", "是")
    card.get_by_label("回访记录").fill("企业表示已顺利办结开办手续。")
    top(page)
    screenshot(page, "office-sampling")
    card.get_by_role("button", name="保存抽访结果").click()
    expect_flash(page, f"已记录工单 {sampled.number} 的抽访结果。")
    expect(page.locator("section").filter(has_text=sampled.number)).to_contain_text("基本满意")
    open_menu(page, "抽访")
    expect(page.get_by_test_id("sampling-table").get_by_role("row").filter(has_text="西秀区")).to_contain_text("1 / 1")
    screenshot(page, "office-sampling-list")
    record = Callback.objects.get(ticket=sampled)
    assert record.sampled and Ticket.objects.get(pk=sampled.pk).state == Ticket.State.CLOSED
