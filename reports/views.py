"""Screens of the reports app: the leaders' dashboard with drill-down, the department ledger and the operations report."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import require_role
from accounts.models import Department, Domain, Role
from accounts.roles import LEDGER_ROLES
from audit.services import record
from core.db import parallel_reads
from core.pagination import paginate
from meetings.selectors import overdue_follow_ups
from policies.reach import dashboard_figures
from reports import kpis
from reports.ledger import (
    LEDGER_HEADERS,
    ledger_demand_ids,
    ledger_demands_by_id,
    ledger_overview,
    ledger_rows,
    notable_events,
    unsatisfied_callbacks,
)
from reports.outreach import outreach_figures
from reports.scope import (
    current_quarter,
    parse_quarter,
    parse_scope,
    readable_regions,
    require_reader,
)
from reports.xlsx import (
    KPI_LABELS,
    collected_ledgers_response,
    ledger_response,
    report_response,
)
from tickets.clocks import overdue_tickets_q
from tickets.listing import enterprise_labels, with_list_relations
from tickets.models.demand import Channel
from tickets.models.ticket import Category

app_name = "reports"
UNITS = {"month": "按月", "week": "按周"}
ALL_DEPARTMENTS = "all"  # the office's collection of every department's ledger in one workbook
OVERDUE_ON_DASHBOARD = 20
REPORT_PAGE_LIMIT = 200  # rows per list on the printed report; the .xlsx lists everything


# --- shared pieces -----------------------------------------------------------------------------------------------
def scope_params(scope: kpis.Scope, **overrides) -> dict[str, str]:
    params = {
        "region": scope.region.code,
        "from": scope.start.isoformat(),
        "to": scope.end.isoformat(),
        "include_children": "true" if scope.include_children else "",
        "department": scope.department.code if scope.department else "",
        "channel": scope.channel,
        "domain": scope.domain.code if scope.domain else "",
        "category": scope.category,
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v}


def drill_url(scope: kpis.Scope, metric: str, **overrides) -> str:
    return reverse("reports:drill") + "?" + urlencode(scope_params(scope, metric=metric, **overrides))


def filter_choices(user, params) -> dict:
    regions = readable_regions(user)
    return {
        "regions": regions,
        "departments": Department.objects.filter(region__in=regions, active=True).select_related("region")
        .order_by("region__sort_order", "code"),
        "channels": Channel.choices,
        "domains": Domain.objects.order_by("sort_order", "code"),
        "categories": Category.choices,
        "units": list(UNITS.items()),
        "values": params,
        "city": regions[0].level == "city",
    }


def _read_scope(request, *, extra=None):
    """(scope, None) or (None, errors); outsiders' regions raise Http404, other roles PermissionDenied."""
    require_reader(request.user)
    try:
        scope = parse_scope(request.user, request.GET, require_period=False)
        if extra:
            extra()
    except ValidationError as exc:
        return None, exc.message_dict
    return scope, None


def office_name(region) -> str:
    """The report's issuer: the region's office and the department hosting it."""
    host = region.office_host()
    return f"{region.office_name()}（{host.name}）" if host else region.office_name()


# --- dashboard ---------------------------------------------------------------------------------------------------
def _unit(request) -> str:
    unit = request.GET.get("unit") or "month"
    if unit not in UNITS:
        raise ValidationError({"unit": ["统计粒度只能是按周（week）或按月（month）。"]})
    return unit


def _breakdown(scope, counts: dict, labels: dict, param: str) -> list[dict]:
    return [
        {"label": labels.get(code, code), "count": n, "url": drill_url(scope, "demands_received", **{param: code})}
        for code, n in counts.items()
    ]


