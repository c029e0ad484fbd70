"""The ticket list as a place to work: filters and sorting, its export as .xlsx, saved views, and acts on several
tickets at once (签收, 催办; the office accepts the suggested lead departments of several demands at triage).

A bulk act is the single act repeated: each item goes through the same permission rule and workflow function as the
ticket page's button, in its own transaction, so one refused item stops nothing else; the page after it lists what
was done and what was refused, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.access import role_required
from accounts.models import Role
from accounts.roles import TICKET_READERS
from audit.services import record
from core import savedviews
from core.errors import Conflict
from core.forms import StyledForm, required_choice
from core.pagination import bounded_count, paginate
from core.xlsx import table_workbook, xlsx_response
from tickets import rules, workflow
from tickets.clocks import overdue_tickets_q
from tickets.forms.office import TicketListFilterForm
from tickets.listing import (
    department_choices,
    enterprise_labels,
    keyword_q,
    parse_sort,
    sort_links,
    sorted_tickets,
    with_list_relations,
)
from tickets.models import Ticket
from tickets.models.ticket import Category
from tickets.selectors import (
    demand_for_user,
    suggested_lead,
    ticket_for_user,
    tickets_visible_to,
)
from tickets.views.tickets import ACTIONS
from workcalendar.clocks import DEFAULT_WARNING_DAYS, due_status, warning_days_table

LIST_KEY = "tickets"  # the ticket list's key for saved views
# The query parameters that make the list what it is: the only ones a saved view keeps.
LIST_PARAMS = ("state", "category", "lead_department", "overdue", "q", "sort")
EXPORT_LIMIT = 5000
BULK_LIMIT = 50
# The acts offered on several tickets at once, and the roles to whom the list offers them (each item is still
# checked by the act's own rule).
BULK_ACTIONS = {"sign": {Role.HANDLER}, "urge": {Role.OFFICE, Role.SPECIALIST}}


def filtered_tickets(request):
    """The ticket list as the query string asks for it, for the page and its export alike: (filters, tickets in
    order, sort, sort warning). Bad filter values (named in `filters.warning`) and an unknown sort key (named in the
    sort warning) are ignored."""
    user = request.user
    filters = TicketListFilterForm(request.GET, departments=department_choices(user))
    values = filters.values
    tickets = tickets_visible_to(user)
    if "state" in values:
        tickets = tickets.filter(state=values["state"])
    if "category" in values:
        tickets = tickets.filter(category=values["category"])
    if "lead_department" in values:
        tickets = tickets.filter(lead_department=values["lead_department"])
    if values.get("overdue"):
        tickets = tickets.filter(overdue_tickets_q())
    if "q" in values:
        tickets = tickets.filter(keyword_q(values["q"]))
    sort, sort_warning = parse_sort(request.GET.get("sort"))
    return filters, sorted_tickets(tickets, sort), sort, sort_warning


def bulk_actions_for(user) -> list[tuple[str, str]]:
    return [(name, ACTIONS[name].label) for name, roles in BULK_ACTIONS.items() if user.role in roles]


@require_GET
@role_required(TICKET_READERS, "您的角色没有工单列表。")
def ticket_list(request):
    filters, tickets, sort, sort_warning = filtered_tickets(request)
    page = paginate(request, with_list_relations(tickets))
    enterprise_labels(page.object_list)
    query = savedviews.clean_query(request.GET, LIST_PARAMS)
    context = {
        "page": page, "filters": filters, "sort_warning": sort_warning, "sort": sort,
        "sorts": sort_links(request, sort), "query": query, "query_items": list(QueryDict(query).items()),
        "saved_views": savedviews.views_for(request.user, LIST_KEY),
        "save_form": savedviews.SavedViewForm(), "bulk": bulk_actions_for(request.user),
        "export_limit": EXPORT_LIMIT, "bulk_limit": BULK_LIMIT,
    }
    return render(request, "tickets/ticket_list.html", context)


# --- export --------------------------------------------------------------------------------------------------------
EXPORT_HEADERS = ["工单编号", "标题", "企业", "类别", "复杂", "牵头部门", "协办部门", "状态", "期限", "期限时间", "派单时间"]
EXPORT_WIDTHS = [20, 40, 30, 12, 6, 24, 30, 14, 18, 18, 18]


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def export_rows(tickets: list[Ticket], now=None) -> list[list]:
    """The rows as the list shows them: the enterprise as on screen (匿名 for anonymous demands; no requester, no
    phone), the due as a person says it and as a time."""
    warn = warning_days_table()
    rows = []
    for t in tickets:
        clock = t.running_clock()
        status = due_status(clock, now=now, warn_days=warn.get(clock.policy, DEFAULT_WARNING_DAYS)) if clock else None
        rows.append([
            t.number, t.title, t.enterprise_label, t.get_category_display(), "是" if t.complex else "否",
            t.lead_department.name, "、".join(link.department.name for link in t.co_links.all()),
            t.get_state_display(), f"{clock.label}{status.text}" if status else "—",
            _local(clock.due) if clock else None, _local(t.created_at),
        ])
    return rows


@require_GET
@role_required(TICKET_READERS, "您的角色没有工单列表。")
def ticket_list_xlsx(request):
    """The filtered list in its order as .xlsx (at most EXPORT_LIMIT rows, else a message), recorded in the audit
    log with its filters and the number of rows."""
    _filters, tickets, _sort, _warning = filtered_tickets(request)
    query = savedviews.clean_query(request.GET, LIST_PARAMS)
    if bounded_count(tickets, EXPORT_LIMIT) > EXPORT_LIMIT:
        messages.error(request, f"符合条件的工单超过 {EXPORT_LIMIT} 条，不能一次导出，请先缩小筛选范围。")
        return redirect(reverse("tickets:ticket_list") + (f"?{query}" if query else ""))
    rows = list(with_list_relations(tickets))
    enterprise_labels(rows)
    workbook = table_workbook("工单列表", EXPORT_HEADERS, export_rows(rows), EXPORT_WIDTHS)
    with transaction.atomic():
        record("export.xlsx", request=request, report="ticket_list", filters=query, rows=len(rows))
    return xlsx_response(workbook, f"工单列表-{timezone.localdate():%Y%m%d}.xlsx")


# --- saved views ---------------------------------------------------------------------------------------------------
@require_POST
@role_required(TICKET_READERS, "您的角色没有工单列表。")
def saved_view_create(request):
    """Save the list's current filters (posted as hidden fields) under a name; errors come back as a message."""
    form = savedviews.SavedViewForm(request.POST)
    query = savedviews.clean_query(request.POST, LIST_PARAMS)
    back = reverse("tickets:ticket_list") + (f"?{query}" if query else "")
    if not form.is_valid():
        messages.error(request, "未保存视图：" + "".join(form.errors["name"]))
        return redirect(back)
    try:
        view = savedviews.save_view(user=request.user, list_key=LIST_KEY, name=form.cleaned_data["name"],
                                    params=request.POST, allowed=LIST_PARAMS)
    except ValidationError as exc:
        messages.error(request, "未保存视图：" + "".join(exc.message_dict["name"]))
        return redirect(back)
    messages.success(request, f"已保存视图“{view.name}”。")
    return redirect(back)


