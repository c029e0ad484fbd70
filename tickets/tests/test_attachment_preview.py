"""Attachment preview: images and PDFs shown inline under safe headers, anything else (HTML, SVG, text) only ever
downloaded; the same permission as the download (tickets/views/attachments.py)."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.tests.factories import EnterpriseUserFactory
from audit.models import AuditEvent
from tickets import workflow
from tickets.models import Attachment
from tickets.tests.handling_states import enterprise_ticket
from tickets.tests.helpers import handling_ticket, register

pytestmark = pytest.mark.django_db


def png(name="现场照片.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf(name="办理回执.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf")


def inline_url(attachment):
    return reverse("tickets:attachment_inline", args=[attachment.pk])


def preview_url(attachment):
    return reverse("tickets:attachment_preview", args=[attachment.pk])


@pytest.fixture
def ticket(office_clerk, lead_handler):
    return handling_ticket(office_clerk, lead_handler)


def stored(ticket, name: str, content: bytes, content_type: str) -> Attachment:
    """A file as it might sit on disk (bypassing the upload checks): what the preview must never serve inline."""
    attachment = Attachment(ticket=ticket, kind="evidence", original_name=name, content_type=content_type, size=len(content))
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def test_an_image_is_shown_inline_with_a_restrictive_policy(client, ticket, lead_handler):
    attachment = workflow.attach_file(actor=lead_handler, ticket=ticket, upload=png())
    client.force_login(lead_handler)
    response = client.get(inline_url(attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy and "script-src" not in policy
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(action="attachment.preview", actor=lead_handler).count() == 1


def test_a_pdf_is_shown_inline(client, ticket, lead_handler):
    attachment = workflow.attach_file(actor=lead_handler, ticket=ticket, upload=pdf())
    client.force_login(lead_handler)
    response = client.get(inline_url(attachment))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("页面.html", b"<html><body><script>alert(1)</script></body></html>", "text/html"),
    ("图标.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"),
    # Named and typed as an image, but its bytes are HTML: the sniffed content decides.
    ("伪装.png", b"<html><script>alert(1)</script></html>", "image/png"),
    ("说明.txt", b"<script>alert(1)</script>", "text/plain"),
])
def test_html_svg_and_text_are_never_served_inline(client, ticket, lead_handler, name, content, content_type):
    attachment = stored(ticket, name, content, content_type)
    client.force_login(lead_handler)
    response = client.get(inline_url(attachment))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "image/svg" not in response["Content-Type"] or response["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="attachment.download").count() == 1
    assert not AuditEvent.objects.filter(action="attachment.preview").exists()


def test_the_preview_page_shows_an_image_and_links_a_pdf(client, ticket, lead_handler):
    image = workflow.attach_file(actor=lead_handler, ticket=ticket, upload=png())
    document = workflow.attach_file(actor=lead_handler, ticket=ticket, upload=pdf())
    client.force_login(lead_handler)
    page = client.get(preview_url(image)).content.decode()
    assert f'src="{inline_url(image)}"' in page and 'data-testid="preview-image"' in page
    ticket_page = client.get(reverse("tickets:ticket_detail", args=[ticket.pk])).content.decode()
    assert f'href="{preview_url(image)}"' in ticket_page  # the image opens in the preview page
    assert f'href="{inline_url(document)}" target="_blank"' in ticket_page  # the PDF in a new tab
    other = stored(ticket, "表格.xlsx", b"PK\x03\x04xx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "不能在线预览" in client.get(preview_url(other)).content.decode()


def test_preview_follows_the_download_permission(client, office_clerk, lead_handler, other_handler, outsider, enterprise_user):
    ticket = enterprise_ticket(office_clerk, lead_handler, enterprise_user, close=False)
    evidence = workflow.attach_file(actor=lead_handler, ticket=ticket, upload=png())
    # The enterprise reads its ticket's evidence; a handler of another department, a county handler and another
    # enterprise do not (404, as for the download).
    client.force_login(enterprise_user)
    assert client.get(inline_url(evidence)).status_code == 200
    assert client.get(preview_url(evidence)).status_code == 200
    for user in (other_handler, outsider, EnterpriseUserFactory()):
        client.force_login(user)
        assert client.get(inline_url(evidence)).status_code == 404
        assert client.get(preview_url(evidence)).status_code == 404
        assert client.get(reverse("tickets:attachment", args=[evidence.pk])).status_code == 404
    client.logout()
    assert client.get(inline_url(evidence)).status_code == 302
    client.force_login(lead_handler)
    assert client.post(inline_url(evidence)).status_code == 405


def test_the_materials_of_a_demand_are_previewed_by_those_who_see_the_demand(client, office_clerk, other_handler,
                                                                            enterprise_user):
    demand = register(enterprise_user, channel="online", title="申请减免滞纳金")
    material = workflow.attach_file(actor=enterprise_user, demand=demand, upload=pdf("营业执照.pdf"))
    for user, status in ((enterprise_user, 200), (office_clerk, 200), (other_handler, 404), (EnterpriseUserFactory(), 404)):
        client.force_login(user)
        assert client.get(inline_url(material)).status_code == status, user
