"""Every .xlsx the platform writes goes through here (SECURITY.md §6: formula injection).

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return is written as text, marked with Excel's
quote prefix (the hidden apostrophe): `=cmd|' /C calc'!A0` typed into a demand's title shows as those characters in
the ledger and is never evaluated, not even after someone edits the cell. Numbers and dates keep their types.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIME_FORMAT = "yyyy-mm-dd hh:mm"

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def as_text(cell) -> None:
    """Keep the cell's text as text: a string cell (never a formula) with the quote prefix."""
    cell.data_type = "s"
    cell.quotePrefix = True


def neutralise(workbook: Workbook) -> Workbook:
    """Turn every formula-like text cell of every sheet into plain text (call before saving)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if is_formula_like(cell.value):
                    as_text(cell)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    """The saved .xlsx, formula-safe. The only way the platform turns a workbook into bytes."""
    neutralise(workbook)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def add_sheet(workbook: Workbook, title: str, headers: list[str], rows, widths: list[int] | None = None):
    """A sheet in `workbook`: bold headers, then the rows (datetimes shown to the minute), the header row frozen.
    Datetimes must be naive local times (Excel has no time zones)."""
    sheet = workbook.create_sheet(title[:31])
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = TIME_FORMAT
    for index, width in enumerate(widths or [14] * len(headers), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def table_workbook(title: str, headers: list[str], rows, widths: list[int] | None = None) -> Workbook:
    """A workbook of one sheet (add_sheet)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    add_sheet(workbook, title, headers, rows, widths)
    return workbook


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    """The workbook as a download named `filename` (formula-safe, through workbook_bytes)."""
    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
