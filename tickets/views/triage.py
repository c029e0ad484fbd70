"""Screens of the joint service office: the triage queue, the triage of one demand, the objections to resolve."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import role_required
from accounts.models import Department, Role
from core.errors import Conflict
from core.pagination import paginate
from core.search import matches
from core.web import apply_errors, run_act
from tickets import queues, rules, workflow
from tickets.clocks import overdue_demands_q
from tickets.duplicates import (
    SAME_ENTERPRISE_SIMILARITY,
    SIMILARITY,
    duplicate_counts,
    likely_duplicates,
    split,
)
from tickets.forms.office import (
    TRIAGE_FORMS,
    ProposeMergeForm,
    TriageFilterForm,
    merge_targets,
)
from tickets.models import Demand, MergeProposal, Ticket
from tickets.models.ticket import Category
from tickets.selectors import (
    demand_for_user,
    item_lead,
    objection_duties,
    suggested_lead,
)

# Each triage decision, the Demand transition that decides when it is open, and how it reads on screen.
DECISIONS = {
    "ticket": ("form_ticket", "形成工单", "send"),
    "merge": ("merge", "合并到已有工单", "union"),
    "supplement": ("request_materials", "要求补充材料", "file-earmark-plus"),
    "consult": ("start_consultation", "发起会商", "chat-square-text"),
    "escalate": ("escalate", "提级办理", "arrow-up-circle"),
    "reject": ("reject", "不予受理", "x-circle"),
}


OFFICE_ONLY = "只有联合服务办公室可以研判诉求。"
DUPLICATES_SHOWN = 10  # per group on the triage page, the most similar first


def suggested_leads(region_id: int, domain_ids) -> dict[int, Department]:
    """Department.objects.suggested_lead for many domains of one region, in one query."""
    through = Department.domains.through
    rows = (
        through.objects.filter(department__region_id=region_id, department__active=True, domain_id__in=set(domain_ids))
        .select_related("department")
        .order_by("department__code")
    )
    leads: dict[int, Department] = {}
    for row in rows:
        leads.setdefault(row.domain_id, row.department)
    return leads


@require_GET
@role_required({Role.OFFICE}, OFFICE_ONLY)
def triage_queue(request):
    user = request.user
    region_id = user.department.region_id
    filters = TriageFilterForm(request.GET)
    values = filters.values
    demands = queues.triage(user)
    if "channel" in values:
        demands = demands.filter(channel=values["channel"])
    if "state" in values:
        demands = demands.filter(state=values["state"])
    if values.get("overdue"):
        demands = demands.filter(overdue_demands_q())
    if "q" in values:
        keyword = values["q"]
        # The queue is small: its number, title, enterprise or content may hold the keyword.
        demands = demands.filter(matches("search_text", keyword) | Q(content__icontains=keyword))
    # Earliest due first: the overdue ones lead the list.
    demands = demands.select_related("domain", "first_contact_department", "enterprise", "service_item__department").order_by(
        F("triage_due_at").asc(nulls_last=True), "registered_at", "id"
    )
    page = paginate(request, demands)
    rows = list(page.object_list)
    counts = duplicate_counts(rows)
    leads = suggested_leads(region_id, {d.domain_id for d in rows})
    for demand in rows:
        demand.duplicate_count = counts.get(demand.pk, 0)
        demand.suggested_lead = item_lead(demand) or leads.get(demand.domain_id)
    return render(request, "tickets/triage_queue.html",
                  {"page": page, "rows": rows, "filters": filters, "categories": Category.choices})


def demand_page_url(demand: Demand) -> str:
    """The demand's own page once it exists (another screen); the triage queue until then."""
    try:
        return reverse("tickets:demand_detail", args=[demand.pk])
    except NoReverseMatch:
        return reverse("tickets:triage_queue")


def _available(demand: Demand, user) -> list[str]:
    """The decisions the office may take on the demand now, in the order the page offers them."""
    transitions = rules.available_transitions(demand, user)
    return [name for name, (transition, _label, _icon) in DECISIONS.items() if transition in transitions]


