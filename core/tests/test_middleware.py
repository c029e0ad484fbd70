import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from core.middleware import QUERY_COUNT_ENV, QUERY_COUNT_HEADER


def three_queries(request):
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT 1")
    return HttpResponse("ok")


urlpatterns = [path("three/", three_queries)]

ONLY_COUNTER = override_settings(ROOT_URLCONF=__name__, MIDDLEWARE=["core.middleware.QueryCountHeaderMiddleware"])


@pytest.mark.django_db
@ONLY_COUNTER
def test_the_header_counts_the_queries_of_the_request_when_enabled(monkeypatch):
    monkeypatch.setenv(QUERY_COUNT_ENV, "1")
    client = Client()  # the handler loads its middleware on the first request, after the variable is set
    assert client.get("/three/")[QUERY_COUNT_HEADER] == "3"
    assert client.get("/three/")[QUERY_COUNT_HEADER] == "3"  # counted per request, not accumulated


@pytest.mark.django_db
@ONLY_COUNTER
@pytest.mark.parametrize("value", [None, "0", ""])
def test_without_the_variable_the_middleware_does_nothing(monkeypatch, value):
    if value is None:
        monkeypatch.delenv(QUERY_COUNT_ENV, raising=False)
    else:
        monkeypatch.setenv(QUERY_COUNT_ENV, value)
    response = Client().get("/three/")
    assert response.status_code == 200 and QUERY_COUNT_HEADER not in response
