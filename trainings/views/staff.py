"""Department staff's training screens (/trainings/manage/): the department's sessions (the office: its region's) with
their figures, a draft, publish, cancel with a reason, mark held, slides, attendance, and the demands raised."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import role_required
from accounts.models import Department, Role
from core.errors import Conflict, ValidationError
from core.pagination import paginate
from core.web import run_act
from trainings import rules, selectors, services
from trainings.forms import AttachmentForm, CancelForm, SessionForm
from trainings.models import TrainingSession, has_started

MANAGERS = rules.MANAGERS
NOT_MANAGER = rules.NOT_MANAGER


@require_GET
@role_required(MANAGERS, NOT_MANAGER)
def session_list(request):
    sessions = selectors.with_figures(
        selectors.sessions_for_staff(request.user).select_related("department")
    ).order_by("-starts_at", "-id")
    state = request.GET.get("state", "")
    if state in TrainingSession.State.values:
        sessions = sessions.filter(state=state)
    page = paginate(request, sessions)
    counts = selectors.demand_counts(page.object_list)
    for session in page.object_list:
        session.demand_states = counts.get(session.pk, {})
        session.demand_total = sum(session.demand_states.values())
    return render(request, "trainings/staff_list.html", {
        "page": page, "state": state, "states": TrainingSession.State.choices,
    })


@require_http_methods(["GET", "POST"])
@role_required(MANAGERS, NOT_MANAGER)
def session_create(request):
    user = request.user
    departments = Department.objects.of_region(user.department.region) if user.role == Role.OFFICE else None
    form = SessionForm(request.POST or None, departments=departments,
                       initial={"department": user.department.code, "topic": "policy"})
    if request.method == "POST" and form.is_valid():
        created = {}

        def act():
            created["session"] = services.session_create(actor=user, data=form.act_data(),
                                                         department=form.cleaned_data.get("department"))

        if run_act(request, form, act, success="培训草稿已保存。核对后即可发布。"):
            return redirect("trainings:staff_detail", pk=created["session"].pk)
    return render(request, "trainings/staff_form.html", {"form": form, "session": None},
                  status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@role_required(MANAGERS, NOT_MANAGER)
def session_edit(request, pk: int):
    session = selectors.session_for_staff(request.user, pk)
    if not rules.may_manage(session, request.user) or session.state not in (TrainingSession.State.DRAFT,
                                                                             TrainingSession.State.PUBLISHED):
        messages.error(request, f"培训当前为“{session.get_state_display()}”，不能再修改。")
        return redirect("trainings:staff_detail", pk=session.pk)
    form = SessionForm(request.POST or None, initial=SessionForm.initial_of(session))
    if request.method == "POST" and form.is_valid() and run_act(
        request, form, lambda: services.session_update(actor=request.user, session=session, data=form.act_data()),
        success="培训已保存。",
    ):
        return redirect("trainings:staff_detail", pk=session.pk)
    return render(request, "trainings/staff_form.html", {"form": form, "session": session},
                  status=400 if form.is_bound else 200)


@require_GET
@role_required(MANAGERS, NOT_MANAGER)
def session_detail(request, pk: int):
    return _render_detail(request, selectors.session_for_staff(request.user, pk))


def _render_detail(request, session, *, cancel_form=None, attachment_form=None, status=200):
    session = selectors.with_figures(TrainingSession.objects.filter(pk=session.pk)).select_related(
        "department", "region", "created_by").get()
    user = request.user
    demands = list(selectors.session_demands(session))
    states: dict[str, int] = {}
    for demand in demands:
        label = demand.get_state_display()
        states[label] = states.get(label, 0) + 1
    may_manage = rules.may_manage(session, user)
    transitions = {t.name for t in session.get_available_user_state_transitions(user)} if may_manage else set()
    question_url = ""
    if rules.is_organiser_staff(session, user) and session.is_public:
        question_url = f"{reverse('tickets:register')}?{urlencode({'training': session.pk, 'channel': 'department'})}"
    return render(request, "trainings/staff_detail.html", {
        "session": session,
        "policies": session.policies.all(),
        "attachments": session.attachments.all(),
        "registrations": list(selectors.registrants(session)),
        "demands": demands,
        "demand_states": states,
        "may_manage": may_manage,
        "transitions": transitions,
        "may_record_attendance": may_manage and session.is_public and has_started(session),
        "question_url": question_url,
        "cancel_form": cancel_form or CancelForm(),
        "attachment_form": attachment_form or AttachmentForm(),
    }, status=status)


def _simple_act(request, pk: int, act, success: str):
    session = selectors.session_for_staff(request.user, pk)
    try:
        act(session)
    except Conflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("trainings:staff_detail", pk=session.pk)


@require_POST
@role_required(MANAGERS, NOT_MANAGER)
def session_publish(request, pk: int):
    return _simple_act(request, pk, lambda s: services.session_publish(actor=request.user, session=s),
                       "培训已发布，企业现在可以在公开页面报名。")


@require_POST
@role_required(MANAGERS, NOT_MANAGER)
def session_hold(request, pk: int):
    return _simple_act(request, pk, lambda s: services.session_hold(actor=request.user, session=s),
                       "已标记为已举办。")


@require_POST
@role_required(MANAGERS, NOT_MANAGER)
def session_cancel(request, pk: int):
    session = selectors.session_for_staff(request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid() and run_act(
        request, form, lambda: services.session_cancel(actor=request.user, session=session,
                                                        reason=form.cleaned_data["reason"]),
        success="培训已取消，已通知全部报名人。",
    ):
        return redirect("trainings:staff_detail", pk=session.pk)
    messages.error(request, "取消未成功，请按提示修改。")
    return _render_detail(request, session, cancel_form=form, status=400)


@require_POST
@role_required(MANAGERS, NOT_MANAGER)
def attachment_upload(request, pk: int):
    session = selectors.session_for_staff(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid() and run_act(
        request, form, lambda: services.attachment_add(actor=request.user, session=session,
                                                        upload=form.cleaned_data["file"]),
        success="资料已上传。",
    ):
        return redirect("trainings:staff_detail", pk=session.pk)
    messages.error(request, "资料上传未成功，请按提示修改。")
    return _render_detail(request, session, attachment_form=form, status=400)


@require_POST
@role_required(MANAGERS, NOT_MANAGER)
def attendance(request, pk: int):
    """Every registrant is listed with a checkbox: ticked ones attended, the others did not."""
    present = set(request.POST.getlist("present"))
    return _simple_act(request, pk, lambda s: services.attendance_set(actor=request.user, session=s, present=present),
                       f"出席情况已登记：出席 {len(present)} 人。")
