import pytest

from accounts.tests.factories import valid_uscc
from sso.tests.provider import start_provider

STAFF_SUBJECT = "gz-4f0c9a1e-0001"
ENTERPRISE_USCC = valid_uscc(424242)
ENTERPRISE_PHONE = "13908511234"

# The people the provincial identity knows (provider username → the claims it asserts about them).
PROVIDER_USERS = {
    "zhangwei": {"sub": STAFF_SUBJECT, "name": "张伟"},
    "lina": {
        "sub": "gz-4f0c9a1e-0002",
        "name": "李娜",
        "uscc": ENTERPRISE_USCC.lower(),  # as a provider may spell it: the platform normalises
        "phone_number": "+86 139-0851-1234",
        "phone_number_verified": True,
    },
    "wangwu": {"sub": "gz-4f0c9a1e-0003", "name": "王五"},
}


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    """The test stand-in for the provincial identity, one per test session (and xdist worker)."""
    provider, process = start_provider(
        folder=tmp_path_factory.mktemp("oidc-provider"),
        redirect_uri=f"{live_server.url}/sso/callback/",
        users=PROVIDER_USERS,
    )
    yield provider
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def platform(live_server, transactional_db):
    """The live platform with its organisation (a transactional test flushes the rows the migrations loaded)."""
    from accounts.models import Department, Domain, Region
    from accounts.orgdata import load_organisation

    load_organisation(Region, Domain, Department)
    return live_server


@pytest.fixture
def sso_on(settings, oidc_provider):
    """Single sign-on configured against the test provider, as the OIDC_* environment variables do in production."""
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "sso.backends.ProvincialIdentityBackend"]
    return oidc_provider