@require_GET
@login_required
@parallel_reads()  # aggregates over the period's tickets and demands (core.db)
def dashboard(request):
    scope, errors = _read_scope(request, extra=lambda: _unit(request))
    context = {"choices": filter_choices(request.user, request.GET), "errors": errors, "kpi_labels": KPI_LABELS}
    if errors:
        return render(request, "reports/dashboard.html", context, status=400)
    unit = _unit(request)
    result = kpis.compute(scope)
    trend = kpis.from_first_data(kpis.trend(scope, unit))
    overdue = with_list_relations(kpis.drill_queryset(scope, "overdue_open"))
    overdue = list(overdue.order_by("current_due_at", "id")[:OVERDUE_ON_DASHBOARD])
    enterprise_labels(overdue)
    domains = dict(Domain.objects.values_list("code", "name"))
    categories = {**dict(Category.choices), kpis.NOT_TICKETED: "未形成工单"}
    for row in result["departments"]:
        row["urls"] = {
            metric: drill_url(scope, metric, department=row["department"])
            for metric in ("tickets_dispatched", "signed_late", "closed_late", "not_resolved", "unsatisfied", "reworked",
                           "overdue_open")
        }
    context["choices"]["values"] = {**scope_params(scope), "unit": unit}
    context.update({
        "scope": scope,
        "unit": unit,
        "result": result,
        "trend": trend,
        "overdue": overdue,
        "links": {metric: drill_url(scope, metric) for metric in kpis.DRILLS},
        "by_channel": _breakdown(scope, result["by_channel"], dict(Channel.choices), "channel"),
        "by_domain": _breakdown(scope, result["by_domain"], domains, "domain"),
        "by_category": [
            {"label": categories[code], "count": n,
             "url": drill_url(scope, "demands_received", category=code) if code != kpis.NOT_TICKETED else None}
            for code, n in result["by_category"].items()
        ],
        "chart_data": {
            "trend": trend,
            "channels": [[r["label"], r["count"]] for r in _breakdown(scope, result["by_channel"], dict(Channel.choices), "channel")],
            "departments": [[r["name"], r["score"]] for r in result["departments"] if r["score"] is not None][:15],
        },
        "report_url": reverse("reports:operations") + "?" + urlencode(scope_params(scope)),
        # OUTREACH §2: policies published, their reach and 免申即享 amounts, by department (three queries).
        "policy_figures": dashboard_figures(region_ids=scope.region_ids, start=scope.start, end=scope.end,
                                            department_id=scope.department.pk if scope.department else None),
        # OUTREACH §5: meeting decisions assigned to a department whose due day passed without a follow-up (one query).
        "meeting_overdue": list(overdue_follow_ups(scope.region.pk)[:OVERDUE_ON_DASHBOARD]),
        # Issue 14: trainings held and their attendance, chamber activities, meetings, demands raised by source.
        "outreach": outreach_figures(scope),
    })
    return render(request, "reports/dashboard.html", context)


@require_GET
@login_required
def drill(request):
    metric = request.GET.get("metric") or ""

    def check_metric():
        if metric not in kpis.DRILLS:
            raise ValidationError({"metric": ["请选择要查看的统计项。"]})

    scope, errors = _read_scope(request, extra=check_metric)
    context = {"choices": filter_choices(request.user, request.GET), "errors": errors, "metric": metric}
    if errors:
        return render(request, "reports/drill.html", context, status=400)
    queryset = kpis.drill_queryset(scope, metric)
    if metric == "demands_received":
        queryset = queryset.select_related("ticket", "region").order_by("received_at", "id")
    else:
        queryset = with_list_relations(queryset).order_by("-created_at", "-id")
    page = paginate(request, queryset)
    if metric != "demands_received":
        enterprise_labels(page.object_list)
    context["choices"]["values"] = scope_params(scope)
    context.update({
        "scope": scope,
        "title": kpis.DRILLS[metric],
        "demands": metric == "demands_received",
        "page": page,
        "back_url": reverse("reports:dashboard") + "?" + urlencode(scope_params(scope)),
    })
    return render(request, "reports/drill.html", context)


# --- ledger ------------------------------------------------------------------------------------------------------
def _ledger_departments(user):
    if user.role == Role.HANDLER:
        return Department.objects.filter(pk=user.department_id).select_related("region")
    return Department.objects.filter(region__in=readable_regions(user)).select_related("region").order_by(
        "region__sort_order", "code"
    )


