"""Screens: the demand list of staff, a demand's page (status page for the enterprise, full record for staff),
and the two acts taken from that page: supplying materials and withdrawing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.access import require_role
from accounts.models import Role
from accounts.roles import DEMAND_LIST_READERS, sees_internal
from core.pagination import paginate
from core.search import matches
from core.web import run_act
from tickets import rules, workflow
from tickets.clocks import overdue_demands_q
from tickets.forms.intake import (
    AnswerMergeForm,
    DemandFilterForm,
    SupplyMaterialsForm,
    WithdrawForm,
)
from tickets.listing import DEMAND_SORTS, parse_sort, sort_links, sort_terms
from tickets.models import Demand, MergeProposal, Ticket
from tickets.selectors import demand_for_user, demands_visible_to
from tickets.standing import pressed_on, ticket_progress, where_it_stands


def _render_detail(request, demand: Demand, *, supply_form=None, withdraw_form=None, merge_form=None):
    user = request.user
    available = rules.available_transitions(demand, user)
    can_supply = "supply_materials" in available
    can_withdraw = "withdraw" in available
    context = {
        "demand": demand,
        "can_supply": can_supply,
        "can_withdraw": can_withdraw,
        "supply_form": supply_form or (SupplyMaterialsForm() if can_supply else None),
        "withdraw_form": withdraw_form or (WithdrawForm() if can_withdraw else None),
        "events": demand.events.select_related("actor__department"),
    }
    pressed = pressed_on(demand.ticket) if demand.ticket_id else None
    if demand.ticket_id:
        context["ticket_progress"] = ticket_progress(demand.ticket, pressed=pressed)
        # A result the enterprise reads: closed and after (one returned for rework is being handled again).
        context["ticket_result"] = demand.ticket.state in (Ticket.State.CLOSED, Ticket.State.REVIEW, Ticket.State.ARCHIVED)
    if user.role == Role.ENTERPRISE:
        context["standing"] = where_it_stands(demand, pressed=pressed)
        context["merge_proposal"] = proposal = pending_merge_proposal(demand)
        context["merge_form"] = merge_form or (AnswerMergeForm() if proposal else None)
        return render(request, "tickets/demand_detail_enterprise.html", context)
    context.update(
        can_triage="form_ticket" in available,
        consultations=demand.consultations.select_related("department", "answered_by"),
        transfer=Demand.objects.filter(source_demand=demand).select_related("region").first(),
        provincial=demand.provincial_escalations.all(),
        # The meeting where it was raised (OUTREACH §5), for the staff who read meetings.
        show_meeting=sees_internal(user),
    )
    return render(request, "tickets/demand_detail.html", context)


@require_GET
@login_required
def demand_detail(request, pk: int):
    return _render_detail(request, demand_for_user(request.user, pk))


@require_POST
@login_required
def demand_supply(request, pk: int):
    demand = demand_for_user(request.user, pk)
    form = SupplyMaterialsForm(request.POST, request.FILES)
    if form.is_valid():
        done = run_act(
            request, form,
            lambda: workflow.demand_supply_materials(
                actor=request.user, demand=demand, content=form.cleaned_data["content"], files=form.cleaned_data["files"]
            ),
            success="材料已补充，诉求已回到研判队列，联合服务办公室将在 1 个工作日内重新研判。",
        )
        if done:
            return redirect("tickets:demand_detail", pk=demand.pk)
    if request.FILES and form.errors:
        messages.error(request, "补充未成功，请按提示修改；已选择的附件需要重新选择。")
    return _render_detail(request, demand, supply_form=form)


@require_POST
@login_required
def demand_withdraw(request, pk: int):
    demand = demand_for_user(request.user, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        done = run_act(
            request, form,
            lambda: workflow.demand_withdraw(actor=request.user, demand=demand, note=form.cleaned_data["note"]),
            success=f"诉求 {demand.number} 已撤回，不再办理。",
        )
        if done:
            return redirect("tickets:demand_detail", pk=demand.pk)
    return _render_detail(request, demand, withdraw_form=form)


def pending_merge_proposal(demand: Demand) -> MergeProposal | None:
    """The office's unanswered merge proposal, while the demand still waits for triage."""
    if demand.state != Demand.State.REGISTERED:
        return None
    return (demand.merge_proposals.filter(state=MergeProposal.State.PENDING)
            .select_related("ticket__lead_department").first())


