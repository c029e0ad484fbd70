"""Staff accounts from an .xlsx (SECURITY.md §1): the downloadable template and the reading of a filled one.

Every bad row is reported with its spreadsheet row number and the reason in Chinese; the caller saves nothing unless
there is none.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db.models import Q
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from accounts.models import Department, User
from accounts.staff import (
    StaffRow,
    check_affiliation,
    check_name,
    check_phone,
    check_role,
    check_username,
    staff_role_labels,
)
from core.files import validate_upload
from core.xlsx import workbook_bytes

HEADERS = ["用户名", "姓名", "手机号", "角色", "部门编码"]
MAX_ROWS = 200
MAX_BYTES = 2 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


def template_workbook() -> Workbook:
    """The empty sheet to fill, with a second sheet that explains the columns and lists the department codes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "账号"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDE", [18, 12, 16, 20, 22], strict=True):
        sheet.column_dimensions[column].width = width
        # Typed as text, so Excel keeps a phone number's digits and a code's leading characters.
        for row in range(2, MAX_ROWS + 2):
            sheet[f"{column}{row}"].number_format = "@"
    notes = workbook.create_sheet("说明")
    notes.append(["从第 2 行起每行一个账号；第 1 行的标题不要改动。"])
    notes.append([f"每个文件最多 {MAX_ROWS} 个账号；有任何一行出错时一个账号也不创建。"])
    notes.append(["用户名：字母、数字和 @ . + - _；手机号：11 位手机号码。"])
    notes.append([f"角色（填中文名称）：{'、'.join(staff_role_labels())}。"])
    notes.append([])
    notes.append(["部门编码", "部门名称", "所属区域"])
    for dept in Department.objects.active().select_related("region").order_by("region__sort_order", "sort_order", "code"):
        notes.append([dept.code, dept.name, dept.region.name])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 30
    return workbook


def template_bytes() -> bytes:
    return workbook_bytes(template_workbook())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone typed into a number cell
    return str(value).strip()


def _check(fn, value: str, reasons: list[str]):
    """`fn(value)`, or None with its messages added to `reasons`."""
    try:
        return fn(value)
    except ValidationError as exc:
        reasons.extend(exc.messages)
        return None


def read_staff_rows(upload) -> tuple[list[StaffRow], list[RowError]]:
    """The accounts of an uploaded template, or every reason why not (row 0: the file as a whole)."""
    if not upload.name.lower().endswith(".xlsx"):
        return [], [RowError(0, "请上传 .xlsx 格式的表格（可先下载模板）。")]
    if upload.size > MAX_BYTES:
        return [], [RowError(0, "文件太大：账号表格不能超过 2 MB。")]
    try:  # by content: a real .xlsx, no macros, within the archive limits, passed by the virus scanner
        validate_upload(upload, "file", allowed={".xlsx"})
    except ValidationError as exc:
        return [], [RowError(0, exc.messages[0])]
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return [], [RowError(0, "文件无法读取：不是有效的 .xlsx 表格。")]
    sheet = workbook.worksheets[0]
    lines = list(sheet.iter_rows(values_only=True, max_col=len(HEADERS)))
    workbook.close()
    if not lines or [_text(v) for v in lines[0]][: len(HEADERS)] != HEADERS:
        return [], [RowError(1, f"第 1 行应为标题：{'、'.join(HEADERS)}（请使用下载的模板）。")]
    body = [(number, [_text(v) for v in values]) for number, values in enumerate(lines[1:], start=2)]
    body = [(number, values + [""] * (len(HEADERS) - len(values))) for number, values in body if any(values)]
    if not body:
        return [], [RowError(0, "表格中没有账号：请从第 2 行起填写。")]
    if len(body) > MAX_ROWS:
        return [], [RowError(0, f"每个文件最多 {MAX_ROWS} 个账号，本文件有 {len(body)} 个，请分成几个文件导入。")]

    departments = {d.code: d for d in Department.objects.filter(code__in={v[4] for _, v in body})}
    # Usernames compare without case, as the login of a person typing them would.
    wanted = Q()
    for _, values in body:
        if values[0]:
            wanted |= Q(username__iexact=values[0])
    taken = {u.lower() for u in User.objects.filter(wanted).values_list("username", flat=True)} if wanted else set()
    seen: dict[str, int] = {}
    rows, errors = [], []
    for number, (username, name, phone, role, code) in body:
        reasons: list[str] = []
        username = _check(check_username, username, reasons)
        name = _check(check_name, name, reasons)
        phone = _check(check_phone, phone, reasons)
        role = _check(check_role, role, reasons)
        department = departments.get(code)
        if not code:
            reasons.append("请填写部门编码。")
        elif department is None:
            reasons.append(f"部门编码“{code}”不存在。")
        elif not department.active:
            reasons.append(f"部门“{department.name}”已停用。")
        elif role:
            _check(partial(check_affiliation, role), department, reasons)
        if username:
            key = username.lower()
            if key in taken:
                reasons.append(f"用户名“{username}”已被使用。")
            elif key in seen:
                reasons.append(f"用户名“{username}”与第 {seen[key]} 行重复。")
            seen.setdefault(key, number)
        if reasons:
            errors.append(RowError(number, "；".join(reasons)))
        else:
            rows.append(StaffRow(username=username, name=name, phone=phone, role=role, department=department, line=number))
    return rows, errors
