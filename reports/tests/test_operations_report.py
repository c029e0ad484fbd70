"""The operations report for the city government: the printable page and its .xlsx, cell by cell."""

from datetime import datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from reports.tests.builders import at
from tickets import workflow
from tickets.tests.helpers import handling_ticket

pytestmark = pytest.mark.django_db
MARCH = "?region=anshun&from=2026-03-01&to=2026-03-31"


def get(client, user, url):
    client.force_login(user)
    with time_machine.travel(at(3, 31, 12), tick=False):
        return client.get(url)


@pytest.fixture
def terminated(office_clerk, lead_handler):
    with time_machine.travel(at(3, 24), tick=False):
        ticket = handling_ticket(office_clerk, lead_handler, title="终止的工单")
        workflow.ticket_request_termination(actor=lead_handler, ticket=ticket, reason="withdrawn", note="企业申请撤回")
        workflow.ticket_decide_termination(actor=office_clerk, ticket=ticket, approve=True, note="同意")
    ticket.refresh_from_db()
    return ticket


def test_printable_page(client, march, terminated, leader):
    response = get(client, leader, reverse("reports:operations") + MARCH)
    assert response.status_code == 200
    body = response.content.decode()
    assert "安顺市“企业之家”联合服务工作机制办公室（市政府政务服务中心）" in body.split('data-testid="report-office"')[1]
    assert "2026年03月01日至2026年03月31日" in body
    assert "reports/print.css" in body and "report-page" in body
    kpis = body.split('data-testid="report-kpis"')[1].split("</table>")[0]
    assert "80.0%（4/5）" in kpis and "66.7%（2/3）" in kpis
    overdue = body.split('data-testid="report-overdue"')[1].split("</table>")[0]
    assert march["D"].number in overdue
    unsatisfied = body.split('data-testid="report-unsatisfied"')[1].split("</table>")[0]
    assert march["B"].number in unsatisfied and march["A"].number not in unsatisfied
    notable = body.split('data-testid="report-notable"')[1].split("</table>")[0]
    assert "终止办理" in notable and terminated.number in notable
    ranking = body.split('data-testid="report-ranking"')[1].split("</table>")[0]
    assert "国家税务总局安顺市税务局" in ranking


def test_print_css_hides_menus_and_sets_a4(client):
    from django.contrib.staticfiles import finders

    css = open(finders.find("reports/print.css"), encoding="utf-8").read()
    assert "size: A4" in css and ".app-sidebar" in css and ".d-print-none" in css


def test_xlsx_cell_by_cell(client, march, terminated, office_clerk):
    response = get(client, office_clerk, reverse("reports:operations_xlsx") + MARCH)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["运行指标", "部门排名", "区域对比", "超期工单", "不满意回访", "重要事项"]
    kpi = [[c.value for c in row] for row in book["运行指标"].iter_rows()]
    assert kpi[0] == ["指标", "数值"]
    assert kpi[1] == ["编制单位", "安顺市“企业之家”联合服务工作机制办公室（市政府政务服务中心）"]
    assert kpi[2] == ["统计期间", "2026年03月01日至2026年03月31日"]
    # The terminated ticket adds a fifth demand and dispatched ticket, signed on time, never closed.
    assert kpi[3:] == [
        ["受理诉求数", 5], ["派发工单数", 5], ["按时签收率", 0.8], ["按时办结率", 0.6667], ["解决率", 0.6667],
        ["满意率", 0.8], ["重办率", 0.25], ["当前超期未办结", 1], ["平均办理工作日", 6],
    ]
    assert book["运行指标"]["B6"].number_format == "0.0%"
    ranking = [[c.value for c in row] for row in book["部门排名"].iter_rows()]
    assert ranking[0] == ["名次", "牵头部门", "派发工单", "按时签收率", "解决率", "满意率", "综合得分", "超期未办结"]
    assert ranking[1] == [1, "国家税务总局安顺市税务局", 1, 1, "—", "—", 1, 1]
    assert ranking[2] == [2, "市市场监督管理局", 4, 0.75, 0.6667, 0.8, 0.7367, 0]
    overdue = [[c.value for c in row] for row in book["超期工单"].iter_rows()]
    assert overdue[1] == [march["D"].number, "工单D", "国家税务总局安顺市税务局", "办理中", datetime(2026, 3, 10, 23, 59, 59)]
    assert len(overdue) == 2
    unsatisfied = [[c.value for c in row] for row in book["不满意回访"].iter_rows()]
    assert unsatisfied[1][:5] == [march["B"].number, "工单B", "市市场监督管理局", datetime(2026, 3, 23, 9, 0), "不满意"]
    notable = [[c.value for c in row] for row in book["重要事项"].iter_rows()]
    assert len(notable) == 2
    assert notable[1][:5] == [datetime(2026, 3, 24, 9, 0), "终止办理", terminated.number, "终止的工单", "市市场监督管理局"]


