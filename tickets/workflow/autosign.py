"""视为签收 (§4.3) of a batch of tickets (the sweep; `dispatch.ticket_auto_sign` is a batch of one).

The same effects, in a constant number of statements per batch: the rows are locked and re-checked, saved with their
handling clock started at the sign due, their history rows and timeline entries written, and the difference they make
to the daily figures recorded — all in the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.services import record_system
from tickets import figures
from tickets.models import Ticket, TicketEvent, WorkflowSettings
from workcalendar.workdays import add_working_days, policy_days

AUTO_SIGN_NOTE = "签收期限届满未签收也未提出异议，视为签收（逾期）"


def tickets_auto_sign(*, ticket_ids: Iterable[int], now: datetime | None = None) -> list[int]:
    """视为签收 for every ticket of `ticket_ids` whose sign clock expired before `now` with no sign and no objection.

    1. Lock the rows that are still dispatched and expired, skipping rows another transaction holds: a person signing
       or objecting at this moment wins, and a ticket so skipped is found again by the next sweep if still expired.
    2. For each: the `auto_sign` transition, signed at the sign due, the handling clock started there (the policy of
       its category, read once per policy).
    3. One UPDATE per (sign due, handling due) — a batch holds few — then one INSERT each of the history rows and the
       timeline entries, and one upsert of the daily figures.
    Returns the ids it signed (ascending). Safe to call twice: a signed ticket is no longer dispatched.
    """
    now = now or timezone.now()
    ids = sorted(set(ticket_ids))
    if not ids or not WorkflowSettings.current().auto_sign_enabled:
        return []
    with transaction.atomic():
        tickets = list(
            Ticket.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, state=Ticket.State.DISPATCHED, sign_due_at__lt=now)
            .order_by("id")
        )
        if not tickets:
            return []
        days = {policy: policy_days(policy) for policy in {ticket.handle_policy() for ticket in tickets}}
        changes, groups = [], defaultdict(list)
        for ticket in tickets:
            before = figures.of_ticket(ticket)
            ticket.auto_sign()
            ticket.auto_signed = True
            ticket.signed_at = ticket.sign_due_at
            ticket.first_signed_at = ticket.first_signed_at or ticket.sign_due_at
            # The handling clock runs from the moment the sign clock expired (`start_handle_clock`).
            deadline = add_working_days(ticket.sign_due_at, days[ticket.handle_policy()])
            ticket.handle_started_at = ticket.sign_due_at
            ticket.handle_due_at = deadline.due
            ticket.handle_due_provisional = deadline.provisional
            ticket.current_due_at = ticket.running_due()  # the handling clock, now running
            changes.append((before, ticket))
            groups[(ticket.sign_due_at, deadline.due, deadline.provisional)].append(ticket.pk)
        # Sign dues are ends of working days, so a batch holds few distinct ones: one UPDATE per (sign due, handling
        # due), the same values `ticket.save(update_fields=…)` would write for each of its rows.
        for (sign_due, handle_due, provisional), pks in sorted(groups.items()):
            Ticket.objects.filter(pk__in=pks).update(
                state=Ticket.State.HANDLING, auto_signed=True, signed_at=sign_due,
                first_signed_at=Coalesce("first_signed_at", Value(sign_due)), handle_started_at=sign_due,
                handle_due_at=handle_due, handle_due_provisional=provisional, current_due_at=handle_due,
            )
        Ticket.history.bulk_history_create(tickets, update=True)  # the rows `save()` would have written
        at = timezone.now()
        entries = TicketEvent.objects.bulk_create([
            TicketEvent(
                ticket=ticket, actor=None, action="auto_sign", from_state=Ticket.State.DISPATCHED, to_state=ticket.state,
                note=AUTO_SIGN_NOTE, internal=False, at=at,
            )
            for ticket in tickets
        ])
        record_system("workflow.auto_sign", [
            (ticket, {"entry": entry.pk, "timeline": "ticketevent", "from_state": entry.from_state,
                      "to_state": entry.to_state})
            for ticket, entry in zip(tickets, entries, strict=True)
        ], at=at)
        figures.record_tickets(changes)
    return [ticket.pk for ticket in tickets]