def _ledger_input(request):
    """(department, quarter, start, end, errors). A department outside the user's reach is 404."""
    user = request.user
    require_role(user, LEDGER_ROLES, "只有部门涉企服务工作人员、联合服务办公室、政府办公室和召集人可以查看台账。")
    departments = _ledger_departments(user)
    code = (request.GET.get("department") or "").strip()
    if code == ALL_DEPARTMENTS and user.role == Role.OFFICE:
        department = ALL_DEPARTMENTS
    elif code:
        department = departments.filter(code=code).first()
        if department is None:
            raise Http404("部门不存在或无权查看其台账。")
    else:
        department = user.department if user.role == Role.HANDLER else None
    quarter = (request.GET.get("quarter") or "").strip() or current_quarter()
    errors = {}
    start = end = None
    try:
        start, end = parse_quarter(quarter)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if department is None and "department" in request.GET:
        errors["department"] = ["请选择部门。"]
    return departments, department, quarter.upper().replace("-", ""), start, end, errors


LEDGER_PAGE_SIZE = 50  # rows on the page; the .xlsx holds the whole quarter
# A register states its exact total: one department's quarter is a few thousand demands at most, counted on the index.
LEDGER_COUNT_LIMIT = 20_000
# `?print=all` puts the whole quarter on one page for paper, up to this many rows (beyond that, the .xlsx).
LEDGER_PRINT_LIMIT = 2_000


def _region_groups(departments) -> list[tuple[str, list]]:
    """The department select's <optgroup>s: one per region, in the regions' order (a city reader sees its counties)."""
    groups: dict[str, list] = {}
    for d in departments:
        groups.setdefault(d.region.name, []).append(d)
    return list(groups.items())


@require_GET
@login_required
def ledger(request):
    departments, department, quarter, start, end, errors = _ledger_input(request)
    if department == ALL_DEPARTMENTS:
        department = None
    page = rows = None
    print_all = request.GET.get("print") == "all"
    truncated = False
    if department and not errors:
        ids = ledger_demand_ids(department, start, end)
        if print_all:
            truncated = len(ids) > LEDGER_PRINT_LIMIT
            rows = ledger_rows(department, start, end, demands=ledger_demands_by_id(ids[:LEDGER_PRINT_LIMIT]))
        else:
            page = paginate(request, ids, per_page=LEDGER_PAGE_SIZE, limit=LEDGER_COUNT_LIMIT)
            rows = ledger_rows(department, start, end, demands=ledger_demands_by_id(list(page.object_list)))
    params = {"department": department.code, "quarter": quarter} if department and not errors else None
    # Before a department is chosen, a reader of several departments sees each one's tickets of the quarter.
    overview = ledger_overview(departments, start, end) if department is None and not errors and start else None
    context = {
        # Departments with tickets of the quarter are listed; the others only counted.
        "overview": overview,
        "overview_active": [row for row in overview if row.lead or row.co] if overview else [],
        "overview_idle": sum(1 for row in overview if not row.lead and not row.co) if overview else 0,
        "overview_total": sum(row.lead for row in overview) if overview else 0,
        "page": page,
        "print_all": print_all,
        "print_limit": LEDGER_PRINT_LIMIT,
        "truncated": truncated,
        "print_all_url": reverse("reports:ledger") + "?" + urlencode({**params, "print": "all"}) if params else None,
        "screen_url": reverse("reports:ledger") + "?" + urlencode(params) if params else None,
        # The printed sheet's heading: who issues it, what it holds, when it was printed.
        "office_name": office_name(department.region) if department else "",
        "period": f"{start:%Y年%m月%d日}至{end:%Y年%m月%d日}" if start and end else "",
        "printed_at": timezone.localtime(),
        "department_groups": _region_groups(departments),
        "departments": departments,
        "department": department,
        "quarter": quarter,
        "errors": errors,
        "headers": LEDGER_HEADERS,
        "rows": rows,
        "download_url": reverse("reports:ledger_xlsx") + "?" + urlencode(
            {"department": department.code, "quarter": quarter}
        ) if department and not errors else None,
        "all_url": reverse("reports:ledger_xlsx") + "?" + urlencode({"department": ALL_DEPARTMENTS, "quarter": quarter})
        if request.user.role == Role.OFFICE and not errors else None,
    }
    return render(request, "reports/ledger.html", context, status=400 if errors else 200)


