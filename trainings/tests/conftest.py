"""Personas of the training tests: the organiser (市工业和信息化局) handler and specialist, another department of the
city, the city office, a county office and handler (another region), enterprise users, and sessions."""

import pytest

from accounts.models import Role
from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department
from trainings.tests.factories import SessionFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def organiser(db):
    return UserFactory(username="t_handler_gxj", role=Role.HANDLER, department=department("anshun-gxj"),
                       email="gxj@example.cn")


@pytest.fixture
def organiser_specialist(db):
    return UserFactory(username="t_spec_gxj", role=Role.SPECIALIST, department=department("anshun-gxj"))


@pytest.fixture
def other_department(db):
    return UserFactory(username="t_handler_fgw", role=Role.HANDLER, department=department("anshun-fgw"))


@pytest.fixture
def city_office(db):
    return UserFactory(username="t_office", role=Role.OFFICE, department=department("anshun-zwfw"))


@pytest.fixture
def county_office(db):
    return UserFactory(username="t_office_xixiu", role=Role.OFFICE, department=department("xixiu-zwfw"))


@pytest.fixture
def county_handler(db):
    return UserFactory(username="t_handler_puding", role=Role.HANDLER, department=department("puding-scjg"))


@pytest.fixture
def leader(db):
    return UserFactory(username="t_leader", role=Role.LEADER, department=department("anshun-zfb"))


@pytest.fixture
def ent_user(db):
    return EnterpriseUserFactory(username="t_ent", phone="13900000001", email="ent@example.cn")


@pytest.fixture
def ent_user2(db):
    return EnterpriseUserFactory(username="t_ent2", phone="13900000002")


@pytest.fixture
def draft(db):
    return SessionFactory()


@pytest.fixture
def published(db):
    return SessionFactory(state="published")


def session_data(**overrides) -> dict:
    """A valid session as the acts take it (and the API sends it)."""
    data = {
        "topic": "financing", "title": "小微企业融资政策宣讲", "description": "贷款贴息与担保政策。",
        "starts_at": "2099-06-10T09:30:00+08:00", "ends_at": "2099-06-10T11:30:00+08:00",
        "signup_closes_at": "2099-06-09T18:00:00+08:00", "venue": "市政务服务中心三楼", "online_url": "",
        "capacity": 50, "policies": [],
    }
    data.update(overrides)
    return data
