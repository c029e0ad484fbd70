"""GET /api/v1/stats/ as API.md says: the figures, and 400/401/403/404 in the contract's shapes."""

import pytest
import time_machine
from rest_framework.test import APIClient

from reports.tests.builders import at
from tickets.tests.api_helpers import api_as

pytestmark = pytest.mark.django_db
URL = "/api/v1/stats/"
MARCH = {"region": "anshun", "from": "2026-03-01", "to": "2026-03-31"}


def get(user, **params):
    with time_machine.travel(at(3, 31, 12), tick=False):
        return api_as(user).get(URL, params)


def test_office_reads_the_figures_of_its_region(march, office_clerk):
    response = get(office_clerk, **MARCH)
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("region", "from", "to", "demands_received", "tickets_dispatched", "overdue_open")} == {
        "region": "anshun", "from": "2026-03-01", "to": "2026-03-31", "demands_received": 4, "tickets_dispatched": 4,
        "overdue_open": 1,
    }
    assert body["by_channel"]["hotline"] == 3 and body["by_channel"]["hall"] == 1 and set(body["by_channel"]) >= {
        "online", "transfer", "assigned"}
    assert (body["sign_on_time_rate"], body["close_on_time_rate"], body["resolution_rate"]) == (0.75, 0.6667, 0.6667)
    assert (body["satisfaction_rate"], body["rework_rate"], body["avg_handle_working_days"]) == (0.8, 0.25, 6.0)
    departments = {row["department"]: row for row in body["departments"]}
    assert departments["anshun-scjg"]["score"] == 0.72 and departments["anshun-sw"]["score"] == 1.0
    assert departments["anshun-sw"]["close_on_time_rate"] is None  # null in JSON


def test_empty_period_gives_null_rates(march, leader):
    body = get(leader, region="anshun", **{"from": "2026-07-01", "to": "2026-07-31"}).json()
    assert body["sign_on_time_rate"] is None and body["satisfaction_rate"] is None and body["avg_handle_working_days"] is None
    assert body["tickets_dispatched"] == 0


def test_government_and_leader_of_the_region_may_read(march, office_clerk, government_user, leader):
    office = get(office_clerk, **MARCH).json()
    for reader in (government_user, leader):
        response = get(reader, **MARCH)
        assert response.status_code == 200
        body = response.json()
        # The same figures the office reads: one definition per KPI, whoever asks.
        assert body == office
        assert (body["region"], body["demands_received"], body["tickets_dispatched"]) == ("anshun", 4, 4)


def test_city_roles_read_a_county_and_may_include_children(march, leader):
    county = get(leader, region="xixiu", **{"from": "2026-03-01", "to": "2026-03-31"})
    assert county.status_code == 200 and county.json()["demands_received"] == 0
    whole = get(leader, include_children="true", **MARCH)
    assert whole.json()["include_children"] is True and whole.json()["demands_received"] == 4


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"region": "anshun", "to": "2026-03-31"}, "from", "请提供开始日期"),
        ({"region": "anshun", "from": "2026-03-01"}, "to", "请提供结束日期"),
        ({"from": "2026-03-01", "to": "2026-03-31"}, "region", "请提供区域编码"),
        ({**MARCH, "from": "2026-3-1x"}, "from", "开始日期格式不正确"),
        ({**MARCH, "to": "2026-02-30"}, "to", "结束日期格式不正确"),
        ({**MARCH, "from": "2026-04-01"}, "to", "结束日期不能早于开始日期"),
        ({**MARCH, "from": "2019-01-01"}, "to", "统计区间不能超过 5 年"),
        ({**MARCH, "include_children": "maybe"}, "include_children", "只能是 true 或 false"),
        ({**MARCH, "department": "nonexistent"}, "department", "部门不存在"),
        ({**MARCH, "channel": "fax"}, "channel", "渠道不正确"),
        ({**MARCH, "category": "x"}, "category", "工单类别不正确"),
        ({**MARCH, "domain": "x"}, "domain", "业务领域不正确"),
    ],
)
def test_bad_parameters_are_400_with_chinese_messages(office_clerk, params, field, message):
    response = get(office_clerk, **params)
    assert response.status_code == 400
    assert message in response.json()["errors"][field][0]


def test_no_credentials_is_401(db):
    assert APIClient().get(URL, MARCH).status_code == 401
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert bad.get(URL, MARCH).status_code == 401


@pytest.mark.parametrize("role_fixture", ["lead_handler", "specialist", "enterprise_user", "platform_admin"])
def test_other_roles_are_403(request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    response = get(user, **MARCH)
    assert response.status_code == 403
    # No administrator reaches the API at all (SECURITY.md §3: accounts.permissions), before the stats' own check.
    assert ("管理员" if role_fixture == "platform_admin" else "运行统计") in response.json()["error"]


def test_region_outside_the_callers_scope_is_404(county_office, county_leader):
    for user in (county_office, county_leader):
        response = get(user, **MARCH)
        assert response.status_code == 404
        assert response.json()["error"] == "区域不存在或无权查看。"
    assert get(county_office, region="pingba", **{"from": "2026-03-01", "to": "2026-03-31"}).status_code == 404
    assert get(county_office, region="nowhere", **{"from": "2026-03-01", "to": "2026-03-31"}).status_code == 404
    assert get(county_office, region="xixiu", **{"from": "2026-03-01", "to": "2026-03-31"}).status_code == 200


def test_a_county_office_sees_only_its_county_departments(county_office):
    response = get(county_office, region="xixiu", department="anshun-scjg", **{"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 400 and "department" in response.json()["errors"]