@require_POST
@login_required
def demand_answer_merge(request, pk: int):
    """The enterprise agrees to the office's merge proposal (the demand is merged at once) or declines it."""
    demand = demand_for_user(request.user, pk)
    if not rules.is_demand_owner(demand, request.user):
        raise PermissionDenied("只有诉求所属企业的用户可以答复合并征询。")
    form = AnswerMergeForm(request.POST)
    if form.is_valid():
        done = run_act(
            request, form,
            lambda: workflow.demand_answer_merge(actor=request.user, demand=demand, **form.workflow_kwargs()),
            success=lambda proposal: {
                MergeProposal.State.ACCEPTED: f"您已同意合并。诉求 {demand.number} 已与同类事项合并，由"
                                              f"{proposal.ticket.lead_department.name}一并办理，办理结果会通知您。",
                MergeProposal.State.DECLINED: f"您已答复不同意合并。联合服务办公室将另行研判诉求 {demand.number}。",
                MergeProposal.State.LAPSED: "该同类事项已办结，无法再合并。联合服务办公室将重新研判您的诉求，请留意通知。",
            }[proposal.state],
        )
        if done or not form.errors:  # done, or a conflict: the page shows where the demand stands now
            return redirect("tickets:demand_detail", pk=demand.pk)
    return _render_detail(request, demand, merge_form=form)


@require_GET
@login_required
def demand_list(request):
    user = request.user
    if user.role == Role.ENTERPRISE:
        return redirect("tickets:my_demands")
    require_role(user, DEMAND_LIST_READERS, "您的角色不查看诉求列表。")
    filter_form = DemandFilterForm(request.GET or None)
    filters, notices = filter_form.valid_filters() if request.GET else ({}, [])
    for notice in notices:
        messages.warning(request, notice)

    demands = demands_visible_to(user)
    if filters.get("state"):
        demands = demands.filter(state=filters["state"])
    if filters.get("channel"):
        demands = demands.filter(channel=filters["channel"])
    if keyword := (filters.get("q") or "").strip():
        demands = demands.filter(matches("search_text", keyword))
    if filters.get("overdue"):
        demands = demands.filter(overdue_demands_q(timezone.now()))
    sort, sort_warning = parse_sort(request.GET.get("sort"), DEMAND_SORTS)
    if sort_warning:
        messages.warning(request, sort_warning)
    terms = sort_terms(sort, DEMAND_SORTS, "due")
    if terms is None:
        # The triage clock runs only while the demand waits for triage (every other state clears it): the waiting
        # demands first by due, then the decided ones newest first — the order of the index demand_list_due.
        demands = demands.order_by(F("triage_due_at").asc(nulls_last=True), "-registered_at", "-id")
    else:
        demands = demands.order_by(*terms)
    # The enterprises by a second query on the page's ids: joined, a keyword's poor row estimate (1 for 5,000) made
    # PostgreSQL scan the enterprise table once per matching demand (0.4 s at a million demands).
    page = paginate(request, demands.select_related("domain", "first_contact_department").prefetch_related("enterprise"))
    return render(request, "tickets/demand_list.html", {
        "page": page, "filter_form": filter_form, "filtered": any(filters.values()), "sort": sort,
        "sorts": sort_links(request, sort, DEMAND_SORTS, default="due"),
    })


urlpatterns = [
    path("demands/", demand_list, name="demand_list"),
    path("demands/<int:pk>/", demand_detail, name="demand_detail"),
    path("demands/<int:pk>/supply/", demand_supply, name="demand_supply"),
    path("demands/<int:pk>/withdraw/", demand_withdraw, name="demand_withdraw"),
    path("demands/<int:pk>/merge-answer/", demand_answer_merge, name="demand_answer_merge"),
]
