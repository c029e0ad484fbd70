"""SECURITY.md §6: NUL bytes and absurd nesting are a 400 (the API's JSON, a Chinese page on the web), never a 500;
an unhandled API exception is the contract's JSON 500."""

import json

import pytest
from django.urls import path
from rest_framework.views import APIView

from core.input import MAX_JSON_DEPTH, SERVER_ERROR_MESSAGE, json_depth_exceeds
from tickets.models import Demand
from tickets.tests.api_helpers import api_as
from tickets.tests.test_api_demands import hotline_body

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_query_string_is_a_400_with_the_contracts_json_and_the_list_still_answers(office_clerk):
    client = api_as(office_clerk)
    response = client.get("/api/v1/tickets/?lead_department=%00")
    assert response.status_code == 400
    assert response.json() == {"errors": {"non_field_errors": ["请求中含有不允许的空字符（NUL）。"]}}
    assert client.get("/api/v1/tickets/").status_code == 200
    assert client.get("/api/v1/demands/?q=a%00b").status_code == 400


def test_a_nul_in_a_web_query_string_or_form_is_a_chinese_400_page(client, office_clerk):
    client.force_login(office_clerk)
    response = client.get("/demands/?q=%00")
    assert response.status_code == 400
    assert "请求中含有不允许的空字符" in response.content.decode()
    response = client.post("/office/register/", {"title": "a\x00b"})
    assert response.status_code == 400 and "空字符" in response.content.decode()
    assert client.get("/demands/").status_code == 200


def test_a_nul_in_a_json_body_is_a_400_and_saves_nothing(office_clerk):
    client = api_as(office_clerk)
    for body in (json.dumps(hotline_body(title="厂房\u0000验收")), json.dumps(hotline_body(), ensure_ascii=False).replace("厂房", "厂\x00房")):
        response = client.post("/api/v1/demands/", body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["errors"]["non_field_errors"][0].endswith("请求中含有不允许的空字符（NUL）。")
    assert not Demand.objects.exists()


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_a_deeply_nested_json_body_is_a_400(office_clerk, depth):
    body = "[" * depth + "]" * depth
    response = api_as(office_clerk).post("/api/v1/demands/", body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套层级过深" in response.json()["errors"]["non_field_errors"][0]


def test_nesting_within_the_limit_is_read():
    assert not json_depth_exceeds(json.loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH), MAX_JSON_DEPTH)
    assert json_depth_exceeds(json.loads("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)


class _Boom(APIView):
    def get(self, request):
        raise RuntimeError("boom")


urlpatterns = [path("api/v1/boom/", _Boom.as_view())]


def test_an_unhandled_api_exception_is_the_contracts_json_500_and_is_logged(office_clerk, settings, caplog):
    settings.ROOT_URLCONF = __name__
    response = api_as(office_clerk).get("/api/v1/boom/")
    assert response.status_code == 500
    assert response.json() == {"error": SERVER_ERROR_MESSAGE}
    assert any("未处理的 API 异常" in r.getMessage() for r in caplog.records)
