"""/audit/: the auditor alone searches (time, account, action, object, result, IP), pages and exports as .xlsx;
the export is itself audited and its cells never become formulas."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from audit.models import AuditEvent
from audit.services import record

pytestmark = pytest.mark.django_db
URL = reverse("audit:events")


@pytest.fixture
def auditor(client):
    user = UserFactory(username="t_auditor", role=Role.AUDITOR, department=None)
    client.force_login(user)
    return user


@pytest.fixture
def rows(office_clerk, lead_handler):
    record("account.login", actor=office_clerk)
    record("account.login_failed", result="failed", username="=cmd|' /C calc'!A0")
    record("export.xlsx", actor=lead_handler, obj=lead_handler.department, report="ledger")


@pytest.mark.parametrize("role", [Role.OFFICE, Role.SYSADMIN, Role.SECADMIN])
def test_other_roles_are_refused(client, role):
    admin = role in (Role.SYSADMIN, Role.SECADMIN)
    user = UserFactory(role=role, department=None if admin else department("anshun-zwfw"))
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403


def test_a_visitor_is_sent_to_the_login(client):
    assert client.get(URL).status_code == 302


def _found(client, **query):
    response = client.get(URL, query)
    assert response.status_code == 200
    return sorted(event.action for event in response.context["page"].object_list)


def test_the_auditor_searches_by_account_action_object_result_and_address(client, auditor, rows, office_clerk):
    assert _found(client, actor=office_clerk.username) == ["account.login"]
    assert _found(client, action="export.xlsx") == ["export.xlsx"]
    assert _found(client, result="failed") == ["account.login_failed"]
    assert _found(client, object="accounts.department") == ["export.xlsx"]
    assert _found(client, ip="10.99.99.99") == []
    assert "登录成功" in client.get(URL, {"action": "account.login"}).content.decode()


def test_a_bad_date_is_a_chinese_400(client, auditor):
    response = client.get(URL, {"since": "1999-12-31"})
    assert response.status_code == 400 and "不能早于 2000-01-01" in response.content.decode()
    response = client.get(URL, {"since": "2026-02-30"})
    assert response.status_code == 400 and "有效的日期" in response.content.decode()


def test_the_menu_shows_the_entry_to_the_auditor(client, auditor):
    assert "安全审计" in client.get(reverse("accounts:home")).content.decode()


def test_the_export_is_formula_safe_and_audited(client, auditor, rows):
    response = client.get(reverse("audit:export"), {"action": "account.login_failed"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    detail = next(v for v in values if isinstance(v, str) and "username" in v)
    assert detail.startswith("username=")  # not at the start: stays as it is
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)
    assert sheet.max_row == 2
    exported = AuditEvent.objects.get(action="audit.export")
    assert exported.actor == auditor and exported.detail["rows"] == 1


def test_a_formula_at_the_start_of_a_cell_is_quoted():
    from audit.views import safe_cell

    assert safe_cell("=1+1") == "'=1+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("\t=x") == "'\t=x"
    assert safe_cell("正常") == "正常" and safe_cell(5) == 5
