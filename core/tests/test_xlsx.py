"""SECURITY.md §6: text that looks like a formula is written as text in every .xlsx, numbers and dates keep their type."""

import zipfile
from datetime import datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.xlsx import workbook_bytes
from reports.tests.builders import at
from tickets.tests.helpers import dispatched_ticket

ATTACK = "=cmd|' /C calc'!A0"
HOSTILE = [ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\",\"点我\")"]


def _cells(content: bytes):
    sheet = load_workbook(BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def test_formula_like_text_is_written_as_quoted_text_and_other_values_keep_their_types():
    workbook = Workbook()
    sheet = workbook.active
    for value in HOSTILE:
        sheet.append([value, 12, datetime(2026, 3, 2, 9, 0), "普通文字"])
    content = workbook_bytes(workbook)
    xml = zipfile.ZipFile(BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # no formula element anywhere
    cells = _cells(content)
    texts = [c for c in cells if c.column == 1]
    # XML reads a carriage return back as a line feed; the text is otherwise intact.
    assert [c.value for c in texts] == [v.replace("\r", "\n") for v in HOSTILE]
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)
    assert {type(c.value) for c in cells if c.column == 2} == {int}
    assert {type(c.value) for c in cells if c.column == 3} == {datetime}
    assert not any(c.quotePrefix for c in cells if c.column == 4)


@pytest.mark.django_db
def test_a_demand_title_starting_with_equals_is_text_in_the_ledger(client, office_clerk, lead_handler):
    with time_machine.travel(at(3, 2), tick=False):
        dispatched_ticket(office_clerk, lead=lead_handler.department.code, title=ATTACK)
    client.force_login(lead_handler)
    with time_machine.travel(at(3, 31, 12), tick=False):
        response = client.get(reverse("reports:ledger_xlsx") + "?quarter=2026Q1")
    assert response.status_code == 200
    xml = zipfile.ZipFile(BytesIO(response.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    titles = [c for c in _cells(response.content) if c.value == ATTACK]
    assert titles and all(c.data_type == "s" and c.quotePrefix for c in titles)


def test_the_staff_and_beneficiary_templates_go_through_the_same_writer():
    import accounts.staff_xlsx
    import policies.beneficiaries

    for module in (accounts.staff_xlsx, policies.beneficiaries):
        assert module.workbook_bytes is workbook_bytes
