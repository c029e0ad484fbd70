"""Celery tasks: thin wrappers around service functions. Schedules live in settings.CELERY_BEAT_SCHEDULE."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from deadlines.sweep import sweep

SWEEP_LOCK_KEY = "qyzj:sweep:running"
SWEEP_LOCK_SECONDS = 15 * 60


@shared_task
def sweep_deadlines() -> str:
    """The deadline sweep (SPEC §7) as of now; beat runs it every 5 minutes.

    A sweep still running when the next one is due (a long catch-up) is left to finish: running two at once would be
    safe (the sweep is idempotent under concurrency), only wasted work. The lock expires on its own if a worker dies.
    """
    if not cache.add(SWEEP_LOCK_KEY, timezone.now().isoformat(), timeout=SWEEP_LOCK_SECONDS):
        return "skipped: a sweep is still running"
    try:
        return sweep().summary()
    finally:
        cache.delete(SWEEP_LOCK_KEY)
