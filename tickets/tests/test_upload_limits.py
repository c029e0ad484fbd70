"""SECURITY.md §6 on the pages and the API: 11 files in one request, a polyglot or HTML-as-PDF, EICAR — refused with a
Chinese message naming the file (or the count), nothing stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.scanning import EICAR
from tickets.models import Attachment, Demand
from tickets.tests import test_views_enterprise as enterprise_views
from tickets.tests.api_helpers import api_as, pdf
from tickets.tests.helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_and_scanner(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.VIRUS_SCANNER = "core.scanning.EicarScanner"


def _pdfs(n):
    return [SimpleUploadedFile(f"材料{i}.pdf", b"%PDF-1.4 x", content_type="application/pdf") for i in range(n)]


def _errors(response):
    return response.context["form"].errors["files"]


def test_eleven_files_on_the_enterprise_form_are_refused_and_nothing_is_saved(client, enterprise_user, tmp_path):
    client.force_login(enterprise_user)
    response = client.post(enterprise_views.SUBMIT, {**enterprise_views._form(), "files": _pdfs(11)})
    assert response.status_code == 200
    assert _errors(response) == ["一次最多上传 10 个文件，本次选择了 11 个，请分批上传。"]
    assert not Demand.objects.exists() and not Attachment.objects.exists() and not list(tmp_path.rglob("*.pdf"))


def test_ten_files_are_taken(client, enterprise_user):
    client.force_login(enterprise_user)
    client.post(enterprise_views.SUBMIT, {**enterprise_views._form(), "files": _pdfs(10)})
    assert Demand.objects.get().attachments.count() == 10


@pytest.mark.parametrize("name,content,message", [
    ("现场.png", b"GIF89a/*<script>alert(1)</script>*/", "文件“现场.png”的内容与扩展名不符"),
    ("说明.pdf", b"<!doctype html><script>alert(1)</script>", "文件“说明.pdf”的内容与扩展名不符"),
    ("病毒.txt", EICAR, "文件“病毒.txt”未通过病毒扫描"),
])
def test_a_bad_file_on_the_enterprise_form_is_named_and_nothing_is_saved(client, enterprise_user, name, content, message):
    client.force_login(enterprise_user)
    upload = SimpleUploadedFile(name, content)
    response = client.post(enterprise_views.SUBMIT, {**enterprise_views._form(), "files": [pdf(), upload]})
    assert response.status_code == 200 and _errors(response)[0].startswith(message)
    assert not Demand.objects.exists() and not Attachment.objects.exists()


def test_eleven_files_in_one_api_request_are_a_400(enterprise_user):
    demand = register(enterprise_user, channel="online", enterprise_name="", enterprise_uscc="")
    response = api_as(enterprise_user).post(f"/api/v1/demands/{demand.pk}/attachments/", {"file": _pdfs(11)},
                                            format="multipart")
    assert response.status_code == 400
    assert response.json() == {"errors": {"non_field_errors": ["一次最多上传 10 个文件，本次选择了 11 个，请分批上传。"]}}
    assert not Attachment.objects.exists()


def test_html_as_pdf_through_the_api_is_a_400_naming_the_file(enterprise_user):
    demand = register(enterprise_user, channel="online", enterprise_name="", enterprise_uscc="")
    upload = SimpleUploadedFile("回执.pdf", b"<html><body>x</body></html>")
    response = api_as(enterprise_user).post(f"/api/v1/demands/{demand.pk}/attachments/", {"file": upload},
                                            format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]["file"][0].startswith("文件“回执.pdf”的内容与扩展名不符")
    assert not Attachment.objects.exists()
