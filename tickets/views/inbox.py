"""Screens: a department's inbox (tickets to sign, tickets in hand) and its consultation requests."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from accounts.access import role_required
from accounts.models import Role
from accounts.roles import CONSULT_INBOX_ROLES
from core.errors import Conflict
from core.pagination import paginate
from core.web import apply_errors
from tickets import queues, workflow
from tickets.clocks import overdue_tickets_q
from tickets.forms.office import InboxFilterForm, OpinionForm
from tickets.listing import enterprise_labels, keyword_q, with_list_relations
from tickets.models import ConsultRequest, Demand, Ticket

TABS = {
    Ticket.State.DISPATCHED: {"url": "tickets:inbox", "title": "待签收", "queue": queues.to_sign},
    Ticket.State.HANDLING: {"url": "tickets:inbox_handling", "title": "办理中", "queue": queues.in_hand},
}
HANDLER_ONLY = "只有涉企服务工作人员有部门工单收件箱。"


def _inbox(request, state: str):
    user = request.user
    tab = TABS[state]
    filters = InboxFilterForm(request.GET)
    values = filters.values
    tickets = tab["queue"](user)
    if "category" in values:
        tickets = tickets.filter(category=values["category"])
    if values.get("overdue"):
        tickets = tickets.filter(overdue_tickets_q())
    if "q" in values:
        tickets = tickets.filter(keyword_q(values["q"]))
    # One state: its running due is the sign (or handling) due, in the order of the (lead, state, due) index.
    tickets = with_list_relations(tickets).order_by(F("current_due_at").asc(nulls_last=True), "created_at", "id")
    page = paginate(request, tickets)
    enterprise_labels(page.object_list)
    context = {"page": page, "filters": filters, "state": state, "tab": tab, "to_sign": state == Ticket.State.DISPATCHED}
    return render(request, "tickets/inbox.html", context)


@require_GET
@role_required({Role.HANDLER}, HANDLER_ONLY)
def inbox(request):
    return _inbox(request, Ticket.State.DISPATCHED)


@require_GET
@role_required({Role.HANDLER}, HANDLER_ONLY)
def inbox_handling(request):
    return _inbox(request, Ticket.State.HANDLING)


# --- consultations (§4.2.1(3)) --------------------------------------------------------------------------------------
CONSULT_ONLY = "只有部门工作人员和企业服务专员回复会商。"
CONSULT_RELATED = ("demand__enterprise", "demand__domain", "demand__region", "requested_by", "answered_by__department")


def _render_consult_inbox(request, *, bound: tuple[int, OpinionForm] | None = None):
    user = request.user
    requests = ConsultRequest.objects.filter(department_id=user.department_id).select_related(*CONSULT_RELATED)
    open_q = Q(answered_at__isnull=True, demand__state=Demand.State.CONSULTING)
    # The queue (what awaits the department's opinion), the oldest request first: it has waited longest.
    pending = list(queues.consultations(user).select_related(*CONSULT_RELATED).order_by("requested_at", "id"))
    for item in pending:
        item.form = bound[1] if bound and bound[0] == item.pk else OpinionForm(prefix=f"c{item.pk}")
    page = paginate(request, requests.exclude(open_q).order_by("-requested_at", "-id"))
    return render(request, "tickets/consult_inbox.html", {"pending": pending, "page": page})


@require_GET
@role_required(CONSULT_INBOX_ROLES, CONSULT_ONLY)
def consult_inbox(request):
    return _render_consult_inbox(request)


@require_POST
@role_required(CONSULT_INBOX_ROLES, CONSULT_ONLY)
def consult_opinion(request, pk: int):
    """Answer one consultation request of the user's department (404 for another department's request)."""
    user = request.user
    consult = (
        ConsultRequest.objects.filter(pk=pk, department_id=user.department_id).select_related("demand").first()
    )
    if consult is None:
        raise Http404("会商请求不存在或无权查看。")
    if consult.answered_at is not None:
        messages.info(request, f"本部门已对诉求 {consult.demand.number} 提出会商意见。")
        return redirect("tickets:consult_inbox")
    form = OpinionForm(request.POST, prefix=f"c{consult.pk}")
    if form.is_valid():
        try:
            workflow.demand_give_opinion(actor=user, demand=consult.demand, content=form.cleaned_data["content"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("tickets:consult_inbox")
        else:
            messages.success(request, f"已提交对诉求 {consult.demand.number} 的会商意见。")
            return redirect("tickets:consult_inbox")
    return _render_consult_inbox(request, bound=(consult.pk, form))


urlpatterns: list = [
    path("inbox/", inbox, name="inbox"),
    path("inbox/handling/", inbox_handling, name="inbox_handling"),
    path("consultations/", consult_inbox, name="consult_inbox"),
    path("consultations/<int:pk>/opinion/", consult_opinion, name="consult_opinion"),
]
