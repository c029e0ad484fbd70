"""A double click creates one demand (SECURITY.md §6): the API's `Idempotency-Key`, the web forms' one-time token.

`once(user, scope, key, create)` runs `create()` — which registers the demand — at most once per (scope, key, user)
in 24 hours. The key's row is written in the same transaction as the demand: a request that fails (bad input) leaves
no row and the key can be used again; two requests at once wait for each other on the row's unique index, and the
second finds the first one's demand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from tickets.models import Demand, SubmissionKey

KEEP = timedelta(hours=24)  # how long a key is remembered (not a deadline: no working days involved)
TOKEN_FIELD = "submission_token"
IDEMPOTENCY_HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[A-Za-z0-9_\-.:]{8,128}$")


def valid_key(value) -> str | None:
    """The key when it is 8–128 characters of letters, digits and - _ . : ; None otherwise."""
    value = (value or "").strip()
    return value if _KEY.match(value) else None


def previous(user, scope: str, key: str) -> SubmissionKey | None:
    """The finished submission with this key in the last 24 hours, if any."""
    rows = SubmissionKey.objects.filter(scope=scope, key=key, created_at__gte=timezone.now() - KEEP,
                                        demand__isnull=False)
    rows = rows.filter(user=user) if user is not None else rows.filter(user__isnull=True)
    return rows.select_related("demand").first()


def once(user, scope: str, key: str | None, create: Callable[[], Demand],
         respond: Callable[[Demand], tuple[int, object]] | None = None) -> tuple[Demand, SubmissionKey | None, bool]:
    """(demand, its key row, created now?) — `create()` runs only when this key has not made a demand yet.

    `respond(demand)` gives the API's (status, body), kept with the key in the same transaction for a retry.
    """
    if not key:
        return create(), None, True
    user = user if user is not None and user.is_authenticated else None
    now = timezone.now()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                SubmissionKey.objects.filter(created_at__lt=now - KEEP).delete()
                row, _ = SubmissionKey.objects.select_for_update().get_or_create(scope=scope, key=key, user=user)
                if row.demand_id is not None:
                    return row.demand, row, False
                demand = create()
                row.demand = demand
                if respond is not None:
                    row.status, row.body = respond(demand)
                row.save(update_fields=["demand", "status", "body"])
                return demand, row, True
        except IntegrityError:
            # Another request with the same key committed between our look and our insert: take its result.
            found = previous(user, scope, key)
            if found is not None:
                return found.demand, found, False
    raise IntegrityError("submission key contention")



def form_token(form) -> str | None:
    """The one-time token a bound form carries (core.forms.OneTimeTokenMixin), when well-formed."""
    return valid_key(form.data.get(TOKEN_FIELD)) if form.is_bound else None


def already_submitted_message(demand: Demand) -> str:
    return f"该诉求已经提交过（编号 {demand.number}），没有重复登记。"
