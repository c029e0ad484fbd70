"""Personas and helpers of the policy tests: the issuing department (市工业和信息化局), another department of the city,
the city office, a county office and a county handler; and a form body for a valid policy."""

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory, department


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def gxj_handler(db):
    return UserFactory(username="t_handler_gxj", role=Role.HANDLER, department=department("anshun-gxj"))


@pytest.fixture
def gxj_specialist(db):
    return UserFactory(username="t_spec_gxj", role=Role.SPECIALIST, department=department("anshun-gxj"))


@pytest.fixture
def fgw_handler(db):
    return UserFactory(username="t_handler_fgw", role=Role.HANDLER, department=department("anshun-fgw"))


@pytest.fixture
def county_handler(db):
    return UserFactory(username="t_handler_puding", role=Role.HANDLER, department=department("puding-scjg"))


@pytest.fixture
def leader(db):
    return UserFactory(username="t_leader", role=Role.LEADER, department=department("anshun-zfb"))


def policy_data(**overrides) -> dict:
    """A valid policy as the acts take it (and as the API sends it)."""
    data = {
        "title": "小微工业企业技术改造补助", "doc_number": "安工信发〔2026〕8号", "issued_on": "2026-03-01",
        "effective_from": "2026-03-01", "effective_to": "", "summary": "对符合条件的小型制造业企业给予技改补助。",
        "full_text": "", "domains": ["policy"], "mode": "apply", "apply_url": "https://zwfw.guizhou.gov.cn/policy",
        "contact": "0851-33221100", "industries": ["C"], "scales": ["small"], "regions": [], "min_years": None,
        "max_years": None, "tags": [],
    }
    data.update(overrides)
    return data


def form_data(**overrides) -> dict:
    """The same policy as the web form posts it (empty values for empty fields, lists for checkbox groups)."""
    data = policy_data(**overrides)
    return {key: ("" if value is None else value) for key, value in data.items()}
