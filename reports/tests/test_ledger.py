"""The department ledger (台账): the page and the .xlsx, cell by cell; who may read whose; bad quarters."""

from datetime import datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from reports.ledger import LEDGER_HEADERS
from reports.tests.builders import at
from tickets import workflow
from tickets.tests.helpers import dispatched_ticket

pytestmark = pytest.mark.django_db


def get(client, user, url):
    client.force_login(user)
    with time_machine.travel(at(3, 31, 12), tick=False):
        return client.get(url)


def workbook_rows(response):
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_handler_downloads_own_department_ledger(client, march, lead_handler):
    response = get(client, lead_handler, reverse("reports:ledger_xlsx") + "?quarter=2026Q1")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    rows = workbook_rows(response)
    assert rows[0] == LEDGER_HEADERS
    assert rows[0][:14] == ["编号", "企业", "渠道", "类别", "诉求摘要", "受理时间", "派单时间", "签收时间", "办结时间",
                            "办理期限", "是否按时", "办结标准", "满意度", "重办次数"]
    by_title = {row[4]: row for row in rows[1:]}
    assert sorted(by_title) == ["二月工单", "工单A", "工单B", "工单C"]  # scjg leads these; D is sw's
    e, a, b, c = by_title["二月工单"], by_title["工单A"], by_title["工单B"], by_title["工单C"]
    assert a == [
        march["A"].demands.get().number, "安顺测试科技有限公司", "12345/省长直通车等热线", "协调类", "工单A",
        datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 2, 9, 0), datetime(2026, 3, 2, 10, 0), datetime(2026, 3, 5, 10, 0),
        datetime(2026, 3, 16, 23, 59, 59), "是", "企业需求得到解决", "满意", 0, "牵头",
    ]
    # B: auto-signed at its sign due; the extended due is the one in force; unsatisfied.
    assert b[7] == datetime(2026, 3, 4, 23, 59, 59) and b[9] == datetime(2026, 3, 25, 23, 59, 59)
    assert b[10:14] == ["是", "部分解决或因客观原因难以解决（已书面释明）", "不满意", 0]
    # C: judged by its first close against the due then in force; its latest closure and callback; one rework.
    assert c[2] == "政务大厅线下" and c[3] == "咨询类"
    assert c[8] == datetime(2026, 3, 12, 10, 0) and c[9] == datetime(2026, 3, 10, 23, 59, 59)
    assert c[10:14] == ["否", "应通过法定途径解决（已书面给出解决路径）", "基本满意", 1]
    assert e[6] == datetime(2026, 2, 26, 9, 0)


def test_ledger_counts_co_departments_and_open_tickets(client, office_clerk, lead_handler, other_handler):

    with time_machine.travel(at(3, 2), tick=False):
        ticket = dispatched_ticket(office_clerk, lead=lead_handler.department.code, co=["anshun-sw"], title="协办工单")
    with time_machine.travel(at(3, 3), tick=False):
        workflow.ticket_sign(actor=lead_handler, ticket=ticket)
    rows = workbook_rows(get(client, other_handler, reverse("reports:ledger_xlsx") + "?quarter=2026Q1"))
    assert len(rows) == 2
    row = rows[1]
    assert row[4] == "协办工单" and row[14] == "协办"
    assert row[8] is None and row[10] == "已超期" and row[11] is None and row[12] is None


def test_a_co_department_added_after_the_quarter_reads_the_ticket_in_the_quarter_it_was_formed(
        client, office_clerk, lead_handler, other_handler):
    """The ledger reads co-links added since the quarter began (tickets.TicketCoDepartment's index); a link added
    later, during the handling, still files the ticket under the quarter of its dispatch."""
    with time_machine.travel(at(3, 30), tick=False):
        ticket = dispatched_ticket(office_clerk, lead=lead_handler.department.code, title="三月派单四月协办")
        workflow.ticket_sign(actor=lead_handler, ticket=ticket)
    with time_machine.travel(at(4, 2), tick=False):
        workflow.ticket_add_co_department(actor=lead_handler, ticket=ticket, department="anshun-sw")
    client.force_login(other_handler)
    with time_machine.travel(at(4, 3, 12), tick=False):
        first = workbook_rows(client.get(reverse("reports:ledger_xlsx") + "?quarter=2026Q1"))
        second = workbook_rows(client.get(reverse("reports:ledger_xlsx") + "?quarter=2026Q2"))
        page = client.get(reverse("reports:ledger") + "?quarter=2026Q1").content.decode()
    assert [(row[4], row[14]) for row in first[1:]] == [("三月派单四月协办", "协办")]
    assert second[1:] == []
    assert "三月派单四月协办" in page


