"""Collaboration inside the administration: the person who works a ticket (承办人) and internal notes with @mentions.

Who assigns: the handlers of the lead department, and nobody else. The office decides which department leads
(dispatch, objections); which of the department's people does the work is the department's own business, so neither
the office, the government nor a co-department picks a person inside it. A handler takes a ticket himself (我来办) or
hands it to a colleague of the same department; the assignee is always an active handler of the lead department, and
is cleared when the lead department changes (dispatch._redispatch).

Who writes notes: department staff who may see the ticket and act on tickets (handlers, specialists, the office, the
government). Leaders read them (their role is read-only) and enterprises, outside registrars and administrators never
see them. A mention (@username or @姓名) must name staff who may see the ticket; naming anyone else refuses the note
with a message saying who cannot be mentioned, so nobody believes a person was told who was not.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.functions import Concat
from django.utils import timezone

from accounts.models import Role, User
from accounts.roles import INTERNAL_READERS
from audit.services import record
from core.errors import Conflict, PermissionDenied, field_error
from tickets import notices
from tickets.models import Ticket, TicketNote
from tickets.selectors import tickets_visible_to
from tickets.workflow._shared import lock_ticket, save_ticket, ticket_event

NOTE_BODY_LIMIT = 2000
MAX_MENTIONS = 10
# Roles that write notes: department staff acting on tickets (the leader reads only).
NOTE_WRITERS = frozenset({Role.HANDLER, Role.SPECIALIST, Role.OFFICE, Role.GOVERNMENT})
# States in which the lead department works the ticket: before and after signing. Not while the lead itself is in
# dispute, nor once closed (the office calls back or reviews; a return for rework brings it back to handling).
ASSIGNABLE_STATES = (Ticket.State.DISPATCHED, Ticket.State.HANDLING)
# "@" starts a mention unless it is inside an e-mail address (a Latin letter or digit right before it).
_MENTION_START = re.compile(r"(?<![A-Za-z0-9._%+-])@")
_MENTION_TEXT = re.compile(r"[\w.\-]{1,30}")


# --- 承办人 -----------------------------------------------------------------------------------------------------------
def may_assign(ticket: Ticket, user) -> bool:
    """A handler of the lead department (role and department; the state is `assignable`)."""
    return user.is_authenticated and user.role == Role.HANDLER and user.department_id == ticket.lead_department_id


def assignable(ticket: Ticket, user=None) -> bool:
    return ticket.state in ASSIGNABLE_STATES


def may_take(ticket: Ticket, user) -> bool:
    """我来办: offered to a handler of the lead department who is not the assignee already."""
    return may_assign(ticket, user) and ticket.assignee_id != user.pk


def assignee_choices(ticket: Ticket):
    """The people a ticket may be assigned to: the active handlers of its lead department."""
    return User.objects.filter(role=Role.HANDLER, department_id=ticket.lead_department_id, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def _pick_assignee(ticket: Ticket, assignee) -> User:
    if isinstance(assignee, User):
        chosen = assignee
    else:
        username = (assignee or "").strip() if isinstance(assignee, str) else ""
        if not username:
            raise field_error("assignee", "请选择承办人。")
        chosen = User.objects.filter(username=username).select_related("department").first()
        if chosen is None:
            raise field_error("assignee", f"用户“{username}”不存在。")
    if not chosen.is_active or chosen.role != Role.HANDLER or chosen.department_id != ticket.lead_department_id:
        raise field_error(
            "assignee", f"“{chosen}”不是牵头部门（{ticket.lead_department.name}）的在岗工作人员，不能作为承办人。"
        )
    return chosen


@transaction.atomic
def ticket_assign(*, actor: User, ticket: Ticket, assignee) -> Ticket:
    """Name the person of the lead department who works the ticket, or hand it to another (1. lock; 2. who: a handler
    of the lead department, 403; 3. when: a lead at work, 409; 4. whom: an active handler of the lead department, 400;
    5. save, timeline entry (internal) with its audit row, and the new assignee is told unless he took it himself)."""
    ticket = lock_ticket(ticket)
    if not may_assign(ticket, actor):
        raise PermissionDenied("只有牵头部门的工作人员可以指定承办人。")
    if not assignable(ticket):
        raise Conflict(f"当前状态为“{ticket.get_state_display()}”，不能指定承办人。")
    chosen = _pick_assignee(ticket, assignee)
    if chosen.pk == ticket.assignee_id:
        raise field_error("assignee", f"“{chosen}”已是该工单的承办人。")
    previous = ticket.assignee
    ticket.assignee, ticket.assigned_at = chosen, timezone.now()
    save_ticket(ticket, ["assignee", "assigned_at"])
    if chosen.pk == actor.pk:
        note = f"{chosen}（本人承办）"
    else:
        note = f"承办人：{chosen}"
    if previous is not None:
        note += f"（原承办人：{previous}）"
    ticket_event(ticket, actor, "assign", ticket.state, note, internal=True)
    if chosen.pk != actor.pk:
        notices.ticket_assigned(ticket, actor=actor)
    return ticket


def ticket_take(*, actor: User, ticket: Ticket) -> Ticket:
    """我来办: the acting handler becomes the assignee."""
    return ticket_assign(actor=actor, ticket=ticket, assignee=actor)


# --- internal notes ---------------------------------------------------------------------------------------------------
def may_read_notes(user) -> bool:
    """Department staff (the caller has already been given the ticket by ticket_for_user)."""
    return user.is_authenticated and user.role in INTERNAL_READERS


def may_write_note(ticket: Ticket, user) -> bool:
    return user.is_authenticated and user.role in NOTE_WRITERS


def _may_see(ticket: Ticket, user: User) -> bool:
    return user.is_active and user.role in INTERNAL_READERS and tickets_visible_to(user).filter(pk=ticket.pk).exists()


def _candidates(text: str) -> list[str]:
    """What may follow an "@": the run of word characters and every shorter start of it (a name is often followed by
    more Chinese text without a space, "@张三请核实")."""
    match = _MENTION_TEXT.match(text)
    if not match:
        return []
    run = match.group(0).rstrip(".-")
    return [run[:size] for size in range(len(run), 1, -1)] + ([run] if len(run) == 1 else [])


def resolve_mentions(ticket: Ticket, body: str) -> list[User]:
    """The people a note mentions, each one allowed to see the ticket; a ValidationError on `body` naming who cannot
    be mentioned (unknown, ambiguous, or without access), so the note is not saved with a silent gap."""
    found: dict[int, User] = {}
    errors: list[str] = []
    for start in _MENTION_START.finditer(body):
        prefixes = _candidates(body[start.end():])
        if not prefixes:
            continue
        people = list(
            User.objects.annotate(full=Concat("last_name", "first_name", output_field=CharField()))
            .filter(Q(username__in=prefixes) | Q(full__in=prefixes), is_active=True)
            .exclude(role=Role.ENTERPRISE).select_related("department")
        )
        # The longest name that matches is the one meant ("@张三丰" is not "@张三").
        for prefix in prefixes:
            matching = [p for p in people if p.username == prefix or p.get_full_name() == prefix]
            if matching:
                break
        else:
            errors.append(f"找不到用户“{prefixes[0]}”。")
            continue
        if len(matching) > 1:
            errors.append(f"有多名用户叫“{prefix}”，请改用 @用户名 提及（如 @{matching[0].username}）。")
            continue
        person = matching[0]
        if person.pk in found:
            continue
        if not _may_see(ticket, person):
            where = f"（{person.department.name}）" if person.department_id else ""
            errors.append(f"“{person}{where}”无权查看该工单，不能提及。")
            continue
        found[person.pk] = person
        if len(found) > MAX_MENTIONS:
            errors.append(f"一条备注最多提及 {MAX_MENTIONS} 人。")
            break
    if errors:
        raise field_error("body", "".join(dict.fromkeys(errors)))
    return list(found.values())


@transaction.atomic
def ticket_add_note(*, actor: User, ticket: Ticket, body: str) -> TicketNote:
    """Write an internal note (1. who: staff writing notes who may see the ticket, 403; 2. the text: required, at most
    2000 characters, mentions resolved, 400 with nothing saved; 3. the note and its audit row; 4. each person
    mentioned, except the author, is told with a link to the note)."""
    if not may_write_note(ticket, actor) or not tickets_visible_to(actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied("您没有权限在该工单上添加内部备注。")
    text = (body or "").strip()
    if not text:
        raise field_error("body", "请填写备注内容。")
    if len(text) > NOTE_BODY_LIMIT:
        raise field_error("body", f"备注内容不能超过 {NOTE_BODY_LIMIT} 个字（现为 {len(text)} 个字）。")
    if "\x00" in text:
        raise field_error("body", "备注内容含有不能识别的字符。")
    people = resolve_mentions(ticket, text)
    note = TicketNote.objects.create(ticket=ticket, author=actor, body=text, created_at=timezone.now())
    if people:
        note.mentions.set(people)
    record("ticket.note", actor=actor, obj=ticket, note=note.pk, mentions=len(people))
    notices.note_mentions(ticket, note, [person for person in people if person.pk != actor.pk])
    return note
