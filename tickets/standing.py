"""What the enterprise reads about its demand: one sentence of where it stands and what happens next (UI.md).

The status page and the "我的诉求" list use it; staff read the full record instead.
"""

from dataclasses import dataclass

from django.utils import timezone

from tickets.models import Demand, Ticket
from tickets.models.demand import RejectReason


@dataclass(frozen=True)
class Standing:
    """Where a demand stands, in one sentence, and the alert style it is shown in."""

    tone: str  # a Bootstrap contextual class: info / warning / success / secondary / danger
    icon: str
    text: str


def _day(value) -> str:
    local = timezone.localtime(value)
    weekday = "一二三四五六日"[local.weekday()]
    return f"{local.month}月{local.day}日（周{weekday}）"


def ticket_progress(ticket: Ticket, *, now=None, pressed: bool | None = None) -> str:
    """A ticket's state as an enterprise would say it.

    An estimate that has passed is never shown as a promise: it says so and what happens now. `pressed`: whether the
    lead department has been urged or supervised on the ticket (None when the caller did not look: a list's rows)."""
    state = ticket.state
    now = now or timezone.now()
    if state == Ticket.State.DISPATCHED:
        return "已派至牵头部门，等待签收"
    if state in (Ticket.State.DISPUTED, Ticket.State.GOVERNMENT_DECISION):
        return "正在协调确定办理部门"
    if state == Ticket.State.HANDLING:
        due = ticket.handle_due_at
        redo = "经回访退回重新办理" if ticket.rework_count else "正在办理"
        if due is None:
            return redo
        if due >= now:
            return f"{redo}，预计在{_day(due)}前办结"
        if pressed:
            follow = "承办部门已被催办督办"
        else:
            follow = "联合服务办公室正在督促承办部门尽快办结"
        return f"原预计在{_day(due)}前办结，目前仍在办理中，{follow}，办结后将在本页告知您办理结果"
    if state == Ticket.State.CLOSED:
        return "已办结，联合服务办公室将回访听取您的意见"
    if state == Ticket.State.REVIEW:
        return "正在复查复核"
    if state == Ticket.State.ARCHIVED:
        return "已办结并归档"
    if state == Ticket.State.TERMINATED:
        return "已终止办理"
    return "已提级办理"


def where_it_stands(demand: Demand, *, visitor: bool = False, pressed: bool | None = None) -> Standing:
    """The sentence at the top of the enterprise's status page (and in its list): where it is, what happens next.

    `visitor`: the same sentence for the public tracking page (/track/), where the person has no account to supply
    materials or withdraw with."""
    state = demand.state
    if visitor and state == Demand.State.AWAITING_MATERIALS:
        return Standing(
            "warning", "exclamation-triangle",
            f"请补充以下材料：{demand.missing_materials}。请将材料送至{demand.region.office_name()}"
            "（政务服务中心“企业之家”窗口），补充后将在 1 个工作日内重新研判。",
        )
    if visitor and state == Demand.State.WITHDRAWN:
        return Standing("secondary", "arrow-counterclockwise", "该诉求已撤回，不再办理。如仍有需要，可重新提交。")
    if state == Demand.State.REGISTERED:
        due = demand.triage_due_at
        if due and due < timezone.now():
            return Standing(
                "info", "hourglass-split",
                f"联合服务办公室正在研判，原预计在{_day(due)}前完成，目前仍在研判中，将尽快确定办理部门；"
                "需要补充材料时会在本页告知您。",
            )
        when = f"，预计在{_day(due)}前完成" if due else ""
        return Standing(
            "info", "hourglass-split",
            f"联合服务办公室正在研判{when}。研判后将派给责任部门办理，需要补充材料时会在本页告知您。",
        )
    if state == Demand.State.AWAITING_MATERIALS:
        return Standing(
            "warning", "exclamation-triangle",
            f"请补充以下材料：{demand.missing_materials}。补充后联合服务办公室将在 1 个工作日内重新研判。",
        )
    if state == Demand.State.CONSULTING:
        return Standing(
            "info", "people",
            "该诉求涉及多个部门，联合服务办公室正在组织相关部门会商，会商后将确定办理部门。",
        )
    if state in (Demand.State.TICKETED, Demand.State.MERGED) and demand.ticket_id:
        ticket = demand.ticket
        formed = "已与同一事项合并至工单" if state == Demand.State.MERGED else "已形成工单"
        return Standing(
            "success", "check2-circle",
            f"{formed} {ticket.number}，由{ticket.lead_department.name}牵头办理，{ticket_progress(ticket, pressed=pressed)}。",
        )
    if state == Demand.State.REJECTED:
        reason = RejectReason(demand.reject_reason).label if demand.reject_reason else "不予受理"
        note = demand.reject_note.strip().rstrip("。")
        # Nobody can call back a visitor who left no phone.
        contact = "" if visitor and not demand.requester_phone else "首问部门将与您联系说明情况。"
        text = f"不予受理：{reason}。" + (f"{note}。" if note else "") + contact
        return Standing("secondary", "x-circle", text)
    if state == Demand.State.ESCALATED:
        parent = demand.region.parent
        where = f"{parent.name}“企业之家”" if parent is not None else "省级“企业之家”"
        return Standing("info", "arrow-up-circle", f"该诉求超出本级办理权限，已提交{where}办理，办理进展将继续在本页显示。")
    if state == Demand.State.WITHDRAWN:
        return Standing("secondary", "arrow-counterclockwise", "您已撤回该诉求，不再办理。如仍有需要，可重新提交。")
    return Standing("secondary", "info-circle", demand.get_state_display())


def pressed_on(ticket: Ticket | None) -> bool | None:
    """Whether the lead department has been urged or supervised since it began handling the ticket, asked only where
    a passed estimate is shown (at most two small queries; None where the question does not arise). Both records are
    read through the ticket's relations: supervision sits below tickets and is used through its services only."""
    if ticket is None or ticket.state != Ticket.State.HANDLING or not ticket.handle_due_at:
        return None
    if ticket.handle_due_at >= timezone.now():
        return None
    since = ticket.handle_started_at or ticket.created_at
    return ticket.urges.filter(at__gte=since).exists() or ticket.supervisions.filter(issued_at__gte=since).exists()
