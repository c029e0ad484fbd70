"""A policy's reach and 免申即享 list over the API (OUTREACH §2): matched enterprises, the beneficiary list (import,
read, disburse) and the enterprise's own benefits. Same acts and reads as the web screens (policies.beneficiaries,
policies.reach).

Errors as API.md: 400 bad input (an import's `{"errors": {"file": [...], "rows": [{"row", "messages"}]}}`), 403 wrong
role, 404 another department's or region's policy, 409 a policy whose mode has no beneficiary list (or not published,
for an import) and a disbursement of an enterprise already paid.
"""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import generics, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ContractErrors, choice_filters
from core.errors import Conflict
from policies.beneficiaries import (
    MODE_MESSAGE,
    FileRejected,
    beneficiaries_disburse,
    beneficiaries_import,
    beneficiaries_of,
    benefits_of,
    check_beneficiary_policy,
)
from policies.models import BENEFICIARY_MODES, Beneficiary, Reach
from policies.reach import match_rows, matched_enterprises, outreach_policy


class EnterpriseRef(serializers.Serializer):
    name = serializers.CharField()
    uscc = serializers.CharField()


class MatchSerializer(serializers.Serializer):
    enterprise = EnterpriseRef()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="符合条件的理由（中文）")
    notified_at = serializers.DateTimeField(allow_null=True, help_text="精准推送时间；未推送为 null")
    status = serializers.ChoiceField(choices=Reach.Status.choices, help_text="new|read|interested|applied")


class BeneficiarySerializer(serializers.ModelSerializer):
    enterprise = EnterpriseRef(read_only=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, help_text="金额（元），字符串")

    class Meta:
        model = Beneficiary
        fields = ("enterprise", "amount", "note", "state", "disbursed_on", "imported_at")
        read_only_fields = fields


class PolicyRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    mode = serializers.CharField()
    department = serializers.CharField(source="department.code", help_text="发布部门编码")


class BenefitSerializer(BeneficiarySerializer):
    policy = PolicyRef(read_only=True)

    class Meta(BeneficiarySerializer.Meta):
        fields = ("policy", "amount", "note", "state", "disbursed_on", "imported_at")
        read_only_fields = fields


class ImportBody(serializers.Serializer):
    file = serializers.FileField(help_text=".xlsx，列 uscc、amount、note；最多 10000 行")


class DisburseBody(serializers.Serializer):
    uscc = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False, default=list,
                                 help_text="要登记兑付的企业的统一社会信用代码")
    on = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None,
                               help_text="兑付日期 YYYY-MM-DD：不晚于今天，不早于政策生效日期")


IMPORT_ERRORS = inline_serializer("BeneficiaryImportErrors", {
    "errors": inline_serializer("BeneficiaryImportErrorDetail", {
        "file": serializers.ListField(child=serializers.CharField()),
        "rows": serializers.ListField(child=inline_serializer("BeneficiaryRowError", {
            "row": serializers.IntegerField(help_text="表格中的行号（标题为第 1 行）"),
            "messages": serializers.ListField(child=serializers.CharField()),
        })),
    }),
})
ERRORS_TEXT = "403 角色无权；404 政策不存在或属于其他部门/区域；409 政策的兑现方式不是免申即享或直达快享。"


def beneficiary_policy(user, pk):
    """The policy (403/404), refused with 409 when its mode has no beneficiary list."""
    policy = outreach_policy(user, pk)
    if policy.mode not in BENEFICIARY_MODES:
        raise Conflict(MODE_MESSAGE)
    return policy


class MatchListView(ContractErrors, generics.GenericAPIView):
    serializer_class = MatchSerializer

    @extend_schema(summary="政策现在符合条件的已认证企业（发布部门工作人员、本区域联合服务办公室）",
                   description="分页；每条含企业、符合理由、推送时间和企业的处理状态。403 角色无权；404 政策不存在或不可见。")
    def get(self, request, pk):
        policy = outreach_policy(request.user, pk)
        page = self.paginate_queryset(matched_enterprises(policy))
        rows = match_rows(policy, page)
        data = [{"enterprise": {"name": r.enterprise.name, "uscc": r.enterprise.uscc}, "reasons": r.reasons,
                 "notified_at": r.notified_at, "status": r.status} for r in rows]
        return self.get_paginated_response(MatchSerializer(data, many=True).data)


class BeneficiaryListView(ContractErrors, generics.GenericAPIView):
    serializer_class = BeneficiarySerializer
    parser_classes = (MultiPartParser, FormParser)

    @extend_schema(summary="政策的受益企业名单", description="分页，可按 state 筛选。" + ERRORS_TEXT,
                   parameters=[OpenApiParameter("state", str, enum=Beneficiary.State.values, description="pending|disbursed")])
    def get(self, request, pk):
        policy = beneficiary_policy(request.user, pk)
        filters = choice_filters(request.query_params, {"state": Beneficiary.State})
        page = self.paginate_queryset(beneficiaries_of(policy, state=filters.get("state", "")))
        return self.get_paginated_response(BeneficiarySerializer(page, many=True).data)

    @extend_schema(
        summary="导入受益企业名单（multipart，字段 file）",
        description="整个文件要么全部导入，要么一行也不保存：任何一行有误返回 400 并列出每一行的错误。成功返回 201 "
                    "{\"imported\": n}，并通知各受益企业的用户（站内消息和短信，每家企业每项政策只通知一次）。"
                    + ERRORS_TEXT + " 政策未发布也返回 409。",
        request={"multipart/form-data": ImportBody},
        responses={201: inline_serializer("BeneficiaryImported", {"imported": serializers.IntegerField()}),
                   400: OpenApiResponse(IMPORT_ERRORS, description="文件或行错误")},
    )
    def post(self, request, pk):
        policy = outreach_policy(request.user, pk)
        check_beneficiary_policy(request.user, policy)  # 403/409 before reading the file
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"errors": {"file": ["请上传 .xlsx 文件（字段名 file）。"], "rows": []}}, status=400)
        try:
            imported = beneficiaries_import(actor=request.user, policy=policy, upload=upload)
        except FileRejected as rejected:
            return Response({"errors": rejected.as_errors()}, status=400)
        return Response({"imported": imported}, status=201)


class DisburseView(ContractErrors, APIView):
    @extend_schema(
        summary="登记受益企业已兑付（逐个或批量）",
        description="只能从 pending 到 disbursed，全部成功或全部不保存。400 日期有误或企业不在名单中；"
                    "409 其中有企业已登记兑付，或政策的兑现方式不是免申即享/直达快享；403/404 同上。",
        request=DisburseBody,
        responses={200: inline_serializer("BeneficiariesDisbursed", {"disbursed": serializers.IntegerField()})},
    )
    def post(self, request, pk):
        policy = beneficiary_policy(request.user, pk)
        body = DisburseBody(data=request.data)
        body.is_valid(raise_exception=True)
        count = beneficiaries_disburse(actor=request.user, policy=policy, usccs=body.validated_data["uscc"],
                                       on=body.validated_data["on"])
        return Response({"disbursed": count})


class MyBenefitsView(ContractErrors, generics.GenericAPIView):
    serializer_class = BenefitSerializer

    @extend_schema(summary="本企业的惠企红利（免申即享、直达快享名单中的金额与兑付状态）",
                   description="企业用户；其他角色 403。")
    def get(self, request):
        page = self.paginate_queryset(benefits_of(request.user))
        return self.get_paginated_response(BenefitSerializer(page, many=True).data)
