"""GET /api/v1/stats/ (API.md "Statistics"): the KPIs of SPEC §9 for one region and period, overall and per department."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ContractErrors
from core.db import parallel_reads
from reports import kpis
from reports.scope import parse_scope, require_reader


class StatsView(ContractErrors, APIView):
    @extend_schema(
        summary="运行统计（SPEC §9 指标）",
        description=(
            "按事件发生时间（Asia/Shanghai）统计，from/to 均含当日。比率为 0–1 的数字，分母为 0 时为 null。"
            "调用者须为该区域或其上级区域的联合服务办公室、政府办公室或召集人。"
        ),
        parameters=[
            OpenApiParameter("region", OpenApiTypes.STR, required=True, description="区域编码，如 anshun"),
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="含当日"),
            OpenApiParameter("include_children", OpenApiTypes.BOOL, description="市级区域是否包含所辖县（区），默认 false"),
            OpenApiParameter("department", OpenApiTypes.STR, description="只统计该牵头部门"),
            OpenApiParameter("channel", OpenApiTypes.STR),
            OpenApiParameter("domain", OpenApiTypes.STR),
            OpenApiParameter("category", OpenApiTypes.STR),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @parallel_reads()
    def get(self, request):
        require_reader(request.user)
        scope = parse_scope(request.user, request.query_params, require_period=True)
        return Response(kpis.compute(scope))
