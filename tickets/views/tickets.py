"""Screens: the ticket page (what was asked, who has it, until when, what may be done now, the
timeline) and the ticket actions posted from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_fsm import can_proceed

from accounts.models import Role
from accounts.roles import INTERNAL_READERS
from core.errors import Conflict
from core.prefetch import prefetch_present
from core.web import apply_errors
from supervision import services as supervision
from tickets import collab, rules, workflow
from tickets.clocks import ticket_clock
from tickets.forms.collab import AssignForm, TakeForm
from tickets.forms.handling import (
    AddCoDepartmentForm,
    CallbackForm,
    CloseForm,
    CoConfirmForm,
    CoFeedbackForm,
    DecideForm,
    EscalateTicketForm,
    RateForm,
    RequestExtensionForm,
    RequestReviewForm,
    RequestTerminationForm,
    ReviewForm,
)
from tickets.forms.office import (
    DecideLeadForm,
    ObjectForm,
    ReassignForm,
    ReferForm,
    SignForm,
)
from tickets.forms.supervision import SpecialSuperviseForm, SuperviseForm, UrgeForm
from tickets.models import (
    Attachment,
    Callback,
    Demand,
    DemandEvent,
    ExtensionRequest,
    Rating,
    Review,
    TerminationRequest,
    Ticket,
    TicketCoDepartment,
    TicketEvent,
)
from tickets.models.handling import Decision
from tickets.selectors import objection_duties, ticket_for_user
from tickets.standing import pressed_on, where_it_stands
from tickets.workflow.collab import assignable, may_assign


@dataclass(frozen=True)
class Action:
    """One thing a person may do on the ticket page: adding an action to the screen is adding one entry below.

    Who may act and when come from the Ticket transition when there is one (its permission and source states);
    acts that change no state (co-handling, requests, rating) name their own `who` and `when` checks instead.
    """

    transition: str | None  # the Ticket transition method whose permission and source states decide availability
    form_class: type[forms.Form]
    perform: Callable  # the workflow function, called as perform(actor=…, ticket=…, **form.workflow_kwargs())
    label: str
    # What the person is told afterwards: a text formatted with the ticket, or, when what happens next depends on the
    # answers (returned for rework, a new due date), a function (ticket, what the act returned) -> text.
    success: str | Callable[[Ticket, object], str]
    icon: str = "check2-circle"
    style: str = "primary"
    # A final act (it cannot be undone, or it decides the ticket's course) asks this question once before it is sent,
    # after the form passed the browser's checks (static/js/platform.js). This is the one place that marks them.
    confirm: str = ""
    who: Callable | None = None  # (ticket, user) -> bool: role and department (403 when false)
    when: Callable | None = None  # (ticket, user) -> bool: state and preconditions (a message when false)
    enterprise: bool = False  # offered to enterprise users instead of staff

    def may(self, ticket: Ticket, user) -> bool:
        if self.transition:
            return rules.transition_permitted(ticket, self.transition, user)
        return self.who(ticket, user)

    def now(self, ticket: Ticket, user) -> bool:
        if self.transition:
            return can_proceed(getattr(ticket, self.transition))
        return self.when(ticket, user)

    def message(self, ticket: Ticket, result) -> str:
        return self.success(ticket, result) if callable(self.success) else self.success.format(ticket=ticket)


def _handle_due(ticket: Ticket) -> str:
    if ticket.handle_due_at is None:
        return "未定"
    due = f"{timezone.localtime(ticket.handle_due_at):%Y年%m月%d日}"
    return f"{due}（暂定，待工作日历确认）" if ticket.handle_due_provisional else due


def _after_callback(ticket: Ticket, callback: Callback) -> str:
    if not callback.reached:
        return f"已记录工单 {ticket.number} 的回访：未联系上企业，工单仍在待回访，请再次联系。"
    if callback.returned:
        return (f"已记录工单 {ticket.number} 的回访。工单已退回{ticket.lead_department.name}重新办理，"
                f"新的办理期限为 {_handle_due(ticket)}。")
    return f"已记录工单 {ticket.number} 的回访，工单已归档。"


def _after_extension(ticket: Ticket, request: ExtensionRequest) -> str:
    if request.state == Decision.APPROVED:
        return f"已同意工单 {ticket.number} 延期，新的办理期限为 {_handle_due(ticket)}。"
    return f"已不同意工单 {ticket.number} 延期，办理期限仍为 {_handle_due(ticket)}。"


def _after_termination(ticket: Ticket, request: TerminationRequest) -> str:
    if ticket.state == Ticket.State.TERMINATED:
        return f"已同意终止办理，工单 {ticket.number} 已终止，不再办理。"
    return (f"已不同意终止，工单 {ticket.number} 由{ticket.lead_department.name}继续办理，"
            f"办理期限为 {_handle_due(ticket)}。")


def _after_supervise(ticket: Ticket, supervision) -> str:
    return (f"已就工单 {ticket.number} 发出督办（{supervision.get_form_display()}），{supervision.department.name}须在 "
            f"{timezone.localtime(supervision.due_at):%Y年%m月%d日} 前回复。")


def _after_review(ticket: Ticket, review) -> str:
    if ticket.state == Ticket.State.ARCHIVED:
        return f"已作出复查复核结论：维持工单 {ticket.number} 的办结结果，工单已归档。"
    return (f"已作出复查复核结论：责令整改，工单 {ticket.number} 已退回{ticket.lead_department.name}，"
            f"整改期限为 {_handle_due(ticket)}。")


ACTIONS: dict[str, Action] = {
    "sign": Action("sign", SignForm, workflow.ticket_sign, "签收", "已签收工单 {ticket.number}，办理期限开始计算。",
                   icon="pen", confirm="确认签收该工单？签收后即开始计算办理期限。"),
    "object": Action("object", ObjectForm, workflow.ticket_object, "提出办理异议",
                     "已对工单 {ticket.number} 提出办理异议，等待联合服务办公室协调。", icon="signpost-split",
                     style="outline-secondary"),
    "reassign": Action("reassign", ReassignForm, workflow.ticket_reassign, "重新派单",
                       "工单 {ticket.number} 已重新派至{ticket.lead_department.name}，等待其签收。", icon="send",
                       confirm="重新派单后由所选部门牵头办理，原牵头部门不再办理。确认重新派单？"),
    "refer_to_government": Action("refer_to_government", ReferForm, workflow.ticket_refer_to_government,
                                  "报请政府确定牵头部门", "工单 {ticket.number} 已报请政府确定牵头部门。", icon="bank",
                                  style="outline-secondary"),
    "decide_lead": Action("decide_lead", DecideLeadForm, workflow.ticket_decide_lead, "确定牵头部门",
                          "已确定由{ticket.lead_department.name}牵头办理工单 {ticket.number}，等待其签收。",
                          icon="check2-square", confirm="确定后由所选部门牵头办理，不能再提出异议。确认？"),
    "close": Action("close", CloseForm, workflow.ticket_close, "办结", "工单 {ticket.number} 已办结，办理结果已告知企业，等待回访。",
                    icon="check2-all", confirm="确认办结？办结后不能修改办理结果，工单将进入回访。"),
    "add_co_department": Action(None, AddCoDepartmentForm, workflow.ticket_add_co_department, "添加协办部门",
                                "已为工单 {ticket.number} 添加协办部门。", icon="people", style="outline-primary",
                                who=rules.is_lead_handler, when=rules.ticket_handling),
    "co_confirm": Action(None, CoConfirmForm, workflow.ticket_co_confirm, "确认协办", "已确认协办工单 {ticket.number}。",
                         icon="hand-thumbs-up", who=rules.is_co_handler, when=rules.own_co_link_unconfirmed),
    "co_feedback": Action(None, CoFeedbackForm, workflow.ticket_co_feedback, "反馈协办情况",
                          "已向牵头部门反馈协办情况。", icon="reply", who=rules.is_co_handler, when=rules.ticket_handling),
    "request_extension": Action(None, RequestExtensionForm, workflow.ticket_request_extension, "申请延期",
                                "已提交延期申请，等待联合服务办公室审批。", icon="calendar-plus", style="outline-secondary",
                                who=rules.is_lead_handler, when=rules.pending_request("extensions", False)),
    "decide_extension": Action(None, DecideForm, workflow.ticket_decide_extension, "审批延期申请", _after_extension,
                               icon="calendar-check", confirm="审批结果提交后不能修改，并将通知牵头部门。确认提交？",
                               who=rules.is_region_office, when=rules.pending_request("extensions", True)),
    "request_termination": Action(None, RequestTerminationForm, workflow.ticket_request_termination, "申请终止办理",
                                  "已提交终止办理申请，等待联合服务办公室审批；审批前工单继续办理，办理期限不变。", icon="slash-circle",
                                  confirm="终止办理申请提交后不能撤回，将由联合服务办公室审批。确认申请终止办理？",
                                  style="outline-danger", who=rules.is_lead_handler, when=rules.pending_request("terminations", False)),
    "decide_termination": Action(None, DecideForm, workflow.ticket_decide_termination, "审批终止申请", _after_termination,
                                 icon="slash-circle", confirm="同意终止后工单将不再办理；审批结果提交后不能修改。确认提交？",
                                 who=rules.is_region_office, when=rules.pending_request("terminations", True)),
    "escalate": Action("escalate", EscalateTicketForm, workflow.ticket_escalate, "提级办理",
                       "工单 {ticket.number} 已提级办理。", icon="arrow-up-circle", style="outline-secondary",
                       confirm="提级后本级不再办理该工单，确认提级？"),
    "callback": Action("archive_after_callback", CallbackForm, workflow.ticket_callback, "记录回访", _after_callback,
                       icon="telephone",
                       confirm="回访结果提交后不能修改：满意且办结信息一致、符合标准的工单将归档，否则退回牵头部门重新办理。确认提交？"),
    "request_review": Action("request_review", RequestReviewForm, workflow.ticket_request_review, "申请复查复核",
                             "已提出复查复核建议，等待联合服务办公室研判。", icon="clipboard-check", style="outline-secondary"),
    "review": Action("uphold_review", ReviewForm, workflow.ticket_review, "作出复查复核结论", _after_review,
                     icon="clipboard-check",
                     confirm="复查复核结论提交后不能修改：维持将归档工单，责令整改将退回牵头部门。确认提交？"),
    "urge": Action(None, UrgeForm, supervision.ticket_urge, "催办", "已催办{ticket.lead_department.name}。", icon="bell",
                   style="outline-warning", who=supervision.may_urge, when=rules.ticket_open),
    "supervise": Action(None, SuperviseForm, supervision.ticket_supervise, "督办", _after_supervise,
                        icon="megaphone", style="outline-danger", confirm="督办发出后将通知被督办部门，不能撤回。确认发出督办？",
                        who=rules.is_region_office, when=rules.ticket_open),
    "special_supervise": Action(None, SpecialSuperviseForm, supervision.ticket_supervise, "专项督办（一事一议）", _after_supervise,
                                icon="megaphone", style="outline-danger",
                                confirm="专项督办发出后将通知被督办部门，不能撤回。确认发出专项督办？",
                                who=rules.is_region_government, when=rules.ticket_open),
    # 承办人 (tickets.workflow.collab): a handler of the lead department takes the ticket or hands it to a colleague.
    "take": Action(None, TakeForm, workflow.ticket_take, "我来办", "您已成为工单 {ticket.number} 的承办人。",
                   icon="person-check", style="outline-primary", who=may_assign,
                   when=lambda ticket, user: assignable(ticket) and ticket.assignee_id != user.pk),
    "assign": Action(None, AssignForm, workflow.ticket_assign, "指定承办人",
                     "工单 {ticket.number} 的承办人已改为{ticket.assignee}。", icon="person-gear",
                     style="outline-primary", who=may_assign, when=assignable),
    "rate": Action(None, RateForm, workflow.ticket_rate, "评价办理结果", "感谢您的评价。", icon="star",
                   confirm="评价提交后不能修改，确认提交？",
                   who=rules.is_rater, when=rules.may_rate_now, enterprise=True),
}


def available_actions(ticket: Ticket, user) -> list[str]:
    """The actions this user may take on the ticket now."""
    enterprise = user.role == Role.ENTERPRISE
    if not enterprise and user.role not in INTERNAL_READERS:
        return []
    return [
        name for name, action in ACTIONS.items()
        if action.enterprise == enterprise and action.may(ticket, user) and action.now(ticket, user)
    ]


# --- the ticket page ---------------------------------------------------------------------------------------------
def _timeline(ticket: Ticket, demands: list[Demand]) -> list:
    """The ticket's entries and those of its demands, in time order: the whole story from registration on."""
    entries = list(TicketEvent.objects.filter(ticket=ticket).select_related("actor__department"))
    entries += DemandEvent.objects.filter(demand__in=demands).select_related("actor__department")
    entries.sort(key=lambda e: (e.at, 0 if isinstance(e, DemandEvent) else 1, e.pk))
    return entries


