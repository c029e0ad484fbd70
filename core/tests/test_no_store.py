"""Cache-Control: no-store on every signed-in response, every API response and every file (SECURITY.md §5)."""

from io import BytesIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from core.middleware import NoStoreMiddleware

pytestmark = pytest.mark.django_db


def _through(response, *, path="/x/", user=None):
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    return NoStoreMiddleware(lambda request: response)(request)


def test_a_signed_in_page_is_not_stored(client, office_clerk):
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:demand_list"))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"


def test_api_responses_are_not_stored_even_when_refused(client, office_clerk):
    assert client.get("/api/v1/demands/")["Cache-Control"] == "no-store"  # 401/403 to a visitor
    client.force_login(office_clerk)
    assert client.get("/api/v1/demands/")["Cache-Control"] == "no-store"


def test_a_public_page_for_a_visitor_is_left_alone(client):
    response = client.get("/privacy/")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")


def test_a_file_is_not_stored_even_for_a_visitor():
    response = _through(FileResponse(BytesIO(b"%PDF-1.4"), as_attachment=True, filename="a.pdf"))
    assert response["Cache-Control"] == "no-store"
    attachment = HttpResponse(b"x", headers={"Content-Disposition": 'attachment; filename="a.xlsx"'})
    assert _through(attachment)["Cache-Control"] == "no-store"


def test_a_weaker_header_of_a_view_is_made_no_store(office_clerk):
    response = _through(HttpResponse(headers={"Cache-Control": "public, max-age=600"}), user=office_clerk)
    assert response["Cache-Control"] == "no-store"
    response = _through(HttpResponse(headers={"Cache-Control": "private, must-revalidate"}), user=office_clerk)
    assert response["Cache-Control"] == "no-store, private, must-revalidate"


def test_a_view_that_says_no_store_keeps_its_header(office_clerk):
    response = _through(HttpResponse(headers={"Cache-Control": "no-store, no-cache"}), user=office_clerk)
    assert response["Cache-Control"] == "no-store, no-cache"
