"""Supervision in a real browser (SPEC §7): the office issues a written supervision from the ticket page, prints the
督办通知书, and the lead department's handler answers it from its 督办 inbox; the office sees the answer on its board.

Only the starting ticket is made in Python (through the workflow); every step after it goes through the screens."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from qiyezhijia.testing import assert_accessible, confirm, login_as, screenshot
from supervision.models import Supervision
from tickets import workflow

pytestmark = pytest.mark.browser


def user(username):
    return User.objects.get(username=username)


def open_menu(page, label):
    page.get_by_test_id("main-menu").get_by_role("link", name=re.compile(f"^{label}")).click()


def handling_ticket():
    demand, _ = workflow.demand_register(
        actor=user("spec_fgw"), channel="hotline", title="新建厂房消防验收迟迟未办结",
        content="企业新建厂房已于两个月前申请消防验收，至今未安排现场查验，影响投产。", domain="market",
        enterprise_name="安顺黔中智造装备有限公司", enterprise_uscc="91520400MA6J2K3L4K",
        requester_name="刘晓燕", requester_phone="13985300001",
    )
    demand = workflow.demand_form_ticket(actor=user("office"), demand=demand, category="coordination",
                                         lead_department="anshun-scjg")
    return workflow.ticket_sign(actor=user("handler_scjg"), ticket=demand.ticket)


def test_office_issues_a_written_supervision_prints_the_notice_and_the_department_answers(demo_site, page):
    site = demo_site
    ticket = handling_ticket()

    # The office supervises the ticket in writing from the ticket page.
    login_as(page, site, "office")
    page.goto(f"{site.url}/tickets/{ticket.pk}/")
    page.get_by_test_id("action-supervise").click()
    form = page.get_by_role("form", name="督办", exact=True)
    form.get_by_role("group", name="督办方式").get_by_label("书面督办", exact=True).check()
    form.get_by_label("督办情形").select_option(label="可能超期或已超期")
    form.get_by_label("督办事项及要求").fill("请于两个工作日内书面说明消防验收未安排现场查验的原因及具体办结时间。")
    page.get_by_test_id("submit-supervise").click()
    confirm(page, "督办发出后将通知被督办部门")
    expect(page.get_by_role("status").filter(has_text="发出督办")).to_be_visible()
    supervision = Supervision.objects.get(ticket=ticket)
    item = page.get_by_test_id("supervision-item")
    expect(item).to_contain_text("书面督办")
    expect(item).to_contain_text("市市场监督管理局")

    # The printable notice opens in its own tab: no menus, the office's name, number, addressee, matter, due.
    with page.expect_popup() as opened:
        item.get_by_test_id("notice-link").click()
    notice = opened.value
    notice.wait_for_load_state()
    expect(notice.get_by_test_id("notice-issuer")).to_have_text("安顺市“企业之家”联合服务工作机制办公室")
    expect(notice.get_by_test_id("notice-number")).to_have_text(supervision.number)
    expect(notice.get_by_test_id("notice-department")).to_have_text("市市场监督管理局")
    expect(notice.get_by_test_id("notice-matter")).to_contain_text(ticket.number)
    expect(notice.get_by_test_id("notice-due")).to_contain_text("前")
    expect(notice.get_by_test_id("main-menu")).to_have_count(0)
    screenshot(notice, "supervision-notice")
    notice.emulate_media(media="print")
    expect(notice.get_by_test_id("print")).to_be_hidden()  # the toolbar never prints
    screenshot(notice, "supervision-notice-print")
    notice.close()

    # The lead department's handler finds it in its 督办 inbox, with the count in the menu, and answers it (an answer
    # is final: the page asks once).
    login_as(page, site, "handler_scjg")
    expect(page.get_by_test_id("main-menu").get_by_role("link", name=re.compile("^督办回复"))).to_contain_text("1")
    open_menu(page, "督办回复")
    entry = page.get_by_test_id("inbox-item").filter(has_text=supervision.number)
    expect(entry).to_contain_text("请于两个工作日内书面说明")
    expect(entry).to_contain_text("剩余")
    answer = entry.get_by_role("form", name=f"回复督办 {supervision.number}")
    answer.get_by_label("回复内容").fill("已与消防部门会商，定于本周五开展现场查验，下周三前出具验收意见。")
    answer.get_by_test_id("submit-answer").click()
    confirm(page, "回复提交后不能修改，确认提交？")
    expect(page.get_by_role("status").filter(has_text="已回复督办")).to_be_visible()
    done = page.get_by_test_id("inbox-item").filter(has_text=supervision.number)
    expect(done.get_by_test_id("answer")).to_contain_text("定于本周五开展现场查验")
    expect(done.get_by_test_id("answer-form")).to_have_count(0)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "supervision-answered")
    assert_accessible(page, "督办回复")

    # The office sees the answer on its board.
    login_as(page, site, "office")
    open_menu(page, "督办管理")
    page.get_by_test_id("tab-answered").click()
    row = page.get_by_test_id("supervision-row").filter(has_text=supervision.number)
    expect(row).to_contain_text("已回复")
    expect(row).to_contain_text("定于本周五开展现场查验")
    expect(page.get_by_test_id("count-answered")).to_have_text("1")
    screenshot(page, "supervision-board")
    assert_accessible(page, "督办管理")
    supervision.refresh_from_db()
    assert supervision.answered_by.username == "handler_scjg"
