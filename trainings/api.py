"""Training sessions over the API (OUTREACH §3): the public list and page with an .ics file, department staff's
create / publish / cancel / hold and attendance, the enterprise's sign-up, its cancellation and feedback. The acts are
those of the web screens (trainings.services)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import (
    AwareDateTimeField,
    ContractErrors,
    ReasonBody,
    choice_filters,
    code,
    text,
)
from core.pagination import BoundedPagination
from policies.api import PublicRead
from trainings import ics, rules, selectors, services
from trainings.models import Topic, TrainingSession


# --- representation ------------------------------------------------------------------------------------------------
class TrainingAttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return f"/trainings/files/{attachment.pk}/"


class TrainingSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    policies = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    attachments = TrainingAttachmentOut(many=True, read_only=True)
    seats_left = serializers.IntegerField(help_text="剩余名额")
    signed_up = serializers.SerializerMethodField(help_text="调用者（企业用户）是否已报名")

    class Meta:
        model = TrainingSession
        fields = [
            "id", "department", "region", "topic", "title", "description", "starts_at", "ends_at", "venue",
            "online_url", "capacity", "signup_closes_at", "policies", "attachments", "state", "seats_taken",
            "seats_left", "signed_up", "published_at", "cancel_reason", "updated_at",
        ]
        read_only_fields = fields

    def get_signed_up(self, session) -> bool:
        return session.pk in self.context.get("signed_up", set())


def _with_relations(queryset):
    return queryset.select_related("department", "region").prefetch_related("policies", "attachments")


def represent(request, pk) -> dict:
    session = _with_relations(TrainingSession.objects.filter(pk=pk)).get()
    return TrainingSerializer(session, context={"signed_up": selectors.signed_up_ids(request.user, [session])}).data


def _readable(user, pk) -> TrainingSession:
    """Published or held: anybody. Otherwise only the session's managers (everyone else: 404, as for a missing one)."""
    session = _with_relations(TrainingSession.objects.filter(pk=pk)).first() if str(pk).isdigit() else None
    if session is None:
        raise Http404(selectors.NOT_FOUND)
    if session.is_public or (user.is_authenticated and rules.may_manage(session, user)):
        return session
    raise Http404(selectors.NOT_FOUND)


def _public(pk) -> TrainingSession:
    return selectors.public_session_or_404(pk)


# --- input ---------------------------------------------------------------------------------------------------------
class TrainingBody(serializers.Serializer):
    """The fields a session is written with; the act checks them (400 with Chinese messages per field)."""

    department = code(help_text="主办部门编码；默认调用者所在部门（办公室可指定本区域的部门）")
    topic = text(help_text="|".join(Topic.values))
    title = text()
    description = text()
    starts_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    ends_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    signup_closes_at = AwareDateTimeField(required=False, allow_null=True, default=None)
    venue = text(help_text="地点；与 online_url 至少填一项")
    online_url = text(help_text="https:// 开头")
    capacity = serializers.JSONField(required=False, allow_null=True, default=None, help_text="名额，正整数")
    policies = serializers.ListField(child=serializers.JSONField(), required=False, default=list,
                                     help_text="相关惠企政策 id（须为已发布政策）")


class AttendanceBody(serializers.Serializer):
    users = serializers.ListField(child=serializers.CharField(), allow_empty=True, help_text="报名人的用户名")
    attended = serializers.BooleanField()


class FeedbackBody(serializers.Serializer):
    score = serializers.JSONField(required=False, allow_null=True, default=None, help_text="1～5 的整数")
    comment = text()


class FeedbackOut(serializers.Serializer):
    score = serializers.IntegerField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class AttendanceOut(serializers.Serializer):
    updated = serializers.IntegerField(help_text="本次登记的报名人数")


def _upcoming(params) -> bool:
    value = params.get("upcoming")
    if value in (None, "", "false"):
        return False
    if value != "true":
        raise ValidationError({"upcoming": [f"无效的取值“{value[:20]}”，可选：true、false。"]})
    return True


CONFLICTS = "409 已满、报名已截止、培训已取消或已报名"


