"""Chamber rotation over the API (OUTREACH §4): chambers, the year's rotation entries, activities with the demands
registered there. Read by every staff role of the region (a chamber user: its own chamber's activities), written by
the region's federation (`{region}-gsl`; a chamber user records its own chamber's activities); others → 403. The acts
are those of the web screens (chambers.services)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from chambers import selectors, services
from chambers.models import Activity, Chamber, RotationEntry
from core.api import ContractErrors, choice_filters, code, text
from core.pagination import BoundedPagination


# --- representation ------------------------------------------------------------------------------------------------
class ChamberSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="区域编码")

    class Meta:
        model = Chamber
        fields = ["id", "name", "kind", "region", "contact"]
        read_only_fields = fields


class RotationSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="plan.year")
    chamber = serializers.IntegerField(source="chamber_id", help_text="商会 id")
    chamber_name = serializers.CharField(source="chamber.name")
    published = serializers.BooleanField(source="plan.published", help_text="所在年度计划是否已发布")
    activities_count = serializers.SerializerMethodField()
    demands_count = serializers.SerializerMethodField()

    class Meta:
        model = RotationEntry
        fields = ["id", "year", "chamber", "chamber_name", "starts_on", "ends_on", "theme", "published",
                  "activities_count", "demands_count"]
        read_only_fields = fields

    def get_activities_count(self, entry) -> int:
        return getattr(entry, "activity_count", 0)

    def get_demands_count(self, entry) -> int:
        return getattr(entry, "demand_count", 0)


class FileOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return f"/chambers/files/{attachment.pk}/"


class ActivitySerializer(serializers.ModelSerializer):
    chamber = serializers.IntegerField(source="chamber_id", help_text="商会 id")
    chamber_name = serializers.CharField(source="chamber.name")
    rotation = serializers.IntegerField(source="entry_id", allow_null=True, help_text="轮值安排 id；不属于轮值计划时为 null")
    departments = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True, help_text="参加部门编码")
    attachments = FileOut(source="files", many=True, read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "chamber", "chamber_name", "kind", "held_on", "place", "summary", "rotation", "departments",
                  "enterprises_count", "attachments", "created_at"]
        read_only_fields = fields


class DemandOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField(help_text="诉求状态编码（API.md）")


class ActivityDetailSerializer(ActivitySerializer):
    demands = serializers.SerializerMethodField()

    class Meta(ActivitySerializer.Meta):
        fields = [*ActivitySerializer.Meta.fields, "demands"]
        read_only_fields = fields

    @extend_schema_field(DemandOut(many=True))
    def get_demands(self, activity) -> list[dict]:
        return [{"id": d.pk, "number": d.number, "state": d.state} for d in selectors.demands_of(activity)]


# --- input ---------------------------------------------------------------------------------------------------------
class ChamberBody(serializers.Serializer):
    name = text()
    kind = text(help_text="chamber（商会）|association（行业协会）")
    region = code(help_text="区域编码；默认调用者所在区域，只能是本区域")
    contact = text()


class RotationBody(serializers.Serializer):
    year = serializers.JSONField(required=False, allow_null=True, help_text="年度，如 2026")
    chamber = serializers.JSONField(required=False, allow_null=True, help_text="商会 id")
    starts_on = text(help_text="YYYY-MM-DD，须在该年度内")
    ends_on = text(help_text="YYYY-MM-DD，不早于 starts_on")
    theme = text()


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class _CodeList(serializers.JSONField):
    """A list of codes, its shape checked by the act together with every other field (all errors at once)."""


class ActivityBody(serializers.Serializer):
    chamber = serializers.JSONField(required=False, allow_null=True, help_text="商会 id")
    kind = text(help_text="|".join(Activity.Kind.values))
    held_on = text(help_text="YYYY-MM-DD，不晚于今天")
    place = text()
    summary = text()
    rotation = serializers.JSONField(required=False, allow_null=True, help_text="轮值安排 id（须为同一商会的轮值）")
    departments = _CodeList(required=False, allow_null=True, help_text="参加部门编码列表，如 [\"anshun-sw\"]")
    enterprises_count = serializers.JSONField(required=False, allow_null=True, help_text="参加企业数（整数）")


def _body(serializer_class, request) -> dict:
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": ["请求体应为 JSON 对象。"]})
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def _page(view, request, queryset, serializer_class):
    paginator = BoundedPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


# --- chambers ------------------------------------------------------------------------------------------------------
class ChamberListView(ContractErrors, APIView):
    @extend_schema(summary="本区域的商会和行业协会", parameters=[OpenApiParameter("page", int)],
                   responses=ChamberSerializer(many=True))
    def get(self, request):
        return _page(self, request, selectors.chambers_for(request.user).order_by("kind", "name", "id"),
                     ChamberSerializer)

    @extend_schema(summary="登记商会或行业协会（工商联工作人员）", request=ChamberBody, responses={201: ChamberSerializer},
                   description="400：名称为空、类别无效或本区域已有同名商会；403：非本区域工商联工作人员。")
    def post(self, request):
        chamber = services.chamber_create(actor=request.user, data=_body(ChamberBody, request))
        return Response(ChamberSerializer(Chamber.objects.select_related("region").get(pk=chamber.pk)).data,
                        status=201)


# --- rotations -----------------------------------------------------------------------------------------------------
def _year(params) -> int:
    value = params.get("year")
    if value in (None, ""):
        return timezone.localdate().year
    if not str(value).isdigit() or not 2000 <= int(value) <= 2099:
        raise ValidationError({"year": ["年度应为 2000～2099 之间的整数。"]})
    return int(value)


class RotationListView(ContractErrors, APIView):
    @extend_schema(
        summary="本区域某年度的轮值安排（含各安排的活动数和诉求数）",
        parameters=[OpenApiParameter("year", int, description="年度，默认今年"), OpenApiParameter("page", int)],
        responses=RotationSerializer(many=True),
    )
    def get(self, request):
        return _page(self, request, selectors.entries_for(request.user, _year(request.query_params)),
                     RotationSerializer)

    @extend_schema(summary="加入轮值安排（工商联工作人员；该年度没有计划时新建草稿计划）", request=RotationBody,
                   responses={201: RotationSerializer},
                   description="400：同一商会的轮值时间重叠、结束日期早于开始日期、日期越界或不在该年度内。")
    def post(self, request):
        entry = services.entry_add(actor=request.user, data=_body(RotationBody, request))
        return Response(RotationSerializer(selectors.with_counts(RotationEntry.objects.filter(pk=entry.pk)).get()).data,
                        status=201)


# --- activities ----------------------------------------------------------------------------------------------------
def _activities(user):
    return selectors.activities_for(user).select_related("chamber").prefetch_related("departments", "files")


class ActivityListView(ContractErrors, APIView):
    @extend_schema(
        summary="商会活动（本区域；商会工作人员为本商会的）",
        parameters=[OpenApiParameter("kind", str, enum=Activity.Kind.values),
                    OpenApiParameter("chamber", int, description="商会 id"), OpenApiParameter("page", int)],
        responses=ActivitySerializer(many=True),
    )
    def get(self, request):
        params = request.query_params
        activities = _activities(request.user).filter(**choice_filters(params, {"kind": Activity.Kind}))
        chamber = params.get("chamber")
        if chamber not in (None, ""):
            if not str(chamber).isdigit():
                raise ValidationError({"chamber": ["商会 id 应为整数。"]})
            activities = activities.filter(chamber_id=int(chamber))
        return _page(self, request, activities.order_by("-held_on", "-id"), ActivitySerializer)

    @extend_schema(summary="登记商会活动（工商联工作人员；商会工作人员只能为本商会登记）", request=ActivityBody,
                   responses={201: ActivityDetailSerializer},
                   description="400：输入有误，或 rotation 不是该商会的轮值；403：为其他商会登记。")
    def post(self, request):
        activity = services.activity_record(actor=request.user, data=_body(ActivityBody, request))
        return Response(represent_activity(request.user, activity.pk), status=201)


def represent_activity(user, pk) -> dict:
    return ActivityDetailSerializer(selectors.activity_for(user, pk)).data


class ActivityDetailView(ContractErrors, APIView):
    @extend_schema(summary="商会活动详情（含在活动中登记的诉求及其状态）", responses=ActivityDetailSerializer)
    def get(self, request, pk):
        return Response(represent_activity(request.user, pk))
