"""The city office's sampled callbacks of county tickets (§3.2.4, SPEC §8): at least 10%, rounded up, per county
and month, reproducible — the same inputs pick the same tickets."""

from __future__ import annotations

import hashlib
import math
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from accounts.models import Region
from tickets.models import SamplingBatch, Ticket

SAMPLE_RATE = 0.10


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(month.replace(day=1), time.min))
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, timezone.make_aware(datetime.combine(following, time.min))


def _sort_key(region_code: str, month: date, ticket: Ticket) -> str:
    # A keyed hash gives a fixed, unbiased order: no random state to store, the same draw every time.
    return hashlib.sha256(f"{region_code}|{month:%Y-%m}|{ticket.number}".encode()).hexdigest()


def sample_size(closed: int) -> int:
    return math.ceil(closed * SAMPLE_RATE)


@transaction.atomic
def sample_callbacks(*, region: Region, month: date, actor=None) -> list[SamplingBatch]:
    """One batch per county below `region` for tickets first closed in `month`; an existing batch is returned as is."""
    start, end = month_bounds(month)
    month = month.replace(day=1)
    batches = []
    for county in Region.objects.filter(parent=region, active=True).order_by("sort_order", "code"):
        existing = SamplingBatch.objects.filter(region=county, month=month).first()
        if existing is not None:
            batches.append(existing)
            continue
        closed = list(Ticket.objects.filter(region=county, first_closed_at__gte=start, first_closed_at__lt=end))
        chosen = sorted(closed, key=lambda t: _sort_key(county.code, month, t))[: sample_size(len(closed))]
        batch = SamplingBatch.objects.create(
            region=county, sampling_region=region, month=month, closed_count=len(closed),
            created_at=timezone.now(), created_by=actor,
        )
        batch.tickets.set(chosen)
        batches.append(batch)
    return batches
