"""Screens of supervision (督办, SPEC §7): the office's board, a supervision of an unregistered matter, a department's
督办 inbox with its answer form, and the printable 督办通知书. Supervising and urging a ticket are actions of the
ticket page (tickets/views/tickets.py ACTIONS)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Department, Role
from tickets.deadlines import Clock
from tickets.errors import Conflict
from tickets.forms_office import paginate
from tickets.forms_supervision import AnswerForm, BoardFilterForm, UnregisteredSupervisionForm
from tickets.models import Supervision
from tickets.selectors import supervision_for_user
from tickets.supervision import may_answer, supervision_answer, supervision_issue_unregistered
from tickets.views.common import apply_errors

INBOX_ROLES = (Role.HANDLER, Role.OFFICE)
NOTICE_ROLES = (Role.OFFICE, Role.GOVERNMENT, Role.LEADER, Role.HANDLER, Role.SPECIALIST)
RELATED = ("region", "ticket", "ticket__lead_department", "department", "issued_by", "issuing_department", "answered_by")


BOARD_ROLES = (Role.OFFICE, Role.GOVERNMENT, Role.LEADER)


def _office_region(user):
    if user.role != Role.OFFICE or not user.department_id:
        raise PermissionDenied("只有联合服务办公室可以查看督办管理。")
    return user.department.region


def _board_region(user):
    """The office runs the board; the region's government (its 专项督办 among them) and leaders read it (SPEC §1)."""
    if user.role not in BOARD_ROLES or not user.department_id:
        raise PermissionDenied("只有联合服务办公室、政府办公室和领导可以查看督办管理。")
    return user.department.region


def answer_clock(supervision: Supervision) -> Clock | None:
    """The answer clock while it runs, for the `due` tag (剩余 1 个工作日 / 已超期 …)."""
    if supervision.answered_at is not None:
        return None
    return Clock("supervision_answer", "回复", supervision.due_at, supervision.due_provisional)


def with_clocks(supervisions):
    for supervision in supervisions:
        supervision.clock = answer_clock(supervision)
    return supervisions


def office_title(region) -> str:
    """The issuing office as a 督办通知书 names it (§3.2: each region runs its own 企业之家 office)."""
    return f"{region.name}“企业之家”联合服务工作机制办公室"


# --- the office's board ---------------------------------------------------------------------------------------------
@require_GET
@login_required
def supervision_board(request):
    """Supervisions of the region: tabs (awaiting answer, overdue, answered, all) with counts, sorted by due."""
    region = _board_region(request.user)
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
    page = paginate(request, supervisions.filter(condition).select_related(*RELATED).order_by(*order))
    with_clocks(page.object_list)
    return render(request, "tickets/supervision_board.html", {
        "filters": filters, "tab": tab, "tabs": [(name, label, counts[name]) for name, label in BoardFilterForm.TABS],
        "page": page, "may_issue": request.user.role == Role.OFFICE,
    })


@require_http_methods(["GET", "POST"])
@login_required
def supervision_issue(request):
    """督办 a department that did not register an enterprise's matter (§4.6.1(1)); no ticket exists for it."""
    user = request.user
    region = _office_region(user)
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
                return redirect("tickets:supervision_notice", pk=supervision.pk)
            return redirect("tickets:supervision_board")
    return render(request, "tickets/supervision_issue.html", {"form": form, "office": office_title(region)})


# --- the department's inbox -------------------------------------------------------------------------------------------
def _render_inbox(request, *, bound: tuple[int, AnswerForm] | None = None):
    user = request.user
    if user.role not in INBOX_ROLES or not user.department_id:
        raise PermissionDenied("只有被督办部门的工作人员可以查看督办回复。")
    supervisions = (
        Supervision.objects.filter(department_id=user.department_id)
        .select_related(*RELATED)
        .order_by(F("answered_at").desc(nulls_first=True), "due_at", "id")
    )
    page = paginate(request, supervisions)
    for supervision in page.object_list:
        if supervision.answered_at is None and may_answer(supervision, user):
            if bound is not None and bound[0] == supervision.pk:
                supervision.answer_form = bound[1]
            else:
                supervision.answer_form = AnswerForm(prefix=f"s{supervision.pk}")
        supervision.clock = answer_clock(supervision)
    unanswered = Supervision.objects.filter(department_id=user.department_id, answered_at__isnull=True).count()
    return render(request, "tickets/supervision_inbox.html", {"page": page, "unanswered": unanswered})


@require_GET
@login_required
def supervision_inbox(request):
    """Supervisions addressed to the user's department, unanswered first (soonest due first), each with an answer form."""
    return _render_inbox(request)


@require_POST
@login_required
def supervision_answer_view(request, pk: int):
    """Answer one supervision: 404 outside one's scope, 403 when not the addressed department, errors next to the field."""
    user = request.user
    supervision = supervision_for_user(user, pk)
    if not may_answer(supervision, user):
        raise PermissionDenied("只有被督办部门的工作人员可以回复督办。")
    form = AnswerForm(request.POST, prefix=f"s{pk}")
    if form.is_valid():
        try:
            supervision_answer(actor=user, supervision=supervision, content=form.cleaned_data["content"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("tickets:supervision_inbox")
        else:
            messages.success(request, f"已回复督办 {supervision.number}。")
            return redirect("tickets:supervision_inbox")
    return _render_inbox(request, bound=(supervision.pk, form))


# --- the printable notice ---------------------------------------------------------------------------------------------
@require_GET
@login_required
def supervision_notice(request, pk: int):
    """督办通知书: an A4 page without menus, for the written form (and any other a reader wants on paper)."""
    if request.user.role not in NOTICE_ROLES:
        raise PermissionDenied("您的角色不能查看督办通知书。")
    supervision = supervision_for_user(request.user, pk)
    demands = list(supervision.ticket.demands.order_by("registered_at", "id")) if supervision.ticket_id else []
    supervision.clock = answer_clock(supervision)
    return render(request, "tickets/supervision_notice.html", {
        "s": supervision,
        "office": office_title(supervision.region),
        "enterprises": "、".join(dict.fromkeys(d.enterprise_name for d in demands if d.enterprise_name)) or "",
    })


urlpatterns: list = [
    path("supervisions/", supervision_board, name="supervision_board"),
    path("supervisions/new/", supervision_issue, name="supervision_issue"),
    path("supervisions/inbox/", supervision_inbox, name="supervision_inbox"),
    path("supervisions/<int:pk>/answer/", supervision_answer_view, name="supervision_answer"),
    path("supervisions/<int:pk>/notice/", supervision_notice, name="supervision_notice"),
]
