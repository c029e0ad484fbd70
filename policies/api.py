"""Policies over the API (OUTREACH §2): the public list and page, department staff's create / update / publish /
withdraw, the enterprise's profile and its matched policies, and staff's tag grants. The acts are those of the web
screens (policies.services, policies.profile, enterprises.tags)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import uscc as uscc_rules
from accounts.models import Enterprise
from accounts.permissions import PlatformPermission
from core.api import ContractErrors, choice_filters, code, text
from core.pagination import BoundedPagination
from policies import profile, selectors, services
from policies.models import Mode, Policy, Reach


# --- permissions ---------------------------------------------------------------------------------------------------
class PublicRead(permissions.BasePermission):
    """Reading is open to everybody (published records only); writing needs a caller the platform admits."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        checker = PlatformPermission()
        allowed = checker.has_permission(request, view)
        if not allowed:
            self.message = checker.message
        return allowed


# --- representation ------------------------------------------------------------------------------------------------
class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return f"/policies/files/{attachment.pk}/"


class PolicySerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    domains = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    industries = serializers.ListField(child=serializers.CharField())
    scales = serializers.ListField(child=serializers.CharField())
    regions = serializers.ListField(child=serializers.CharField())
    tags = serializers.ListField(child=serializers.CharField())
    active = serializers.SerializerMethodField()
    attachments = AttachmentOut(many=True, read_only=True)

    class Meta:
        model = Policy
        fields = [
            "id", "title", "doc_number", "department", "region", "issued_on", "effective_from", "effective_to",
            "summary", "full_text", "domains", "mode", "apply_url", "contact", "industries", "scales", "regions",
            "min_years", "max_years", "tags", "state", "active", "published_at", "updated_at", "attachments",
        ]
        read_only_fields = fields

    def get_active(self, policy) -> bool:
        return policy.is_active()


class PublishedPolicySerializer(PolicySerializer):
    matched = serializers.IntegerField(help_text="现有多少家已认证企业符合适用条件")

    class Meta(PolicySerializer.Meta):
        fields = [*PolicySerializer.Meta.fields, "matched"]
        read_only_fields = fields


def _with_relations(queryset):
    return queryset.select_related("department", "region").prefetch_related("domains", "attachments")


def represent(pk, **extra) -> dict:
    policy = _with_relations(Policy.objects.filter(pk=pk)).get()
    data = PolicySerializer(policy).data
    data.update(extra)
    return data


def _readable(user, pk) -> Policy:
    """Published: anybody. Otherwise only the policy's editors (everyone else: 404, as for a missing one)."""
    policy = _with_relations(Policy.objects.filter(pk=pk)).first() if str(pk).isdigit() else None
    if policy is None:
        raise Http404(selectors.NOT_FOUND)
    if policy.state == Policy.State.PUBLISHED or (user.is_authenticated and selectors.may_edit(user, policy)):
        return policy
    raise Http404(selectors.NOT_FOUND)


# --- input ---------------------------------------------------------------------------------------------------------
def _codes(**kwargs) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(allow_blank=True), required=False, **kwargs)


class PolicyBody(serializers.Serializer):
    """The fields a policy is written with; the act checks them (400 with Chinese messages per field)."""

    department = code(help_text="发布部门编码；默认调用者所在部门（办公室可指定本区域的部门）")
    title = text()
    doc_number = text()
    issued_on = text(help_text="YYYY-MM-DD")
    effective_from = text(help_text="YYYY-MM-DD")
    effective_to = text(help_text="YYYY-MM-DD，可为空")
    summary = text()
    full_text = text()
    domains = _codes(help_text="业务领域编码")
    mode = text(help_text="|".join(Mode.values))
    apply_url = text(help_text="https:// 开头")
    contact = text()
    industries = _codes(help_text="GB/T 4754-2017 门类字母 A–T；空表示不限")
    scales = _codes(help_text="large|medium|small|micro；空表示不限")
    regions = _codes(help_text="区域编码（发布区域或其下辖区域）；空表示发布区域及其下辖区域")
    min_years = serializers.JSONField(required=False, allow_null=True, help_text="整数，可为 null")
    max_years = serializers.JSONField(required=False, allow_null=True, help_text="整数，可为 null")
    tags = _codes(help_text="企业标签编码；须全部具备")


def _body(request) -> dict:
    """The fields the caller sent (a PATCH changes only those); shapes checked by PolicyBody."""
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": ["请求体应为 JSON 对象。"]})
    body = PolicyBody(data=request.data, partial=True)
    body.is_valid(raise_exception=True)
    return {name: body.validated_data[name] for name in request.data if name in body.validated_data}


