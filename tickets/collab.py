"""What the ticket page shows of collaboration (the 承办人 and the internal notes), read in a fixed number of queries
whatever the number of notes and mentions. Staff only: the enterprise's page gets nothing from here."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse

from tickets.models import Ticket, TicketNote
from tickets.workflow.collab import may_read_notes, may_write_note


def notes_prefetch() -> Prefetch:
    """The ticket page's notes with their authors and mentions (for core.prefetch.prefetch_present: a ticket without
    notes costs nothing more, one with notes two queries however many)."""
    return Prefetch(
        "notes",
        queryset=TicketNote.objects.select_related("author__department").prefetch_related("mentions")
        .order_by("created_at", "id"),
    )


def page_context(user, ticket: Ticket, *, note_form=None) -> dict:
    """The ticket page's collaboration context: empty for anyone outside the administration."""
    if not may_read_notes(user):
        return {"collab": False}
    from tickets.forms.collab import NoteForm

    writer = may_write_note(ticket, user)
    if writer and note_form is None:
        note_form = NoteForm(mention_url=reverse("tickets:mention_candidates", args=[ticket.pk]))
    return {
        "collab": True,
        "assignee": ticket.assignee if ticket.assignee_id else None,
        "notes": list(ticket.notes.all()),
        "note_form": note_form if writer else None,
    }
