"""The answer clocks of supervisions, as the calendar's provisional recount sees them (workcalendar.provisional)."""

from supervision.models import Supervision
from workcalendar.provisional import ProvisionalClock


def _record(supervision: Supervision, note: str, now) -> None:
    # An unregistered matter has no ticket, so no timeline to write on.
    if supervision.ticket_id:
        ticket = supervision.ticket
        ticket.events.create(
            action="due_recomputed", from_state=ticket.state, to_state=ticket.state, note=note, internal=True, at=now,
        )


def provisional_clocks() -> list[ProvisionalClock]:
    return [
        ProvisionalClock(
            model=Supervision, label="回复", due_field="due_at", flag_field="due_provisional",
            rows=lambda: Supervision.objects.filter(answered_at__isnull=True, due_provisional=True).select_related("ticket"),
            start=lambda s: s.issued_at,
            still=lambda s: {"answered_at__isnull": True},
            describe=lambda s: f"督办 {s.number} 回复期限",
            record=_record,
            note_prefix=lambda s: f"督办 {s.number} ",
        ),
    ]
