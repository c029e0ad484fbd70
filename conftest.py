"""Personas shared by every test module (STYLE: office clerk, lead handler, other handler, enterprise, outsider)."""

import pytest

from accounts.models import Role
from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department


@pytest.fixture(autouse=True)
def _fresh_workday_calendar():
    """A rolled-back test sends no change signal, so no test may inherit another's in-memory calendar."""
    from tickets.workdays import reload_calendar

    reload_calendar()
    yield
    reload_calendar()


@pytest.fixture
def office_clerk(db):
    return UserFactory(username="t_office", role=Role.OFFICE, department=department("anshun-zwfw"))


@pytest.fixture
def lead_handler(db):
    return UserFactory(username="t_handler_scjg", role=Role.HANDLER, department=department("anshun-scjg"))


@pytest.fixture
def other_handler(db):
    return UserFactory(username="t_handler_sw", role=Role.HANDLER, department=department("anshun-sw"))


@pytest.fixture
def enterprise_user(db):
    return EnterpriseUserFactory(username="t_ent")


@pytest.fixture
def outsider(db):
    """A county handler: a real user with no business in the city's tickets."""
    return UserFactory(username="t_outsider", role=Role.HANDLER, department=department("puding-scjg"))


@pytest.fixture
def government_user(db):
    return UserFactory(username="t_gov", role=Role.GOVERNMENT, department=department("anshun-zfb"))


@pytest.fixture
def specialist(db):
    return UserFactory(username="t_spec_fgw", role=Role.SPECIALIST, department=department("anshun-fgw"))


@pytest.fixture
def county_office(db):
    return UserFactory(username="t_office_xixiu", role=Role.OFFICE, department=department("xixiu-zwfw"))


@pytest.fixture
def platform_admin(db):
    from accounts.services import ensure_admin_group

    user = UserFactory(username="t_admin", role=Role.ADMIN, department=department("anshun-zwfw"), is_staff=True)
    user.groups.add(ensure_admin_group())
    return user


# --- Browser tests (Playwright driving Debian's Chromium) ---------------------------------------------------------
import os  # noqa: E402
from pathlib import Path  # noqa: E402

CHROMIUM = os.environ.get("QYZJ_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # `playwright install` cannot download browsers here: drive the system's Chromium.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "viewport": {"width": 1366, "height": 860}}


def pytest_configure(config):
    # Playwright's sync API keeps an asyncio loop alive in the main thread for the whole session, which makes
    # Django refuse ORM calls there (SynchronousOnlyOperation). The tests' ORM calls are synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # The live server shares two cores with a second test worker and Chromium: a page can take longer than
    # Playwright's default 5 s to answer a POST. Waiting longer changes no assertion, only how long one may take.
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)


@pytest.fixture
def demo_site(live_server, transactional_db):
    """A live server with the reference data and every demo user.

    Transactional tests flush the database afterwards, taking the migrations' reference data with them, so it is
    loaded again here (the loaders are idempotent).
    """
    from accounts.demo import seed_demo_accounts
    from accounts.models import Department, Domain, Region
    from accounts.orgdata import load_organisation
    from tickets.calendar_seed import seed_calendar, seed_policies
    from tickets.models import CalendarException, CalendarYear, DeadlinePolicy, WorkflowSettings
    from tickets.workdays import reload_calendar

    load_organisation(Region, Domain, Department)
    seed_calendar(CalendarYear, CalendarException)
    seed_policies(DeadlinePolicy, WorkflowSettings)
    reload_calendar()
    seed_demo_accounts()
    return live_server


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ (git-ignored) and return its path."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def browser_login(page, base_url: str, username: str, password: str | None = None) -> None:
    from accounts.demo import DEMO_PASSWORD

    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password or DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