def test_ledger_page_shows_the_same_rows(client, march, lead_handler):
    response = get(client, lead_handler, reverse("reports:ledger") + "?quarter=2026Q1")
    assert response.status_code == 200
    body = response.content.decode()
    table = body.split('data-testid="ledger-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 5 and "工单C" in table and "工单D" not in table
    assert "ledger-download" in body


def test_office_downloads_any_department_of_its_region(client, march, office_clerk):
    rows = workbook_rows(get(client, office_clerk, reverse("reports:ledger_xlsx") + "?quarter=2026Q1&department=anshun-sw"))
    assert [row[4] for row in rows[1:]] == ["工单D"]
    page = get(client, office_clerk, reverse("reports:ledger") + "?quarter=2026Q1&department=")
    assert page.status_code == 400 and "请选择部门" in page.content.decode()


def test_other_quarter_is_empty(client, march, lead_handler):
    rows = workbook_rows(get(client, lead_handler, reverse("reports:ledger_xlsx") + "?quarter=2026-Q2"))
    assert rows == [LEDGER_HEADERS]


def test_handler_cannot_read_another_departments_ledger(client, march, lead_handler, outsider):
    assert get(client, lead_handler, reverse("reports:ledger_xlsx") + "?quarter=2026Q1&department=anshun-sw").status_code == 404
    assert get(client, lead_handler, reverse("reports:ledger") + "?department=anshun-sw").status_code == 404
    assert get(client, outsider, reverse("reports:ledger_xlsx") + "?quarter=2026Q1&department=anshun-scjg").status_code == 404


def test_county_office_cannot_read_city_departments(client, march, county_office):
    assert get(client, county_office, reverse("reports:ledger_xlsx") + "?quarter=2026Q1&department=anshun-scjg").status_code == 404
    assert get(client, county_office, reverse("reports:ledger_xlsx") + "?quarter=2026Q1&department=xixiu-scjg").status_code == 200


@pytest.mark.parametrize("quarter", ["2026Q5", "2026", "Q1-2026", "abcdQ1", "1999Q1"])
def test_bad_quarter_is_explained(client, lead_handler, quarter):
    for name in ("reports:ledger", "reports:ledger_xlsx"):
        response = get(client, lead_handler, reverse(name) + f"?quarter={quarter}")
        assert response.status_code == 400
        body = response.content.decode()
        assert "季度" in body and ("格式不正确" in body or "有效范围" in body)
        assert 'data-testid="ledger-errors"' in body


@pytest.mark.parametrize("role", ["specialist", "enterprise", "supervisor", "chamber", "sysadmin", "auditor"])
def test_other_roles_get_403(client, specialist, enterprise_user, role):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory, department

    user = {"specialist": specialist, "enterprise": enterprise_user}.get(role) or UserFactory(
        username=f"t_{role}", role=Role(role), department=department("anshun-zwfw"))
    assert get(client, user, reverse("reports:ledger")).status_code == 403
    assert get(client, user, reverse("reports:ledger_xlsx") + "?quarter=2026Q1").status_code == 403


def test_post_is_405(client, lead_handler):
    client.force_login(lead_handler)
    assert client.post(reverse("reports:ledger")).status_code == 405
    assert client.post(reverse("reports:ledger_xlsx")).status_code == 405


def test_default_quarter_is_the_current_one(client, lead_handler):
    client.force_login(lead_handler)
    with time_machine.travel(at(8, 15, 12), tick=False):
        body = client.get(reverse("reports:ledger")).content.decode()
    assert 'value="2026Q3"' in body


def test_office_collects_every_departments_ledger(client, march, office_clerk):
    page = get(client, office_clerk, reverse("reports:ledger") + "?quarter=2026Q1")
    assert "ledger-download-all" in page.content.decode()
    response = get(client, office_clerk, reverse("reports:ledger_xlsx") + "?quarter=2026Q1&department=all")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["汇总", "市市场监督管理局", "国家税务总局安顺市税务局"]
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    assert summary == [["部门", "诉求数", "牵头", "协办"], ["市市场监督管理局", 4, 4, 0], ["国家税务总局安顺市税务局", 1, 1, 0]]
    sw = [[c.value for c in row] for row in book["国家税务总局安顺市税务局"].iter_rows()]
    assert sw[0] == LEDGER_HEADERS and sw[1][4] == "工单D"


def test_only_the_office_collects_all(client, march, lead_handler):
    assert get(client, lead_handler, reverse("reports:ledger_xlsx") + "?quarter=2026Q1&department=all").status_code == 404
    assert "ledger-download-all" not in get(client, lead_handler, reverse("reports:ledger")).content.decode()


def test_ledger_page_costs_the_same_however_many_rows(client, march, lead_handler, office_clerk, django_assert_max_num_queries):
    url = reverse("reports:ledger") + "?quarter=2026Q1"
    get(client, lead_handler, url)  # warm: the calendar and the session
    client.force_login(lead_handler)
    with time_machine.travel(at(3, 31, 12), tick=False), CaptureQueriesContext(connection) as few:
        client.get(url)
    with time_machine.travel(at(3, 10), tick=False):
        for n in range(4):
            ticket = dispatched_ticket(office_clerk, lead="anshun-sw" if n % 2 else lead_handler.department.code,
                                       co=[lead_handler.department.code] if n % 2 else ["anshun-sw"], title=f"更多工单{n}")
            assert ticket.pk
    with time_machine.travel(at(3, 31, 12), tick=False), django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    table = response.content.decode().split('data-testid="ledger-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 9 and "更多工单3" in table


def test_ledger_page_is_cut_into_pages_and_the_xlsx_holds_them_all(client, march, lead_handler, office_clerk, monkeypatch):
    monkeypatch.setattr("reports.views.LEDGER_PAGE_SIZE", 3)
    url = reverse("reports:ledger") + "?quarter=2026Q1"
    first = get(client, lead_handler, url).content.decode()
    second = get(client, lead_handler, url + "&page=2").content.decode()
    rows = lambda body: body.split('data-testid="ledger-table"')[1].split("</table>")[0].count("<tr>") - 1  # noqa: E731
    assert (rows(first), rows(second)) == (3, 1)
    assert "共 4 条，第 1 / 2 页" in first and "quarter=2026Q1" in first.split('aria-label="分页"')[1]
    assert len(workbook_rows(get(client, lead_handler, reverse("reports:ledger_xlsx") + "?quarter=2026Q1"))) == 5


# --- leaders and the government office read their region's ledgers (SPEC §1: read-only reports of their region) -----
@pytest.mark.parametrize("role_fixture", ["leader", "government_user"])
def test_leaders_read_any_department_of_their_region(client, request, march, role_fixture):
    from audit.models import AuditEvent

    user = request.getfixturevalue(role_fixture)
    page = get(client, user, reverse("reports:ledger") + "?quarter=2026Q1&department=anshun-scjg")
    assert page.status_code == 200
    body = page.content.decode()
    table = body.split('data-testid="ledger-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 5 and "工单A" in table and "工单D" not in table
    # The select offers the city's departments and those of the counties below, grouped by region.
    assert '<optgroup label="安顺市">' in body and '<optgroup label="西秀区">' in body and 'value="xixiu-scjg"' in body
    assert "ledger-download-all" not in body  # collecting every ledger stays the office's
    response = get(client, user, reverse("reports:ledger_xlsx") + "?quarter=2026Q1&department=anshun-sw")
    assert [row[4] for row in workbook_rows(response)[1:]] == ["工单D"]
    row = AuditEvent.objects.get(action="export.xlsx")
    assert row.actor == user and row.detail == {"report": "ledger", "quarter": "2026Q1", "rows": 1}


def test_city_leader_reads_a_county_department(client, leader):
    assert get(client, leader, reverse("reports:ledger") + "?quarter=2026Q1&department=xixiu-scjg").status_code == 200


def test_a_leader_without_a_department_asks_for_one(client, leader):
    page = get(client, leader, reverse("reports:ledger") + "?quarter=2026Q1")
    assert page.status_code == 200 and 'data-testid="ledger-table"' not in page.content.decode()
    assert "本季度各部门都没有派单的工单。" in page.content.decode()  # nothing to open
    assert "查看台账" not in page.content.decode()
    response = get(client, leader, reverse("reports:ledger_xlsx") + "?quarter=2026Q1")
    assert response.status_code == 400 and "请选择部门" in response.content.decode()


def test_county_leader_sees_nothing_of_the_city_or_another_county(client, march, county_leader):
    body = get(client, county_leader, reverse("reports:ledger") + "?quarter=2026Q1").content.decode()
    assert 'value="xixiu-scjg"' in body and 'value="anshun-scjg"' not in body and 'value="puding-scjg"' not in body
    for code in ("anshun-scjg", "puding-scjg", "no-such-department"):
        for name in ("reports:ledger", "reports:ledger_xlsx"):
            assert get(client, county_leader, reverse(name) + f"?quarter=2026Q1&department={code}").status_code == 404
    assert get(client, county_leader, reverse("reports:ledger_xlsx") + "?quarter=2026Q1&department=all").status_code == 404


def test_leader_bad_quarter_is_explained(client, leader):
    response = get(client, leader, reverse("reports:ledger") + "?quarter=2026Q9&department=anshun-scjg")
    assert response.status_code == 400 and "季度格式不正确" in response.content.decode()


def test_leaders_menu_has_the_ledger(client, leader):
    body = get(client, leader, reverse("reports:dashboard")).content.decode()
    assert 'href="/reports/ledger/"' in body.split('data-testid="main-menu"')[1].split("</ul>")[0]


# --- printing (A4 landscape) -------------------------------------------------------------------------------------
def test_printed_heading_names_office_filters_and_date(client, march, lead_handler):
    body = get(client, lead_handler, reverse("reports:ledger") + "?quarter=2026Q1").content.decode()
    assert "reports/ledger-print.css" in body and "data-print" in body
    heading = body.split('data-testid="ledger-print-heading"')[1].split("</header>")[0]
    assert "安顺市“企业之家”联合服务工作机制办公室" in heading
    assert "部门：市市场监督管理局（安顺市）" in heading and "季度：2026Q1（2026年01月01日至2026年03月31日" in heading
    assert "共 4 条" in heading and "打印时间：2026年03月31日 12:00" in heading
    # The filter form and the pager are for the screen only.
    assert 'class="row g-2 align-items-end mb-3 d-print-none' in body


def test_a_long_ledger_prints_the_whole_quarter(client, march, lead_handler, monkeypatch):
    monkeypatch.setattr("reports.views.LEDGER_PAGE_SIZE", 3)
    first = get(client, lead_handler, reverse("reports:ledger") + "?quarter=2026Q1").content.decode()
    assert "ledger-print-all" in first and "print=all" in first
    body = get(client, lead_handler, reverse("reports:ledger") + "?quarter=2026Q1&department=anshun-scjg&print=all").content.decode()
    table = body.split('data-testid="ledger-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 5 and 'aria-label="分页"' not in body and 'data-testid="ledger-form"' not in body
    assert "共 4 条" in body.split('data-testid="ledger-print-heading"')[1]
    monkeypatch.setattr("reports.views.LEDGER_PRINT_LIMIT", 2)
    body = get(client, lead_handler, reverse("reports:ledger") + "?quarter=2026Q1&print=all").content.decode()
    assert body.split('data-testid="ledger-table"')[1].split("</table>")[0].count("<tr>") == 3
    assert "仅打印前 2 条" in body and "其余请下载 .xlsx" in body


def test_wrong_role_reads_the_chinese_403_page_with_the_reason(client, specialist, settings):
    """The production path (DEBUG off, as pytest-django runs): the platform's 403 page, not Django's English one."""
    assert settings.DEBUG is False
    response = get(client, specialist, reverse("reports:ledger"))
    body = response.content.decode()
    assert response.status_code == 403 and "403 Forbidden" not in body
    assert "只有部门涉企服务工作人员、联合服务办公室、政府办公室和召集人可以查看台账。" in body
    assert 'data-testid="main-menu"' in body


def test_the_ledger_opens_on_each_departments_tickets_of_the_quarter(client, march, leader, office_clerk):
    from tickets.models import Ticket, TicketCoDepartment

    def overview_row(body, name):
        table = body.split('data-testid="ledger-overview-table"')[1].split("</table>")[0]
        row = table.split(f"<td>{name}</td>")[1].split("</tr>")[0]
        return [cell.split(">")[-1] for cell in row.split("</td>")[:-1]]

    body = get(client, leader, reverse("reports:ledger") + "?quarter=2026Q1").content.decode()
    lead = Ticket.objects.filter(lead_department__code="anshun-scjg").count()
    co = TicketCoDepartment.objects.filter(department__code="anshun-scjg").count()
    assert lead and overview_row(body, "市市场监督管理局")[1:3] == [str(lead), str(co)]  # region, lead, co
    assert 'href="?department=anshun-scjg&amp;quarter=2026Q1"' in body
    assert overview_row(body, "市市场监督管理局")[0] == "安顺市"  # the region column: a city reader sees its counties too
    assert "市财政局" not in body.split('data-testid="ledger-overview-table"')[1].split("</table>")[0]  # none: counted
    assert "个部门本季度没有派单的工单" in body
    other_quarter = get(client, leader, reverse("reports:ledger") + "?quarter=2025Q4").content.decode()
    assert 'href="?department=anshun-scjg' not in other_quarter
    office = get(client, office_clerk, reverse("reports:ledger") + "?quarter=2026Q1").content.decode()
    assert overview_row(office, "市市场监督管理局")[1] == str(lead)


def test_the_overview_costs_the_same_however_many_departments_have_tickets(client, march, leader, office_clerk,
                                                                             django_assert_max_num_queries):
    url = reverse("reports:ledger") + "?quarter=2026Q1"
    get(client, leader, url)
    client.force_login(leader)
    with time_machine.travel(at(3, 31, 12), tick=False), CaptureQueriesContext(connection) as few:
        client.get(url)
    with time_machine.travel(at(3, 10), tick=False):
        for code in ("anshun-sw", "anshun-zjj", "anshun-jtj"):
            dispatched_ticket(office_clerk, lead=code, co=["anshun-scjg"])
    with time_machine.travel(at(3, 31, 12), tick=False), django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
