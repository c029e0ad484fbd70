"""Exports, downloads, API pages past the first and refusals (403) each write their audit row."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from tickets.models import Attachment
from tickets.tests.helpers import dispatched_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_ledger_export_is_recorded(client, lead_handler):
    client.force_login(lead_handler)
    response = client.get(reverse("reports:ledger_xlsx") + "?quarter=2026Q1")
    assert response.status_code == 200
    row = AuditEvent.objects.get(action="export.xlsx")
    assert row.actor == lead_handler and row.detail["report"] == "ledger" and row.detail["quarter"] == "2026Q1"


def test_an_attachment_download_is_recorded(client, office_clerk):
    ticket = dispatched_ticket(office_clerk)
    demand = ticket.demands.first()
    attachment = Attachment.objects.create(
        demand=demand, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n"), original_name="回执.pdf",
        content_type="application/pdf", size=9, uploaded_by=office_clerk)
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    row = AuditEvent.objects.get(action="attachment.download")
    assert row.object_id == str(demand.pk) and row.detail == {"attachment": attachment.pk}


def test_an_api_page_past_the_first_is_recorded(client, office_clerk):
    for _ in range(3):
        dispatched_ticket(office_clerk)
    client.force_login(office_clerk)
    from core.pagination import BoundedPagination

    BoundedPagination.page_size, size = 2, BoundedPagination.page_size
    try:
        assert client.get("/api/v1/tickets/").status_code == 200
        assert not AuditEvent.objects.filter(action="export.api_page").exists()
        assert client.get("/api/v1/tickets/?page=2").status_code == 200
    finally:
        BoundedPagination.page_size = size
    row = AuditEvent.objects.get(action="export.api_page")
    assert row.actor == office_clerk and row.detail["page"] == 2 and row.detail["path"] == "/api/v1/tickets/"


def test_a_refusal_is_recorded(client, lead_handler):
    client.force_login(lead_handler)
    assert client.get(reverse("audit:events")).status_code == 403
    row = AuditEvent.objects.get(action="permission.denied")
    assert (row.actor, row.result, row.detail["path"]) == (lead_handler, "denied", "/audit/")
