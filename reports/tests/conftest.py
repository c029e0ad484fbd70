import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from reports.tests.builders import build_march


@pytest.fixture
def march(office_clerk, lead_handler, other_handler):
    return build_march(office_clerk, lead_handler, other_handler)


@pytest.fixture
def leader(db):
    return UserFactory(username="t_leader", role=Role.LEADER, department=department("anshun-zfb"))


@pytest.fixture
def county_leader(db):
    return UserFactory(username="t_leader_xixiu", role=Role.LEADER, department=department("xixiu-zfb"))
