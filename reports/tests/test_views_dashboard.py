"""The dashboard and its drill-down lists: who may see them, what they show, and bad query strings."""

from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from reports.tests.builders import at

pytestmark = pytest.mark.django_db
MARCH = "?region=anshun&from=2026-03-01&to=2026-03-31"


def get(client, user, url):
    client.force_login(user)
    with time_machine.travel(at(3, 31, 12), tick=False):
        return client.get(url)


def text_of(body: str, name: str) -> str:
    """The text of the element carrying data-testid=name."""
    return body.split(f'data-testid="{name}"')[1].split(">", 1)[1].split("<", 1)[0].strip()


def test_leader_sees_the_headline_figures(client, march, leader):
    response = get(client, leader, reverse("reports:dashboard") + MARCH)
    assert response.status_code == 200
    body = response.content.decode()
    assert text_of(body, "kpi-demands_received") == "4"
    assert text_of(body, "kpi-tickets_dispatched") == "4"
    assert text_of(body, "kpi-sign_on_time_rate") == "75.0%"
    assert text_of(body, "kpi-close_on_time_rate") == "66.7%"
    assert text_of(body, "kpi-resolution_rate") == "66.7%"
    assert text_of(body, "kpi-satisfaction_rate") == "80.0%"
    assert text_of(body, "kpi-rework_rate") == "25.0%"
    assert text_of(body, "kpi-overdue_open") == "1"
    assert text_of(body, "kpi-avg_handle_working_days") == "6.0"
    ranking = body.split('data-testid="ranking"')[1].split("</table>")[0]
    assert ranking.index("国家税务总局安顺市税务局") < ranking.index("市市场监督管理局")
    assert "72.0" in ranking and "100.0" in ranking
    overdue = body.split('data-testid="overdue-table"')[1].split("</table>")[0]
    assert march["D"].number in overdue and march["A"].number not in overdue
    # Charts come from the app's own static files (npm's chart.js), with their data as JSON and a table fallback.
    assert "/static/vendor/chart.js/chart.umd.min.js" in body
    assert 'id="chart-data"' in body and 'data-testid="trend-table"' in body


def test_every_headline_number_drills_down_to_what_it_counts(client, march, leader):
    body = get(client, leader, reverse("reports:dashboard") + MARCH).content.decode()
    link = body.split('data-testid="kpi-overdue_open"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    params = parse_qs(urlparse(link).query)
    assert params["metric"] == ["overdue_open"] and params["region"] == ["anshun"] and params["from"] == ["2026-03-01"]
    listing = get(client, leader, link).content.decode()
    table = listing.split('data-testid="drill-table"')[1].split("</table>")[0]
    assert march["D"].number in table and march["B"].number not in table
    assert "共 1 条" in listing


@pytest.mark.parametrize(
    ("metric", "expected"),
    [("signed_late", ["B"]), ("closed_late", ["C"]), ("unsatisfied", ["B"]), ("reworked", ["C"]),
     ("tickets_dispatched", ["A", "B", "C", "D"])],
)
def test_drill_down_lists(client, march, office_clerk, metric, expected):
    body = get(client, office_clerk, reverse("reports:drill") + MARCH + f"&metric={metric}").content.decode()
    table = body.split('data-testid="drill-table"')[1].split("</table>")[0]
    for key, ticket in march.items():
        assert (ticket.number in table) == (key in expected), key


def test_drill_down_of_demands_by_channel(client, march, government_user):
    body = get(client, government_user, reverse("reports:drill") + MARCH + "&metric=demands_received&channel=hall").content.decode()
    table = body.split('data-testid="drill-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 2  # the header and demand C
    assert march["C"].demands.get().number in table


def test_department_filter_narrows_the_page(client, march, office_clerk):
    body = get(client, office_clerk, reverse("reports:dashboard") + MARCH + "&department=anshun-sw").content.decode()
    assert text_of(body, "kpi-tickets_dispatched") == "1"


def test_weekly_trend(client, march, office_clerk):
    body = get(client, office_clerk, reverse("reports:dashboard") + MARCH + "&unit=week").content.decode()
    trend = body.split('data-testid="trend-table"')[1].split("</table>")[0]
    assert "03-02起" in trend and "2026-03" not in trend


def test_default_period_is_this_year_in_the_users_region(client, leader):
    client.force_login(leader)
    with time_machine.travel(at(5, 20, 12), tick=False):
        body = client.get(reverse("reports:dashboard")).content.decode()
    assert 'value="2026-01-01"' in body and 'value="2026-05-20"' in body
    assert "安顺市" in text_of(body, "dashboard-scope")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=2026-13-01", "开始日期格式不正确"),
        ("?from=2026-04-01&to=2026-03-01", "结束日期不能早于开始日期"),
        ("?unit=day", "统计粒度只能是按周"),
        ("?channel=fax", "渠道不正确"),
        ("?include_children=perhaps", "只能是 true 或 false"),
    ],
)
def test_bad_query_strings_are_explained(client, office_clerk, query, message):
    response = get(client, office_clerk, reverse("reports:dashboard") + query)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and 'data-testid="filter-errors"' in body
    assert 'data-testid="headline"' not in body


def test_drill_without_a_known_metric_is_400(client, office_clerk):
    response = get(client, office_clerk, reverse("reports:drill") + MARCH + "&metric=everything")
    assert response.status_code == 400
    assert "请选择要查看的统计项" in response.content.decode()


