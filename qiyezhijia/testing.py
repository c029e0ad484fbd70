"""What the tests of every app share: the reference data, flashed messages, logging in a browser, screenshots.

Test code only (imported by conftest.py and test modules); the dependency contract does not apply to tests.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.contrib.messages import get_messages

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

# Production refuses to start without the personal-information keys (core/tests/test_crypto.py tests that): tests that
# start a production process about other variables give it these two well-formed keys.
PRODUCTION_PII_KEYS = {
    "QYZJ_PII_KEY": "cHJvZHVjdGlvbi10ZXN0LWVuY3J5cHRpb24ta2V5MDE=",
    "QYZJ_PII_HASH_KEY": "cHJvZHVjdGlvbi10ZXN0LWhhc2hpbmctLS1rZXktMDE=",
}


def committed():
    """A block whose on-commit callbacks run at its end, as after the real commit of a request: an SMS code, like every
    outbox message, is queued for sending only then (notifications.services.sms_to_outbox), so a test reading the
    recording gateway posts inside `with committed():`."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def load_reference_data() -> None:
    """The rows the migrations load (regions, departments, domains, the calendar, the deadline policies, the workflow
    settings), again: a transactional test flushes them afterwards. The loaders are idempotent."""
    from accounts.industries import load_sections
    from accounts.models import Department, Domain, IndustrySection, Region
    from accounts.orgdata import load_organisation
    from catalogue.services import ensure_kinds
    from enterprises.models import Tag
    from enterprises.tags import load_tags
    from tickets.models import WorkflowSettings
    from workcalendar.models import CalendarException, CalendarYear, DeadlinePolicy
    from workcalendar.seed import seed_calendar, seed_policies
    from workcalendar.workdays import reload_calendar

    load_organisation(Region, Domain, Department)
    load_sections(IndustrySection)
    load_tags(Tag)
    seed_calendar(CalendarYear, CalendarException)
    seed_policies(DeadlinePolicy)
    WorkflowSettings.current()
    ensure_kinds()
    reload_calendar()


def flashed(response) -> list[str]:
    """The messages a response flashed (success, errors), as the person reads them."""
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- browser journeys (Playwright driving Debian's Chromium) ------------------------------------------------------
def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ (git-ignored) and return its path."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def pick(scope, name: str, search: str, option: str | None = None) -> None:
    """Choose in a searchable department picker (static/js/pickers.js) as a person does: click the box labelled
    `name` inside `scope` (a page or a part of it), type `search`, click the option whose text is `option` (default:
    `search`)."""
    import re

    # tom-select points the field's label at its text input (label[for] → the input, inside the picker's wrapper).
    label = scope.locator("label", has_text=re.compile(f"^{re.escape(name)}[*（]?")).first
    control = scope.locator(f"[id='{label.get_attribute('for')}']")
    wrapper = control.locator("xpath=ancestor::div[contains(@class, 'ts-wrapper')]")
    # A single picker with a choice shows the choice, not the (then narrow) text input: click the box, then type.
    wrapper.locator(".ts-control").click()
    control.press_sequentially(search)
    wanted = re.compile(f"^{re.escape(option or search)}$")
    wrapper.locator(".ts-dropdown .option").filter(has_text=wanted).first.click()


def browser_login(page, base_url: str, username: str, password: str | None = None) -> None:
    """Log in through the login page; when the second-factor page follows, type the current TOTP code as a person
    reading their authenticator app would."""
    from accounts.demo import DEMO_PASSWORD

    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password or DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    if "/login/verify/" in page.url:
        page.get_by_label("动态口令或恢复码").fill(current_totp(username))
        with page.expect_navigation():
            page.get_by_role("button", name="验证").click()


def current_totp(username: str) -> str:
    """The code the user's authenticator shows now. A code is accepted once: when this 30-second step's code was
    already used (two logins of one user within 30 s), the device is told the previous step was the last used, as if
    the person had waited for the next code."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if device.last_t >= totp.t():
        device.last_t = totp.t() - 1
        device.save(update_fields=["last_t"])
    return f"{totp.token():0{device.digits}d}"


def login_as(page, site, username: str) -> None:
    """Log in as a demo user in a clean browser context and wait until the top bar shows who is logged in."""
    from playwright.sync_api import expect

    page.context.clear_cookies()
    browser_login(page, site.url, username)
    expect(page.get_by_test_id("user-identity")).to_be_visible()


# --- accessibility (axe-core from npm, package.json) ---------------------------------------------------------------
AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_FAILING_IMPACTS = ("serious", "critical")
# Rules not run, each with its reason (none yet: a rule is switched off only with a reason written here).
AXE_DISABLED_RULES: dict[str, str] = {}


@functools.cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8") + "\n;void 0;"


def axe_violations(page, *, impacts=AXE_FAILING_IMPACTS) -> list[dict]:
    """Run axe-core (WCAG 2.1 A/AA and best practices) on the page as it is now; the violations of these impacts."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Not page.add_script_tag: the platform's CSP (script-src 'self') refuses the inline <script> it writes. The
        # DevTools protocol evaluates the library's source as the browser's own code, which no page policy blocks.
        page.evaluate(_axe_source())
    options = {
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
        "rules": {rule: {"enabled": False} for rule in AXE_DISABLED_RULES},
        "resultTypes": ["violations"],
    }
    result = page.evaluate("(options) => window.axe.run(document, options)", options)
    return [v for v in result["violations"] if v.get("impact") in impacts]


def axe_report(violations: list[dict], where: str) -> str:
    """The violations as a person fixing them reads them: rule, impact, help, and each node's selector and summary."""
    lines = [f"无障碍检查（axe-core）在“{where}”发现 {len(violations)} 类严重问题 / serious or critical violations:"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    · {' '.join(map(str, node['target']))} — {summary}")
            lines.append(f"      {node['html'][:200]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … 另有 {len(v['nodes']) - 10} 处 / {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def assert_accessible(page, where: str = "") -> None:
    """Fail when axe-core finds a serious or critical violation on the page (UI.md: none on any main page)."""
    violations = axe_violations(page)
    assert not violations, axe_report(violations, where or page.url)


def accept_confirmations(page) -> None:
    """Accept each confirmation the page asks (static/js/platform.js's dialog for data-confirm forms), as the person
    who meant to act: Playwright clicks its confirm button whenever the dialog shows before the next step or check."""
    page.add_locator_handler(
        page.get_by_test_id("confirm-dialog"), lambda dialog: dialog.get_by_test_id("confirm-accept").click()
    )


def confirm(page, question: str | None = None) -> None:
    """Answer the confirmation dialog now (checking its question when given)."""
    from playwright.sync_api import expect

    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    if question:
        expect(dialog).to_contain_text(question)
    dialog.get_by_test_id("confirm-accept").click()
