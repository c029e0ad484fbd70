"""Screens of supervision (督办, SPEC §7): the office's board, a supervision of an unregistered matter, a department's
督办 inbox with its answer form, and the printable 督办通知书. Supervising and urging a ticket are actions of the
ticket page (its action table in the tickets app calls supervision.services)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Department, Role
from accounts.roles import REPORT_READERS, SUPERVISION_ANSWERERS, SUPERVISION_READERS
from core.errors import Conflict
from core.pagination import paginate
from core.web import apply_errors
from supervision import rules
from supervision.forms import AnswerForm, BoardFilterForm, UnregisteredSupervisionForm
from supervision.models import Supervision
from supervision.selectors import (
    BOARD_RELATED,
    INBOX_RELATED,
    awaiting_answer_from,
    supervision_for_user,
)
from supervision.services import supervision_answer, supervision_issue_unregistered


# --- the office's board ---------------------------------------------------------------------------------------------
@require_GET
@role_required(REPORT_READERS, "只有联合服务办公室、政府办公室和领导可以查看督办管理。")
def board(request):
    """Supervisions of the region: tabs (awaiting answer, overdue, answered, all) with counts, sorted by due.

    The office runs the board; the region's government (its 专项督办 among them) and leaders read it (SPEC §1).
    """
    region = request.user.department.region
    filters = BoardFilterForm(request.GET, departments=Department.objects.filter(region=region).order_by("sort_order", "code"))
    values = filters.values
    supervisions = Supervision.objects.filter(region=region)
    if "department" in values:
        supervisions = supervisions.filter(department=values["department"])
    if "trigger" in values:
        supervisions = supervisions.filter(trigger=values["trigger"])
    if "form" in values:
        supervisions = supervisions.filter(form=values["form"])
    if "q" in values:
        q = values["q"]
        supervisions = supervisions.filter(Q(number__icontains=q) | Q(ticket__number__icontains=q) | Q(content__icontains=q))
    now = timezone.now()
    unanswered = Q(answered_at__isnull=True)
    tabs = {
        "open": (unanswered, ("due_at", "id")),
        "overdue": (unanswered & Q(due_at__lt=now), ("due_at", "id")),
        "answered": (Q(answered_at__isnull=False), ("-answered_at", "-id")),
        "all": (Q(), (F("answered_at").desc(nulls_first=True), "due_at", "id")),
    }
    counts = supervisions.aggregate(**{name: Count("id", filter=condition) for name, (condition, _) in tabs.items()})
    tab = filters.current_tab
    condition, order = tabs[tab]
    page = paginate(request, supervisions.filter(condition).select_related(*BOARD_RELATED)
                    .defer("ticket__search_text").order_by(*order))
    return render(request, "supervision/board.html", {
        "filters": filters, "tab": tab, "tabs": [(name, label, counts[name]) for name, label in BoardFilterForm.TABS],
        "page": page, "may_issue": request.user.role == Role.OFFICE,
    })


@require_http_methods(["GET", "POST"])
@role_required({Role.OFFICE}, "只有联合服务办公室可以督办未登记事项。")
def issue(request):
    """督办 a department that did not register an enterprise's matter (§4.6.1(1)); no ticket exists for it."""
    user = request.user
    region = user.department.region
    form = UnregisteredSupervisionForm(request.POST if request.method == "POST" else None, region=region)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            supervision = supervision_issue_unregistered(
                actor=user, department=data["department"], content=data["content"], form=data["form"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已向{supervision.department.name}发出{supervision.get_form_display()} {supervision.number}。")
            if supervision.form in (Supervision.Form.WRITTEN, Supervision.Form.SPECIAL):
                return redirect("supervision:notice", pk=supervision.pk)
            return redirect("supervision:board")
    return render(request, "supervision/issue.html", {"form": form, "office": region.office_name()})


# --- the department's inbox -------------------------------------------------------------------------------------------
def _render_inbox(request, *, bound: tuple[int, AnswerForm] | None = None):
    user = request.user
    supervisions = (
        Supervision.objects.filter(department_id=user.department_id)
        .select_related(*INBOX_RELATED).defer("ticket__search_text")
        .order_by(F("answered_at").desc(nulls_first=True), "due_at", "id")
    )
    page = paginate(request, supervisions)
    for supervision in page.object_list:
        if supervision.answered_at is None and rules.may_answer(supervision, user):
            if bound is not None and bound[0] == supervision.pk:
                supervision.answer_form = bound[1]
            else:
                supervision.answer_form = AnswerForm(prefix=f"s{supervision.pk}")
    unanswered = awaiting_answer_from(user.department_id).count()
    return render(request, "supervision/inbox.html", {"page": page, "unanswered": unanswered})


@require_GET
@role_required(SUPERVISION_ANSWERERS, "只有被督办部门的工作人员可以查看督办回复。")
def inbox(request):
    """Supervisions addressed to the user's department, unanswered first (soonest due first), each with an answer form."""
    return _render_inbox(request)


@require_POST
@role_required(SUPERVISION_ANSWERERS, "只有被督办部门的工作人员可以回复督办。")
def answer(request, pk: int):
    """Answer one supervision: 404 outside one's scope, 403 when not the addressed department, errors next to the field."""
    user = request.user
    supervision = supervision_for_user(user, pk)
    if not rules.may_answer(supervision, user):
        raise PermissionDenied("只有被督办部门的工作人员可以回复督办。")
    form = AnswerForm(request.POST, prefix=f"s{pk}")
    if form.is_valid():
        try:
            supervision_answer(actor=user, supervision=supervision, content=form.cleaned_data["content"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("supervision:inbox")
        else:
            messages.success(request, f"已回复督办 {supervision.number}。")
            return redirect("supervision:inbox")
    return _render_inbox(request, bound=(supervision.pk, form))


# --- the printable notice ---------------------------------------------------------------------------------------------
@require_GET
@role_required(SUPERVISION_READERS, "您的角色不能查看督办通知书。")
def notice(request, pk: int):
    """督办通知书: an A4 page without menus, for the written form (and any other a reader wants on paper)."""
    supervision = supervision_for_user(request.user, pk)
    demands = list(supervision.ticket.demands.order_by("registered_at", "id")) if supervision.ticket_id else []
    return render(request, "supervision/notice.html", {
        "s": supervision,
        "office": supervision.region.office_name(),
        "enterprises": "、".join(dict.fromkeys(d.enterprise_name for d in demands if d.enterprise_name)) or "",
    })
