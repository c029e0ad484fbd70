"""Demands over the API (API.md "Demands"): register, list, read, triage, supplement, opinion, withdraw, attach files."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import sees_internal
from core.api import (
    Action,
    ActionView,
    AwareDateTimeField,
    ContentBody,
    ContractErrors,
    NoteBody,
    choice_filters,
    code,
    text,
)
from core.errors import Conflict
from core.masking import mask_phone
from tickets import rules, workflow
from tickets.api.attachments import AttachmentSerializer, AttachmentUploadView
from tickets.clocks import demand_clock
from tickets.models import ConsultRequest, Demand, MergeProposal
from tickets.models.demand import Channel
from tickets.pii import reveal_requester_phone
from tickets.selectors import demand_for_user, demands_visible_to
from tickets.submissions import IDEMPOTENCY_HEADER, once, valid_key
from tickets.workflow.policy_link import demand_register_linked


# --- representation ------------------------------------------------------------------------------------------------
class EnterpriseOut(serializers.Serializer):
    name = serializers.CharField()
    uscc = serializers.CharField()


class RequesterOut(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()


class OpinionOut(serializers.Serializer):
    department = serializers.CharField(source="department.code")
    content = serializers.CharField(source="opinion")
    at = serializers.DateTimeField(source="answered_at")


class MergeProposalOut(serializers.Serializer):
    ticket = serializers.IntegerField(source="ticket_id", help_text="拟合并到的工单 id")
    lead_department = serializers.CharField(source="ticket.lead_department.code")
    message = serializers.CharField()
    state = serializers.CharField(help_text="pending|accepted|declined|lapsed")
    proposed_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answer_note = serializers.CharField()


class DemandSerializer(serializers.ModelSerializer):
    domain = serializers.SlugRelatedField(slug_field="code", read_only=True)
    first_contact_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enterprise = serializers.SerializerMethodField()
    requester = serializers.SerializerMethodField()
    provisional_deadline = serializers.SerializerMethodField()
    ticket = serializers.PrimaryKeyRelatedField(read_only=True)
    policy = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    training = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="提问所在的宣讲培训 id；没有时为 null")
    activity = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="收集该诉求的商会活动 id；没有时为 null")
    meeting = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                                 help_text="提出该诉求的会议 id（会上诉求）；没有时为 null")
    opinions = OpinionOut(source="answered_opinions", many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    service_item = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="所涉服务事项编码（就此事项反映诉求）；没有时为 null"
    )
    merge_proposal = serializers.SerializerMethodField(
        help_text="联合服务办公室最近一次向企业征询合并（propose_merge）；没有时为 null"
    )

    class Meta:
        model = Demand
        fields = [
            "id", "number", "state", "channel", "title", "content", "domain", "enterprise", "requester", "anonymous",
            "received_at", "registered_at", "first_contact_department", "triage_due_at", "provisional_deadline",
            "ticket", "external_ref", "opinions", "attachments", "service_item", "policy", "training", "activity", "meeting",
            "merge_proposal",
        ]
        read_only_fields = fields

    @extend_schema_field(EnterpriseOut(allow_null=True))
    def get_enterprise(self, demand) -> dict | None:
        if demand.enterprise_id is None:
            return None
        return {"name": demand.enterprise_name or demand.enterprise.name, "uscc": demand.enterprise.uscc}

    @extend_schema_field(RequesterOut)
    def get_requester(self, demand) -> dict:
        request = self.context.get("request")
        if request is None or not rules.may_see_requester(demand, request.user):
            return {"name": "", "phone": ""}  # an anonymous demand hides its requester outside the office
        # Masked for every reader; those who call back ask POST …/reveal-phone/ (audited, SECURITY.md §5).
        return {"name": demand.requester_name, "phone": mask_phone(demand.requester_phone)}

    @extend_schema_field(MergeProposalOut(allow_null=True))
    def get_merge_proposal(self, demand) -> dict | None:
        latest = demand.latest_merge_proposals[0] if demand.latest_merge_proposals else None
        return None if latest is None else MergeProposalOut(latest).data

    def get_provisional_deadline(self, demand) -> bool:
        clock = demand_clock(demand)
        return bool(clock and clock.provisional)


def demand_queryset(user, base=None):
    """Demands as the caller reads them: one query per related list, whatever the page size."""
    opinions = (
        ConsultRequest.objects.filter(answered_at__isnull=False).select_related("department").order_by("answered_at", "id")
    )
    if not sees_internal(user):
        # Consultation opinions are internal to the administration.
        opinions = opinions.none()
    base = demands_visible_to(user) if base is None else base
    return base.select_related("enterprise", "domain", "first_contact_department", "service_item").prefetch_related(
        Prefetch("consultations", queryset=opinions, to_attr="answered_opinions"), "attachments",
        Prefetch("merge_proposals", queryset=MergeProposal.objects.select_related("ticket__lead_department")
                 .order_by("-proposed_at", "-id"), to_attr="latest_merge_proposals"),
    )


def represent_demand(request, pk, *, base=None) -> dict:
    demand = demand_queryset(request.user, base).filter(pk=pk).first()
    if demand is None:
        raise Http404("诉求不存在或无权查看。")
    return DemandSerializer(demand, context={"request": request}).data


# --- register, list, read ------------------------------------------------------------------------------------------
class EnterpriseBody(serializers.Serializer):
    name = text()
    uscc = text()


class RequesterBody(serializers.Serializer):
    name = text()
    phone = text()


class RegisterBody(serializers.Serializer):
    channel = text(help_text="|".join(Channel.values))
    title = text()
    content = text()
    domain = text(help_text="业务领域编码，如 tax")
    enterprise = EnterpriseBody(required=False, allow_null=True, default=None, help_text="仅匿名诉求可为 null；企业用户自动填写本企业")
    requester = RequesterBody(required=False, allow_null=True, default=None)
    anonymous = serializers.BooleanField(default=False)
    received_at = AwareDateTimeField(required=False, allow_null=True, default=None, help_text="默认当前时间，不能晚于当前时间")
    first_contact_department = code(help_text="默认调用者所在部门")
    self_handle = serializers.BooleanField(default=False, help_text="首问部门为本部门时可由本部门直接办理")
    category = code(help_text="self_handle 时必填：consultation|coordination|complaint")
    complex = serializers.BooleanField(default=False)
    external_ref = code(help_text="同一渠道同一外部编号只登记一次（再次提交返回 200 和已有诉求）")
    service_item = code(help_text="所涉服务事项编码（须为已发布的事项），如 anshun-scjg-0001")
    policy = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="所咨询的惠企政策 id（须为已发布政策）",
                                      error_messages={"invalid": "关联的政策不存在或未发布。"})
    training = serializers.IntegerField(
        required=False, allow_null=True, default=None, error_messages={"invalid": "关联的培训不存在或未发布。"},
        help_text="在宣讲培训上提出的问题：培训 id（须为已发布或已举办的培训；渠道须为 department，首问部门为主办部门）",
    )
    activity = serializers.IntegerField(required=False, allow_null=True, default=None,
                                        help_text="收集该诉求的商会活动 id（仅 chamber 渠道；商会工作人员只能关联本商会的活动）",
                                        error_messages={"invalid": "关联的商会活动不存在或不属于本区域。"})
    meeting = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text="提出该诉求的会议 id（本区域、调用者可查看的会议；渠道须为 department 或 assigned）",
        error_messages={"invalid": "关联的会议不存在或不属于本区域。"},
    )


class DemandListView(ContractErrors, generics.ListAPIView):
    serializer_class = DemandSerializer

    def get_queryset(self):
        filters = choice_filters(self.request.query_params, {"state": Demand.State, "channel": Channel})
        return demand_queryset(self.request.user).filter(**filters)

    @extend_schema(
        summary="诉求列表（调用者可见范围）",
        parameters=[
            OpenApiParameter("state", str, enum=Demand.State.values),
            OpenApiParameter("channel", str, enum=Channel.values),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="登记诉求", request=RegisterBody, responses={201: DemandSerializer, 200: DemandSerializer},
        parameters=[OpenApiParameter(
            IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER,
            description="可选。8～128 位字母、数字或 - _ . :；同一用户 24 小时内以同一键重复提交时返回首次的响应，不重复登记。",
        )],
    )
    def post(self, request):
        raw_key = request.headers.get(IDEMPOTENCY_HEADER)
        key = valid_key(raw_key)
        if raw_key is not None and key is None:
            raise ValidationError({IDEMPOTENCY_HEADER: ["Idempotency-Key 应为 8～128 位字母、数字或 - _ . : 字符。"]})
        body = RegisterBody(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        enterprise = data.pop("enterprise") or {}
        requester = data.pop("requester") or {}
        created = {}

        def create():
            demand, created["now"] = demand_register_linked(
                actor=request.user,
                enterprise_name=enterprise.get("name"),
                enterprise_uscc=enterprise.get("uscc"),
                requester_name=requester.get("name"),
                requester_phone=requester.get("phone"),
                complex_=data.pop("complex"),
                **data,
            )
            return demand

        def respond(demand) -> tuple[int, dict]:
            if created["now"]:
                return 201, represent_demand(request, demand.pk, base=Demand.objects.all())
            if not demands_visible_to(request.user).filter(pk=demand.pk).exists():
                # Someone else's demand already carries this reference: say so without showing it.
                raise Conflict(f"“{Channel(demand.channel).label}”渠道的外部编号“{demand.external_ref}”已由他人登记。")
            return 200, represent_demand(request, demand.pk)

        demand, row, _created = once(request.user, "api:demands", key, create, respond)
        if row is not None and row.status is not None:
            # The first response again (the key's retry, or this request itself).
            return Response(row.body, status=row.status)
        status, payload = respond(demand)
        return Response(payload, status=status)


class DemandDetailView(ContractErrors, APIView):
    @extend_schema(summary="诉求详情", responses=DemandSerializer)
    def get(self, request, pk):
        return Response(represent_demand(request, pk))


class RevealedPhoneOut(serializers.Serializer):
    phone = serializers.CharField()


class DemandRevealPhoneView(ContractErrors, APIView):
    @extend_schema(
        summary="查看诉求人完整联系电话（记入审计日志）",
        description="仅所在区域的联合服务办公室和牵头部门（工单办理期间）可用；其他调用者得到脱敏号码，调用此接口返回 403。",
        request=None, responses=RevealedPhoneOut,
    )
    def post(self, request, pk):
        _demand, phone = reveal_requester_phone(request, pk)
        return Response({"phone": phone}, headers={"Cache-Control": "no-store"})


# --- actions -------------------------------------------------------------------------------------------------------
class DecisionBody(serializers.Serializer):
    decision = text()


class TicketDecision(DecisionBody):
    category = text(help_text="consultation|coordination|complaint")
    complex = serializers.BooleanField(default=False)
    lead_department = code()
    co_departments = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    note = text()


class ConsentBody(serializers.Serializer):
    by = text()
    method = text(help_text="phone|online|in_person|written")
    at = AwareDateTimeField(required=False, allow_null=True, default=None)


class MergeDecision(DecisionBody):
    into = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="工单 id")
    consent = ConsentBody(required=False, allow_null=True, default=None)


class SupplementDecision(DecisionBody):
    missing = text()


class ConsultDecision(DecisionBody):
    departments = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class EscalateDecision(DecisionBody):
    reason = text()
    external_ref = text(help_text="省级平台编号（市级提级时可填）")


class RejectDecision(DecisionBody):
    reason = text(help_text="illegal|in_legal_procedure|market_dispute")
    note = text()


TRIAGE_DECISIONS: dict[str, type[DecisionBody]] = {
    "ticket": TicketDecision,
    "merge": MergeDecision,
    "supplement": SupplementDecision,
    "consult": ConsultDecision,
    "escalate": EscalateDecision,
    "reject": RejectDecision,
}


class TriageBody(DecisionBody):
    """Reads the body of whichever decision it names; an unknown decision goes on to the workflow, which says why."""

    def to_internal_value(self, data):
        head = super().to_internal_value(data)
        decision = TRIAGE_DECISIONS.get(head["decision"] or "")
        return head if decision is None else decision().run_validation(data)


class ProposeMergeBody(serializers.Serializer):
    into = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="拟合并到的工单 id")
    message = text(help_text="给企业的说明（可不填）")


class AnswerMergeBody(serializers.Serializer):
    consent = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="true 同意合并，false 不同意")
    note = text(help_text="说明（不同意时写明理由）")


# One entry per route /demands/{id}/{name}/.
DEMAND_ACTIONS: dict[str, Action] = {
    "triage": Action("研判", TriageBody, workflow.demand_triage),
    "supplement": Action("补充材料", ContentBody, workflow.demand_supply_materials),
    "opinion": Action("提出会商意见", ContentBody, workflow.demand_give_opinion),
    "withdraw": Action("撤回诉求", NoteBody, workflow.demand_withdraw),
    # Beyond API.md: the office asks the enterprise online for its consent to a merge; the enterprise answers.
    "propose_merge": Action("向企业征询合并", ProposeMergeBody, workflow.demand_propose_merge),
    "answer_merge": Action("答复合并征询", AnswerMergeBody, workflow.demand_answer_merge),
}


class DemandActionView(ActionView):
    actions = DEMAND_ACTIONS
    subject = "demand"
    representation = DemandSerializer

    def fetch(self, user, pk):
        return demand_for_user(user, pk)

    def represent(self, pk) -> dict:
        # The actor just acted on it, so it is shown even if the act took it out of their scope.
        return represent_demand(self.request, pk, base=Demand.objects.all())

    def body_for_schema(self):
        if self.action_name == "triage":
            return PolymorphicProxySerializer(
                component_name="TriageBody", serializers=TRIAGE_DECISIONS, resource_type_field_name="decision"
            )
        return super().body_for_schema()


# --- attachments ---------------------------------------------------------------------------------------------------
class DemandAttachmentView(AttachmentUploadView):
    subject = "demand"

    def fetch(self, user, pk):
        return demand_for_user(user, pk)
