"""Screens of collaboration inside a department: 我的工单 (the tickets assigned to me), internal notes posted from the
ticket page, and the people a note may mention (for the @ autocomplete)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, F, Q
from django.db.models.functions import Concat
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.access import role_required
from accounts.models import Role, User
from accounts.roles import INTERNAL_READERS
from core.pagination import paginate
from core.web import apply_errors
from tickets import workflow
from tickets.forms.collab import NoteForm
from tickets.listing import enterprise_labels, with_list_relations
from tickets.selectors import assigned_to, ticket_for_user, tickets_visible_to
from tickets.views.tickets import _render_ticket
from tickets.workflow.collab import may_write_note

MENTION_SUGGESTIONS = 8


@require_GET
@role_required({Role.HANDLER}, "只有涉企服务工作人员有“我的工单”。")
def my_tickets(request):
    """The tickets whose 承办人 I am: open ones by default (soonest due first), all of them with ?all=1."""
    show_all = request.GET.get("all") == "1"
    tickets = with_list_relations(assigned_to(request.user, open_only=not show_all))
    tickets = tickets.order_by(F("current_due_at").asc(nulls_last=True), "-created_at", "-id")
    page = paginate(request, tickets)
    enterprise_labels(page.object_list)
    return render(request, "tickets/my_tickets.html", {"page": page, "show_all": show_all})


@require_POST
@login_required
def add_note(request, pk: int):
    """1. The ticket through the access helper (404 outside one's scope); 2. staff writing notes only (403);
    3. bad input or a mention of someone who may not see the ticket: the page again with the error, nothing saved;
    4. saved: back to the note."""
    user = request.user
    ticket = ticket_for_user(user, pk)
    if not may_write_note(ticket, user):
        raise PermissionDenied("您没有权限在该工单上添加内部备注。")
    form = NoteForm(request.POST, mention_url=reverse("tickets:mention_candidates", args=[pk]))
    if not form.is_valid():
        return _render_ticket(request, ticket, note_form=form)
    try:
        note = workflow.ticket_add_note(actor=user, ticket=ticket, body=form.cleaned_data["body"])
    except ValidationError as exc:
        apply_errors(form, exc)
        return _render_ticket(request, ticket_for_user(user, pk), note_form=form)
    told = note.mentions.exclude(pk=user.pk).count()
    messages.success(request, "已添加内部备注" + (f"，已通知被提及的 {told} 人。" if told else "。"))
    return redirect(reverse("tickets:ticket_detail", args=[pk]) + f"#note-{note.pk}")


@require_GET
@login_required
def mention_candidates(request, pk: int):
    """Staff who may see the ticket whose name or username starts with ?q= (at most 8), for the @ autocomplete."""
    user = request.user
    ticket = ticket_for_user(user, pk)
    if not may_write_note(ticket, user):
        raise PermissionDenied("您没有权限在该工单上添加内部备注。")
    query = (request.GET.get("q") or "").strip()[:30]
    people = (
        User.objects.annotate(full=Concat("last_name", "first_name", output_field=CharField()))
        .filter(is_active=True, role__in=INTERNAL_READERS)
        .select_related("department")
        .order_by("username")
    )
    if query:
        people = people.filter(Q(username__istartswith=query) | Q(full__startswith=query))
    results = []
    # Read a few more than shown: each is checked against the ticket's visibility, one EXISTS each.
    for person in people[: MENTION_SUGGESTIONS * 4]:
        if tickets_visible_to(person).filter(pk=ticket.pk).exists():
            results.append({
                "username": person.username, "name": person.get_full_name() or person.username,
                "department": person.department.name if person.department_id else "",
            })
            if len(results) >= MENTION_SUGGESTIONS:
                break
    return JsonResponse({"results": results})


urlpatterns: list = [
    path("tickets/mine/", my_tickets, name="my_tickets"),
    path("tickets/<int:pk>/notes/", add_note, name="ticket_note"),
    path("tickets/<int:pk>/mention-candidates/", mention_candidates, name="mention_candidates"),
]