# --- sessions ------------------------------------------------------------------------------------------------------
class TrainingListView(ContractErrors, APIView):
    permission_classes = [PublicRead]
    pagination_class = BoundedPagination

    @extend_schema(
        summary="已发布的宣讲培训（公开）",
        parameters=[
            OpenApiParameter("upcoming", str, enum=["true", "false"], description="true：仅未开始的已发布培训，按开始时间排序"),
            OpenApiParameter("topic", str, enum=Topic.values),
            OpenApiParameter("page", int),
        ],
        responses=TrainingSerializer(many=True),
    )
    def get(self, request):
        params = request.query_params
        filters = choice_filters(params, {"topic": Topic})
        queryset = selectors.public_sessions(upcoming=_upcoming(params), topic=filters.get("topic", ""))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(_with_relations(queryset), request, view=self)
        context = {"signed_up": selectors.signed_up_ids(request.user, page)}
        return paginator.get_paginated_response(TrainingSerializer(page, many=True, context=context).data)

    @extend_schema(summary="新建培训（草稿；部门工作人员、办公室）", request=TrainingBody, responses={201: TrainingSerializer})
    def post(self, request):
        selectors.require_manager(request.user)
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["请求体应为 JSON 对象。"]})
        body = TrainingBody(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        department = data.pop("department", None)
        session = services.session_create(actor=request.user, data=data, department=department)
        return Response(represent(request, session.pk), status=201)


class TrainingDetailView(ContractErrors, APIView):
    permission_classes = [PublicRead]

    @extend_schema(summary="培训详情（公开；草稿和已取消的仅主办部门和办公室可见）", responses=TrainingSerializer)
    def get(self, request, pk):
        session = _readable(request.user, pk)
        return Response(TrainingSerializer(session, context={
            "signed_up": selectors.signed_up_ids(request.user, [session])}).data)


class TrainingIcsView(ContractErrors, APIView):
    permission_classes = [PublicRead]

    @extend_schema(summary="培训的日历文件（.ics，公开）",
                   responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR, description="iCalendar 文件")})
    def get(self, request, pk):
        session = _public(pk)
        body = ics.session_ics(session, url=request.build_absolute_uri(services.session_url(session)))
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="training-{session.pk}.ics"'
        return response


class _StaffAction(ContractErrors, APIView):
    def session(self, request, pk) -> TrainingSession:
        return selectors.session_for_staff(request.user, pk)


class TrainingPublishView(_StaffAction):
    @extend_schema(summary="发布培训（草稿 → 已发布）", request=None, responses=TrainingSerializer)
    def post(self, request, pk):
        services.session_publish(actor=request.user, session=self.session(request, pk))
        return Response(represent(request, pk))


class TrainingCancelView(_StaffAction):
    @extend_schema(summary="取消培训（草稿或已发布 → 已取消），须写明原因；报名人会收到通知", request=ReasonBody,
                   responses=TrainingSerializer)
    def post(self, request, pk):
        session = self.session(request, pk)
        body = ReasonBody(data=request.data)
        body.is_valid(raise_exception=True)
        services.session_cancel(actor=request.user, session=session, reason=body.validated_data["reason"] or "")
        return Response(represent(request, pk))


class TrainingHoldView(_StaffAction):
    @extend_schema(summary="标记培训已举办（已发布且已开始 → 已举办）", request=None, responses=TrainingSerializer)
    def post(self, request, pk):
        services.session_hold(actor=request.user, session=self.session(request, pk))
        return Response(represent(request, pk))


class TrainingAttendanceView(_StaffAction):
    @extend_schema(summary="登记出席（主办部门、办公室；培训开始后）", request=AttendanceBody, responses=AttendanceOut)
    def post(self, request, pk):
        session = self.session(request, pk)
        body = AttendanceBody(data=request.data)
        body.is_valid(raise_exception=True)
        updated = services.attendance_record(actor=request.user, session=session,
                                             usernames=body.validated_data["users"],
                                             attended=body.validated_data["attended"])
        return Response({"updated": updated})


class TrainingSignupView(ContractErrors, APIView):
    @extend_schema(summary="报名（企业用户）", request=None,
                   responses={201: TrainingSerializer, 409: OpenApiResponse(description=CONFLICTS)})
    def post(self, request, pk):
        services.signup(actor=request.user, session=selectors.signup_target_or_404(pk))
        return Response(represent(request, pk), status=201)


class TrainingSignupCancelView(ContractErrors, APIView):
    @extend_schema(summary="取消报名（企业用户，报名截止前）", request=None, responses=TrainingSerializer)
    def post(self, request, pk):
        services.signup_cancel(actor=request.user, session=selectors.signup_target_or_404(pk))
        return Response(represent(request, pk))


class TrainingFeedbackView(ContractErrors, APIView):
    @extend_schema(summary="评价培训（出席的企业用户，培训结束后，一次）", request=FeedbackBody,
                   responses={201: FeedbackOut})
    def post(self, request, pk):
        session = _public(pk)
        body = FeedbackBody(data=request.data)
        body.is_valid(raise_exception=True)
        feedback = services.feedback_give(actor=request.user, session=session, score=body.validated_data["score"],
                                          comment=body.validated_data["comment"] or "")
        return Response(FeedbackOut(feedback).data, status=201)

