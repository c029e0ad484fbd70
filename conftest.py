"""Personas shared by every test module (STYLE: office clerk, lead handler, other handler, enterprise, outsider)."""

import pytest

from accounts.models import Role
from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department


@pytest.fixture(autouse=True)
def _fresh_workday_calendar():
    """A rolled-back test sends no change signal, so no test may inherit another's in-memory calendar."""
    from workcalendar.workdays import reload_calendar

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

    user = UserFactory(username="t_admin", role=Role.SYSADMIN, department=department("anshun-zwfw"), is_staff=True)
    user.groups.add(ensure_admin_group())
    return user


@pytest.fixture
def superuser_client(client, django_user_model):
    """The Django admin as the superuser created at install (no password: hashing one would cost more than the test)."""
    client.force_login(django_user_model.objects.create_superuser(username="t_root", password=None))
    return client


@pytest.fixture(autouse=True)
def _reference_data_present(request):
    """Every test that uses the database finds the rows the migrations load. A transactional test (a browser journey,
    a migration test) flushes them afterwards, and with several xdist workers a plain database test may come after one
    on the same worker; then they are loaded again here, committed, before the test's own transaction begins."""
    fixtures = set(request.fixturenames)
    if not (fixtures & {"db", "transactional_db", "live_server"} or request.node.get_closest_marker("django_db")):
        return
    request.getfixturevalue("django_db_setup")  # the test database, never the developers' one
    from accounts.models import Region
    from qiyezhijia.testing import load_reference_data

    with request.getfixturevalue("django_db_blocker").unblock():
        if not Region.objects.exists():
            load_reference_data()


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Each test counts its rate limits (and caches anything) in a cache of its own, never the developers' var/cache."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def one_rate_window():
    """The clock from the start of today (UTC), running: a test's posts fall in one fixed window of every rate limit
    (core.ratelimit counts windows of up to a day from the epoch), never straddling two — one that did would count
    its last posts anew and miss the 429."""
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now().replace(hour=0, minute=0, second=0, microsecond=0), tick=True):
        yield


@pytest.fixture(autouse=True)
def _test_logins_pass_the_second_factor(request, monkeypatch):
    """`client.force_login(user)` (and `client.login`) stand for a finished login, second factor included: the session
    is marked verified as django_otp.login marks it. A real password login through the login page gets no such mark
    (accounts/tests/test_second_factor.py); tests marked `real_second_factor` get none either."""
    if request.node.get_closest_marker("real_second_factor"):
        return
    from django.test.client import ClientMixin
    from django_otp import DEVICE_ID_SESSION_KEY

    original = ClientMixin._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = "test-client-login"
        session.save()

    monkeypatch.setattr(ClientMixin, "_login", _login)


@pytest.fixture(autouse=True)
def _celery_tasks_run_eagerly():
    """Tests run Celery tasks in-process (`.delay()` executes at once): nothing is written to a developer's queue
    folder, and the email/SMS of the outbox (notifications.tasks) are sent when the action's on-commit callbacks run,
    so tests counting `mail.outbox` or `sms` see them at once. A test of the queue itself turns this off
    (notifications/tests/test_outbox.py: `queued`)."""
    from qiyezhijia.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def queued(monkeypatch):
    """The outbox's task messages held back instead of run: returns the list of id chunks `.delay()` was given (run
    them with `send_deliveries.apply(args=(chunk,))`). Other tasks are not run either (no eager mode)."""
    from notifications.tasks import send_deliveries
    from qiyezhijia.celery import app

    chunks: list[list[int]] = []
    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    monkeypatch.setattr(send_deliveries, "delay", lambda ids: chunks.append(list(ids)))
    yield chunks
    app.conf.task_always_eager = before


@pytest.fixture
def sms(settings):
    """Route SMS through the recording gateway; returns the list of (phone, text) sent."""
    from notifications.tests import sms_doubles

    settings.SMS_SENDER = "notifications.tests.sms_doubles.RecordingSMSSender"
    sms_doubles.SENT.clear()
    yield sms_doubles.SENT
    sms_doubles.SENT.clear()


# --- Browser tests (Playwright driving Debian's Chromium) ---------------------------------------------------------
import os  # noqa: E402

CHROMIUM = os.environ.get("QYZJ_CHROMIUM", "/usr/bin/chromium")


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
    """A live server with the reference data and every demo user (transactional tests flush the database afterwards,
    taking the migrations' reference data with them, so it is loaded again here)."""
    from accounts.demo import seed_demo_accounts
    from qiyezhijia.testing import load_reference_data

    load_reference_data()
    seed_demo_accounts()
    return live_server
