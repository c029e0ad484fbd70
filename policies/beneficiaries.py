"""免申即享 / 直达快享 beneficiary lists (OUTREACH §2): the .xlsx template, reading a filled one, importing it and
marking disbursement.

A file is all or nothing: one bad row (an unknown or invalid uscc, a bad amount, a duplicate) rejects it with every
row's reasons and nothing is saved. Each beneficiary enterprise is told once per (policy, enterprise), and again once
when it is paid.
"""

from __future__ import annotations

import datetime
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from accounts import uscc as uscc_rules
from accounts.models import Enterprise, Role, User
from core.errors import Conflict
from core.files import validate_upload
from core.xlsx import workbook_bytes
from notifications.services import Message, notify_many
from policies.models import BENEFICIARY_MODES, Beneficiary, Policy
from policies.reach import may_manage

MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
MAX_DISBURSE = MAX_ROWS
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["uscc", "amount", "note"]
# What a header cell may say for each column: the contract's names, or the Chinese a clerk would write.
HEADER_ALIASES = {
    "uscc": "uscc", "统一社会信用代码": "uscc", "信用代码": "uscc",
    "amount": "amount", "金额": "amount", "金额（元）": "amount", "金额(元)": "amount",
    "note": "note", "备注": "note",
}
MAX_AMOUNT = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
NOTE_LIMIT = Beneficiary._meta.get_field("note").max_length
EARLIEST_DISBURSEMENT = datetime.date(2000, 1, 1)  # the model's check constraint
MODE_MESSAGE = "该政策的兑现方式不是免申即享或直达快享，没有受益企业名单。"
ROLE_MESSAGE = "只有发布部门的涉企服务工作人员、企业服务专员或本区域联合服务办公室可以管理受益企业名单。"


@dataclass
class FileRejected(Exception):
    """The whole file is refused: reasons about the file, and each bad row's reasons (row numbers as Excel shows)."""

    file: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def as_errors(self) -> dict:
        return {"file": self.file, "rows": [{"row": row, "messages": messages} for row, messages in self.rows]}


@dataclass(frozen=True)
class Row:
    line: int
    enterprise: Enterprise
    amount: Decimal
    note: str


