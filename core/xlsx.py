"""Every .xlsx the platform writes goes through here (SECURITY.md §6: formula injection).

A cell whose text begins with `=`, `+`, `-`, `@`, a tab or a carriage return is written as text, marked with Excel's
quote prefix (the hidden apostrophe): `=cmd|' /C calc'!A0` typed into a demand's title shows as those characters in
the ledger and is never evaluated, not even after someone edits the cell. Numbers and dates keep their types.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

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
