"""Spreadsheets of the ledger and the operations report (openpyxl), with Chinese headers and labels."""

from __future__ import annotations

from django.http import HttpResponse
from openpyxl import Workbook

from core.xlsx import add_sheet, xlsx_response
from reports.kpis import RATE_NAMES
from reports.ledger import LEDGER_HEADERS, local

KPI_LABELS = {
    "demands_received": "受理诉求数",
    "tickets_dispatched": "派发工单数",
    "sign_on_time_rate": "按时签收率",
    "close_on_time_rate": "按时办结率",
    "resolution_rate": "解决率",
    "satisfaction_rate": "满意率",
    "rework_rate": "重办率",
    "overdue_open": "当前超期未办结",
    "avg_handle_working_days": "平均办理工作日",
}


def ledger_workbook(rows, *, department, quarter: str) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    add_sheet(workbook, f"台账 {quarter}", LEDGER_HEADERS, [row.values for row in rows], LEDGER_WIDTHS)
    workbook.properties.title = f"{department.name} {quarter} 企业诉求台账"
    return workbook


LEDGER_WIDTHS = [20, 24, 16, 12, 30, 17, 17, 17, 17, 17, 9, 24, 12, 9, 9]


def _sheet_title(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    title = "".join("_" if ch in '[]:*?/\\' else ch for ch in name)[:31]
    base, n = title, 2
    while title in taken:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def collected_ledgers_response(books, *, region, quarter: str) -> HttpResponse:
    """The office's collection (SPEC §9): a contents sheet, then one sheet per department that handled anything."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    add_sheet(workbook, "汇总", ["部门", "诉求数", "牵头", "协办"], [
        [department.name, len(rows), sum(1 for r in rows if r.values[-1] == "牵头"), sum(1 for r in rows if r.values[-1] == "协办")]
        for department, rows in books
    ], [30, 10, 10, 10])
    taken = {"汇总"}
    for department, rows in books:
        add_sheet(workbook, _sheet_title(department.name, taken), LEDGER_HEADERS, [row.values for row in rows], LEDGER_WIDTHS)
    workbook.properties.title = f"{region.name} {quarter} 企业诉求台账汇总"
    return xlsx_response(workbook, f"台账汇总-{region.code}-{quarter}.xlsx")


def ledger_response(rows, *, department, quarter: str) -> HttpResponse:
    return xlsx_response(ledger_workbook(rows, department=department, quarter=quarter), f"台账-{department.code}-{quarter}.xlsx")


def report_workbook(*, result: dict, regions, overdue, unsatisfied, notable, office_name: str, period: str) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    kpi = add_sheet(workbook, "运行指标", ["指标", "数值"], [], [24, 16])
    kpi.append(["编制单位", office_name])
    kpi.append(["统计期间", period])
    for name, label in KPI_LABELS.items():
        value = result[name]
        kpi.append([label, "—" if value is None else value])
        if name in RATE_NAMES and value is not None:
            kpi.cell(row=kpi.max_row, column=2).number_format = "0.0%"

    ranking = [
        [row["rank"] or "—", row["name"], row["tickets_dispatched"],
         *["—" if row[n] is None else row[n] for n in ("sign_on_time_rate", "resolution_rate", "satisfaction_rate")],
         "—" if row["score"] is None else row["score"], row["overdue_open"]]
        for row in result["departments"]
    ]
    sheet = add_sheet(workbook, "部门排名", ["名次", "牵头部门", "派发工单", "按时签收率", "解决率", "满意率", "综合得分", "超期未办结"],
                   ranking, [8, 28, 10, 12, 10, 10, 10, 12])
    for cells in sheet.iter_rows(min_row=2, min_col=4, max_col=7):
        for cell in cells:
            if isinstance(cell.value, float):
                cell.number_format = "0.0%" if cell.column < 7 else "0.0000"

    if regions:
        sheet = add_sheet(workbook, "区域对比", ["区域", *KPI_LABELS.values()], [
            [row["region"], *("—" if row[name] is None else row[name] for name in KPI_LABELS)] for row in regions
        ], [22] + [12] * len(KPI_LABELS))
        for cells in sheet.iter_rows(min_row=2):
            for cell, name in zip(cells[1:], KPI_LABELS):
                if name in RATE_NAMES and isinstance(cell.value, float):
                    cell.number_format = "0.0%"

    add_sheet(workbook, "超期工单", ["工单编号", "标题", "牵头部门", "状态", "期限"], [
        [t.number, t.title, t.lead_department.name, t.get_state_display(), local(t.current_due_at)] for t in overdue
    ], [20, 36, 28, 14, 17])
    add_sheet(workbook, "不满意回访", ["工单编号", "标题", "牵头部门", "回访时间", "满意度", "回访记录"], [
        [c.ticket.number, c.ticket.title, c.ticket.lead_department.name, local(c.at), c.get_satisfaction_display(), c.note]
        for c in unsatisfied
    ], [20, 36, 28, 17, 10, 40])
    add_sheet(workbook, "重要事项", ["时间", "事项", "工单编号", "标题", "牵头部门", "说明"], [
        [local(e.at), e.kind_label, e.ticket.number, e.ticket.title, e.ticket.lead_department.name, e.note] for e in notable
    ], [17, 18, 20, 36, 28, 50])
    return workbook


def report_response(*, filename: str, **kwargs) -> HttpResponse:
    return xlsx_response(report_workbook(**kwargs), filename)
