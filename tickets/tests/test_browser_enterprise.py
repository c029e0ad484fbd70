"""Journeys in a real browser: an enterprise submits on a phone, the office asks for materials, the enterprise supplies
them; an enterprise withdraws; a specialist registers a hotline demand."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from qiyezhijia.testing import assert_accessible, browser_login, confirm, screenshot
from tickets import workflow
from tickets.models import Demand
from tickets.tests.helpers import dispatched_ticket, register

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "is_mobile": True}


@pytest.fixture
def site(demo_site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return demo_site


@pytest.fixture
def pdf(tmp_path):
    path = tmp_path / "营业执照副本.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    return path


def test_enterprise_submits_on_a_phone_and_supplies_what_the_office_asks_for(site, browser, pdf, tmp_path):
    ent = browser.new_context(**PHONE)
    page = ent.new_page()
    browser_login(page, site.url, "ent")
    page.goto(f"{site.url}/demands/submit/")
    expect(page.get_by_test_id("submit-enterprise")).to_contain_text("安顺黔中智造装备有限公司")
    expect(page.get_by_label("联系人")).to_have_value("刘晓燕")
    page.get_by_label("标题").fill("新厂房消防验收排期过长")
    page.get_by_label("诉求内容").fill("新建厂房已具备验收条件，申请消防验收两个月仍未排期，影响投产。")
    page.get_by_label("业务领域").select_option(label="营商环境")
    page.get_by_label("附件材料").set_input_files(str(pdf))
    screenshot(page, "enterprise-submit")
    page.get_by_role("button", name="提交诉求").click()

    demand = Demand.objects.get(title="新厂房消防验收排期过长")
    expect(page.get_by_test_id("demand-number")).to_have_text(demand.number)
    expect(page.get_by_role("status").first).to_contain_text(f"编号 {demand.number}")
    expect(page.get_by_test_id("demand-standing")).to_contain_text("联合服务办公室正在研判")
    expect(page.get_by_role("link", name="营业执照副本.pdf", exact=True)).to_be_visible()  # beside its 预览 link
    screenshot(page, "enterprise-status")

    office = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 860})
    office_page = office.new_page()
    browser_login(office_page, site.url, "office")
    office_page.goto(f"{site.url}/demands/")
    row = office_page.get_by_test_id("demand-table").get_by_role("row").filter(has_text=demand.number)
    expect(row).to_contain_text("新厂房消防验收排期过长")
    expect(row).to_contain_text("安顺黔中智造装备有限公司")
    expect(row).to_contain_text("待研判")
    screenshot(office_page, "office-demand-list")
    office.close()

    # The triage screen belongs to another module; the office's decision is taken through the workflow.
    workflow.demand_request_materials(actor=User.objects.get(username="office"), demand=demand, missing="消防设计审查意见书")

    page.reload()
    expect(page.get_by_test_id("demand-standing")).to_contain_text("请补充以下材料：消防设计审查意见书")
    supply = page.get_by_test_id("supply-form")
    supply.get_by_label("补充说明").fill("已上传消防设计审查意见书。")
    supplement = tmp_path / "消防设计审查意见书.pdf"
    supplement.write_bytes(pdf.read_bytes())
    supply.get_by_label("补充材料").set_input_files(str(supplement))
    screenshot(page, "enterprise-supply")
    supply.get_by_role("button", name="提交补充材料").click()

    expect(page.get_by_test_id("demand-standing")).to_contain_text("联合服务办公室正在研判")
    expect(page.get_by_text("材料已补充")).to_be_visible()
    expect(page.get_by_role("link", name="消防设计审查意见书.pdf", exact=True)).to_be_visible()
    assert Demand.objects.get(pk=demand.pk).state == Demand.State.REGISTERED
    ent.close()


def test_enterprise_withdraws_a_demand_after_confirming(site, browser):
    demand = register(User.objects.get(username="ent"), channel="online", title="咨询研发费用加计扣除政策")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    browser_login(page, site.url, "ent")
    page.goto(f"{site.url}/my/demands/")
    page.get_by_role("link", name="咨询研发费用加计扣除政策").click()
    expect(page.get_by_test_id("demand-number")).to_have_text(demand.number)
    page.get_by_label("撤回原因").fill("已通过12366热线解决")
    page.get_by_role("button", name="撤回诉求").click()
    confirm(page, "撤回后不再办理")
    expect(page.get_by_test_id("demand-standing")).to_contain_text("您已撤回该诉求")
    expect(page.get_by_role("button", name="撤回诉求")).to_have_count(0)
    assert Demand.objects.get(pk=demand.pk).state == Demand.State.WITHDRAWN
    screenshot(page, "enterprise-withdrawn")
    context.close()


def test_specialist_registers_a_hotline_demand(site, page):
    browser_login(page, site.url, "spec_fgw")
    page.goto(f"{site.url}/demands/register/")
    expect(page.get_by_label("首问部门")).to_have_value("anshun-fgw")
    page.get_by_label("渠道").select_option(label="12345/省长直通车等热线")
    page.get_by_label("外部编号").fill("12345-2026-000123")
    page.get_by_label("企业名称").fill("安顺黔中智造装备有限公司")
    page.get_by_label("统一社会信用代码").fill("91520400MA6J2K3L4X")
    page.get_by_label("诉求人", exact=True).fill("刘晓燕")
    page.get_by_label("联系电话").fill("13985300001")
    page.get_by_label("标题").fill("技改项目申报材料咨询")
    page.get_by_label("诉求内容").fill("想了解技改项目申报需要准备哪些材料。")
    page.get_by_label("业务领域").select_option(label="项目申报")
    screenshot(page, "register-form")
    page.get_by_role("button", name="登记").click()
    # A wrong check character is explained next to the field; everything typed stays.
    expect(page.get_by_text("统一社会信用代码校验位不正确")).to_be_visible()
    expect(page.get_by_label("标题")).to_have_value("技改项目申报材料咨询")
    screenshot(page, "register-form-error")
    assert_accessible(page, "登记表单（有错误）")
    # After the refused submit the focus is on what to fix.
    expect(page.get_by_label("统一社会信用代码")).to_be_focused()
    page.get_by_label("统一社会信用代码").fill("91520400MA6J2K3L4K")
    page.get_by_role("button", name="登记").click()
    demand = Demand.objects.get(external_ref="12345-2026-000123")
    expect(page.get_by_test_id("demand-number")).to_have_text(demand.number)
    expect(page.get_by_text("已进入安顺市联合服务办公室的研判队列")).to_be_visible()


def test_office_asks_the_enterprise_to_merge_and_the_enterprise_agrees_on_a_phone(site, browser):
    """需要您处理 → 确认合并: the office sends the proposal from the triage page, the enterprise confirms on its phone."""
    from tickets.models import MergeProposal

    demand = register(User.objects.get(username="ent"), channel="online", title="园区北门道路破损影响货车通行")
    target = dispatched_ticket(User.objects.get(username="office"), lead="anshun-zjj", title="工业园区北门道路维修",
                               enterprise_name="安顺另一家物流有限公司")

    office = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900})
    office_page = office.new_page()
    browser_login(office_page, site.url, "office")
    office_page.goto(f"{site.url}/demands/{demand.pk}/triage/")
    office_page.get_by_role("radiogroup").get_by_text("合并到已有工单").click()
    section = office_page.get_by_test_id("propose-merge")
    section.get_by_label("或输入工单编号").fill(target.number)
    section.get_by_label("给企业的说明（可不填）").fill("住建局已在办理同一路段的维修，合并后一并答复。")
    assert_accessible(office_page, "研判页面（合并征询）")
    screenshot(office_page, "office-propose-merge")
    section.get_by_role("button", name="向企业发出合并征询").click()
    expect(office_page.get_by_role("status").first).to_contain_text("已向企业征询")
    office.close()
    assert MergeProposal.objects.get(demand=demand).state == MergeProposal.State.PENDING

    ent = browser.new_context(**PHONE)
    page = ent.new_page()
    browser_login(page, site.url, "ent")
    todo = page.get_by_test_id("todo-merge")
    expect(todo).to_contain_text(demand.title)
    screenshot(page, "enterprise-home-merge-to-confirm")
    todo.get_by_role("link", name=f"确认诉求 {demand.number} 是否同意合并").click()
    card = page.get_by_test_id("merge-proposal")
    expect(card).to_contain_text(target.lead_department.name)
    expect(card).to_contain_text("住建局已在办理同一路段的维修")
    assert_accessible(page, "企业诉求页面（确认合并）")
    screenshot(page, "enterprise-confirm-merge")
    card.get_by_role("button", name="同意合并", exact=True).click()
    confirm(page, "同意后不再单独办理")
    expect(page.get_by_role("status").first).to_contain_text("您已同意合并")
    expect(page.get_by_test_id("demand-standing")).to_contain_text(target.number)
    screenshot(page, "enterprise-merged")
    merged = Demand.objects.get(pk=demand.pk)
    assert (merged.state, merged.ticket_id, merged.consent_method) == (Demand.State.MERGED, target.pk, "online")
    ent.close()