def _render_ticket(request, ticket: Ticket, *, bound: tuple[str, forms.Form] | None = None, status: int = 200,
                   note_form: forms.Form | None = None):
    """The ticket page: one query per kind of record whatever the ticket's history (the actions' rules read the
    prefetched rows, not the database)."""
    user = request.user
    if user.role == Role.ENTERPRISE:
        return _render_enterprise_ticket(request, ticket, bound=bound, status=status)
    staff = user.role in INTERNAL_READERS
    prefetch_related_objects([ticket], Prefetch(
        "demands",
        queryset=Demand.objects.select_related("region", "enterprise", "domain", "first_contact_department")
        .order_by("registered_at", "id"),
    ))
    # Most tickets have none of most of these: one query says which exist, and only those are read.
    related = [
        Prefetch("co_links", queryset=TicketCoDepartment.objects.select_related("department")),
        Prefetch("rating", queryset=Rating.objects.all()),
    ]
    if staff:
        related += [
            Prefetch("extensions", queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by")),
            Prefetch("terminations", queryset=TerminationRequest.objects.select_related("requested_by", "decided_by")),
            Prefetch("callbacks", queryset=Callback.objects.select_related("by", "by__department")),
            Prefetch("reviews", queryset=Review.objects.select_related("requested_by", "decided_by")),
            Prefetch("supervisions", queryset=supervision.supervisions_for_ticket_page()),
            Prefetch("urges", queryset=supervision.urges_for_ticket_page()),
            # The meetings that discussed the ticket (OUTREACH §5), through the agenda item's relation: meetings sits
            # above tickets, so its model is reached by the relation, never imported.
            Prefetch("meeting_items", queryset=_meeting_items()),
            collab.notes_prefetch(),
        ]
    prefetch_present(ticket, *related)
    demands = list(ticket.demands.all())
    attachments = _attachments(ticket, demands)
    actions = []
    for name in available_actions(ticket, user):
        action = ACTIONS[name]
        if bound is not None and bound[0] == name:
            form, is_open = bound[1], True
        else:
            form, is_open = action.form_class(ticket=ticket, prefix=name), False
        actions.append({"name": name, "action": action, "form": form, "open": is_open})
    clock = ticket_clock(ticket)
    context = {
        "ticket": ticket,
        "demands": demands,
        "co_links": list(ticket.co_links.all()),
        "clock": clock,
        "provisional": bool(clock and clock.provisional),
        "actions": actions,
        "events": _timeline(ticket, demands),
        "show_internal": staff,
        "staff": staff,
        "show_dispute": staff and bool(ticket.dispute_reason or ticket.referral_note),
        "objection_duty": objection_duties([ticket]).get(ticket.pk, []) if staff and ticket.dispute_reason else [],
        "attachments": attachments,
        "extensions": list(ticket.extensions.all()) if staff else [],
        "terminations": list(ticket.terminations.all()) if staff else [],
        "callbacks": list(ticket.callbacks.all()) if staff else [],
        "reviews": list(ticket.reviews.all()) if staff else [],
        "rating": getattr(ticket, "rating", None) if _has_rating(ticket) else None,
        "supervisions": list(ticket.supervisions.all()) if staff else [],
        "urges": list(ticket.urges.all()) if staff else [],
        "meeting_items": list(ticket.meeting_items.all()) if staff else [],
        "may_call_coordination": staff and _may_call_coordination(request.user, ticket),
        **collab.page_context(user, ticket, note_form=note_form),
    }
    return render(request, "tickets/ticket_detail.html", context, status=status)


# States in which the enterprise reads a result (办结 and after; a result returned for rework is not one any more).
RESULT_STATES = (Ticket.State.CLOSED, Ticket.State.REVIEW, Ticket.State.ARCHIVED)


def _render_enterprise_ticket(request, ticket: Ticket, *, bound: tuple[str, forms.Form] | None, status: int):
    """The enterprise's own view of its ticket (UI.md): what it asked, where it stands in one sentence, the result and
    evidence meant for it, its rating. No internal clocks, codes, other enterprises' demands or departments' notes."""
    user = request.user
    prefetch_related_objects([ticket], Prefetch(
        "demands", queryset=Demand.objects.select_related("domain").order_by("registered_at", "id"),
    ))
    prefetch_present(ticket, Prefetch("rating", queryset=Rating.objects.all()))
    demands = list(ticket.demands.all())
    own = [demand for demand in demands if demand.enterprise_id == user.enterprise_id]
    files = list(Attachment.objects.filter(Q(ticket=ticket) | Q(demand__in=own)).order_by("uploaded_at", "id"))
    for demand in own:
        demand.attachment_list = [f for f in files if f.demand_id == demand.pk]
    result = ticket.state in RESULT_STATES
    actions = []
    for name in available_actions(ticket, user):
        form = bound[1] if bound is not None and bound[0] == name else ACTIONS[name].form_class(ticket=ticket, prefix=name)
        actions.append({"name": name, "action": ACTIONS[name], "form": form, "open": True})
    context = {
        "ticket": ticket,
        "demands": own,
        "others_merged": len(demands) > len(own),
        "standing": where_it_stands(own[0], pressed=pressed_on(ticket)) if own else None,
        "result": result,
        "evidence": [f for f in files if f.ticket_id == ticket.pk and f.kind == Attachment.Kind.EVIDENCE] if result else [],
        "rating": getattr(ticket, "rating", None) if _has_rating(ticket) else None,
        "actions": actions,
    }
    return render(request, "tickets/ticket_detail_enterprise.html", context, status=status)


def _may_call_coordination(user, ticket) -> bool:
    """Whether to offer 召开协调会 (OUTREACH §5: the region's office or the lead department's handlers and specialists,
    while the ticket is worked on). A hint for the button only: the meetings screen checks it again."""
    if ticket.state in Ticket.FINAL_STATES:
        return False
    if user.role == Role.OFFICE:
        return user.department is not None and user.department.region_id == ticket.region_id
    return user.role in (Role.HANDLER, Role.SPECIALIST) and user.department_id == ticket.lead_department_id


def _meeting_items():
    """The agenda items naming a ticket, with their meeting, earliest meeting first."""
    model = Ticket._meta.get_field("meeting_items").related_model
    return model.objects.select_related("meeting", "department").order_by("meeting__starts_at", "id")


def _attachments(ticket: Ticket, demands: list[Demand]) -> list[Attachment]:
    """The ticket's files, and each demand's as `demand.attachment_list`, in one query."""
    files = list(Attachment.objects.filter(Q(ticket=ticket) | Q(demand__ticket=ticket)).order_by("uploaded_at", "id"))
    for demand in demands:
        demand.attachment_list = [f for f in files if f.demand_id == demand.pk]
    return [f for f in files if f.ticket_id == ticket.pk]


def _has_rating(ticket: Ticket) -> bool:
    try:
        ticket.rating
    except Rating.DoesNotExist:
        return False
    return True


@require_GET
@login_required
def ticket_detail(request, pk: int):
    ticket = ticket_for_user(request.user, pk)
    return _render_ticket(request, ticket)


@require_POST
@login_required
def ticket_action(request, pk: int, action: str):
    """Take one action on a ticket.

    1. Unknown action, or a ticket outside the user's scope: 404.
    2. The transition's rule says who may act (403) and from which states (a message, back to the ticket page).
    3. Bad input: the ticket page again with the errors next to the fields (200), nothing saved.
    4. Success: back to the ticket page with a message.
    """
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404("没有这个操作。")
    user = request.user
    ticket = ticket_for_user(user, pk)
    if (user.role == Role.ENTERPRISE) != spec.enterprise or not spec.may(ticket, user):
        raise PermissionDenied(f"您没有权限{spec.label}。")
    if not spec.now(ticket, user):
        messages.error(request, f"工单当前为“{ticket.get_state_display()}”，现在不能{spec.label}。")
        return redirect("tickets:ticket_detail", pk=ticket.pk)
    form = spec.form_class(request.POST, request.FILES, ticket=ticket, prefix=action)
    if not form.is_valid():
        return _render_ticket(request, ticket, bound=(action, form))
    try:
        result = spec.perform(actor=user, ticket=ticket, **form.workflow_kwargs())
    except ValidationError as exc:
        apply_errors(form, exc)
        return _render_ticket(request, ticket_for_user(user, pk), bound=(action, form))
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("tickets:ticket_detail", pk=pk)
    # Workflow functions return what they created (a ticket, a request, a callback …): read the ticket afresh.
    ticket = Ticket.objects.select_related("lead_department", "assignee").get(pk=pk)
    messages.success(request, spec.message(ticket, result))
    return redirect("tickets:ticket_detail", pk=pk)


urlpatterns: list = [
    path("tickets/<int:pk>/", ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/actions/<str:action>/", ticket_action, name="ticket_action"),
]