def test_bad_period_is_400(client, office_clerk):
    for name in ("reports:operations", "reports:operations_xlsx"):
        response = get(client, office_clerk, reverse(name) + "?from=2026-03-31&to=2026-03-01")
        assert response.status_code == 400
        assert "结束日期不能早于开始日期" in response.content.decode()


def test_region_outside_scope_is_404(client, county_office):
    assert get(client, county_office, reverse("reports:operations") + MARCH).status_code == 404
    assert get(client, county_office, reverse("reports:operations_xlsx") + MARCH).status_code == 404


@pytest.mark.parametrize("role_fixture", ["lead_handler", "specialist", "enterprise_user"])
def test_other_roles_get_403(client, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    assert get(client, user, reverse("reports:operations")).status_code == 403
    assert get(client, user, reverse("reports:operations_xlsx")).status_code == 403


def test_government_reads_it_and_post_is_405(client, government_user):
    assert get(client, government_user, reverse("reports:operations")).status_code == 200
    assert client.post(reverse("reports:operations")).status_code == 405
    assert client.post(reverse("reports:operations_xlsx")).status_code == 405


def test_city_report_compares_the_city_with_its_counties(client, march, county_office, office_clerk):
    body = get(client, office_clerk, reverse("reports:operations") + MARCH).content.decode()
    regions = body.split('data-testid="report-regions"')[1].split("</table>")[0]
    rows = regions.split("<tbody>")[1].split("</tr>")
    assert "安顺市" in rows[0] and "<td>4</td>" in rows[0]
    assert "西秀区" in regions and "黄果树" in regions
    book = load_workbook(BytesIO(get(client, office_clerk, reverse("reports:operations_xlsx") + MARCH).content))
    comparison = [[c.value for c in row] for row in book["区域对比"].iter_rows()]
    assert comparison[0][:3] == ["区域", "受理诉求数", "派发工单数"]
    assert comparison[1][:4] == ["安顺市", 4, 4, 0.75]
    assert comparison[2][0] == "西秀区" and comparison[2][1:4] == [0, 0, "—"]
    county = get(client, county_office, reverse("reports:operations") + "?region=xixiu").content.decode()
    assert 'data-testid="report-regions"' not in county


def test_long_lists_are_capped_on_the_page_but_complete_in_the_xlsx(client, march, office_clerk, settings, monkeypatch):
    from reports import views

    monkeypatch.setattr(views, "REPORT_PAGE_LIMIT", 1)
    with time_machine.travel(at(3, 3), tick=False):
        from tickets.tests.helpers import dispatched_ticket

        extra = dispatched_ticket(office_clerk, lead="anshun-sw", title="也已超期")
    body = get(client, office_clerk, reverse("reports:operations") + MARCH).content.decode()
    assert "四、超期未办结工单（2 件，列出最早到期的 1 件，完整清单见 .xlsx）" in body
    overdue = body.split('data-testid="report-overdue"')[1].split("</table>")[0]
    assert extra.number in overdue and march["D"].number not in overdue  # the sign due (5 Mar) comes first
    book = load_workbook(BytesIO(get(client, office_clerk, reverse("reports:operations_xlsx") + MARCH).content))
    assert book["超期工单"].max_row == 3
