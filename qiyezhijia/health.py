"""A health probe for load balancers and operators: database, cache and the last Celery beat heartbeat."""

from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.tasks import HEARTBEAT_KEY


@never_cache
@require_GET
def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # a probe reports every failure instead of raising
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("qyzj:health", "1", timeout=10)
        checks["cache"] = "ok" if cache.get("qyzj:health") == "1" else "error"
    except Exception as exc:
        checks["cache"] = f"error: {exc.__class__.__name__}"
    last_beat = cache.get(HEARTBEAT_KEY) if checks["cache"] == "ok" else None
    beat_age = None
    if last_beat:
        beat_age = round((timezone.now() - datetime.fromisoformat(last_beat)).total_seconds())
    healthy = checks["database"] == "ok" and checks["cache"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks, "beat_last_seen": last_beat, "beat_age_seconds": beat_age},
        status=200 if healthy else 503,
    )
