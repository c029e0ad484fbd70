"""The auditor's screen (SECURITY.md §4): search the audit log and export what was found as .xlsx (itself audited).
For the `auditor` role alone; everyone else 403."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from audit.labels import WORKFLOW_PREFIX, action_choices, action_label
from audit.models import AuditEvent, Result
from audit.services import record
from core.forms import StyledForm
from core.pagination import paginate

AUDITOR = "auditor"  # accounts.models.Role.AUDITOR (audit sits below accounts)
EARLIEST = dt.date(2000, 1, 1)
EXPORT_LIMIT = 50_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SearchForm(StyledForm):
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "请输入有效的日期（YYYY-MM-DD）。"})
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "请输入有效的日期（YYYY-MM-DD）。"})
    actor = forms.CharField(label="账号", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False, error_messages={"invalid_choice": "请选择列表中的操作。"})
    object = forms.CharField(label="对象", required=False, max_length=200, help_text="对象名称或标识")
    result = forms.ChoiceField(label="结果", required=False, choices=[("", "全部"), *Result.choices],
                               error_messages={"invalid_choice": "请选择列表中的结果。"})
    ip = forms.CharField(label="IP 地址", required=False, max_length=45)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = action_choices()

    def clean(self):
        data = super().clean()
        for name in ("since", "until"):
            if data.get(name) and data[name] < EARLIEST:
                self.add_error(name, "日期不能早于 2000-01-01。")
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "截止日期不能早于起始日期。")
        return data


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filtered(data: dict):
    rows = AuditEvent.objects.all()
    if data.get("since"):
        rows = rows.filter(at__gte=_start(data["since"]))
    if data.get("until"):
        rows = rows.filter(at__lt=_start(data["until"] + dt.timedelta(days=1)))
    if data.get("actor"):
        rows = rows.filter(actor_name__iexact=data["actor"].strip())
    action = data.get("action") or ""
    if action == WORKFLOW_PREFIX:
        rows = rows.filter(action__startswith=WORKFLOW_PREFIX)
    elif action:
        rows = rows.filter(action=action)
    if data.get("object"):
        text = data["object"].strip()
        rows = rows.filter(Q(object_repr__icontains=text) | Q(object_id=text) | Q(object_type=text.lower()))
    if data.get("result"):
        rows = rows.filter(result=data["result"])
    if data.get("ip"):
        rows = rows.filter(ip=data["ip"].strip())
    return rows.order_by("-at", "-id")


def _auditor_only(request) -> None:
    if getattr(request.user, "role", "") != AUDITOR:
        raise PermissionDenied("只有审计管理员可以查阅安全审计记录。")


@require_GET
@login_required
def events(request):
    _auditor_only(request)
    form = SearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/events.html", {"form": form, "page": None}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    page = paginate(request, filtered(data))
    for event in page.object_list:
        event.action_label = action_label(event.action)
    return render(request, "audit/events.html", {"form": form, "page": page, "query": request.GET.urlencode()})


HEADERS = ["时间", "账号", "角色", "IP 地址", "客户端", "操作", "操作代码", "对象类型", "对象标识", "对象", "结果", "详情"]


def safe_cell(value):
    """A text cell never becomes a formula (SECURITY.md §6): a leading = + - @ tab or CR is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@require_GET
@login_required
def export(request):
    _auditor_only(request)
    form = SearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "audit/events.html", {"form": form, "page": None}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    rows = list(filtered(data)[:EXPORT_LIMIT])
    record("audit.export", request=request, rows=len(rows),
           filters={k: str(v) for k, v in data.items() if v not in (None, "")})
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "审计记录"
    sheet.append(HEADERS)
    results = dict(Result.choices)
    for event in rows:
        sheet.append([safe_cell(value) for value in [
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"), event.actor_name, event.role, event.ip,
            event.user_agent, action_label(event.action), event.action, event.object_type, event.object_id,
            event.object_repr, str(results.get(event.result, event.result)), _detail(event.detail),
        ]])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"审计记录-{timezone.localdate():%Y%m%d}.xlsx")
    response["Cache-Control"] = "no-store"
    return response


def _detail(detail) -> str:
    if not detail:
        return ""
    return "；".join(f"{key}={value}" for key, value in sorted(detail.items()))


app_name = "audit"
urlpatterns = [
    path("audit/", events, name="events"),
    path("audit/export/", export, name="export"),
]
