"""Screen: staff register a demand received on a channel (SPEC §3, first-contact rule §4.1)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from accounts.access import role_required
from accounts.roles import REGISTRARS
from chambers.selectors import activity_for
from core.web import apply_errors
from tickets import rules, submissions
from tickets.forms.intake import RegisterDemandForm
from tickets.models.demand import Channel
from tickets.selectors import demands_visible_to
from tickets.workflow.meeting_link import MEETING_CHANNELS, visible_meeting
from tickets.workflow.policy_link import CHAMBER_CHANNEL, demand_register_linked
from tickets.workflow.training_link import TRAINING_CHANNEL, resolve_training
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
        initial = {**_training_initial(request.GET.get("training")), **_activity_initial(request),
                   **_meeting_initial(user, request.GET.get("meeting"))}
        form = RegisterDemandForm(user=user, initial=initial)
    return render(request, "tickets/register.html", {
        "form": form, "training": _training_of(form), "activity": _linked_activity(request, form),
        "meeting": visible_meeting(user, form["meeting"].value()),
    })


def _meeting_initial(user, value) -> dict:
    """"登记会上诉求" on a meeting's page: a department's channel unless the registrar chooses 市委市政府交办."""
    meeting = visible_meeting(user, value)
    if meeting is None:
        return {}
    initial = {"meeting": meeting.pk}
    channels = [code for code in MEETING_CHANNELS if code in RegisterDemandForm.channels_for(user)]
    if channels:
        initial["channel"] = channels[0]
    return initial


def _training_initial(value) -> dict:
    """"登记提问" on a training session's page: the demand is linked to the session, on channel `department`."""
    training = _resolved(value)
    if training is None:
        return {}
    return {"training": str(training.pk), "channel": TRAINING_CHANNEL, "title": f"培训提问：{training.title}"[:120],
            "first_contact_department": training.department.code}


def _training_of(form):
    value = form["training"].value() if "training" in form.fields else None
    return _resolved(value)


def _resolved(value):
    try:
        return resolve_training(value)
    except ValidationError:
        return None


def _activity_initial(request) -> dict:
    """"登记诉求" on a chamber activity's page: channel `chamber` and the activity (OUTREACH §4)."""
    value = request.GET.get("activity", "")
    if not value.isdigit() or _readable_activity(request.user, value) is None:
        return {}
    initial = {"activity": int(value)}
    if CHAMBER_CHANNEL in rules.ROLE_CHANNELS.get(request.user.role, ()):
        initial["channel"] = CHAMBER_CHANNEL
    return initial


def _linked_activity(request, form):
    value = form["activity"].value()
    return _readable_activity(request.user, value) if value and str(value).isdigit() else None


def _readable_activity(user, pk):
    try:
        return activity_for(user, pk)
    except (Http404, PermissionDenied):
        return None


urlpatterns = [
    path("demands/register/", register, name="register"),
]
