"""Screens: the office's queues after signing (extensions, terminations, callbacks due, returned tickets, reviews),
the co-department inbox, provincial escalations and the city's sampling batches (SPEC §5, §8)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import require_role
from accounts.models import Role
from accounts.roles import CALLBACK_ROLES
from core.forms import StyledForm, note_field
from core.pagination import paginate
from core.web import apply_errors
from tickets import queues, workflow
from tickets.forms.handling import CallbackForm
from tickets.listing import enterprise_labels, with_list_relations
from tickets.models import Callback, ExtensionRequest, ProvincialEscalation, SamplingBatch, TerminationRequest
from tickets.models.handling import Decision
from tickets.sampling import sample_callbacks


def _office_region(user):
    require_role(user, {Role.OFFICE}, "只有联合服务办公室可以查看该页面。")
    return user.department.region


@dataclass(frozen=True)
class QueuePage:
    """How a queue of tickets.queues is shown: its heading, who opens it, the order and the extra column."""

    title: str
    hint: str
    roles: frozenset[str]
    tickets: Callable  # (user) -> QuerySet[Ticket]: the queue itself (tickets.queues)
    order: tuple  # columns an index serves: a queue of one state sorts by its running due (`current_due_at`)
    extra: str = ""  # the name of the extra column's partial, or ""
    prefetch: tuple = ()


PAGES: dict[str, QueuePage] = {
    "extensions": QueuePage(
        "延期申请", "牵头部门申请延期并承诺办结时限，由联合服务办公室审批（§4.4.2）。", frozenset({Role.OFFICE}),
        queues.extensions, ("current_due_at",), "extension",
        (Prefetch("extensions", queryset=ExtensionRequest.objects.filter(state=Decision.PENDING), to_attr="pending"),),
    ),
    "terminations": QueuePage(
        "终止申请", "存在无法联系、主动撤回、拒绝补充或匿名虚假等情形的，牵头部门可申请终止办理（§4.4.4）。",
        frozenset({Role.OFFICE}), queues.terminations, ("current_due_at",), "termination",
        (Prefetch("terminations", queryset=TerminationRequest.objects.filter(state=Decision.PENDING), to_attr="pending"),),
    ),
    "callbacks": QueuePage(
        "待回访", "工单办结后 5 个工作日内全量回访（§4.7.1），按回访期限排序。", CALLBACK_ROLES,
        queues.callbacks, ("current_due_at",), "callback",
        (Prefetch("callbacks", queryset=Callback.objects.filter(sampled=False, reached=False), to_attr="attempts"),),
    ),
    "returned": QueuePage(
        "退回重办", "回访不一致或未达办结标准而退回牵头部门重新办理的工单（§4.7.2）。", frozenset({Role.OFFICE}),
        queues.returned, ("current_due_at",), "rework",
    ),
    "reviews": QueuePage(
        "复查复核", "牵头部门不认可退回或认为难以解决而提出复查复核建议的工单（§4.8）。", frozenset({Role.OFFICE}),
        queues.reviews, ("-created_at",), "review", ("reviews",),
    ),
    "co": QueuePage(
        "协办工单", "本部门作为协办部门的工单：确认协办并将处置情况反馈牵头部门（§4.4.3）。", frozenset({Role.HANDLER}),
        queues.co_handling, ("current_due_at",), "co",
    ),
}


@require_GET
@login_required
def ticket_queue(request, queue: str):
    spec = PAGES[queue]
    user = request.user
    require_role(user, spec.roles, f"您的角色没有“{spec.title}”。")
    tickets = with_list_relations(spec.tickets(user)).prefetch_related(*spec.prefetch).order_by(
        *[F(field[1:]).desc(nulls_last=True) if field.startswith("-") else F(field).asc(nulls_last=True) for field in spec.order],
        "-id",
    )
    page = paginate(request, tickets)
    enterprise_labels(page.object_list)
    if queue == "callbacks":
        # Only the unreached attempts since the latest closing: a callback that returned an earlier closing is history.
        for ticket in page.object_list:
            ticket.attempts = [c for c in ticket.attempts if c.at >= ticket.closed_at]
    if queue == "co":
        for ticket in page.object_list:
            ticket.my_link = next((link for link in ticket.co_links.all() if link.department_id == user.department_id), None)
    return render(request, "tickets/queue.html", {"spec": spec, "queue": queue, "page": page})


# --- provincial escalations ----------------------------------------------------------------------------------------
class EscalationUpdateForm(StyledForm):
    status = forms.ChoiceField(label="省级处理状态", choices=ProvincialEscalation.Status.choices)
    external_ref = forms.CharField(label="省级平台编号", required=False, max_length=64)
    result = note_field("处理结果", required=False, rows=2)


@require_GET
@login_required
def escalation_list(request):
    region = _office_region(request.user)
    escalations = (
        ProvincialEscalation.objects.filter(region=region)
        .select_related("demand", "ticket", "submitted_by")
        .order_by("-submitted_at")
    )
    page = paginate(request, escalations)
    for item in page.object_list:
        item.form = EscalationUpdateForm(
            prefix=f"e{item.pk}", initial={"status": item.status, "external_ref": item.external_ref, "result": item.result}
        )
    return render(request, "tickets/escalations.html", {"page": page})


@require_POST
@login_required
def escalation_update(request, pk: int):
    region = _office_region(request.user)
    escalation = get_object_or_404(ProvincialEscalation, pk=pk, region=region)
    form = EscalationUpdateForm(request.POST, prefix=f"e{pk}")
    if form.is_valid():
        try:
            workflow.escalation_update(actor=request.user, escalation=escalation, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
    if form.errors:
        for field, errors in form.errors.items():
            messages.error(request, f"提级记录未更新：{'；'.join(errors)}")
    else:
        messages.success(request, "已更新省级提级记录。")
    return redirect("tickets:escalations")


# --- sampled callbacks of county tickets ---------------------------------------------------------------------------
class SamplingForm(StyledForm):
    month = forms.CharField(label="月份", max_length=7, widget=forms.TextInput(attrs={"type": "month"}),
                            error_messages={"required": "请选择月份。", "max_length": "月份格式不正确，应为 YYYY-MM。"})

    def clean_month(self) -> date:
        raw = self.cleaned_data["month"]
        try:
            year, month = (int(part) for part in raw.split("-"))
            first = date(year, month, 1)
        except (ValueError, TypeError):
            raise forms.ValidationError("月份格式不正确，应为 YYYY-MM。") from None
        if first > timezone.localdate().replace(day=1):
            raise forms.ValidationError("不能抽取尚未开始的月份。")
        return first


def _sampling_office(user):
    region = _office_region(user)
    if not region.children.exists():
        raise PermissionDenied("只有设有下级区域的联合服务办公室开展抽访。")
    return region


@require_http_methods(["GET", "POST"])
@login_required
def sampling_list(request):
    region = _sampling_office(request.user)
    form = SamplingForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            batches = sample_callbacks(region=region, month=form.cleaned_data["month"], actor=request.user)
            picked = sum(batch.tickets.count() for batch in batches)
            messages.success(request, f"已抽取 {form.cleaned_data['month']:%Y-%m} 的抽访工单，共 {picked} 件。")
            return redirect("tickets:sampling_list")
    batches = (
        SamplingBatch.objects.filter(sampling_region=region)
        .select_related("region")
        .prefetch_related("tickets", Prefetch("callbacks", queryset=Callback.objects.all()))
        .order_by("-month", "region__sort_order")
    )
    page = paginate(request, batches)
    for batch in page.object_list:
        done = {c.ticket_id for c in batch.callbacks.all()}
        batch.sampled_count = len(batch.tickets.all())
        batch.done_count = len(done)
        batch.failed_count = sum(1 for c in batch.callbacks.all() if c.failed)
    return render(request, "tickets/sampling_list.html", {"page": page, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def sampling_detail(request, pk: int):
    region = _sampling_office(request.user)
    batch = get_object_or_404(SamplingBatch.objects.select_related("region"), pk=pk, sampling_region=region)
    bound_ticket, bound_form = None, None
    if request.method == "POST":
        raw = request.POST.get("ticket", "")
        if not raw.isdigit():  # a malformed id is a missing ticket, not a 500
            raise Http404("该工单不在本抽访批次中。")
        ticket = get_object_or_404(batch.tickets, pk=raw)
        bound_form = CallbackForm(request.POST, ticket=ticket, prefix=f"t{ticket.pk}")
        if bound_form.is_valid():
            try:
                workflow.ticket_sampled_callback(actor=request.user, batch=batch, ticket=ticket, **bound_form.cleaned_data)
            except ValidationError as exc:
                apply_errors(bound_form, exc)
            else:
                messages.success(request, f"已记录工单 {ticket.number} 的抽访结果。")
                return redirect("tickets:sampling_detail", pk=batch.pk)
        bound_ticket = ticket.pk
    tickets = with_list_relations(batch.tickets.all()).prefetch_related(
        Prefetch("callbacks", queryset=Callback.objects.filter(batch=batch).select_related("by"), to_attr="sampled_calls")
    ).order_by("number")
    tickets = list(tickets)
    enterprise_labels(tickets)
    for ticket in tickets:
        ticket.form = bound_form if ticket.pk == bound_ticket else CallbackForm(ticket=ticket, prefix=f"t{ticket.pk}")
    return render(request, "tickets/sampling_detail.html", {"batch": batch, "tickets": tickets}, status=200)


urlpatterns: list = [
    path("office/extensions/", ticket_queue, {"queue": "extensions"}, name="extension_queue"),
    path("office/terminations/", ticket_queue, {"queue": "terminations"}, name="termination_queue"),
    path("office/callbacks/", ticket_queue, {"queue": "callbacks"}, name="callback_queue"),
    path("office/returned/", ticket_queue, {"queue": "returned"}, name="returned_queue"),
    path("office/reviews/", ticket_queue, {"queue": "reviews"}, name="review_queue"),
    path("inbox/co/", ticket_queue, {"queue": "co"}, name="co_inbox"),
    path("office/escalations/", escalation_list, name="escalations"),
    path("office/escalations/<int:pk>/update/", escalation_update, name="escalation_update"),
    path("office/sampling/", sampling_list, name="sampling_list"),
    path("office/sampling/<int:pk>/", sampling_detail, name="sampling_detail"),
]
