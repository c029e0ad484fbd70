"""Screens of enterprise users: submit a demand online, and "我的诉求" (SPEC §3: one form, then a status page).

`where_it_stands` is the one sentence the enterprise reads about a demand; the status page (tickets/views/demands.py)
uses it too.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from tickets import workflow
from tickets.forms_intake import SubmitDemandForm
from tickets.models import Demand, Ticket
from tickets.models.demand import Channel, RejectReason
from tickets.selectors import demands_visible_to
from tickets.views.common import apply_errors

PAGE_SIZE = 20


@dataclass(frozen=True)
class Standing:
    """Where a demand stands, in one sentence, and the alert style it is shown in."""

    tone: str  # a Bootstrap contextual class: info / warning / success / secondary / danger
    icon: str
    text: str


def _day(value) -> str:
    local = timezone.localtime(value)
    weekday = "一二三四五六日"[local.weekday()]
    return f"{local.month}月{local.day}日（周{weekday}）"


def ticket_progress(ticket: Ticket) -> str:
    """A ticket's state as an enterprise would say it."""
    state = ticket.state
    if state == Ticket.State.DISPATCHED:
        return "已派至牵头部门，等待签收"
    if state in (Ticket.State.DISPUTED, Ticket.State.GOVERNMENT_DECISION):
        return "正在协调确定办理部门"
    if state == Ticket.State.HANDLING:
        due = f"，预计在{_day(ticket.handle_due_at)}前办结" if ticket.handle_due_at else ""
        return f"正在办理{due}"
    if state == Ticket.State.CLOSED:
        return "已办结，联合服务办公室将回访听取您的意见"
    if state == Ticket.State.REVIEW:
        return "正在复查复核"
    if state == Ticket.State.ARCHIVED:
        return "已办结并归档"
    if state == Ticket.State.TERMINATED:
        return "已终止办理"
    return "已提级办理"


def where_it_stands(demand: Demand) -> Standing:
    """The sentence at the top of the enterprise's status page (and in its list): where it is, what happens next."""
    state = demand.state
    if state == Demand.State.REGISTERED:
        when = f"，预计在{_day(demand.triage_due_at)}前完成" if demand.triage_due_at else ""
        return Standing(
            "info", "hourglass-split",
            f"联合服务办公室正在研判{when}。研判后将派给责任部门办理，需要补充材料时会在本页告知您。",
        )
    if state == Demand.State.AWAITING_MATERIALS:
        return Standing(
            "warning", "exclamation-triangle",
            f"请补充以下材料：{demand.missing_materials}。补充后联合服务办公室将在 1 个工作日内重新研判。",
        )
    if state == Demand.State.CONSULTING:
        return Standing(
            "info", "people",
            "该诉求涉及多个部门，联合服务办公室正在组织相关部门会商，会商后将确定办理部门。",
        )
    if state in (Demand.State.TICKETED, Demand.State.MERGED) and demand.ticket_id:
        ticket = demand.ticket
        formed = "已与同一事项合并至工单" if state == Demand.State.MERGED else "已形成工单"
        return Standing(
            "success", "check2-circle",
            f"{formed} {ticket.number}，由{ticket.lead_department.name}牵头办理，{ticket_progress(ticket)}。",
        )
    if state == Demand.State.REJECTED:
        reason = RejectReason(demand.reject_reason).label if demand.reject_reason else "不予受理"
        note = demand.reject_note.strip().rstrip("。")
        text = f"不予受理：{reason}。" + (f"{note}。" if note else "") + "首问部门将与您联系说明情况。"
        return Standing("secondary", "x-circle", text)
    if state == Demand.State.ESCALATED:
        parent = demand.region.parent
        where = f"{parent.name}“企业之家”" if parent is not None else "省级“企业之家”"
        return Standing("info", "arrow-up-circle", f"该诉求超出本级办理权限，已提交{where}办理，办理进展将继续在本页显示。")
    if state == Demand.State.WITHDRAWN:
        return Standing("secondary", "arrow-counterclockwise", "您已撤回该诉求，不再办理。如仍有需要，可重新提交。")
    return Standing("secondary", "info-circle", demand.get_state_display())


def _enterprise_only(user) -> None:
    if user.role != Role.ENTERPRISE:
        raise PermissionDenied("只有企业用户可以在线提交和查看本企业的诉求。")


@require_http_methods(["GET", "POST"])
@login_required
def submit(request):
    user = request.user
    _enterprise_only(user)
    enterprise = user.enterprise
    if request.method == "POST":
        form = SubmitDemandForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                demand, _ = workflow.demand_register(
                    actor=user,
                    channel=Channel.ONLINE,
                    title=data["title"],
                    content=data["content"],
                    domain=data["domain"],
                    requester_name=data["requester_name"],
                    requester_phone=data["requester_phone"],
                    files=data["files"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"诉求已提交，编号 {demand.number}。联合服务办公室将在 1 个工作日内研判，"
                    "之后派给责任部门办理；需要补充材料时会在本页告知您。",
                )
                return redirect("tickets:demand_detail", pk=demand.pk)
        notice = "提交未成功，请按提示修改标红的内容。"
        if request.FILES:
            notice += "出于安全原因，已选择的附件需要重新选择。"
        messages.error(request, notice)
    else:
        form = SubmitDemandForm(
            initial={
                "requester_name": user.get_full_name(),
                "requester_phone": user.phone or enterprise.contact_phone,
            }
        )
    return render(request, "tickets/submit.html", {"form": form, "enterprise": enterprise})


@require_GET
@login_required
def my_demands(request):
    _enterprise_only(request.user)
    demands = (
        demands_visible_to(request.user)
        .select_related("region__parent", "ticket__lead_department")
        .order_by("-registered_at", "-id")
    )
    page = Paginator(demands, PAGE_SIZE).get_page(request.GET.get("page"))
    for demand in page.object_list:
        demand.standing = where_it_stands(demand)
    return render(request, "tickets/my_demands.html", {"page": page})


urlpatterns = [
    path("demands/submit/", submit, name="submit"),
    path("my/demands/", my_demands, name="my_demands"),
]
