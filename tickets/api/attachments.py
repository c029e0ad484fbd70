"""Files on demands and tickets over the API: the representation and the multipart upload view."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ContractErrors
from tickets import workflow
from tickets.models import Attachment


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField(help_text="下载地址（校验权限）")

    class Meta:
        model = Attachment
        fields = ["id", "kind", "name", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, obj) -> str:
        path = reverse("tickets:attachment", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class UploadBody(serializers.Serializer):
    file = serializers.FileField(help_text="PDF、图片、Word、Excel、TXT 或 ZIP，不超过 20 MB")


class AttachmentUploadView(ContractErrors, APIView):
    """POST multipart `file` → 201 with the stored attachment; the act checks who may add files (403), the object's
    state (409) and the file (400)."""

    parser_classes = [MultiPartParser, FormParser]

    subject = ""  # the act's keyword for the object: "demand" or "ticket"

    def fetch(self, user, pk):
        """The object through the access selectors: 404 outside the caller's scope."""
        raise NotImplementedError

    @extend_schema(request={"multipart/form-data": UploadBody}, responses={201: AttachmentSerializer})
    def post(self, request, pk):
        obj = self.fetch(request.user, pk)
        attachment = workflow.attach_file(actor=request.user, upload=request.FILES.get("file"), **{self.subject: obj})
        return Response(AttachmentSerializer(attachment, context={"request": request}).data, status=201)