def test_region_outside_scope_is_404(client, county_office, county_leader):
    assert get(client, county_office, reverse("reports:dashboard") + MARCH).status_code == 404
    assert get(client, county_leader, reverse("reports:drill") + MARCH + "&metric=signed").status_code == 404
    assert get(client, county_office, reverse("reports:dashboard") + "?region=xixiu").status_code == 200


@pytest.mark.parametrize("role_fixture", ["lead_handler", "specialist", "enterprise_user", "platform_admin"])
def test_other_roles_get_403(client, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    assert get(client, user, reverse("reports:dashboard")).status_code == 403
    assert get(client, user, reverse("reports:drill") + MARCH + "&metric=signed").status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_post_is_405(client, office_clerk):
    client.force_login(office_clerk)
    assert client.post(reverse("reports:dashboard")).status_code == 405
    assert client.post(reverse("reports:drill")).status_code == 405


def test_leader_home_is_the_dashboard(client, leader, office_clerk):
    client.force_login(leader)
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and response["Location"] == reverse("reports:dashboard")
    client.force_login(office_clerk)
    assert client.get(reverse("accounts:home")).status_code == 200


@pytest.mark.parametrize(
    ("role", "dept", "sees", "does_not_see"),
    [
        (Role.LEADER, "anshun-zfb", ["运行看板", "运行报告", "台账"], []),
        (Role.OFFICE, "anshun-zwfw", ["运行看板", "运行报告", "台账"], []),
        (Role.GOVERNMENT, "anshun-zfb", ["运行看板", "运行报告", "台账"], []),
        (Role.HANDLER, "anshun-sw", ["台账"], ["运行看板", "运行报告"]),
        (Role.SPECIALIST, "anshun-fgw", [], ["运行看板", "运行报告", "台账"]),
    ],
)
def test_menu_entries(client, role, dept, sees, does_not_see):
    from qiyezhijia.menu import menu_for

    labels = [item["label"] for item in menu_for(UserFactory(role=role, department=department(dept)))]
    for label in sees:
        assert label in labels
    for label in does_not_see:
        assert label not in labels


def test_dashboard_and_api_query_counts_do_not_grow_with_tickets(client, march, office_clerk, lead_handler):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets.tests.helpers import handling_ticket

    def queries(url):
        client.force_login(office_clerk)
        with time_machine.travel(at(3, 31, 12), tick=False), CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    page, api = reverse("reports:dashboard") + MARCH, "/api/v1/stats/" + MARCH
    queries(page)  # warm: the process's calendar and deadline policies are read once, not per page
    before = queries(page), queries(api)
    with time_machine.travel(at(3, 10), tick=False):
        for _ in range(3):
            handling_ticket(office_clerk, lead_handler, title="更多工单")
    assert (queries(page), queries(api)) == before
    # On PostgreSQL each allows parallel reads once (core.db): a savepoint, the setting, the setting back, its release.
    parallel = 4 if connection.vendor == "postgresql" else 0
    assert before[0] <= 26 + parallel and before[1] <= 12 + parallel


def test_ranking_rates_drill_into_their_department(client, march, office_clerk):
    body = get(client, office_clerk, reverse("reports:dashboard") + MARCH).content.decode()
    ranking = body.split('data-testid="ranking"')[1].split("</table>")[0]
    link = ranking.split('title="查看超期办结的工单"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    params = parse_qs(urlparse(link).query)
    assert params["metric"] == ["closed_late"] and params["department"] in (["anshun-scjg"], ["anshun-sw"])
    scjg_link = [
        part.split('"')[0].replace("&amp;", "&") for part in ranking.split('href="')[1:]
        if "closed_late" in part and "anshun-scjg" in part
    ][0]
    table = get(client, office_clerk, scjg_link).content.decode().split('data-testid="drill-table"')[1].split("</table>")[0]
    assert march["C"].number in table and march["A"].number not in table


@pytest.mark.parametrize("metric", ["signed", "demands_received"])
def test_drill_query_count_does_not_grow_with_rows(client, march, office_clerk, lead_handler, metric):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets.tests.helpers import handling_ticket

    url = reverse("reports:drill") + MARCH + f"&metric={metric}"

    def queries():
        client.force_login(office_clerk)
        with time_machine.travel(at(3, 31, 12), tick=False), CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    queries()  # warm
    before = queries()
    with time_machine.travel(at(3, 10), tick=False):
        for _ in range(4):
            handling_ticket(office_clerk, lead_handler, title="更多工单", co=("anshun-sw",))
    assert queries() == before <= 14


def test_the_years_trend_starts_where_the_data_starts(client, march, leader):
    """The default period is the year so far; January is empty, so neither the chart nor its table shows it."""
    import json

    body = get(client, leader, reverse("reports:dashboard") + "?region=anshun").content.decode()
    trend = body.split('data-testid="trend-table"')[1].split("</table>")[0]
    assert "2026-01" not in trend and "2026-02" in trend and "2026-03" in trend
    data = json.loads(body.split('id="chart-data" type="application/json">')[1].split("</script>")[0])
    assert [b["label"] for b in data["trend"]] == ["2026-02", "2026-03"]
    assert all(0 <= b[n] <= 1 for b in data["trend"] for n in ("sign_on_time_rate", "satisfaction_rate") if b[n] is not None)
    report = get(client, leader, reverse("reports:operations") + "?region=anshun&from=2025-10-01&to=2026-03-31")
    table = report.content.decode().split('data-testid="report-trend"')[1].split("</table>")[0]
    assert "2025-12" not in table and "2026-02" in table
