"""Personas shared by every test module (STYLE: office clerk, lead handler, other handler, enterprise, outsider)."""

import pytest

from accounts.models import Role
from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department


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
def platform_admin(db):
    from accounts.services import ensure_admin_group

    user = UserFactory(username="t_admin", role=Role.ADMIN, department=department("anshun-zwfw"), is_staff=True)
    user.groups.add(ensure_admin_group())
    return user
