"""403, 404, 500 and CSRF failures answer Chinese pages in the platform layout with a way back; the API keeps JSON."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("core.tests.errorpage_urls")]


def test_unknown_page_for_a_visitor_is_the_chinese_404_with_the_public_header(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and 'data-testid="public-nav"' in html and "返回首页" in html
    assert "Page not found" not in html


def test_unknown_page_for_staff_keeps_their_menu(client, office_clerk):
    client.force_login(office_clerk)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="main-menu"' in html and "页面不存在" in html


def test_forbidden_shows_the_platform_reason(client, office_clerk):
    client.force_login(office_clerk)
    response = client.get("/test-errors/forbidden-zh/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问" in html and "只有联合服务办公室可以办理此事。" in html


def test_forbidden_hides_an_internal_english_message(client, office_clerk):
    client.force_login(office_clerk)
    html = client.get("/test-errors/forbidden-en/").content.decode()
    assert "Internal detail" not in html and "您没有权限执行此操作。" in html


def test_server_error_is_a_chinese_page():
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器内部错误" in html and "返回首页" in html and "unexpected" not in html


def test_api_errors_stay_json():
    client = Client(raise_request_exception=False)
    missing = client.get("/api/v1/no-such-endpoint/")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/json") and "error" in missing.json()
    boom = client.get("/api/v1/test-errors/boom/")
    assert boom.status_code == 500 and "error" in boom.json()


def test_csrf_failure_is_a_chinese_page_and_nothing_is_done(office_clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(office_clerk)
    response = client.post("/logout/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html and "CSRF" in html and "Forbidden" not in html
    assert client.get("/no-such-page/").wsgi_request.user.is_authenticated