def _success_message(demand: Demand, decision: str) -> str:
    number = demand.number
    if decision == "ticket":
        ticket = demand.ticket
        return f"诉求 {number} 已形成工单 {ticket.number}，派至{ticket.lead_department.name}，等待签收。"
    if decision == "merge":
        return f"诉求 {number} 已合并至工单 {demand.ticket.number}。"
    if decision == "supplement":
        return f"已要求补充诉求 {number} 的材料，补齐后重新进入待研判。"
    if decision == "consult":
        return f"已就诉求 {number} 发起会商，等待各部门意见。"
    if decision == "escalate":
        parent = demand.region.parent
        if parent is not None:
            return f"诉求 {number} 已提级至{parent.name}联合服务办公室。"
        return f"诉求 {number} 已记录向省级“企业之家”提级办理。"
    return f"诉求 {number} 已作不予受理，请首问部门做好解释劝导。"


@require_http_methods(["GET", "POST"])
@login_required
def triage(request, pk: int):
    """Triage one demand (§4.2).

    1. The demand must be visible (404) and the user the office of its region (403).
    2. Only the decisions its state allows are offered; a POST names one in `decision` and only its fields count.
    3. Bad input: the page again with the errors beside the fields (200). A state conflict: message, the demand page.
    """
    user = request.user
    demand = demand_for_user(user, pk)
    if not rules.is_region_office(demand, user):
        raise PermissionDenied("只有诉求所属区域的联合服务办公室可以研判该诉求。")
    available = _available(demand, user)
    if not available:
        messages.info(request, f"诉求 {demand.number} 当前为“{demand.get_state_display()}”，无需研判。")
        return redirect(demand_page_url(demand))

    suggested, suggested_by = suggested_lead(demand)
    targets = merge_targets(demand)
    same_enterprise = _same_enterprise_tickets(demand, targets)
    duplicates = likely_duplicates(demand)
    # The merge select lists the open tickets of the same enterprise and of similar demands; others by number.
    similar_ids = [dup.demand.ticket_id for dup in duplicates if dup.demand.ticket_id]
    candidates = list(dict.fromkeys([*same_enterprise, *targets.filter(pk__in=similar_ids)[:30]]))

    def build(name, data=None):
        kwargs = {"demand": demand}
        if name == "ticket":
            kwargs["suggested"] = suggested
        if name == "merge":
            kwargs["targets"] = targets
            kwargs["candidates"] = candidates
            if same_enterprise:
                kwargs["initial"] = {"into": same_enterprise[0].pk}  # the likeliest target
        return TRIAGE_FORMS[name](data, **kwargs)

    forms_by_decision = {name: build(name) for name in available}
    # The office may instead ask the enterprise on the platform to consent to the merge (its answer merges).
    proposals = list(demand.merge_proposals.select_related("ticket__lead_department", "proposed_by", "answered_by"))
    pending_proposal = next((p for p in proposals if p.state == MergeProposal.State.PENDING), None)
    propose_form = None
    if "merge" in available and pending_proposal is None and workflow.may_answer_online(demand):
        propose_form = ProposeMergeForm(demand=demand, targets=targets, candidates=candidates,
                                        initial=forms_by_decision["merge"].initial)
    chosen = available[0]
    decision_error = ""
    if request.method == "POST" and request.POST.get("decision") == ProposeMergeForm.decision:
        chosen = "merge"
        if propose_form is None:
            decision_error = "该诉求现在不能向企业征询合并（已有待答复的征询，或企业没有平台账号）。"
        else:
            propose_form = ProposeMergeForm(request.POST, demand=demand, targets=targets, candidates=candidates)
            if propose_form.is_valid():
                done = run_act(
                    request, propose_form,
                    lambda: workflow.demand_propose_merge(actor=user, demand=demand, **propose_form.workflow_kwargs()),
                    success=f"已向企业征询诉求 {demand.number} 是否同意合并；企业同意后自动合并，"
                            "答复前诉求仍在待研判队列中，研判期限照常计算。",
                )
                if done:
                    return redirect("tickets:triage_queue")
                if not propose_form.errors:  # a conflict (already asked): the page as it stands now
                    return redirect("tickets:triage", pk=demand.pk)
    elif request.method == "POST":
        chosen = request.POST.get("decision", "")
        if chosen not in available:
            decision_error = "请选择该诉求当前可作的研判结论。"
            chosen = available[0]
        else:
            form = forms_by_decision[chosen] = build(chosen, request.POST)
            if form.is_valid():
                try:
                    demand = workflow.demand_triage(actor=user, demand=demand, decision=chosen, **form.workflow_kwargs())
                except ValidationError as exc:
                    apply_errors(form, exc)
                except Conflict as exc:
                    messages.error(request, exc.message)
                    return redirect(demand_page_url(demand))
                else:
                    messages.success(request, _success_message(demand, chosen))
                    return redirect("tickets:triage_queue")

    same_enterprise_duplicates, other_duplicates = split(duplicates)
    context = {
        "demand": demand,
        "decisions": [
            {"name": name, "label": DECISIONS[name][1], "icon": DECISIONS[name][2], "form": forms_by_decision[name],
             "checked": name == chosen}
            for name in available
        ],
        "decision_error": decision_error,
        "propose_form": propose_form,
        "pending_proposal": pending_proposal,
        "proposals": proposals,
        "suggested": suggested,
        "suggested_by": suggested_by,
        "service_item": demand.service_item if demand.service_item_id else None,
        "duplicates": duplicates,
        # The most similar of each group; the rest only counted (templated titles can make dozens alike).
        "duplicate_groups": [(label, rows[:DUPLICATES_SHOWN], testid, len(rows) - len(rows[:DUPLICATES_SHOWN]))
                             for label, rows, testid in (
                                 ("同一企业", same_enterprise_duplicates, "duplicates-same-enterprise"),
                                 ("其他企业", other_duplicates, "duplicates-others"))],
        "similarity_thresholds": (round(SAME_ENTERPRISE_SIMILARITY * 100), round(SIMILARITY * 100)),
        "same_enterprise_tickets": same_enterprise,
        "consultations": list(demand.consultations.select_related("department", "answered_by").order_by("requested_at", "id")),
        "escalation_target": demand.region.parent,
        "demand_url": demand_page_url(demand),
        "show_internal": True,
    }
    return render(request, "tickets/triage.html", context)


