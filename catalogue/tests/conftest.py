import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory, department


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def scjg_specialist(db):
    """A specialist of the same department as `lead_handler` (anshun-scjg)."""
    return UserFactory(username="t_spec_scjg", role=Role.SPECIALIST, department=department("anshun-scjg"))


@pytest.fixture
def government_clerk(db):
    return UserFactory(username="t_gov_cat", role=Role.GOVERNMENT, department=department("anshun-zfb"))
