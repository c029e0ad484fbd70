"""The meeting screens of a region's staff (/meetings/): the list, a meeting's page with its agenda, decisions and the
demands raised there, the forms to call, edit, hold and cancel a meeting, to add items and decide them, to record a
follow-up, the entrepreneur meeting's draw of collected demands, and the printable minutes (会议纪要).

Reads go through meetings.selectors (403 for a role that reads no meeting, 404 for another region's); every act goes
through meetings.services, which checks who may act and from which state again."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import role_required
from accounts.roles import TICKET_READERS
from core.errors import Conflict
from core.pagination import paginate
from core.web import run_act
from meetings import rules, selectors, services
from meetings.forms import (
    CancelForm,
    DecideForm,
    DrawForm,
    FollowUpForm,
    HoldForm,
    ItemForm,
    MeetingForm,
)
from meetings.models import Kind, Meeting

READERS = TICKET_READERS
NOT_READER = selectors.NOT_READER


def _require_manager(meeting: Meeting, user) -> None:
    if not rules.may_manage(meeting, user):
        raise PermissionDenied(f"您没有权限管理这次会议。{services.KIND_HOLDERS[meeting.kind]}")


def _planned_or_back(request, meeting: Meeting, what: str):
    if meeting.state != Meeting.State.PLANNED:
        messages.error(request, f"会议当前为“{meeting.get_state_display()}”，不能{what}。")
        return redirect("meetings:detail", pk=meeting.pk)
    return None


# --- list -----------------------------------------------------------------------------------------------------------
@require_GET
@role_required(READERS, NOT_READER)
def meeting_list(request):
    user = request.user
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    kind = kind if kind in Kind.values else ""
    state = state if state in Meeting.State.values else ""
    meetings = selectors.list_meetings(user, kind=kind, state=state)
    overdue = []
    if user.role == "office":
        overdue = list(selectors.overdue_follow_ups(user.department.region_id)[:50])
    return render(request, "meetings/list.html", {
        "page": paginate(request, meetings), "kind": kind, "state": state, "kinds": Kind.choices,
        "states": Meeting.State.choices, "may_convene": bool(rules.kinds_for(user)), "overdue": overdue,
    })


# --- call and edit --------------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@role_required(rules.CONVENERS, "您的角色不能召开会议。")
def meeting_create(request):
    user = request.user
    if not rules.kinds_for(user):
        raise PermissionDenied("您的角色不能召开会议。")
    region = user.department.region
    initial = {"kind": request.GET.get("kind") or rules.kinds_for(user)[0]}
    if request.GET.get("ticket"):
        initial["ticket"] = request.GET["ticket"]
    form = MeetingForm(request.POST or None, user=user, region=region, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = {}

        def act():
            created["meeting"] = services.meeting_create(actor=user, **form.act_arguments())

        if run_act(request, form, act, success="会议已创建，参会部门将收到会议通知。"):
            return redirect("meetings:detail", pk=created["meeting"].pk)
    return render(request, "meetings/form.html", {"form": form, "meeting": None})


@require_http_methods(["GET", "POST"])
@role_required(READERS, NOT_READER)
def meeting_edit(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk)
    _require_manager(meeting, request.user)
    if back := _planned_or_back(request, meeting, "修改"):
        return back
    form = MeetingForm(request.POST or None, user=request.user, region=meeting.region, meeting=meeting,
                       initial=MeetingForm.initial_of(meeting))
    if request.method == "POST" and form.is_valid() and run_act(
            request, form, lambda: services.meeting_update(actor=request.user, meeting=meeting, **form.act_arguments()),
            success="会议已修改。"):
        return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "meeting": meeting})


# --- the meeting's page ---------------------------------------------------------------------------------------------
def _render_detail(request, meeting: Meeting, *, item_form=None, status=200):
    user = request.user
    meeting = selectors.meeting_for(user, meeting.pk, with_items=True)
    manager = rules.may_manage(meeting, user)
    items = list(meeting.items.all())
    for item in items:
        item.meeting = meeting
        item.may_follow_up = item.awaits_follow_up and rules.may_follow_up(item, user)
    return render(request, "meetings/detail.html", {
        "meeting": meeting,
        "items": items,
        "departments": list(meeting.departments.all()),
        "enterprises": list(meeting.enterprises.all()),
        "demands": list(meeting.demands.all()),
        "manager": manager,
        "planned": meeting.state == Meeting.State.PLANNED,
        "held": meeting.state == Meeting.State.HELD,
        "item_form": item_form or (ItemForm(user=user, region_id=meeting.region_id) if manager else None),
        "may_register": user.role in ("office", "specialist", "handler"),
    }, status=status)


@require_GET
@role_required(READERS, NOT_READER)
def meeting_detail(request, pk: int):
    return _render_detail(request, selectors.meeting_for(request.user, pk))


@require_POST
@role_required(READERS, NOT_READER)
def item_add(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk)
    _require_manager(meeting, request.user)
    if back := _planned_or_back(request, meeting, "增加议题"):
        return back
    form = ItemForm(request.POST, user=request.user, region_id=meeting.region_id)
    if form.is_valid():
        data = form.cleaned_data
        if run_act(request, form, lambda: services.meeting_add_item(
                actor=request.user, meeting=meeting, demand=data.get("demand"), ticket=data.get("ticket"),
                title=data.get("title") or ""), success="议题已列入。"):
            return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#agenda")
    return _render_detail(request, meeting, item_form=form, status=400)


@require_POST
@role_required(READERS, NOT_READER)
def item_remove(request, pk: int, item: int):
    meeting = selectors.meeting_for(request.user, pk)
    _require_manager(meeting, request.user)
    if back := _planned_or_back(request, meeting, "移除议题"):
        return back
    item_row = selectors.item_of(meeting, item)
    try:
        services.meeting_remove_item(actor=request.user, meeting=meeting, item=item_row.pk)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "议题已移出本次会议。")
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#agenda")


def _act_page(request, meeting, form, act, *, template: str, success: str, extra=None):
    if request.method == "POST" and form.is_valid() and run_act(request, form, act, success=success):
        return redirect("meetings:detail", pk=meeting.pk)
    return render(request, template, {"meeting": meeting, "form": form, **(extra or {})})


@require_http_methods(["GET", "POST"])
@role_required(READERS, NOT_READER)
def meeting_hold(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk)
    _require_manager(meeting, request.user)
    if back := _planned_or_back(request, meeting, "登记召开"):
        return back
    form = HoldForm(request.POST or None)
    return _act_page(
        request, meeting, form,
        lambda: services.meeting_hold(actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"]),
        template="meetings/hold.html", success="已登记会议召开和会议纪要。请逐项登记议题的会议决定。",
    )


@require_http_methods(["GET", "POST"])
@role_required(READERS, NOT_READER)
def meeting_cancel(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk)
    _require_manager(meeting, request.user)
    if back := _planned_or_back(request, meeting, "取消"):
        return back
    form = CancelForm(request.POST or None)
    return _act_page(
        request, meeting, form,
        lambda: services.meeting_cancel(actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]),
        template="meetings/cancel.html", success="会议已取消，参会部门将收到通知。",
    )


@require_http_methods(["GET", "POST"])
@role_required(READERS, NOT_READER)
def item_decide(request, pk: int, item: int):
    meeting = selectors.meeting_for(request.user, pk)
    row = selectors.item_of(meeting, item)
    _require_manager(meeting, request.user)
    if meeting.state != Meeting.State.HELD:
        messages.error(request, f"会议当前为“{meeting.get_state_display()}”，召开后才能对议题作出决定。")
        return redirect("meetings:detail", pk=meeting.pk)
    if row.decided:
        messages.error(request, "该议题已作出决定。")
        return redirect("meetings:detail", pk=meeting.pk)
    initial = {"department": row.ticket.lead_department.code} if row.ticket_id and row.ticket.lead_department_id else {}
    form = DecideForm(request.POST or None, region=meeting.region, initial=initial)

    def act():
        data = form.cleaned_data
        services.item_decide(actor=request.user, meeting=meeting, item=row, outcome=data["outcome"],
                             decision=data["decision"], department=data.get("department") or None,
                             due_date=data.get("due_date"), due_working_days=data.get("due_working_days"))

    return _act_page(request, meeting, form, act, template="meetings/decide.html", success="会议决定已登记。",
                     extra={"item": row})


@require_http_methods(["GET", "POST"])
@role_required(READERS, NOT_READER)
def item_follow_up(request, pk: int, item: int):
    meeting = selectors.meeting_for(request.user, pk)
    row = selectors.item_of(meeting, item)
    if not rules.may_follow_up(row, request.user):
        raise PermissionDenied("只有责任单位或联合服务办公室可以登记落实情况。")
    if not row.awaits_follow_up:
        messages.error(request, "该议题尚未作出决定、已在会上解决或已登记落实情况。")
        return redirect("meetings:detail", pk=meeting.pk)
    form = FollowUpForm(request.POST or None)
    return _act_page(
        request, meeting, form,
        lambda: services.item_follow_up(actor=request.user, meeting=meeting, item=row, note=form.cleaned_data["note"]),
        template="meetings/follow_up.html", success="落实情况已登记。", extra={"item": row},
    )


# --- an entrepreneur meeting's material -------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@role_required(READERS, NOT_READER)
def meeting_draw(request, pk: int):
    """Pick demands the departments collected in a period, grouped by sector, and put them on the agenda."""
    user = request.user
    meeting = selectors.meeting_for(user, pk)
    _require_manager(meeting, user)
    if back := _planned_or_back(request, meeting, "增加议题"):
        return back
    today = timezone.localdate()
    # By default the last three calendar months up to today (the quarter or so a meeting looks back on).
    year, month = (today.year, today.month - 3) if today.month > 3 else (today.year - 1, today.month + 9)
    params = request.POST if request.method == "POST" else request.GET
    form = DrawForm(params if "start" in params else None,
                    initial={"start": datetime.date(year, month, 1), "end": today})
    groups, chosen_error = [], ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        demands = selectors.collected_demands(user, meeting, start=data["start"], end=data["end"],
                                              sector=data["sector"])
        if request.method == "POST":
            picked = request.POST.getlist("demands")
            rows = list(demands.filter(pk__in=[p for p in picked if p.isdigit()]))
            if not rows:
                chosen_error = "请至少勾选一项诉求。"
            elif run_act(request, form, lambda: services.meeting_add_demands(actor=user, meeting=meeting, demands=rows),
                         success=f"已将 {len(rows)} 项诉求列入议题。"):
                return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#agenda")
        groups = selectors.group_by_sector(demands[:500])
    return render(request, "meetings/draw.html", {
        "meeting": meeting, "form": form, "groups": groups, "chosen_error": chosen_error,
    }, status=400 if chosen_error else 200)


# --- the minutes on paper ---------------------------------------------------------------------------------------------
@require_GET
@role_required(READERS, NOT_READER)
def meeting_minutes(request, pk: int):
    meeting = selectors.meeting_for(request.user, pk, with_items=True)
    items = list(meeting.items.all())
    for item in items:
        item.meeting = meeting
    return render(request, "meetings/minutes.html", {
        "meeting": meeting, "items": items, "departments": list(meeting.departments.all()),
        "enterprises": list(meeting.enterprises.all()), "office": meeting.region.office_name(),
        "demands": list(meeting.demands.all()),
    })
