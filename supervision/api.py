"""Supervision over the API (API.md "Supervision and escalations"): list what the caller may read, answer as the
addressed department. Issuing a supervision and urging are ticket actions (`supervise`, `urge`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department
from accounts.roles import SUPERVISION_READERS
from core.api import ContentBody, ContractErrors
from core.errors import PermissionDenied
from supervision.models import Supervision
from supervision.selectors import supervision_for_user, supervisions_visible_to
from supervision.services import supervision_answer

BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
# Supervision is the administration's business: enterprises, special supervisors, chamber staff and admins do not read it.
READERS = SUPERVISION_READERS


class SupervisionSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    ticket = serializers.PrimaryKeyRelatedField(read_only=True, help_text="工单 id；未登记事项为 null")
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="被督办部门编码")
    issuing_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    issued_by = serializers.SerializerMethodField(help_text="督办人；系统自动督办为 null")
    answered_by = serializers.SerializerMethodField()
    provisional_deadline = serializers.BooleanField(source="due_provisional", read_only=True)
    overdue = serializers.SerializerMethodField(help_text="未回复且已过回复期限")

    class Meta:
        model = Supervision
        fields = [
            "id", "number", "region", "ticket", "department", "trigger", "form", "content", "automatic",
            "issuing_department", "issued_by", "issued_at", "due_at", "provisional_deadline", "overdue", "answer",
            "answered_at", "answered_by",
        ]
        read_only_fields = fields

    def get_issued_by(self, supervision) -> str | None:
        return str(supervision.issued_by) if supervision.issued_by_id else None

    def get_answered_by(self, supervision) -> str | None:
        return str(supervision.answered_by) if supervision.answered_by_id else None

    def get_overdue(self, supervision) -> bool:
        return supervision.is_overdue(timezone.now())


def supervision_filters(params) -> dict:
    """`?department=CODE&answered=true|false` as queryset arguments; a bad value is a 400 naming the parameter."""
    lookups: dict = {}
    errors: dict[str, list[str]] = {}
    department = (params.get("department") or "").strip()
    if department:
        if Department.objects.filter(code=department).exists():
            lookups["department__code"] = department
        else:
            errors["department"] = [f"部门编码“{department}”不存在。"]
    answered = (params.get("answered") or "").strip().lower()
    if answered:
        if answered in BOOLEANS:
            lookups["answered_at__isnull"] = not BOOLEANS[answered]
        else:
            errors["answered"] = ["answered 只能是 true 或 false。"]
    if errors:
        raise ValidationError(errors)
    return lookups


class SupervisionListView(ContractErrors, generics.ListAPIView):
    serializer_class = SupervisionSerializer

    def get_queryset(self):
        user = self.request.user
        if user.role not in READERS or not user.department_id:
            raise PermissionDenied("您的角色不能查看督办。")
        return (
            supervisions_visible_to(user)
            .filter(**supervision_filters(self.request.query_params))
            .select_related("region", "department", "issuing_department", "issued_by", "answered_by")
            .order_by(F("answered_at").asc(nulls_first=True), "due_at", "id")  # awaiting an answer first
        )

    @extend_schema(
        summary="督办列表（调用者可见范围：本部门被督办的、本区域发出的）",
        parameters=[
            OpenApiParameter("department", str, description="被督办部门编码，如 anshun-scjg"),
            OpenApiParameter("answered", bool, description="true：已回复；false：待回复"),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SupervisionAnswerView(ContractErrors, APIView):
    @extend_schema(
        summary="被督办部门回复督办（只能回复一次）", request=ContentBody, responses=SupervisionSerializer,
        description="400 回复内容为空；403 不是被督办部门的工作人员；404 督办不存在或不可见；409 已回复。",
    )
    def post(self, request, pk):
        supervision = supervision_for_user(request.user, pk)
        body = ContentBody(data=request.data)
        body.is_valid(raise_exception=True)
        supervision = supervision_answer(actor=request.user, supervision=supervision, **body.validated_data)
        supervision = supervision_for_user(request.user, supervision.pk)
        return Response(SupervisionSerializer(supervision).data)
