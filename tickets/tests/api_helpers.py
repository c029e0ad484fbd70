"""Calling the REST API as a persona, the way an integrating system does: with its token."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.tokens import issue_token


def api_as(user) -> APIClient:
    client = APIClient()
    _, key = issue_token(user=user, name="测试")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def pdf(name: str = "营业执照.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")