@require_POST
@role_required(TICKET_READERS, "您的角色没有工单列表。")
def saved_view_delete(request, pk: int):
    view = savedviews.delete_view(user=request.user, pk=pk, list_key=LIST_KEY)
    messages.success(request, f"已删除视图“{view.name}”。")
    return redirect("tickets:ticket_list")


# --- bulk acts -----------------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    label: str  # the ticket's or demand's number
    url: str = ""
    reason: str = ""


def _selected(request, field: str) -> list[int] | None:
    """The ids ticked (distinct, in order); None when there are more than BULK_LIMIT."""
    ids: list[int] = []
    for raw in request.POST.getlist(field):
        try:
            value = int(raw)
        except ValueError:
            continue
        if value not in ids:
            ids.append(value)
    return None if len(ids) > BULK_LIMIT else ids


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


def _refusal(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    if isinstance(exc, Conflict):
        return exc.message
    return str(exc) or "没有权限。"


def _report(request, *, title: str, done: list[Outcome], refused: list[Outcome], back: str):
    return render(request, "tickets/bulk_result.html",
                  {"title": title, "done": done, "refused": refused, "back": back})


@require_POST
@role_required(TICKET_READERS, "您的角色没有工单列表。")
def ticket_bulk(request, action: str):
    """签收 or 催办 the ticked tickets, each as its own act.

    1. Unknown bulk act: 404. None ticked, more than BULK_LIMIT, or bad input of the act's form (the urge's note):
       a message, back to the list, nothing done.
    2. Each ticket: outside the user's scope, not permitted (the act's rule), not possible in its state, or refused
       by the workflow → listed as refused with the reason; otherwise done, in its own transaction.
    3. The report: done and refused items.
    """
    if action not in BULK_ACTIONS:
        raise Http404("没有这个批量操作。")
    spec = ACTIONS[action]
    user = request.user
    back = _back(request, reverse("tickets:ticket_list"))
    ids = _selected(request, "ticket")
    if ids is None:
        messages.error(request, f"一次最多{spec.label} {BULK_LIMIT} 件工单，请减少勾选。")
        return redirect(back)
    if not ids:
        messages.error(request, f"请先勾选要{spec.label}的工单。")
        return redirect(back)
    check = spec.form_class(request.POST, ticket=None, prefix=action)
    if not check.is_valid():
        errors = "".join(e for field_errors in check.errors.values() for e in field_errors)
        messages.error(request, f"未{spec.label}：{errors}")
        return redirect(back)
    done: list[Outcome] = []
    refused: list[Outcome] = []
    for pk in ids:
        try:
            ticket = ticket_for_user(user, pk)
        except Http404:
            refused.append(Outcome(f"#{pk}", reason="工单不存在或无权查看"))
            continue
        outcome = Outcome(ticket.number, reverse("tickets:ticket_detail", args=[ticket.pk]))
        if not spec.may(ticket, user):
            outcome.reason = f"您没有权限{spec.label}该工单"
        elif not spec.now(ticket, user):
            outcome.reason = f"当前为{ticket.get_state_display()}，不能{spec.label}"
        else:
            form = spec.form_class(request.POST, ticket=ticket, prefix=action)
            form.is_valid()
            try:
                with transaction.atomic():
                    spec.perform(actor=user, ticket=ticket, **form.workflow_kwargs())
            except (ValidationError, Conflict, PermissionDenied) as exc:
                outcome.reason = _refusal(exc)
        (refused if outcome.reason else done).append(outcome)
    return _report(request, title=f"批量{spec.label}", done=done, refused=refused, back=back)


class AcceptSuggestionsForm(StyledForm):
    category = required_choice("诉求类别", Category.choices)
    complex = forms.BooleanField(label="复杂事项", required=False)


@require_POST
@role_required({Role.OFFICE}, "只有联合服务办公室可以研判诉求。")
def triage_accept_suggestions(request):
    """Form a ticket for each ticked demand with its suggested lead department (the service item's department, else
    the one owning its domain), with the category chosen for all: the same act as the triage page's 形成工单."""
    user = request.user
    back = _back(request, reverse("tickets:triage_queue"))
    ids = _selected(request, "demand")
    if ids is None:
        messages.error(request, f"一次最多研判 {BULK_LIMIT} 件诉求，请减少勾选。")
        return redirect(back)
    if not ids:
        messages.error(request, "请先勾选要采纳建议的诉求。")
        return redirect(back)
    form = AcceptSuggestionsForm(request.POST, prefix="accept")
    if not form.is_valid():
        messages.error(request, "未研判：" + "".join(e for errs in form.errors.values() for e in errs))
        return redirect(back)
    done: list[Outcome] = []
    refused: list[Outcome] = []
    for pk in ids:
        try:
            demand = demand_for_user(user, pk)
        except Http404:
            refused.append(Outcome(f"#{pk}", reason="诉求不存在或无权查看"))
            continue
        outcome = Outcome(demand.number, reverse("tickets:triage", args=[demand.pk]))
        lead = suggested_lead(demand)[0] if rules.is_region_office(demand, user) else None
        if not rules.is_region_office(demand, user):
            outcome.reason = "只有诉求所属区域的联合服务办公室可以研判该诉求"
        elif "form_ticket" not in rules.available_transitions(demand, user):
            outcome.reason = f"当前为{demand.get_state_display()}，不能形成工单"
        elif lead is None:
            outcome.reason = "没有建议的牵头部门，请逐件研判"
        else:
            try:
                with transaction.atomic():
                    demand = workflow.demand_triage(
                        actor=user, demand=demand, decision="ticket", category=form.cleaned_data["category"],
                        complex=form.cleaned_data["complex"], lead_department=lead.code, co_departments=[],
                        note="采纳建议牵头部门（批量研判）",
                    )
            except (ValidationError, Conflict, PermissionDenied) as exc:
                outcome.reason = _refusal(exc)
            else:
                outcome.label = f"{demand.number} → {demand.ticket.number}（{lead.name}）"
        (refused if outcome.reason else done).append(outcome)
    return _report(request, title="批量采纳建议牵头部门", done=done, refused=refused, back=back)


urlpatterns: list = [
    path("tickets/", ticket_list, name="ticket_list"),
    path("tickets/export.xlsx", ticket_list_xlsx, name="ticket_list_xlsx"),
    path("tickets/views/", saved_view_create, name="saved_view_create"),
    path("tickets/views/<int:pk>/delete/", saved_view_delete, name="saved_view_delete"),
    path("tickets/bulk/<str:action>/", ticket_bulk, name="ticket_bulk"),
    path("office/triage/accept/", triage_accept_suggestions, name="triage_accept"),
]