def _active_filter(params) -> bool | None:
    value = params.get("active")
    if value in (None, ""):
        return None
    if value not in ("true", "false"):
        raise ValidationError({"active": [f"无效的取值“{value[:20]}”，可选：true、false。"]})
    return value == "true"


# --- policies ------------------------------------------------------------------------------------------------------
class PolicyListView(ContractErrors, APIView):
    permission_classes = [PublicRead]
    pagination_class = BoundedPagination

    @extend_schema(
        summary="已发布的惠企政策（公开）",
        parameters=[
            OpenApiParameter("q", str, description="关键词：政策名称、文号、要点"),
            OpenApiParameter("domain", str, description="业务领域编码"),
            OpenApiParameter("mode", str, enum=Mode.values),
            OpenApiParameter("department", str, description="发布部门编码"),
            OpenApiParameter("active", str, enum=["true", "false"]),
            OpenApiParameter("page", int),
        ],
        responses=PolicySerializer(many=True),
    )
    def get(self, request):
        params = request.query_params
        filters = choice_filters(params, {"mode": Mode})
        queryset = selectors.search_published(
            q=(params.get("q") or "")[:100], domain=params.get("domain") or "", mode=filters.get("mode", ""),
            department=params.get("department") or "", active=_active_filter(params),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(_with_relations(queryset), request, view=self)
        return paginator.get_paginated_response(PolicySerializer(page, many=True).data)

    @extend_schema(summary="新建政策（草稿；部门工作人员、办公室）", request=PolicyBody, responses={201: PolicySerializer})
    def post(self, request):
        selectors.require_editor(request.user)
        data = _body(request)
        department = data.pop("department", None)
        policy = services.policy_create(actor=request.user, data=data, department=department)
        return Response(represent(policy.pk), status=201)


class PolicyDetailView(ContractErrors, APIView):
    permission_classes = [PublicRead]

    @extend_schema(summary="政策详情（公开；草稿和已撤回的仅发布部门和办公室可见）", responses=PolicySerializer)
    def get(self, request, pk):
        return Response(PolicySerializer(_readable(request.user, pk)).data)

    @extend_schema(summary="修改政策（草稿或已发布；修改已发布政策的适用条件会向新匹配的企业推送）", request=PolicyBody,
                   responses=PolicySerializer)
    def patch(self, request, pk):
        policy = selectors.policy_for_staff(request.user, pk)
        data = _body(request)
        data.pop("department", None)
        services.policy_update(actor=request.user, policy=policy, data=data)
        return Response(represent(policy.pk))


class PolicyPublishView(ContractErrors, APIView):
    @extend_schema(summary="发布政策（草稿 → 已发布），返回政策和匹配企业数 matched", request=None,
                   responses=PublishedPolicySerializer,
                   description="409：政策不是草稿。发布后向匹配的已认证企业推送（异步）。")
    def post(self, request, pk):
        policy = selectors.policy_for_staff(request.user, pk)
        policy = services.policy_publish(actor=request.user, policy=policy)
        return Response(represent(policy.pk, matched=selectors.matched_count(policy)))


class WithdrawBody(serializers.Serializer):
    reason = text()


class PolicyWithdrawView(ContractErrors, APIView):
    @extend_schema(summary="撤回政策（已发布 → 已撤回），须写明原因", request=WithdrawBody, responses=PolicySerializer,
                   description="409：政策不是已发布状态。")
    def post(self, request, pk):
        policy = selectors.policy_for_staff(request.user, pk)
        body = WithdrawBody(data=request.data)
        body.is_valid(raise_exception=True)
        services.policy_withdraw(actor=request.user, policy=policy, reason=body.validated_data["reason"])
        return Response(represent(policy.pk))


# --- the enterprise ------------------------------------------------------------------------------------------------
class EnterpriseProfileSerializer(serializers.Serializer):
    name = serializers.CharField()
    uscc = serializers.CharField()
    region = serializers.CharField(allow_null=True)
    industry = serializers.CharField(allow_null=True)
    scale = serializers.CharField(allow_null=True)
    established_on = serializers.DateField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    verified = serializers.BooleanField()


class ProfileBody(serializers.Serializer):
    industry = serializers.CharField(required=False, allow_blank=True, allow_null=True, help_text="门类字母 A–T")
    scale = serializers.CharField(required=False, allow_blank=True, allow_null=True, help_text="large|medium|small|micro")
    established_on = serializers.CharField(required=False, allow_blank=True, allow_null=True, help_text="YYYY-MM-DD")


def _profile_of(enterprise: Enterprise) -> dict:
    from enterprises.tags import tag_codes
    from policies.matching import verified_enterprises

    return EnterpriseProfileSerializer({
        "name": enterprise.name, "uscc": enterprise.uscc,
        "region": enterprise.region.code if enterprise.region_id else None,
        "industry": enterprise.industry_id, "scale": enterprise.scale or None,
        "established_on": enterprise.established_on, "tags": tag_codes(enterprise),
        "verified": verified_enterprises().filter(pk=enterprise.pk).exists(),
    }).data


class MeEnterpriseView(ContractErrors, APIView):
    @extend_schema(summary="本企业画像（企业用户）", responses=EnterpriseProfileSerializer)
    def get(self, request):
        enterprise = profile.own_enterprise(request.user)
        return Response(_profile_of(Enterprise.objects.select_related("region").get(pk=enterprise.pk)))

    @extend_schema(summary="修改本企业画像：行业门类、规模、成立日期", request=ProfileBody,
                   responses=EnterpriseProfileSerializer)
    def patch(self, request):
        profile.own_enterprise(request.user)
        body = ProfileBody(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        sent = {name: body.validated_data[name] for name in profile.PROFILE_FIELDS if name in body.validated_data}
        enterprise = profile.profile_update(actor=request.user, data=sent)
        return Response(_profile_of(Enterprise.objects.select_related("region").get(pk=enterprise.pk)))


class MatchedPolicySerializer(PolicySerializer):
    reasons = serializers.ListField(child=serializers.CharField())
    status = serializers.ChoiceField(choices=Reach.Status.choices)

    class Meta(PolicySerializer.Meta):
        fields = [*PolicySerializer.Meta.fields, "reasons", "status"]
        read_only_fields = fields


class ListPagination(BoundedPagination):
    """The contract's pages over a list computed in Python (matching decides each row)."""

    def _count(self, rows, seen):
        return len(rows), True


class MePoliciesView(ContractErrors, APIView):
    @extend_schema(summary="为本企业匹配的有效政策（最新在前，含匹配理由和状态）",
                   parameters=[OpenApiParameter("page", int)], responses=MatchedPolicySerializer(many=True))
    def get(self, request):
        enterprise = profile.own_enterprise(request.user)
        rows = []
        for item in selectors.matched_for_enterprise(enterprise):
            item.policy.reasons, item.policy.status = item.reasons, item.status
            rows.append(item.policy)
        paginator = ListPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(MatchedPolicySerializer(page, many=True).data)


class StatusBody(serializers.Serializer):
    status = text(help_text="interested|applied")


class MePolicyStatusView(ContractErrors, APIView):
    @extend_schema(summary="标记匹配的政策：感兴趣 interested / 已申报 applied", request=StatusBody,
                   responses=inline_serializer("PolicyStatus", {"policy": serializers.IntegerField(),
                                                                "status": serializers.CharField()}))
    def post(self, request, pk):
        profile.own_enterprise(request.user)
        policy = selectors.published_policy(pk)
        if policy is None:
            raise Http404(selectors.NOT_FOUND)
        body = StatusBody(data=request.data)
        body.is_valid(raise_exception=True)
        reach = services.policy_mark(actor=request.user, policy=policy, status=body.validated_data["status"])
        return Response({"policy": policy.pk, "status": reach.status})


# --- tags ----------------------------------------------------------------------------------------------------------
class TagBody(serializers.Serializer):
    tag = text(help_text="标签编码")
    granted = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="true 授予，false 撤销")


class EnterpriseTagsView(ContractErrors, APIView):
    @extend_schema(summary="授予或撤销企业标签（部门工作人员、办公室；企业所在区域或其上级市）", request=TagBody,
                   responses=inline_serializer("EnterpriseTags", {"uscc": serializers.CharField(),
                                                                  "tags": serializers.ListField(child=serializers.CharField()),
                                                                  "changed": serializers.BooleanField()}))
    def post(self, request, uscc):
        from django.core.exceptions import PermissionDenied

        from enterprises.tags import GRANTING_ROLES, may_grant, set_tag, tag_codes

        user = request.user
        if user.role not in GRANTING_ROLES or not user.department_id:
            raise PermissionDenied("只有部门工作人员或企业之家办公室可以认定企业标签。")
        enterprise = Enterprise.objects.select_related("region").filter(uscc=uscc_rules.normalize(uscc)).first()
        if enterprise is None or not may_grant(user, enterprise):
            raise Http404("企业不存在或不属于本区域。")
        body = TagBody(data=request.data)
        body.is_valid(raise_exception=True)
        errors = {}
        if not body.validated_data["tag"]:
            errors["tag"] = ["请填写标签编码。"]
        if body.validated_data["granted"] is None:
            errors["granted"] = ["请说明授予（true）还是撤销（false）。"]
        if errors:
            raise ValidationError(errors)
        changed = set_tag(enterprise=enterprise, tag_code=body.validated_data["tag"],
                          granted=body.validated_data["granted"], by=user)
        return Response({"uscc": enterprise.uscc, "tags": tag_codes(enterprise), "changed": changed})


