"""Rate limits: a fixed window per key on the shared cache, 429 with Retry-After and a Chinese message."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory

from core.ratelimit import RateLimit, client_ip, rate_limited

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 12, 7, 10, 0, 0, tzinfo=SH)  # on a minute boundary: the window's end is predictable
LIMIT = RateLimit("test", limit=3, window=60)


@pytest.fixture
def rf():
    return RequestFactory()


def test_the_fourth_hit_in_a_window_is_refused_until_the_window_ends():
    with time_machine.travel(T0, tick=False):
        assert [LIMIT.hit("1.2.3.4").allowed for _ in range(4)] == [True, True, True, False]
    with time_machine.travel(T0.replace(second=45), tick=False):
        verdict = LIMIT.hit("1.2.3.4")
        assert not verdict.allowed and verdict.retry_after == 15
        assert LIMIT.hit("5.6.7.8").allowed  # another key has its own count
    with time_machine.travel(T0.replace(minute=1), tick=False):
        assert LIMIT.hit("1.2.3.4").allowed


def test_several_keys_refuse_when_any_is_over():
    with time_machine.travel(T0, tick=False):
        for n in range(3):
            LIMIT.hit("ip", f"phone-{n}")
        assert not LIMIT.hit("ip", "phone-new").allowed  # the address is over although the phone is new
        assert LIMIT.hit("other-ip", "phone-9", None).allowed  # empty parts count nothing


def test_reset_forgets_the_window():
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            LIMIT.hit("k")
        LIMIT.reset("k")
        assert LIMIT.hit("k").allowed


def test_the_cache_never_holds_the_key_in_the_clear(settings):
    from django.core.cache import cache

    with time_machine.travel(T0, tick=False):
        key, _ = LIMIT._cache_key("13985300001", T0.timestamp())
        LIMIT.hit("13985300001")
        # Read at T0 too: read after the frozen clock, the entry had expired once T0's window lay in the past.
        assert "13985300001" not in key and cache.get(key) == 1


def test_a_decorated_view_answers_429_with_retry_after_and_a_chinese_page(rf):
    calls = []

    @rate_limited(RateLimit("view", limit=1, window=60))
    def view(request):
        calls.append(request.method)
        return HttpResponse("ok")

    with time_machine.travel(T0, tick=False):
        assert view(rf.post("/login/")).status_code == 200
        assert view(rf.get("/login/")).status_code == 200  # GET is not counted
        response = view(rf.post("/login/"))
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "操作过于频繁，请在 60 秒后再试。" in response.content.decode()
    assert calls == ["POST", "GET"]


def test_the_api_gets_the_contract_json(rf):
    view = rate_limited(RateLimit("api", limit=0, window=600))(lambda request: HttpResponse("ok"))
    with time_machine.travel(T0, tick=False):
        response = view(rf.post("/api/v1/demands/"))
    assert response.status_code == 429 and response["Retry-After"] == "600"
    assert json.loads(response.content) == {"error": "操作过于频繁，请在 10 分钟后再试。"}


def test_client_ip_trusts_only_the_configured_proxies(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.7", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "127.0.0.1"
    settings.QYZJ_TRUSTED_PROXIES = 1
    assert client_ip(request) == "10.0.0.7"  # the forged left-hand entry is ignored
