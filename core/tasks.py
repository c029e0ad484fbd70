"""Celery tasks of the platform's plumbing. Schedules live in settings.CELERY_BEAT_SCHEDULE."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "qyzj:beat:last"


@shared_task
def heartbeat() -> str:
    """Record that beat and a worker are alive; /healthz/ reports the age of the last beat."""
    stamp = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, stamp, timeout=None)
    return stamp
