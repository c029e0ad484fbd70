"""Provincial escalations over the API (API.md "Supervision and escalations"): list them, record what the province did."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import require_role
from accounts.roles import REPORT_READERS
from core.api import ContractErrors, choice_filters, text
from tickets import workflow
from tickets.models import ProvincialEscalation



class EscalationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    demand = serializers.PrimaryKeyRelatedField(read_only=True)
    ticket = serializers.PrimaryKeyRelatedField(read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.get_full_name", read_only=True)

    class Meta:
        model = ProvincialEscalation
        fields = ["id", "region", "demand", "ticket", "reason", "submitted_at", "submitted_by", "external_ref", "status",
                  "result", "updated_at"]


def escalations_visible_to(user):
    require_role(user, REPORT_READERS, "只有联合服务办公室、政府办公室和领导可以查看省级提级记录。")
    return (
        ProvincialEscalation.objects.filter(region_id=user.department.region_id)
        .select_related("region", "submitted_by")
        .order_by("-submitted_at", "-id")
    )


class EscalationListView(ContractErrors, generics.ListAPIView):
    serializer_class = EscalationSerializer

    def get_queryset(self):
        escalations = escalations_visible_to(self.request.user)
        return escalations.filter(**choice_filters(self.request.query_params, {"status": ProvincialEscalation.Status}))

    @extend_schema(
        summary="省级提级记录（本区域）",
        parameters=[OpenApiParameter("status", str, enum=ProvincialEscalation.Status.values)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EscalationUpdateBody(serializers.Serializer):
    status = text()
    # Absent means "leave as it is"; the workflow validates what is sent.
    external_ref = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    result = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class EscalationUpdateView(ContractErrors, APIView):
    @extend_schema(summary="记录省级平台的处理情况", request=EscalationUpdateBody, responses=EscalationSerializer)
    def post(self, request, pk):
        try:
            escalation = escalations_visible_to(request.user).get(pk=pk)
        except ProvincialEscalation.DoesNotExist:
            raise Http404("提级记录不存在或无权查看。") from None
        body = EscalationUpdateBody(data=request.data)
        body.is_valid(raise_exception=True)
        escalation = workflow.escalation_update(actor=request.user, escalation=escalation, **body.validated_data)
        escalation.refresh_from_db()
        return Response(EscalationSerializer(escalation).data)
