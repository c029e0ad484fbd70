"""The outbox of email and SMS (SECURITY.md §7): Delivery rows written after the action commits, sent by Celery tasks.

A web request only writes rows and queues a task message per chunk of rows; it never talks to an SMTP server or an SMS
gateway. `send_due` (run by the task `notifications.tasks.send_deliveries`) sends each row of its chunk that is still
pending and due:

1. claim it with one conditional UPDATE (status still `pending`, due now, attempts left): the attempt is counted and
   `next_attempt_at` moves to the end of a lease, so a second task holding the same id (a retried or requeued message,
   a duplicate delivery by the broker) finds it not due and leaves it alone; a row already `sent` or `failed` is never
   claimed again. A message is therefore never sent twice by a retry; the one window left is a worker that dies after
   the gateway accepted a message and before the outcome is written: the beat task requeues the row after the lease and
   it may then be sent a second time (at least once rather than lost).
2. send it; 3. record the outcome: `sent`; or after a failure the error and the backoff (`next_attempt_at`), and
   `failed` for good once `DELIVERY_MAX_ATTEMPTS` attempts failed.

`requeue_stuck` (the beat task) queues again what is pending long past its due time.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.utils import timezone

from notifications.models import SECRET_EVENTS, Delivery
from notifications.sms import get_sms_sender

logger = logging.getLogger("notifications")

SEND_CHUNK = 100  # deliveries per task message
REQUEUE_LIMIT = 10_000  # rows requeued per beat run (the next run takes the rest)
ERROR_LIMIT = Delivery._meta.get_field("error").max_length


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failed attempt: base × 2^(attempts-1), capped."""
    base, cap = settings.DELIVERY_RETRY_BACKOFF, settings.DELIVERY_RETRY_BACKOFF_MAX
    return datetime.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def lease() -> datetime.timedelta:
    """How long a claimed row is left to the task sending it (longer than one SMTP exchange can take)."""
    return datetime.timedelta(seconds=3 * settings.EMAIL_TIMEOUT + 60)


def enqueue(delivery_ids: Iterable[int]) -> None:
    """Queue the sending of these rows, one task message per chunk. A broker that refuses the message leaves the rows
    pending: the beat task queues them again later (nothing is lost, the caller is never broken)."""
    from notifications.tasks import send_deliveries

    ids = sorted(delivery_ids)
    for start in range(0, len(ids), SEND_CHUNK):
        chunk = ids[start:start + SEND_CHUNK]
        try:
            send_deliveries.delay(chunk)
        except Exception:
            logger.exception("could not queue %d deliveries; the requeue task will pick them up", len(chunk))


def send_due(delivery_ids: Iterable[int], *, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """Send the rows among `delivery_ids` that are pending and due. Returns when the earliest of the rows that failed
    and may be tried again is due (the task retries then), or None."""
    retry_at = None
    rows = Delivery.objects.filter(pk__in=list(delivery_ids), status=Delivery.Status.PENDING).order_by("pk").only(
        "pk", "channel", "address", "key", "subject", "body", "event"
    )
    for delivery in rows:
        started = now or timezone.now()
        if not _claim(delivery.pk, started):
            continue  # sent, failed, being sent by another task, or not due yet
        try:
            _send(delivery)
        except Exception as exc:  # noqa: BLE001 -- a gateway failure is recorded on the row and retried
            due = _failed(delivery, exc, now or timezone.now())
            if due is not None and (retry_at is None or due < retry_at):
                retry_at = due
        else:
            sent = {"status": Delivery.Status.SENT, "sent_at": now or timezone.now(), "next_attempt_at": None, "error": ""}
            if delivery.event in SECRET_EVENTS:
                sent["body"] = ""
            Delivery.objects.filter(pk=delivery.pk).update(**sent)
    return retry_at


def _claim(pk: int, now: datetime.datetime) -> bool:
    """One conditional UPDATE: the row is this task's to send if it is pending, due and has attempts left."""
    return bool(
        Delivery.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            pk=pk,
            status=Delivery.Status.PENDING,
            attempts__lt=settings.DELIVERY_MAX_ATTEMPTS,
        ).update(attempts=F("attempts") + 1, next_attempt_at=now + lease())
    )


def _send(delivery: Delivery) -> None:
    if delivery.channel == Delivery.Channel.EMAIL:
        send_mail(delivery.subject, delivery.body, None, [delivery.address], fail_silently=False)
    else:
        get_sms_sender().send(delivery.address, delivery.body)


LONG_NUMBER = re.compile(r"\d{6,}")


def _scrubbed(error: str) -> str:
    """A gateway's error as stored on the row: runs of six or more digits (a phone, a code) masked, since gateways
    sometimes repeat the number or the text in their errors."""
    return LONG_NUMBER.sub(lambda match: "*" * len(match.group()), error)


def _failed(delivery: Delivery, exc: Exception, now: datetime.datetime) -> datetime.datetime | None:
    """Record a failed attempt; returns when the row is due again, or None when it failed for good. The log names the
    row, never the address or the text (SECURITY.md §4)."""
    attempts = Delivery.objects.filter(pk=delivery.pk).values_list("attempts", flat=True).first() or 0
    error = _scrubbed(str(exc) or type(exc).__name__)[:ERROR_LIMIT]
    if attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, error=error, next_attempt_at=None)
        logger.error("delivery %s (%s, %s) failed for good after %d attempts: %s", delivery.pk, delivery.channel,
                     delivery.key, attempts, type(exc).__name__)
        return None
    due = now + backoff(attempts)
    Delivery.objects.filter(pk=delivery.pk).update(error=error, next_attempt_at=due)
    logger.warning("delivery %s (%s, %s) failed (attempt %d of %d), next attempt at %s: %s", delivery.pk,
                   delivery.channel, delivery.key, attempts, settings.DELIVERY_MAX_ATTEMPTS, due.isoformat(),
                   type(exc).__name__)
    return due


def requeue_stuck(*, now: datetime.datetime | None = None) -> int:
    """Queue again the pending rows more than DELIVERY_STUCK_AFTER seconds past their due time (a lost task message, a
    worker that died while sending); a row whose attempts are used up is marked failed instead. Returns how many rows
    were queued."""
    now = now or timezone.now()
    stuck = Delivery.objects.filter(
        status=Delivery.Status.PENDING,
        next_attempt_at__lt=now - datetime.timedelta(seconds=settings.DELIVERY_STUCK_AFTER),
    )
    stuck.filter(attempts__gte=settings.DELIVERY_MAX_ATTEMPTS).update(
        status=Delivery.Status.FAILED, error="多次尝试后仍未确认发送成功", next_attempt_at=None
    )
    ids = list(stuck.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:REQUEUE_LIMIT])
    if not ids:
        return 0
    # Due now: the next beat run leaves them alone until they are stuck again.
    Delivery.objects.filter(pk__in=ids, status=Delivery.Status.PENDING).update(next_attempt_at=now)
    enqueue(ids)
    logger.warning("requeued %d stuck deliveries", len(ids))
    return len(ids)