# --- the template ----------------------------------------------------------------------------------------------------
def template_bytes(policy: Policy | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "受益企业名单"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABC", [24, 16, 40], strict=True):
        sheet.column_dimensions[column].width = width
    for row in range(2, 202):
        sheet[f"A{row}"].number_format = "@"  # a code stays text
    notes = workbook.create_sheet("说明")
    if policy is not None:
        notes.append([f"政策：{policy.title}"])
    notes.append(["第 1 行的标题不要改动：uscc（统一社会信用代码）、amount（金额，元）、note（备注，可空）。"])
    notes.append([f"从第 2 行起每行一家企业，每个文件最多 {MAX_ROWS} 行；企业须已在平台登记。"])
    notes.append(["金额大于 0，最多两位小数；同一企业在一个文件中只能出现一次，已在名单中的企业不能再次导入。"])
    notes.append(["任何一行有误时整个文件不导入，请按列出的行号改正后重新上传。"])
    notes.column_dimensions["A"].width = 90
    return workbook_bytes(workbook)


# --- reading a filled file -------------------------------------------------------------------------------------------
def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_amount(value) -> tuple[Decimal | None, str | None]:
    """(amount, None) or (None, the reason in Chinese)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "请填写金额。"
    if isinstance(value, bool):
        return None, "金额应为数字。"
    try:
        if isinstance(value, float):
            amount = Decimal(repr(value))
        elif isinstance(value, int | Decimal):
            amount = Decimal(value)
        else:
            amount = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        return None, f"金额“{_text(value)[:20]}”不是数字。"
    if not amount.is_finite():
        return None, f"金额“{_text(value)[:20]}”不是数字。"
    if amount <= 0:
        return None, "金额必须大于 0。"
    if amount > MAX_AMOUNT:
        return None, "金额过大。"
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        return None, "金额最多保留两位小数（精确到分）。"
    return amount.quantize(Decimal("0.01")), None


def read_rows(upload, policy: Policy) -> list[Row]:
    """The rows of an uploaded list, or FileRejected with every reason. Reads the database twice (enterprises by
    code, the policy's existing list) whatever the number of rows."""
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise FileRejected(file=["请上传 .xlsx 格式的表格（可先下载模板）。"])
    if upload.size > MAX_BYTES:
        raise FileRejected(file=["文件太大：受益企业名单不能超过 5 MB。"])
    try:  # by content: a real .xlsx, no macros, within the archive limits, passed by the virus scanner
        validate_upload(upload, "file", allowed={".xlsx"})
    except ValidationError as exc:
        raise FileRejected(file=exc.messages) from None
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise FileRejected(file=["文件无法读取：不是有效的 .xlsx 表格。"]) from None
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        columns, header_errors = _columns(header)
        if header_errors:
            raise FileRejected(file=header_errors)
        body = []
        for number, values in enumerate(lines, start=2):
            values = list(values or ())
            cells = {key: values[index] if index < len(values) else None for key, index in columns.items()}
            if all(_text(v) == "" for v in cells.values()):
                continue
            body.append((number, cells))
            if len(body) > MAX_ROWS:
                raise FileRejected(file=[f"每个文件最多 {MAX_ROWS} 行，本文件超过了，请分成几个文件导入。"])
    finally:
        workbook.close()
    if not body:
        raise FileRejected(file=["表格中没有受益企业：请从第 2 行起填写。"])
    return _check_rows(body, policy)


def _columns(header) -> tuple[dict[str, int], list[str]]:
    expected = "第 1 行应为标题 uscc、amount、note（请使用下载的模板）"
    if header is None or all(_text(v) == "" for v in header):
        return {}, [f"{expected}：表格是空的或没有标题行。"]
    columns: dict[str, int] = {}
    errors = []
    for index, value in enumerate(header):
        text = _text(value)
        if not text:
            continue
        key = HEADER_ALIASES.get(text.lower()) or HEADER_ALIASES.get(text)
        if key is None:
            errors.append(f"{expected}：不认识的列“{text[:20]}”。")
        elif key in columns:
            errors.append(f"{expected}：列“{text}”重复。")
        else:
            columns[key] = index
    missing = [name for name in ("uscc", "amount") if name not in columns]
    if missing:
        errors.append(f"{expected}：缺少列 {'、'.join(missing)}。")
    return columns, errors


def _check_rows(body: list[tuple[int, dict]], policy: Policy) -> list[Row]:
    codes = {uscc_rules.normalize(_text(cells.get("uscc"))) for _, cells in body}
    enterprises = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[c for c in codes if len(c) == 18])}
    listed = set(Beneficiary.objects.filter(policy=policy, enterprise__uscc__in=list(enterprises))
                 .values_list("enterprise__uscc", flat=True))
    seen: dict[str, int] = {}
    rows: list[Row] = []
    errors: list[tuple[int, list[str]]] = []
    for number, cells in body:
        reasons: list[str] = []
        code = uscc_rules.normalize(_text(cells.get("uscc")))
        enterprise = None
        if not code:
            reasons.append("请填写统一社会信用代码。")
        else:
            try:
                uscc_rules.validate_uscc(code)
            except ValidationError as exc:
                reasons.extend(exc.messages)
            else:
                enterprise = enterprises.get(code)
                if enterprise is None:
                    reasons.append(f"统一社会信用代码“{code}”不是平台上登记的企业。")
                elif code in listed:
                    reasons.append(f"{enterprise.name}已在本政策的受益企业名单中。")
            if code in seen:
                reasons.append(f"与第 {seen[code]} 行的企业重复。")
            seen.setdefault(code, number)
        amount, problem = parse_amount(cells.get("amount"))
        if problem:
            reasons.append(problem)
        note = _text(cells.get("note"))
        if len(note) > NOTE_LIMIT:
            reasons.append(f"备注不能超过 {NOTE_LIMIT} 字。")
        if reasons:
            errors.append((number, reasons))
        else:
            rows.append(Row(line=number, enterprise=enterprise, amount=amount, note=note))
    if errors:
        raise FileRejected(rows=errors)
    return rows


# --- the acts --------------------------------------------------------------------------------------------------------
def check_beneficiary_policy(actor: User, policy: Policy) -> None:
    """403 for someone who may not manage the list; 409 for a policy whose mode has none."""
    if not may_manage(actor, policy):
        raise PermissionDenied(ROLE_MESSAGE)
    if policy.mode not in BENEFICIARY_MODES:
        raise Conflict(MODE_MESSAGE)


def _benefits_url() -> str:
    try:
        return reverse("policies:benefits")
    except NoReverseMatch:
        return ""


def _enterprise_users(enterprise_ids) -> dict[int, list[User]]:
    people: dict[int, list[User]] = {}
    for user in User.objects.filter(enterprise_id__in=list(enterprise_ids), role=Role.ENTERPRISE, is_active=True):
        people.setdefault(user.enterprise_id, []).append(user)
    return people


def beneficiaries_import(*, actor: User, policy: Policy, upload) -> int:
    """Import a beneficiary list; returns how many were added.

    1. 403 unless the actor manages the policy; 409 unless it is a published 免申即享/直达快享 policy.
    2. Read and check every row (FileRejected lists every reason; nothing is saved).
    3. In one transaction, with the policy row locked (two imports of one policy run one after the other), check again
       that no enterprise got on the list meanwhile, create every row, and tell each enterprise's users after commit
       (key per policy and enterprise: a re-run never tells twice).
    """
    check_beneficiary_policy(actor, policy)
    if policy.state != Policy.State.PUBLISHED:
        raise Conflict("只有已发布的政策才能导入受益企业名单。")
    rows = read_rows(upload, policy)
    with transaction.atomic():
        Policy.objects.select_for_update().filter(pk=policy.pk).values_list("pk").first()
        taken = set(Beneficiary.objects.filter(policy=policy, enterprise_id__in=[r.enterprise.pk for r in rows])
                    .values_list("enterprise_id", flat=True))
        if taken:
            raise FileRejected(rows=[(r.line, [f"{r.enterprise.name}已在本政策的受益企业名单中。"])
                                     for r in rows if r.enterprise.pk in taken])
        now = timezone.now()
        Beneficiary.objects.bulk_create(
            [Beneficiary(policy=policy, enterprise=r.enterprise, amount=r.amount, note=r.note, imported_by=actor,
                         imported_at=now) for r in rows],
            batch_size=1000,
        )
        people = _enterprise_users(r.enterprise.pk for r in rows)
        url = _benefits_url()
        notify_many(
            Message(
                recipients=people.get(r.enterprise.pk, []),
                event="policy_benefit",
                key=f"policy:{policy.pk}:benefit:{r.enterprise.pk}",
                title=f"您的企业已列入“{policy.title}”{policy.get_mode_display()}名单",
                body=f"{r.enterprise.name}，金额 {r.amount:,.2f} 元，无需申请，兑付后另行告知",
                url=url,
            )
            for r in rows if people.get(r.enterprise.pk)
        )
    return len(rows)


