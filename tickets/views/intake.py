"""Screen: staff register a demand received on a channel (SPEC §3, first-contact rule §4.1)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from accounts.access import role_required
from accounts.roles import REGISTRARS
from core.web import apply_errors
from tickets import submissions, workflow
from tickets.forms.intake import RegisterDemandForm
from tickets.models.demand import Channel
from tickets.selectors import demands_visible_to
from tickets.workflow.meeting_link import MEETING_CHANNELS, visible_meeting
from tickets.workflow.policy_link import demand_register_linked
from workcalendar.clocks import due_status



def _registered_message(demand) -> str:
    if demand.self_handle and demand.ticket_id:
        return (
            f"已登记诉求 {demand.number}，由本部门直接办理，形成工单 {demand.ticket.number}"
            "（已签收，办理时限开始计算）。"
        )
    status = due_status(demand.running_clock())
    due = f"，研判期限：{status.text}" if status else ""
    return f"已登记诉求 {demand.number}，已进入{demand.region.name}联合服务办公室的研判队列{due}。"


@require_http_methods(["GET", "POST"])
@role_required(REGISTRARS, "您的角色不能登记企业诉求。")
def register(request):
    user = request.user
    if request.method == "POST":
        form = RegisterDemandForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            outcome = {}

            def create():
                demand, outcome["created"] = demand_register_linked(actor=user, **form.workflow_arguments())
                return demand

            try:
                demand, _row, fresh = submissions.once(user, "web:register", submissions.form_token(form), create)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if not fresh:
                    messages.info(request, submissions.already_submitted_message(demand))
                    return redirect("tickets:demand_detail", pk=demand.pk)
                if outcome["created"]:
                    messages.success(request, _registered_message(demand))
                    return redirect("tickets:demand_detail", pk=demand.pk)
                channel = Channel(demand.channel).label
                if demands_visible_to(user).filter(pk=demand.pk).exists():
                    messages.info(
                        request, f"“{channel}”渠道编号 {demand.external_ref} 的诉求已登记过（诉求编号 {demand.number}），未重复登记。"
                    )
                    return redirect("tickets:demand_detail", pk=demand.pk)
                form.add_error(
                    "external_ref",
                    f"“{channel}”渠道编号 {demand.external_ref} 的诉求已由其他部门登记（诉求编号 {demand.number}），无需重复登记。",
                )
        notice = "登记未成功，请按提示修改标红的内容。"
        if request.FILES:
            notice += "已选择的附件需要重新选择。"
        messages.error(request, notice)
    else:
        initial = {}
        meeting = visible_meeting(user, request.GET.get("meeting"))
        if meeting is not None:
            # "登记会上诉求" on a meeting's page: a department's channel unless the registrar chooses 市委市政府交办.
            initial["meeting"] = meeting.pk
            channels = [code for code in MEETING_CHANNELS if code in RegisterDemandForm.channels_for(user)]
            if channels:
                initial["channel"] = channels[0]
        form = RegisterDemandForm(user=user, initial=initial)
    meeting = visible_meeting(user, form["meeting"].value())
    return render(request, "tickets/register.html", {"form": form, "meeting": meeting})


urlpatterns = [
    path("demands/register/", register, name="register"),
]