def _same_enterprise_tickets(demand: Demand, targets) -> list[Ticket]:
    if demand.enterprise_id is None:
        return []
    return list(targets.filter(demands__enterprise_id=demand.enterprise_id).distinct()[:20])


@require_GET
@role_required({Role.OFFICE}, OFFICE_ONLY)
def dispute_queue(request):
    """Objections the office must resolve (reassign or refer to the government), then those the government holds."""
    user = request.user
    related = ("lead_department", "disputed_by_department")
    page = paginate(
        request, queues.disputes(user).select_related(*related).order_by(F("disputed_at").asc(nulls_last=True), "id")
    )
    waiting = queues.awaiting_government(user).select_related(*related).order_by(F("disputed_at").asc(nulls_last=True), "id")
    waiting_rows = list(waiting[:50])
    page.object_list = list(page.object_list)
    # The objecting department's own duty text, when the demand names one of its service items (OUTREACH §1).
    duties = objection_duties([*page.object_list, *waiting_rows])
    for ticket in [*page.object_list, *waiting_rows]:
        ticket.duty_items = duties.get(ticket.pk, [])
    context = {"page": page, "waiting": waiting_rows, "waiting_total": waiting.count()}
    return render(request, "tickets/dispute_queue.html", context)


urlpatterns: list = [
    path("office/triage/", triage_queue, name="triage_queue"),
    path("demands/<int:pk>/triage/", triage, name="triage"),
    path("office/disputes/", dispute_queue, name="dispute_queue"),
]