@require_GET
@login_required
def ledger_xlsx(request):
    departments, department, quarter, start, end, errors = _ledger_input(request)
    if department is None and not errors:
        errors = {"department": ["请选择部门。"]}
    if errors:
        context = {"departments": departments, "department": department, "quarter": quarter, "errors": errors,
                   "headers": LEDGER_HEADERS, "rows": None, "download_url": None}
        return render(request, "reports/ledger.html", context, status=400)
    if department == ALL_DEPARTMENTS:
        books = [(d, ledger_rows(d, start, end)) for d in departments]
        region = request.user.department.region
        record("export.xlsx", request=request, obj=region, report="ledger_collected", quarter=quarter,
               rows=sum(len(rows) for _d, rows in books))
        return collected_ledgers_response([(d, rows) for d, rows in books if rows], region=region, quarter=quarter)
    rows = ledger_rows(department, start, end)
    record("export.xlsx", request=request, obj=department, report="ledger", quarter=quarter, rows=len(rows))
    return ledger_response(rows, department=department, quarter=quarter)


# --- operations report -------------------------------------------------------------------------------------------
def region_comparison(scope) -> list[dict]:
    """A city's report compares the city's own tickets with each county's (same period and filters)."""
    if scope.region.level != "city":
        return []
    from dataclasses import replace

    regions = [scope.region, *scope.region.children.filter(active=True).order_by("sort_order", "code")]
    rows = []
    for region in regions:
        figures = kpis.compute(replace(scope, region=region, include_children=False, department=None))
        rows.append({"region": region.name, **{k: figures[k] for k in KPI_LABELS}})
    return rows


def _report_context(scope, *, limit: int | None = None) -> dict:
    """What the report holds; `limit` caps the lists on the printed page (the .xlsx holds them all)."""
    result = kpis.compute(scope)
    overdue = (
        kpis.tickets_in_scope(scope).filter(overdue_tickets_q(timezone.now()))
        .select_related("lead_department", "region")
        .order_by("current_due_at", "id")
    )
    unsatisfied = unsatisfied_callbacks(scope)
    return {
        "scope": scope,
        "result": result,
        "trend": kpis.from_first_data(kpis.trend(scope, "month")),
        "overdue": list(overdue[:limit] if limit else overdue),
        "overdue_total": result["overdue_open"],
        "unsatisfied": list(unsatisfied[:limit] if limit else unsatisfied),
        "unsatisfied_total": unsatisfied.count(),
        "limit": limit,
        "notable": notable_events(scope),
        "regions": region_comparison(scope),
        "channel_rows": [(str(Channel(code).label), n) for code, n in result["by_channel"].items()],
        "office_name": office_name(scope.region),
        "period": f"{scope.start:%Y年%m月%d日}至{scope.end:%Y年%m月%d日}",
        "kpi_labels": KPI_LABELS,
        "generated_at": timezone.localtime(),
    }


@require_GET
@login_required
@parallel_reads()
def operations(request):
    scope, errors = _read_scope(request)
    if errors:
        context = {"choices": filter_choices(request.user, request.GET), "errors": errors}
        return render(request, "reports/operations.html", context, status=400)
    context = _report_context(scope, limit=REPORT_PAGE_LIMIT)
    context.update({
        "choices": {**filter_choices(request.user, request.GET), "values": scope_params(scope)},
        "xlsx_url": reverse("reports:operations_xlsx") + "?" + urlencode(scope_params(scope)),
        "chart_data": {"trend": context["trend"]},
    })
    return render(request, "reports/operations.html", context)


@require_GET
@login_required
@parallel_reads()
def operations_xlsx(request):
    scope, errors = _read_scope(request)
    if errors:
        context = {"choices": filter_choices(request.user, request.GET), "errors": errors}
        return render(request, "reports/operations.html", context, status=400)
    context = _report_context(scope)
    record("export.xlsx", request=request, obj=scope.region, report="operations",
           period=f"{scope.start:%Y-%m-%d}~{scope.end:%Y-%m-%d}")
    return report_response(
        filename=f"运行报告-{scope.region.code}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}.xlsx",
        result=context["result"], regions=context["regions"], overdue=context["overdue"], unsatisfied=context["unsatisfied"],
        notable=context["notable"], office_name=context["office_name"], period=context["period"],
    )


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/tickets/", drill, name="drill"),
    path("ledger/", ledger, name="ledger"),
    path("ledger/download/", ledger_xlsx, name="ledger_xlsx"),
    path("operations/", operations, name="operations"),
    path("operations/download/", operations_xlsx, name="operations_xlsx"),
]
