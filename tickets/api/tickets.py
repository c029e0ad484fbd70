"""Tickets over the API (API.md "Tickets"): list, read, the actions table, attach evidence."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department
from accounts.roles import sees_internal
from core.api import (
    Action,
    ActionView,
    ContentBody,
    ContractErrors,
    NoBody,
    NoteBody,
    ReasonBody,
    bounded_date,
    choice_filters,
    code,
    text,
)
from supervision import services as supervision
from tickets import workflow
from tickets.api.attachments import AttachmentSerializer, AttachmentUploadView
from tickets.clocks import overdue_tickets_q, ticket_clock
from tickets.models import Ticket, TicketCoDepartment, TicketEvent, TicketNote
from tickets.models.handling import Callback, ClosureStandard, ExtensionRequest, Rating
from tickets.models.ticket import Category
from tickets.selectors import demands_visible_to, ticket_for_user, tickets_visible_to


# --- representation ------------------------------------------------------------------------------------------------
class CoDepartmentOut(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    confirmed = serializers.SerializerMethodField()
    feedback = serializers.SerializerMethodField()

    class Meta:
        model = TicketCoDepartment
        fields = ["department", "confirmed", "feedback"]

    def get_confirmed(self, link) -> bool:
        return link.confirmed_at is not None

    def get_feedback(self, link) -> str | None:
        return link.feedback or None


class HistoryOut(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(help_text="操作人（部门）；系统自动操作为 null")

    class Meta:
        model = TicketEvent
        fields = ["at", "actor", "action", "from_state", "to_state", "note"]

    def get_actor(self, event) -> str | None:
        actor = event.actor
        if actor is None:
            return None
        return f"{actor}（{actor.department.name}）" if actor.department_id else str(actor)


class ClosureOut(serializers.Serializer):
    standard = serializers.ChoiceField(source="closure_standard", choices=ClosureStandard.choices)
    result = serializers.CharField(source="closure_result")
    explanation = serializers.CharField(source="closure_explanation")


class ExtensionOut(serializers.ModelSerializer):
    reason = serializers.CharField(source="reason_note")

    class Meta:
        model = ExtensionRequest
        fields = ["due_date", "reason", "state"]


class CallbackOut(serializers.ModelSerializer):
    satisfaction = serializers.SerializerMethodField()

    class Meta:
        model = Callback
        fields = ["at", "reached", "satisfaction", "consistent", "meets_standard", "sampled"]

    def get_satisfaction(self, callback) -> str | None:
        return callback.satisfaction or None


class RatingOut(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["satisfaction", "comment", "at"]


class SupervisionOut(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    trigger = serializers.ChoiceField(choices=supervision.SupervisionTrigger.choices, read_only=True)
    form = serializers.ChoiceField(choices=supervision.SupervisionForm.choices, read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    due_at = serializers.DateTimeField(read_only=True)
    answered_at = serializers.DateTimeField(read_only=True, allow_null=True)


class NoteOut(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    mentions = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)

    class Meta:
        model = TicketNote
        fields = ["id", "author", "body", "mentions", "created_at"]


class TicketSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lead_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    co_departments = CoDepartmentOut(source="co_links", many=True, read_only=True)
    demands = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    provisional_deadline = serializers.SerializerMethodField()
    closure = serializers.SerializerMethodField()
    extensions = ExtensionOut(many=True, read_only=True)
    callbacks = CallbackOut(many=True, read_only=True)
    rating = serializers.SerializerMethodField()
    supervisions = serializers.SerializerMethodField()
    history = HistoryOut(source="timeline", many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    assignee = serializers.SerializerMethodField(help_text="承办人用户名（仅工作人员可见；企业为 null）")
    notes = serializers.SerializerMethodField(help_text="内部备注（仅工作人员可见；企业为空列表）")

    class Meta:
        model = Ticket
        fields = [
            "id", "number", "state", "region", "title", "category", "complex", "lead_department", "co_departments",
            "demands", "dispatched_at", "sign_due_at", "signed_at", "auto_signed", "handle_due_at", "closed_at",
            "callback_due_at", "archived_at", "rework_count", "overdue", "provisional_deadline", "closure",
            "extensions", "callbacks", "rating", "supervisions", "history", "attachments", "assignee", "notes",
        ]
        read_only_fields = fields

    def get_demands(self, ticket) -> list[int]:
        return [demand.id for demand in ticket.visible_demands]

    def get_overdue(self, ticket) -> bool:
        clock = ticket_clock(ticket)
        return clock is not None and timezone.now() > clock.due

    def get_provisional_deadline(self, ticket) -> bool:
        clock = ticket_clock(ticket)
        return bool(clock and clock.provisional)

    @extend_schema_field(ClosureOut(allow_null=True))
    def get_closure(self, ticket):
        return self._rows(ClosureOut, [ticket])[0] if ticket.closure_standard else None

    @extend_schema_field(RatingOut(allow_null=True))
    def get_rating(self, ticket):
        try:
            return self._rows(RatingOut, [ticket.rating])[0]
        except ObjectDoesNotExist:
            return None

    @extend_schema_field(SupervisionOut(many=True))
    def get_supervisions(self, ticket):
        # Supervision is the administration's business: enterprises and outside registrars do not see it.
        request = self.context.get("request")
        if request is None or not sees_internal(request.user):
            return []
        return self._rows(SupervisionOut, ticket.supervisions.all())


    def _staff(self) -> bool:
        request = self.context.get("request")
        return request is not None and sees_internal(request.user)

    def get_assignee(self, ticket) -> str | None:
        # Who works the ticket inside the department is the administration's business (like its internal timeline).
        if not self._staff() or ticket.assignee_id is None:
            return None
        return ticket.assignee.username

    @extend_schema_field(NoteOut(many=True))
    def get_notes(self, ticket):
        if not self._staff():
            return []
        return self._rows(NoteOut, ticket.notes.all())

    def _rows(self, serializer_class, rows) -> list[dict]:
        """Nested rows through one serializer per class for the whole page (a new one per ticket built its fields
        again for every ticket)."""
        kept = self.__dict__.setdefault("_nested", {})
        if serializer_class not in kept:
            kept[serializer_class] = serializer_class(context=self.context)
        serializer = kept[serializer_class]
        return [serializer.to_representation(row) for row in rows]


def ticket_queryset(user, base=None):
    """Tickets as the caller reads them: one query per related list, whatever the page size."""
    events = TicketEvent.objects.select_related("actor__department")
    if not sees_internal(user):
        events = events.filter(internal=False)
    base = tickets_visible_to(user) if base is None else base
    # Demands merged from other enterprises are not the caller's to know about. (`state` is loaded because
    # django-fsm reads it whenever a row is built; deferring it costs a query per demand.)
    demands = demands_visible_to(user).only("id", "ticket_id", "state").order_by("id")
    related = []
    if sees_internal(user):
        related.append(Prefetch("notes", queryset=TicketNote.objects.select_related("author").prefetch_related("mentions")))
    return base.select_related("region", "lead_department", "rating", "assignee").prefetch_related(
        *related,
        Prefetch("co_links", queryset=TicketCoDepartment.objects.select_related("department")),
        Prefetch("demands", queryset=demands, to_attr="visible_demands"),
        Prefetch("events", queryset=events, to_attr="timeline"),
        "attachments",
        "extensions",
        "callbacks",
        Prefetch("supervisions", queryset=supervision.supervisions_with_addressee()),
    )


def represent_ticket(request, pk, *, base=None) -> dict:
    ticket = ticket_queryset(request.user, base).filter(pk=pk).first()
    if ticket is None:
        raise Http404("工单不存在或无权查看。")
    return TicketSerializer(ticket, context={"request": request}).data


# --- list and read -------------------------------------------------------------------------------------------------
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def ticket_filters(params) -> dict:
    """The query-string filters of the ticket list as queryset arguments; a bad value is a 400 naming the parameter."""
    errors: dict[str, list[str]] = {}
    try:
        lookups: dict = choice_filters(params, {"state": Ticket.State, "category": Category})
    except ValidationError as exc:
        lookups, errors = {}, dict(exc.message_dict)
    department = (params.get("lead_department") or "").strip()
    if department:
        if Department.objects.filter(code=department).exists():
            lookups["lead_department__code"] = department
        else:
            errors["lead_department"] = [f"部门编码“{department}”不存在。"]
    overdue = (params.get("overdue") or "").strip().lower()
    if overdue and overdue not in BOOLEANS:
        errors["overdue"] = ["overdue 只能是 true 或 false。"]
    if errors:
        raise ValidationError(errors)
    return {"lookups": lookups, "overdue": BOOLEANS.get(overdue)}


class TicketListView(ContractErrors, generics.ListAPIView):
    serializer_class = TicketSerializer

    def get_queryset(self):
        filters = ticket_filters(self.request.query_params)
        tickets = ticket_queryset(self.request.user).filter(**filters["lookups"])
        if filters["overdue"] is True:
            tickets = tickets.filter(overdue_tickets_q(timezone.now()))
        elif filters["overdue"] is False:
            tickets = tickets.exclude(overdue_tickets_q(timezone.now()))
        return tickets

    @extend_schema(
        summary="工单列表（调用者可见范围）",
        parameters=[
            OpenApiParameter("state", str, enum=Ticket.State.values),
            OpenApiParameter("lead_department", str, description="牵头部门编码，如 anshun-scjg"),
            OpenApiParameter("overdue", bool, description="true：当前计时已超期；false：未超期"),
            OpenApiParameter("category", str, enum=Category.values),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class TicketDetailView(ContractErrors, APIView):
    @extend_schema(summary="工单详情", responses=TicketSerializer)
    def get(self, request, pk):
        return Response(represent_ticket(request, pk))


# --- actions: POST /tickets/{id}/actions/{name}/ ---------------------------------------------------------------------
class ReassignBody(serializers.Serializer):
    lead_department = code()
    # Absent or null keeps the co-departments; a list (even empty) replaces them.
    co_departments = serializers.ListField(child=serializers.CharField(), required=False, allow_null=True)
    note = text()


class LeadBody(serializers.Serializer):
    lead_department = code()
    note = text()


def _date(**kwargs) -> serializers.DateField:
    return bounded_date(**kwargs)


def _flag(**kwargs) -> serializers.BooleanField:
    """true/false, or absent (null) so the workflow says it is missing."""
    return serializers.BooleanField(required=False, allow_null=True, default=None,
                                    error_messages={"invalid": "应为 true 或 false。"}, **kwargs)


class DepartmentBody(serializers.Serializer):
    department = code()


class ExtensionBody(serializers.Serializer):
    due_date = _date()
    reason = text()


class DecideBody(serializers.Serializer):
    approve = _flag()
    note = text()


class TerminationBody(serializers.Serializer):
    reason = text()
    note = text()


class EscalateBody(serializers.Serializer):
    reason = text()
    external_ref = text()


class CloseBody(serializers.Serializer):
    standard = text()
    result = text()
    explanation = text()


class CallbackBody(serializers.Serializer):
    reached = _flag()
    satisfaction = text()
    consistent = _flag()
    meets_standard = _flag()
    note = text()


class ReviewBody(serializers.Serializer):
    outcome = text()
    opinion = text()
    due_date = _date()


class SuperviseBody(serializers.Serializer):
    form = text()
    trigger = text()
    content = text()
    department = code(help_text="被督办部门编码；缺省为牵头部门")


class AssignBody(serializers.Serializer):
    assignee = code(help_text="承办人用户名：牵头部门的在岗工作人员（填本人用户名即“我来办”）")


class InternalNoteBody(serializers.Serializer):
    body = text(help_text="内部备注内容，至多 2000 字；@用户名 或 @姓名 提醒可查看该工单的工作人员")


class RateBody(serializers.Serializer):
    satisfaction = text()
    comment = text()


# Adding an action is one entry here: its body's fields are the workflow function's keyword arguments.
TICKET_ACTIONS: dict[str, Action] = {
    "sign": Action("签收", NoBody, workflow.ticket_sign),
    "object": Action("提出办理异议", ReasonBody, workflow.ticket_object),
    "reassign": Action("重新派单", ReassignBody, workflow.ticket_reassign),
    "refer_to_government": Action("报请政府确定牵头部门", NoteBody, workflow.ticket_refer_to_government),
    "decide_lead": Action("政府确定牵头部门", LeadBody, workflow.ticket_decide_lead),
    "add_co_department": Action("添加协办部门", DepartmentBody, workflow.ticket_add_co_department),
    "co_confirm": Action("确认协办", NoBody, workflow.ticket_co_confirm),
    "co_feedback": Action("反馈协办情况", ContentBody, workflow.ticket_co_feedback),
    "request_extension": Action("申请延期", ExtensionBody, workflow.ticket_request_extension),
    "decide_extension": Action("审批延期", DecideBody, workflow.ticket_decide_extension),
    "request_termination": Action("申请终止办理", TerminationBody, workflow.ticket_request_termination),
    "decide_termination": Action("审批终止办理", DecideBody, workflow.ticket_decide_termination),
    "escalate": Action("提级办理", EscalateBody, workflow.ticket_escalate),
    "close": Action("办结", CloseBody, workflow.ticket_close),
    "callback": Action("回访", CallbackBody, workflow.ticket_callback),
    "request_review": Action("申请复查复核", ReasonBody, workflow.ticket_request_review),
    "review": Action("复查复核", ReviewBody, workflow.ticket_review),
    "rate": Action("企业评价", RateBody, workflow.ticket_rate),
    "supervise": Action("督办", SuperviseBody, supervision.ticket_supervise),
    "urge": Action("催办", NoteBody, supervision.ticket_urge),
    "assign": Action("指定承办人", AssignBody, workflow.ticket_assign),
    "add_note": Action("添加内部备注", InternalNoteBody, workflow.ticket_add_note),
}


class TicketActionView(ActionView):
    actions = TICKET_ACTIONS
    subject = "ticket"
    representation = TicketSerializer

    def fetch(self, user, pk):
        return ticket_for_user(user, pk)

    def represent(self, pk) -> dict:
        # The actor just acted on it, so it is shown even if the act took it out of their scope.
        return represent_ticket(self.request, pk, base=Ticket.objects.all())

    def body_for_schema(self):
        bodies = list(dict.fromkeys(entry.body for entry in self.actions.values()))
        return PolymorphicProxySerializer(
            component_name="TicketActionBody", serializers=bodies, resource_type_field_name=None
        )

    def summary_for_schema(self):
        return "工单操作：" + "、".join(f"{name}（{entry.summary}）" for name, entry in self.actions.items())

    def parameters_for_schema(self) -> list:
        return [OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(self.actions))]


# --- attachments ---------------------------------------------------------------------------------------------------
class TicketAttachmentView(AttachmentUploadView):
    subject = "ticket"

    def fetch(self, user, pk):
        return ticket_for_user(user, pk)
