import pytest
from django.core.cache import cache

from core.tasks import HEARTBEAT_KEY, heartbeat


@pytest.mark.django_db
def test_healthz_reports_database_cache_and_last_beat(client):
    cache.delete(HEARTBEAT_KEY)
    body = client.get("/healthz/").json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["cache"] == "ok"
    assert body["beat_last_seen"] is None
    stamp = heartbeat()
    body = client.get("/healthz/").json()
    assert body["beat_last_seen"] == stamp and body["beat_age_seconds"] >= 0
