"""Celery tasks of the outbox (SECURITY.md §7): send email and SMS, requeue what is stuck. See notifications/outbox.py."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from notifications import outbox


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_deliveries(self, delivery_ids: list[int]) -> None:
    """Send the due pending rows among `delivery_ids`; when some failed and have attempts left, retry the task at the
    earliest of their backoff times (the rows already sent are skipped by the retry, the exhausted ones are `failed`).
    The number of attempts is kept on each row (DELIVERY_MAX_ATTEMPTS), not in the message, so a message requeued by
    the beat task continues the same count. `acks_late`: a message is acknowledged after the task ran, so a worker
    that dies mid-task leaves it to the broker to hand out again."""
    retry_at = outbox.send_due(delivery_ids)
    if retry_at is not None:
        raise self.retry(countdown=max(1, int((retry_at - timezone.now()).total_seconds()) + 1))


@shared_task(acks_late=True)
def requeue_stuck_deliveries() -> int:
    """Beat, every 5 minutes: queue again the rows left pending long past their due time."""
    return outbox.requeue_stuck()
