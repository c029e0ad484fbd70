"""Celery tasks: thin wrappers around service functions. Schedules live in settings.CELERY_BEAT_SCHEDULE."""

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


@shared_task
def sweep_deadlines() -> str:
    """The deadline sweep (SPEC §7) as of now; beat runs it every 5 minutes."""
    from tickets.sweep import sweep

    return sweep().summary()
