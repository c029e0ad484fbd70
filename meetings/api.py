"""Meetings over the API (OUTREACH §5). Tickets and demands by id, departments by code, enterprises by uscc (API.md).
Errors as API.md: 400 {"errors": {field: [..]}}, 403, 404 (another region's meeting), 409 {"error": "…"}."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import AwareDateTimeField, ContractErrors, choice_filters, code, text
from meetings import selectors, services
from meetings.models import AgendaItem, Kind, Meeting, Outcome


# --- representation --------------------------------------------------------------------------------------------------
class MeetingItemSerializer(serializers.ModelSerializer):
    demand = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="诉求 id")
    ticket = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="工单 id")
    subject = serializers.CharField(read_only=True, help_text="议题（诉求或工单的编号与标题，或文字议题）")
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True,
                                      help_text="空字符串表示尚未作出决定")
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True,
                                              help_text="责任单位编码（assigned）")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = [
            "id", "position", "demand", "ticket", "title", "subject", "decision", "outcome", "department", "due_date",
            "due_provisional", "overdue", "decided_at", "follow_up", "followed_up_at",
        ]
        read_only_fields = fields

    def get_overdue(self, item) -> bool:
        return item.overdue()


class MeetingDemandRef(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()


class MeetingSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    ticket = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text="协调的工单 id")
    chair = serializers.CharField(source="chair_display", read_only=True)
    departments = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True, help_text="参会部门编码")
    enterprises = serializers.SlugRelatedField(slug_field="uscc", many=True, read_only=True,
                                               help_text="受邀企业的统一社会信用代码")
    items = MeetingItemSerializer(many=True, read_only=True)
    demands = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id", "region", "kind", "title", "starts_at", "place", "chair", "ticket", "departments", "enterprises",
            "state", "minutes", "held_at", "cancel_reason", "cancelled_at", "items", "demands", "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(MeetingDemandRef(many=True))
    def get_demands(self, meeting) -> list:
        """The demands registered as raised at this meeting, with their states."""
        return [{"id": d.pk, "number": d.number, "state": d.state} for d in meeting.demands.all()]


class MeetingListSerializer(MeetingSerializer):
    class Meta(MeetingSerializer.Meta):
        fields = ["id", "region", "kind", "title", "starts_at", "place", "chair", "ticket", "state", "held_at"]
        read_only_fields = fields


def represent(request, pk) -> dict:
    meeting = selectors.meeting_for(request.user, pk, with_items=True)
    return MeetingSerializer(meeting, context={"request": request}).data


# --- input -----------------------------------------------------------------------------------------------------------
class MeetingCreateBody(serializers.Serializer):
    kind = text(help_text="|".join(Kind.values))
    title = text()
    starts_at = AwareDateTimeField(required=False, allow_null=True, default=None,
                                   help_text="召开时间，带时区，如 2026-12-08T09:30:00+08:00")
    place = text()
    chair = text(help_text="主持人（可选）")
    ticket = serializers.IntegerField(required=False, allow_null=True, default=None,
                                      help_text="工单 id：协调会必填（由该工单的牵头部门或联合服务办公室召开）",
                                      error_messages={"invalid": "工单不存在或无权查看。"})
    departments = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                        help_text="参会部门编码，如 [\"anshun-scjg\"]")
    enterprises = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                        help_text="受邀企业的统一社会信用代码（仅企业家见面会）")


class MeetingItemBody(serializers.Serializer):
    demand = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="诉求 id",
                                      error_messages={"invalid": "诉求不存在、无权查看或不属于本区域。"})
    ticket = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="工单 id",
                                      error_messages={"invalid": "工单不存在、无权查看或不属于本区域。"})
    title = text(help_text="文字议题；demand、ticket、title 三者只能给一个")


class MeetingItemCreated(serializers.Serializer):
    id = serializers.IntegerField()
    item = MeetingItemSerializer()


class MeetingHoldBody(serializers.Serializer):
    minutes = text(help_text="会议纪要")


class MeetingCancelBody(serializers.Serializer):
    reason = text(help_text="取消原因")


class MeetingDecideBody(serializers.Serializer):
    outcome = text(help_text="|".join(Outcome.values))
    decision = text(help_text="会议决定")
    department = code(help_text="责任单位编码（assigned 必填）")
    due_date = serializers.CharField(required=False, allow_null=True, allow_blank=True, default=None,
                                     help_text="办理期限 YYYY-MM-DD（assigned 必填，或改给 due_working_days）")
    due_working_days = serializers.IntegerField(required=False, allow_null=True, default=None,
                                                help_text="可选：从今天起 N 个工作日（按工作日历计算办理期限，代替 due_date）",
                                                error_messages={"invalid": "办理时限应为整数（工作日）。"})


class MeetingFollowUpBody(serializers.Serializer):
    note = text(help_text="落实情况")


# --- views -----------------------------------------------------------------------------------------------------------
class MeetingListView(ContractErrors, generics.ListAPIView):
    serializer_class = MeetingListSerializer

    def get_queryset(self):
        filters = choice_filters(self.request.query_params, {"kind": Kind, "state": Meeting.State})
        return selectors.list_meetings(self.request.user, **filters)

    @extend_schema(
        summary="会议列表（本区域的工作人员）",
        parameters=[OpenApiParameter("kind", str, enum=Kind.values),
                    OpenApiParameter("state", str, enum=Meeting.State.values)],
        description="403 角色不能查看会议。",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="召开会议（创建，状态 planned）", request=MeetingCreateBody, responses={201: MeetingSerializer},
        description="分析研判会、企业家见面会：联合服务办公室；协调会：工单的牵头部门或联合服务办公室（ticket 必填）；"
                    "一事一议专项调度：政府办公室。400 字段有误；403 角色或部门不能召开该类会议。",
    )
    def post(self, request):
        body = MeetingCreateBody(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        meeting = services.meeting_create(actor=request.user, **data)
        return Response(represent(request, meeting.pk), status=201)


class MeetingDetailView(ContractErrors, APIView):
    @extend_schema(summary="会议详情（含议题与会上诉求）", responses=MeetingSerializer,
                   description="403 角色不能查看会议；404 会议不存在或属于其他区域。")
    def get(self, request, pk: int):
        return Response(represent(request, pk))


class ItemListView(ContractErrors, APIView):
    @extend_schema(
        summary="增加议题（会议召开前）", request=MeetingItemBody, responses={201: MeetingItemCreated},
        description="demand、ticket、title 三者给且只给一个；诉求、工单须为调用者可查看的本区域记录。"
                    "400 输入有误；403 无权；404 会议不存在；409 会议已召开或已取消。",
    )
    def post(self, request, pk: int):
        meeting = selectors.meeting_for(request.user, pk)
        body = MeetingItemBody(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.meeting_add_item(actor=request.user, meeting=meeting, **body.validated_data)
        item = selectors.items_queryset().get(pk=item.pk)
        return Response({"id": item.pk, "item": MeetingItemSerializer(item).data}, status=201)


class HoldView(ContractErrors, APIView):
    @extend_schema(summary="登记会议召开及会议纪要", request=MeetingHoldBody, responses=MeetingSerializer,
                   description="400 未填会议纪要；403 无权；404 会议不存在；409 会议不是待召开状态。")
    def post(self, request, pk: int):
        meeting = selectors.meeting_for(request.user, pk)
        body = MeetingHoldBody(data=request.data)
        body.is_valid(raise_exception=True)
        services.meeting_hold(actor=request.user, meeting=meeting, **body.validated_data)
        return Response(represent(request, pk))


class CancelView(ContractErrors, APIView):
    @extend_schema(summary="取消会议", request=MeetingCancelBody, responses=MeetingSerializer,
                   description="400 未填取消原因；403 无权；404 会议不存在；409 会议不是待召开状态。")
    def post(self, request, pk: int):
        meeting = selectors.meeting_for(request.user, pk)
        body = MeetingCancelBody(data=request.data)
        body.is_valid(raise_exception=True)
        services.meeting_cancel(actor=request.user, meeting=meeting, **body.validated_data)
        return Response(represent(request, pk))


class DecideView(ContractErrors, APIView):
    @extend_schema(
        summary="对议题作出会议决定", request=MeetingDecideBody, responses=MeetingItemSerializer,
        description="outcome：resolved 已解决；assigned 明确责任单位限期办理（department 与 due_date 必填，或以 "
                    "due_working_days 按工作日计算期限）；to_government 报市人民政府研究；to_province 提级办理。"
                    "assigned 的工单议题通知该工单的牵头部门。400 输入有误；403 无权；404 会议或议题不存在；"
                    "409 会议尚未召开，或议题已作出决定。",
    )
    def post(self, request, pk: int, item: int):
        meeting = selectors.meeting_for(request.user, pk)
        body = MeetingDecideBody(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.item_decide(actor=request.user, meeting=meeting, item=item, **body.validated_data)
        return Response(MeetingItemSerializer(selectors.items_queryset().get(pk=row.pk)).data)


class FollowUpView(ContractErrors, APIView):
    @extend_schema(summary="登记会议决定的落实情况（责任单位或联合服务办公室）", request=MeetingFollowUpBody,
                   responses=MeetingItemSerializer,
                   description="400 未填落实情况；403 无权；404 会议或议题不存在；409 议题尚未决定或已登记落实。")
    def post(self, request, pk: int, item: int):
        meeting = selectors.meeting_for(request.user, pk)
        body = MeetingFollowUpBody(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.item_follow_up(actor=request.user, meeting=meeting, item=item, **body.validated_data)
        return Response(MeetingItemSerializer(selectors.items_queryset().get(pk=row.pk)).data)