def parse_disbursement_date(value, policy: Policy) -> datetime.date:
    """The `on` date of a disbursement: a date, not in the future, not before the policy took effect (nor 2000)."""
    if value in (None, ""):
        raise ValidationError({"on": ["请填写兑付日期。"]})
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError({"on": ["兑付日期格式不正确，应为 YYYY-MM-DD，例如 2026-03-31。"]}) from None
    if value > timezone.localdate():
        raise ValidationError({"on": ["兑付日期不能晚于今天。"]})
    if value < EARLIEST_DISBURSEMENT:
        raise ValidationError({"on": ["兑付日期不能早于 2000 年 1 月 1 日。"]})
    if value < policy.effective_from:
        raise ValidationError({"on": [f"兑付日期不能早于政策生效日期（{policy.effective_from:%Y-%m-%d}）。"]})
    return value


def beneficiaries_disburse(*, actor: User, policy: Policy, usccs: list[str], on) -> int:
    """Mark the listed enterprises of `policy` as paid on `on`; returns how many.

    1. 403 / 409 as for the import; every code must be on the list (400) and still pending (409): all or nothing.
    2. One conditional UPDATE (pending → disbursed) with the rows locked; each enterprise is told after commit.
    """
    check_beneficiary_policy(actor, policy)
    day = parse_disbursement_date(on, policy)
    codes = list(dict.fromkeys(uscc_rules.normalize(str(c)) for c in (usccs or []) if c and str(c).strip()))
    if not codes:
        raise ValidationError({"uscc": ["请选择要登记兑付的企业。"]})
    if len(codes) > MAX_DISBURSE:
        raise ValidationError({"uscc": [f"一次最多登记 {MAX_DISBURSE} 家企业。"]})
    with transaction.atomic():
        listed = list(Beneficiary.objects.select_for_update().filter(policy=policy, enterprise__uscc__in=codes)
                      .select_related("enterprise").order_by("pk"))
        found = {b.enterprise.uscc for b in listed}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise ValidationError({"uscc": [f"以下统一社会信用代码不在本政策的受益企业名单中：{'、'.join(unknown[:20])}"
                                            + ("等" if len(unknown) > 20 else "") + "。"]})
        paid = [b for b in listed if b.state != Beneficiary.State.PENDING]
        if paid:
            names = "、".join(b.enterprise.name for b in paid[:10]) + ("等" if len(paid) > 10 else "")
            raise Conflict(f"以下企业已登记兑付，不能重复登记：{names}。")
        updated = Beneficiary.objects.filter(pk__in=[b.pk for b in listed], state=Beneficiary.State.PENDING).update(
            state=Beneficiary.State.DISBURSED, disbursed_on=day, disbursed_by=actor,
        )
        people = _enterprise_users(b.enterprise_id for b in listed)
        url = _benefits_url()
        notify_many(
            Message(
                recipients=people.get(b.enterprise_id, []),
                event="policy_benefit",
                key=f"policy:{policy.pk}:benefit_paid:{b.enterprise_id}",
                title=f"“{policy.title}”的 {b.amount:,.2f} 元已兑付",
                body=f"{b.enterprise.name}，兑付日期 {day:%Y-%m-%d}",
                url=url,
            )
            for b in listed if people.get(b.enterprise_id)
        )
    return updated


# --- reads -----------------------------------------------------------------------------------------------------------
def beneficiaries_of(policy: Policy, *, state: str = "") -> QuerySet[Beneficiary]:
    queryset = Beneficiary.objects.filter(policy=policy).select_related("enterprise").order_by("pk")
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def benefits_of(user: User) -> QuerySet[Beneficiary]:
    """An enterprise user's own enterprise's benefits, newest first (403 for other roles)."""
    if not user.is_authenticated or user.role != Role.ENTERPRISE or not user.enterprise_id:
        raise PermissionDenied("只有企业用户可以查看本企业的惠企红利。")
    return (Beneficiary.objects.filter(enterprise_id=user.enterprise_id)
            .select_related("policy", "policy__department").order_by("-imported_at", "-pk"))
