"""The catalogue over the API (OUTREACH §1): the public list and item, and department staff's draft, edit, publish
and retire. Errors as API.md: 400 {"errors": {field: [..]}}, 403, 404, 409 {"error": "…"}."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department, Domain
from catalogue import selectors, services
from catalogue.models import GUIDE_FIELDS, Kind, ServiceItem
from core.api import ContractErrors, NoBody


# --- representation --------------------------------------------------------------------------------------------------
class MaterialOut(serializers.Serializer):
    name = serializers.CharField()
    original = serializers.BooleanField(help_text="true：原件；false：复印件")
    copies = serializers.IntegerField()
    note = serializers.CharField(allow_blank=True)


class AttachmentOut(serializers.Serializer):
    name = serializers.CharField(source="original_name")
    kind = serializers.CharField()
    url = serializers.SerializerMethodField()

    class Meta:
        ref_name = "ServiceAttachmentOut"  # policies.api has its own AttachmentOut

    def get_url(self, attachment) -> str:
        path = reverse("catalogue:file", args=[attachment.item.code, attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ServiceItemSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="实施部门编码")
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    domain = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="业务领域编码（SPEC §2）")
    materials = serializers.SerializerMethodField()
    attachments = AttachmentOut(many=True, read_only=True)
    fee = serializers.CharField(read_only=True, help_text="空字符串表示不收费")

    class Meta:
        model = ServiceItem
        fields = [
            "code", "department", "region", "name", "domain", "kind", "basis", "conditions", "materials", "steps",
            "legal_days", "promised_days", "fee", "location", "hours", "phone", "online_url", "responsibility",
            "attachments", "state", "published_at", "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(MaterialOut(many=True))
    def get_materials(self, item) -> list:
        return item.materials or []


class ManagedServiceItemSerializer(ServiceItemSerializer):
    """What the department staff who wrote it get back: plus the edit that waits for publication."""

    pending = serializers.JSONField(read_only=True, allow_null=True,
                                    help_text="已发布事项的待发布修改（同上各字段）；没有时为 null。公众看到的仍是上面的字段。")

    class Meta(ServiceItemSerializer.Meta):
        fields = [*ServiceItemSerializer.Meta.fields, "pending"]
        read_only_fields = fields


def _queryset():
    return ServiceItem.objects.select_related("department", "region", "domain").prefetch_related("attachments__item")


def represent_managed(request, item: ServiceItem) -> dict:
    item = _queryset().get(pk=item.pk)
    return ManagedServiceItemSerializer(item, context={"request": request}).data


# --- input -----------------------------------------------------------------------------------------------------------
def _loose_text(**kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, allow_null=True, trim_whitespace=False, **kwargs)


def _days(label: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, help_text=f"{label}（工作日）",
        error_messages={"invalid": f"{label}必须是整数（工作日）。", "max_string_length": f"{label}太长。"},
    )


class GuideBody(serializers.Serializer):
    """Every field optional in the shape: the act says which are missing or wrong, in Chinese, all at once."""

    name = _loose_text(help_text="事项名称")
    domain = _loose_text(help_text="业务领域编码，如 market")
    kind = _loose_text(help_text="|".join(Kind.values))
    basis = _loose_text(help_text="设定依据")
    conditions = _loose_text(help_text="申请条件")
    materials = serializers.JSONField(required=False, allow_null=True,
                                      help_text='申请材料：[{"name", "original": bool, "copies": int, "note"}]')
    steps = _loose_text(help_text="办理流程")
    legal_days = _days("法定办结时限")
    promised_days = _days("承诺办结时限（不超过法定时限）")
    fee = _loose_text(help_text="收费标准；空表示不收费")
    location = _loose_text(help_text="办理地点")
    hours = _loose_text(help_text="办理时间")
    phone = _loose_text(help_text="咨询电话")
    online_url = _loose_text(help_text="网上办理地址，必须以 https:// 开头")
    responsibility = _loose_text(help_text="职责依据")


class CreateBody(GuideBody):
    department = _loose_text(help_text="默认调用者所在部门；联合服务办公室可指定本区域的部门")


# --- views -----------------------------------------------------------------------------------------------------------
def _lookup(model, code: str, field: str, errors: dict):
    if not code:
        return None
    row = model.objects.filter(code=code).first()
    if row is None:
        errors[field] = [f"编码“{code}”不存在。"]
    return row


class ServiceListView(ContractErrors, generics.ListAPIView):
    serializer_class = ServiceItemSerializer

    def get_permissions(self):
        if self.request.method == "GET":
            return [permissions.AllowAny()]
        return super().get_permissions()

    def get_queryset(self):
        params = self.request.query_params
        errors: dict[str, list[str]] = {}
        department = _lookup(Department, (params.get("department") or "").strip(), "department", errors)
        domain = _lookup(Domain, (params.get("domain") or "").strip(), "domain", errors)
        kind = (params.get("kind") or "").strip()
        if kind and kind not in Kind.values:
            errors["kind"] = [f"无效的取值“{kind}”，可选：{'、'.join(Kind.values)}。"]
        if errors:
            raise ValidationError(errors)
        items = selectors.search_published(q=params.get("q") or "", department=department, domain=domain, kind=kind)
        return (
            items.select_related("department", "region", "domain").prefetch_related("attachments__item")
            .order_by("region__sort_order", "department__sort_order", "code")
        )

    @extend_schema(
        summary="已发布的服务事项（公开，无需登录）",
        parameters=[
            OpenApiParameter("q", str, description="关键词：事项名称、申请条件、材料名称（两个字以上的中文词或片段）"),
            OpenApiParameter("department", str, description="实施部门编码，如 anshun-scjg"),
            OpenApiParameter("domain", str, description="业务领域编码，如 market"),
            OpenApiParameter("kind", str, enum=Kind.values),
        ],
        auth=[],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="新建服务事项（草稿；部门工作人员）", request=CreateBody, responses={201: ManagedServiceItemSerializer},
        description="400 字段有误（中文说明）；403 角色不能管理服务事项或为他部门新建。事项编码自动生成：{部门编码}-NNNN。",
    )
    def post(self, request):
        selectors.require_manager(request.user)
        body = CreateBody(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        item = services.item_create(
            actor=request.user, department=data.get("department") or None,
            **{name: data.get(name) for name in GUIDE_FIELDS},
        )
        return Response(represent_managed(request, item), status=201)


class ServiceDetailView(ContractErrors, APIView):
    def get_permissions(self):
        if self.request.method == "GET":
            return [permissions.AllowAny()]
        return super().get_permissions()

    @extend_schema(summary="服务事项详情（公开；仅已发布）", responses=ServiceItemSerializer, auth=[],
                   description="404 事项不存在、未发布或已停用。")
    def get(self, request, code: str):
        item = selectors.public_item(code)
        item = _queryset().get(pk=item.pk)
        return Response(ServiceItemSerializer(item, context={"request": request}).data)

    @extend_schema(
        summary="修改服务事项（部门工作人员、本区域联合服务办公室）", request=GuideBody,
        responses=ManagedServiceItemSerializer,
        description="只改所给字段。草稿直接修改；已发布的事项修改保存在 pending 中，公众仍看到当前版本，再次发布后生效。"
                    "400 字段有误；403 角色无权；404 事项不存在或不归调用者管理；409 已停用。",
    )
    def patch(self, request, code: str):
        item = selectors.managed_item(request.user, code)
        body = GuideBody(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        changes = {name: value for name, value in body.validated_data.items() if name in request.data}
        item = services.item_update(actor=request.user, item=item, **changes)
        return Response(represent_managed(request, item))


ACTION_DESCRIPTION = (
    "200 操作后的事项。403 角色无权；404 事项不存在或不归调用者管理；409 当前状态不允许（已停用，或已发布且没有待发布的修改）。"
)


class ServiceActionView(ContractErrors, APIView):
    action_name = ""
    ACTS = {"publish": services.item_publish, "retire": services.item_retire}

    def act(self, request, code: str):
        act = self.ACTS.get(self.action_name)
        if act is None:
            raise Http404("没有这个操作。")
        item = selectors.managed_item(request.user, code)
        item = act(actor=request.user, item=item)
        return Response(represent_managed(request, item))


class ServicePublishView(ServiceActionView):
    action_name = "publish"

    @extend_schema(summary="发布服务事项（草稿首次发布，或发布已发布事项的修改；之前的版本保留在历史中）",
                   request=NoBody, responses=ManagedServiceItemSerializer, description=ACTION_DESCRIPTION)
    def post(self, request, code: str):
        return self.act(request, code)


class ServiceRetireView(ServiceActionView):
    action_name = "retire"

    @extend_schema(summary="停用服务事项（本部门工作人员；本区域联合服务办公室可停用任何事项）",
                   request=NoBody, responses=ManagedServiceItemSerializer, description=ACTION_DESCRIPTION)
    def post(self, request, code: str):
        return self.act(request, code)
