"""axe-core over the main pages of every role (UI.md: no serious or critical violation), desktop and phone.

The journeys of each app also check the pages they visit (qiyezhijia.testing.assert_accessible); this module is the
one place that walks every main page in one go, so a regression in the shared layout shows on all of them at once."""

import pytest

from accounts.models import User
from catalogue.demo import seed_demo_items
from policies.demo import seed_demo_policies
from qiyezhijia.testing import ARTIFACTS, axe_report, axe_violations, login_as
from supervision import services as supervision
from tickets.tests.helpers import closed_ticket, dispatched_ticket, handling_ticket, register

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "is_mobile": True}


def user(username):
    return User.objects.get(username=username)


@pytest.fixture
def site(demo_site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_demo_items()
    seed_demo_policies()
    office, handler = user("office"), user("handler_scjg")
    dispatched_ticket(office, title="待签收的准入许可工单")
    working = handling_ticket(office, handler, title="消防验收迟迟未安排现场查验")
    closed_ticket(office, handler, title="营业执照变更已办结")
    supervision.ticket_urge(actor=office, ticket=working, note="请加快办理。")
    register(user("ent"), channel="online", title="咨询研发费用加计扣除政策")
    return demo_site


class Survey:
    """Visits pages and collects every serious or critical violation, so one run lists them all."""

    def __init__(self, page, site):
        self.page, self.site, self.found = page, site, []

    def check(self, where):
        violations = axe_violations(self.page)
        if violations:
            self.found.append(axe_report(violations, where))

    def visit(self, path, where=None):
        self.page.goto(f"{self.site.url}{path}")
        self.check(where or path)

    def assert_clean(self):
        assert not self.found, "\n\n".join(self.found)


PAGES = {
    None: ["/", "/login/", "/track/", "/demands/new/", "/services/", "/policies/", "/trainings/", "/signup/"],
    "office": ["/", "/office/triage/", "/tickets/", "/supervisions/", "/supervisions/?tab=overdue",
               "/office/callbacks/", "/office/extensions/", "/demands/", "/notifications/", "/meetings/"],
    "handler_scjg": ["/", "/inbox/", "/inbox/handling/", "/tickets/", "/supervisions/inbox/"],
    "leader": ["/reports/dashboard/", "/reports/operations/", "/reports/ledger/"],
    "ent": ["/enterprise/", "/demands/submit/", "/my/demands/", "/policies/mine/"],
}


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_main_pages_have_no_serious_or_critical_violation(site, browser, phone):
    context = browser.new_context(**(PHONE if phone else {"locale": "zh-CN", "viewport": {"width": 1366, "height": 860}}))
    page = context.new_page()
    survey = Survey(page, site)
    from tickets.models import Ticket

    for username, paths in PAGES.items():
        if username:
            login_as(page, site, username)
        for path in paths:
            survey.visit(path)
        if username in ("office", "handler_scjg"):
            for ticket in Ticket.objects.order_by("pk"):
                survey.visit(f"/tickets/{ticket.pk}/", f"工单页 {ticket.title} ({username})")
    survey.assert_clean()
    context.close()


def test_a_final_act_asks_only_after_the_form_is_valid_and_focus_follows(site, page):
    from playwright.sync_api import expect

    from qiyezhijia.testing import assert_accessible, confirm, screenshot
    from tickets.models import Ticket

    ticket = Ticket.objects.get(title="消防验收迟迟未安排现场查验")
    login_as(page, site, "handler_scjg")
    page.goto(f"{site.url}/tickets/{ticket.pk}/")
    dialog = page.get_by_test_id("confirm-dialog")

    # Opening an action moves the focus into its form.
    page.get_by_test_id("action-close").click()
    form = page.get_by_role("form", name="办结", exact=True)
    expect(form.get_by_label("办结标准")).to_be_focused()

    # Nothing filled in: the browser points at the first missing field and nobody is asked to confirm.
    page.get_by_test_id("submit-close").click()
    expect(form.get_by_label("办结标准")).to_be_focused()
    expect(dialog).to_have_count(0)
    form.get_by_label("办结标准").select_option(label="企业需求得到解决")
    page.get_by_test_id("submit-close").click()
    expect(form.get_by_label("办理结果（将告知企业）")).to_be_focused()
    expect(dialog).to_have_count(0)

    # Filled in: now the dialog asks, with the focus on its confirm button; Esc cancels and gives the focus back.
    form.get_by_label("办理结果（将告知企业）").fill("已协调消防部门本周五现场查验。")
    page.get_by_test_id("submit-close").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("确认办结？办结后不能修改办理结果")
    expect(dialog.get_by_test_id("confirm-accept")).to_be_focused()
    expect(dialog.get_by_test_id("confirm-accept")).to_have_text("确认办结")
    # The viewport as the person sees it (a full-page capture would place the sticky top bar mid-page).
    page.screenshot(path=str(ARTIFACTS / "screenshots" / "confirm-dialog.png"))
    assert_accessible(page, "确认对话框")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("submit-close")).to_be_focused()
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.HANDLING

    page.get_by_test_id("submit-close").click()
    confirm(page, "确认办结？")
    expect(page.get_by_role("status").filter(has_text="已办结")).to_be_visible()
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.CLOSED


def test_server_errors_take_the_focus(site, page):
    from playwright.sync_api import expect

    from qiyezhijia.testing import assert_accessible, screenshot
    from tickets.models import Ticket

    ticket = Ticket.objects.get(title="消防验收迟迟未安排现场查验")
    login_as(page, site, "handler_scjg")
    page.goto(f"{site.url}/tickets/{ticket.pk}/")
    page.get_by_test_id("action-request_extension").click()
    form = page.get_by_role("form", name="申请延期", exact=True)
    form.get_by_label("承诺办结日期").fill("2020-01-01")  # before the due: the server refuses it
    form.get_by_label("延期理由").fill("需供电局现场勘察。")
    page.get_by_test_id("submit-request_extension").click()
    form = page.get_by_role("form", name="申请延期", exact=True)
    expect(form.locator(".invalid-feedback")).to_be_visible()
    expect(form.get_by_label("承诺办结日期")).to_be_focused()
    screenshot(page, "ticket-action-error-focus")
    assert_accessible(page, "工单页（操作表单有错误）")


def test_staff_lists_are_cards_on_a_phone(site, browser):
    from playwright.sync_api import expect

    from qiyezhijia.testing import assert_accessible, screenshot

    context = browser.new_context(**PHONE)
    page = context.new_page()
    login_as(page, site, "office")
    page.goto(f"{site.url}/tickets/")
    table = page.get_by_test_id("ticket-table")
    row = table.locator("tbody tr").filter(has_text="消防验收迟迟未安排现场查验")
    expect(row).to_be_visible()
    title = row.locator("td[data-label='标题']")
    expect(title).to_contain_text("消防验收迟迟未安排现场查验")
    assert row.evaluate("tr => getComputedStyle(tr).display") == "block"
    # The title reads on one or two lines, not one character per line.
    box = title.locator("a").bounding_box()
    assert box["width"] > 150 and box["height"] < 60, box
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "ticket-list-phone")
    assert_accessible(page, "工单列表（手机）")
    page.goto(f"{site.url}/supervisions/?tab=all")
    screenshot(page, "supervision-board-phone")
    context.close()
