"""axe-core over the main pages of every role (UI.md: no serious or critical violation), desktop and phone.

The journeys of each app also check the pages they visit (qiyezhijia.testing.assert_accessible); this module is the
one place that walks every main page in one go, so a regression in the shared layout shows on all of them at once."""

import pytest

from accounts.models import User
from catalogue.demo import seed_demo_items
from policies.demo import seed_demo_policies
from qiyezhijia.testing import axe_report, axe_violations, login_as
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
