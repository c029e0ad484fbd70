"""Personas of the chamber tests: the city's federation of industry and commerce (a specialist and a handler of
anshun-gsl), a chamber user of 浙江商会 and one of 福建商会, a handler of another city department (reads only), the
federation of 西秀区 (another region), an enterprise user and a supervisor; and two chambers of the city."""

import pytest

from accounts.models import Department, Region, Role
from accounts.tests.factories import UserFactory, department
from chambers.models import ChamberMembership
from chambers.tests.factories import ChamberFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def gsl_spec(db):
    return UserFactory(username="t_spec_gsl", role=Role.SPECIALIST, department=department("anshun-gsl"))


@pytest.fixture
def gsl_handler(db):
    return UserFactory(username="t_handler_gsl", role=Role.HANDLER, department=department("anshun-gsl"))


@pytest.fixture
def reader(db):
    """A handler of another city department: reads the rotation, writes nothing."""
    return UserFactory(username="t_handler_sw", role=Role.HANDLER, department=department("anshun-sw"))


@pytest.fixture
def zhejiang(gsl_spec):
    return ChamberFactory(name="安顺市浙江商会", created_by=gsl_spec)


@pytest.fixture
def fujian(gsl_spec):
    return ChamberFactory(name="安顺市福建商会", created_by=gsl_spec)


@pytest.fixture
def chamber_user(zhejiang, gsl_spec):
    user = UserFactory(username="t_chamber_zj", role=Role.CHAMBER, department=department("anshun-gsl"))
    ChamberMembership.objects.create(user=user, chamber=zhejiang, assigned_by=gsl_spec)
    return user


@pytest.fixture
def other_chamber_user(fujian, gsl_spec):
    user = UserFactory(username="t_chamber_fj", role=Role.CHAMBER, department=department("anshun-gsl"))
    ChamberMembership.objects.create(user=user, chamber=fujian, assigned_by=gsl_spec)
    return user


@pytest.fixture
def xixiu_gsl(db):
    """The federation of 西秀区: the same role and kind of department, in another region."""
    gsl = Department.objects.create(code="xixiu-gsl", name="西秀区工商业联合会", region=Region.objects.get(code="xixiu"),
                                    kind=Department.Kind.MEMBER)
    return UserFactory(username="t_spec_xixiu_gsl", role=Role.SPECIALIST, department=gsl)


@pytest.fixture
def supervisor(db):
    return UserFactory(username="t_supervisor", role=Role.SUPERVISOR, department=department("anshun-zwfw"))
