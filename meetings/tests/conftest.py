"""Personas of the meeting tests. From the root conftest: office_clerk (city office), lead_handler (anshun-scjg),
other_handler (anshun-sw), government_user (anshun-zfb), specialist (anshun-fgw), county_office (xixiu), outsider (a
puding handler), enterprise_user. Here: the city's leader and a scjg specialist."""

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory, department


@pytest.fixture
def leader(db):
    return UserFactory(username="t_leader", role=Role.LEADER, department=department("anshun-zfb"))


@pytest.fixture
def scjg_specialist(db):
    return UserFactory(username="t_spec_scjg", role=Role.SPECIALIST, department=department("anshun-scjg"))
