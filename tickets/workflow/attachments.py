"""Files on demands and tickets: materials the enterprise or a department supplies, evidence of handling."""

from __future__ import annotations

import os

from django.db import transaction

from accounts.models import User
from core.errors import Conflict, PermissionDenied, field_error
from core.files import ALLOWED_EXTENSIONS, extension, validate_upload
from tickets import rules
from tickets.models import Attachment, Demand, Ticket
from tickets.workflow._shared import demand_event, ticket_event


def store_file(*, actor: User, upload, kind: str, demand: Demand | None = None, ticket: Ticket | None = None) -> Attachment:
    """Write a checked upload next to its demand or ticket. For the acts that take files with them (register, supply,
    close): they have checked who acts and record the act itself on the timeline."""
    validate_upload(upload)
    return Attachment.objects.create(
        demand=demand,
        ticket=ticket,
        kind=kind,
        file=upload,
        original_name=os.path.basename(upload.name)[:200],
        content_type=ALLOWED_EXTENSIONS[extension(upload.name)],
        size=upload.size,
        uploaded_by=actor,
    )


@transaction.atomic
def attach_file(*, actor: User, upload, demand: Demand | None = None, ticket: Ticket | None = None,
                kind: str | None = None) -> Attachment:
    """Add one file to a demand (materials) or a ticket (evidence of handling).

    1. Lock the demand or ticket; the rules say who may add files (403): the enterprise, the first-contact department,
       the registrar or the office for a demand; the lead, a co-department or the office for a ticket.
    2. A demand takes materials only while it waits for triage; an archived or terminated ticket takes nothing (409).
    3. Check the file (400), store it, write the timeline entry.
    """
    if (demand is None) == (ticket is None):
        raise ValueError("attach_file needs exactly one of demand and ticket")
    if demand is not None:
        demand = Demand.objects.select_for_update().get(pk=demand.pk)
        if not rules.may_attach_to_demand(demand, actor):
            raise PermissionDenied("您不能为该诉求上传材料。")
        if not demand.is_open:
            raise Conflict(f"诉求当前为“{demand.get_state_display()}”，不能再添加材料；办理材料请上传到工单。")
        _require(upload)
        if kind is None:
            awaiting = demand.state == Demand.State.AWAITING_MATERIALS
            kind = Attachment.Kind.SUPPLEMENT if awaiting else Attachment.Kind.MATERIAL
        attachment = store_file(actor=actor, upload=upload, kind=kind, demand=demand)
        demand_event(demand, actor, "attach", demand.state, f"上传材料：{attachment.original_name}")
        return attachment
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if not rules.may_attach_to_ticket(ticket, actor):
        raise PermissionDenied("您不能为该工单上传附件。")
    if ticket.is_read_only:
        raise Conflict("已归档或已终止的工单不能再添加附件。")
    _require(upload)
    attachment = store_file(actor=actor, upload=upload, kind=kind or Attachment.Kind.EVIDENCE, ticket=ticket)
    ticket_event(ticket, actor, "attach", ticket.state, f"上传附件：{attachment.original_name}")
    return attachment


def _require(upload) -> None:
    if upload is None:
        raise field_error("file", "请选择要上传的文件（multipart 表单字段 file）。")
