"""Who hears of which event of a demand or ticket (SPEC §7), called by the acts of `tickets.workflow` inside their
transactions (the notifications app queues the messages after commit).

Each key names one occurrence (the ticket or record id plus the event and, where the same event can recur, its
instant), so that a retried or replayed action never notifies anyone twice while a genuinely new occurrence does.
"""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Role, User
from notifications.services import notify, notify_department, notify_enterprise, notify_region_office


def _ticket_url(ticket) -> str:
    return reverse("tickets:ticket_detail", args=[ticket.pk])


def _demand_url(demand) -> str:
    return reverse("tickets:demand_detail", args=[demand.pk])


def _at(instant) -> str:
    return instant.isoformat() if instant else "-"


def _demands(ticket):
    return ticket.demands.select_related("enterprise")


def _tell_enterprise(demand, *, event: str, key: str, title: str, body: str = "", url: str = "") -> None:
    """The users of the demand's enterprise and an SMS to the requester; nobody for an anonymous demand."""
    if demand is None or demand.anonymous or not demand.enterprise_id:
        return
    phones = [demand.requester_phone] if demand.requester_phone else []
    notify_enterprise(demand.enterprise_id, event=event, key=key, title=title, body=body, url=url, phones=phones)


# --- departments ---------------------------------------------------------------------------------------------------
def _ask_co_department(department, ticket, *, key: str, title: str = "新协办工单") -> None:
    notify_department(
        department, event="dispatch", key=key, url=_ticket_url(ticket),
        title=f"{title}：{ticket.number}", body=f"{ticket.title}。牵头部门：{ticket.lead_department.name}，请确认协办。",
    )


def ticket_dispatched(ticket, *, co_departments=()) -> None:
    """A new ticket: its lead department must sign within the sign clock, each co-department must confirm."""
    key = f"ticket:{ticket.pk}:dispatch:{_at(ticket.dispatched_at)}"
    url = _ticket_url(ticket)
    notify_department(
        ticket.lead_department, event="dispatch", key=key, url=url,
        title=f"新工单待签收：{ticket.number}", body=f"{ticket.title}。请在签收期限内签收或提出异议。",
    )
    for department in co_departments:
        _ask_co_department(department, ticket, key=key)


def co_department_added(ticket, link) -> None:
    _ask_co_department(link.department, ticket, key=f"ticket:{ticket.pk}:co:{link.pk}:added")


def objection_raised(ticket) -> None:
    notify_region_office(
        ticket.region, event="objection", key=f"ticket:{ticket.pk}:object:{_at(ticket.disputed_at)}", url=_ticket_url(ticket),
        title=f"工单 {ticket.number} 被提出办理异议", body=f"{ticket.disputed_by_department.name}：{ticket.dispute_reason}",
    )


def referred_to_government(ticket) -> None:
    government = User.objects.filter(role=Role.GOVERNMENT, department__region=ticket.region, is_active=True)
    notify(
        recipients=government, event="objection", key=f"ticket:{ticket.pk}:refer:{_at(ticket.disputed_at)}",
        url=_ticket_url(ticket),
        title=f"请确定工单 {ticket.number} 的牵头部门", body=ticket.referral_note,
    )


def objection_resolved(ticket, *, action: str, objecting_department, co_departments=()) -> None:
    """reassign / decide_lead: the (new) lead gets the ticket to sign; the objecting department hears the outcome."""
    key = f"ticket:{ticket.pk}:{action}:{_at(ticket.dispatched_at)}"
    url = _ticket_url(ticket)
    decided_by = "政府办公室" if action == "decide_lead" else "联合服务办公室"
    lead = ticket.lead_department
    notify_department(
        lead, event="dispatch", key=key, url=url,
        title=f"工单待签收：{ticket.number}", body=f"{decided_by}确定由本部门牵头办理“{ticket.title}”，请在签收期限内签收。",
    )
    if objecting_department is not None and objecting_department != lead:
        # No link: the ticket is no longer the objecting department's to see.
        notify_department(
            objecting_department, event="objection_outcome", key=key,
            title=f"异议处理结果：{ticket.number}", body=f"“{ticket.title}”：{decided_by}已改由{lead.name}牵头办理。",
        )
    for department in co_departments:
        _ask_co_department(department, ticket, key=key, title="协办工单")


def ticket_assigned(ticket, *, actor) -> None:
    """The new 承办人 (a person, not the department) hears that the ticket is now his."""
    notify(
        recipients=[ticket.assignee], event="assign", key=f"ticket:{ticket.pk}:assign:{_at(ticket.assigned_at)}",
        url=_ticket_url(ticket), title=f"您被指定为工单承办人：{ticket.number}",
        body=f"{actor}（{ticket.lead_department.name}）将工单“{ticket.title}”交由您承办。",
    )


def note_mentions(ticket, note, people) -> None:
    """Each person a note mentions, with a link to the note itself."""
    if not people:
        return
    excerpt = note.body if len(note.body) <= 80 else note.body[:80] + "…"
    notify(
        recipients=people, event="mention", key=f"ticket:{ticket.pk}:note:{note.pk}:mention",
        url=f"{_ticket_url(ticket)}#note-{note.pk}", title=f"{note.author}在工单 {ticket.number} 的内部备注中提到了您",
        body=excerpt,
    )


def co_feedback_given(ticket, link) -> None:
    notify_department(
        ticket.lead_department, event="co_feedback", key=f"ticket:{ticket.pk}:co:{link.pk}:feedback:{_at(link.feedback_at)}",
        url=_ticket_url(ticket), title=f"协办部门已反馈：{ticket.number}", body=f"{link.department.name}：{link.feedback}",
    )


def extension_requested(ticket, request) -> None:
    notify_region_office(
        ticket.region, event="extension_request", key=f"ticket:{ticket.pk}:extension:{request.pk}:requested",
        url=_ticket_url(ticket), title=f"延期申请待审批：{ticket.number}",
        body=f"{ticket.lead_department.name}承诺于 {request.due_date:%Y-%m-%d} 前办结。{request.reason_note}",
    )


def extension_decided(ticket, request) -> None:
    approved = request.state == "approved"
    notify_department(
        ticket.lead_department, event="extension_decision", key=f"ticket:{ticket.pk}:extension:{request.pk}:decided",
        url=_ticket_url(ticket), title=f"延期申请{'已同意' if approved else '未同意'}：{ticket.number}",
        body=(f"办理期限延至 {request.due_date:%Y-%m-%d}。" if approved else "请按原期限办结。") + request.decision_note,
    )


def termination_requested(ticket, request) -> None:
    notify_region_office(
        ticket.region, event="termination_request", key=f"ticket:{ticket.pk}:termination:{request.pk}:requested",
        url=_ticket_url(ticket), title=f"终止办理申请待审批：{ticket.number}",
        body=f"{request.get_reason_display()}。{request.reason_note}",
    )


def termination_decided(ticket, request) -> None:
    approved = request.state == "approved"
    key = f"ticket:{ticket.pk}:termination:{request.pk}:decided"
    url = _ticket_url(ticket)
    notify_department(
        ticket.lead_department, event="termination_decision", key=key, url=url,
        title=f"终止办理申请{'已同意' if approved else '未同意'}：{ticket.number}",
        body=("工单已终止办理。" if approved else "请继续办理。") + request.decision_note,
    )
    if approved:
        for demand in _demands(ticket):
            _tell_enterprise(
                demand, event="result", key=key, url=_demand_url(demand),
                title=f"您的诉求已终止办理：{demand.number}",
                body=f"原因：{request.get_reason_display()}。{request.decision_note}".rstrip("。"),
            )


def returned_for_rework(ticket, callback) -> None:
    notify_department(
        ticket.lead_department, event="return", key=f"ticket:{ticket.pk}:callback:{callback.pk}:return",
        url=_ticket_url(ticket), title=f"工单被退回重新办理：{ticket.number}",
        body=f"回访发现办理结果{'与办结信息不一致' if not callback.consistent else '不符合办结标准'}。{callback.note}".rstrip("。"),
    )


def review_requested(ticket, review) -> None:
    notify_region_office(
        ticket.region, event="review_request", key=f"ticket:{ticket.pk}:review:{review.pk}:requested",
        url=_ticket_url(ticket), title=f"复查复核申请待处理：{ticket.number}", body=review.reason,
    )


def review_decided(ticket, review, *, outcome: str, opinion: str, due_date=None) -> None:
    upheld = outcome == "upheld"
    record = review.pk if review is not None else _at(ticket.handle_started_at if not upheld else ticket.archived_at)
    notify_department(
        ticket.lead_department, event="review_outcome", key=f"ticket:{ticket.pk}:review:{record}:decided",
        url=_ticket_url(ticket), title=f"复查复核结论：{'维持办结结果' if upheld else '责令整改'}（{ticket.number}）",
        body=opinion if upheld else f"请于 {due_date:%Y-%m-%d} 前完成整改。{opinion}",
    )


# --- the enterprise ----------------------------------------------------------------------------------------------
def materials_requested(demand) -> None:
    _tell_enterprise(
        demand, event="supplement", key=f"demand:{demand.pk}:supplement:{_at(demand.materials_requested_at)}",
        url=_demand_url(demand), title=f"请补充诉求材料：{demand.number}", body=f"需补充：{demand.missing_materials}",
    )


def ticket_formed(demand, ticket) -> None:
    _tell_enterprise(
        demand, event="ticket_formed", key=f"demand:{demand.pk}:ticket:{ticket.pk}", url=_demand_url(demand),
        title=f"您的诉求已受理：{demand.number}", body=f"已形成工单 {ticket.number}，由{ticket.lead_department.name}牵头办理。",
    )


def demand_merged(demand, ticket) -> None:
    _tell_enterprise(
        demand, event="ticket_formed", key=f"demand:{demand.pk}:ticket:{ticket.pk}", url=_demand_url(demand),
        title=f"您的诉求已受理：{demand.number}",
        body=f"已与相同诉求合并，在工单 {ticket.number} 中由{ticket.lead_department.name}牵头办理。",
    )


def merge_proposed(demand, proposal) -> None:
    """The office asks the enterprise to confirm a merge (it answers on the demand's page)."""
    _tell_enterprise(
        demand, event="merge_proposal", key=f"demand:{demand.pk}:merge_proposal:{proposal.pk}", url=_demand_url(demand),
        title=f"请确认是否同意合并办理：{demand.number}",
        body=f"您的诉求与{proposal.ticket.lead_department.name}正在办理的同类事项相同，联合服务办公室拟合并办理，请在诉求页面确认。",
    )


def merge_answered(demand, proposal) -> None:
    """The office hears the enterprise's answer (a refusal or a lapse leaves the demand in its triage queue)."""
    outcome = {
        "accepted": "企业同意合并，诉求已合并办理",
        "declined": "企业不同意合并，请另作研判",
        "lapsed": "企业同意合并，但工单已不在办理中，请重新研判",
    }[proposal.state]
    notify_region_office(
        demand.region, event="merge_answer", key=f"demand:{demand.pk}:merge_proposal:{proposal.pk}:answer",
        url=_demand_url(demand) if proposal.state == "accepted" else reverse("tickets:triage", args=[demand.pk]),
        title=f"合并征询已答复：{demand.number}",
        body=outcome + (f"。企业说明：{proposal.answer_note}" if proposal.state == "declined" and proposal.answer_note else "。"),
    )


def result_given(ticket) -> None:
    key = f"ticket:{ticket.pk}:close:{_at(ticket.closed_at)}"
    for demand in _demands(ticket):
        _tell_enterprise(
            demand, event="result", key=key, url=_demand_url(demand),
            title=f"您的诉求已办结：{demand.number}", body=f"办理结果：{ticket.closure_result}",
        )


def called_back(ticket, callback) -> None:
    if not callback.reached:
        title, body = "回访未联系上", "联合服务办公室回访时未能联系上您，如有意见请在诉求页面查看结果并评价。"
    elif callback.returned:
        title, body = "诉求将重新办理", "根据回访情况，工单已退回牵头部门重新办理。"
    else:
        title, body = "回访完成，诉求已归档", "感谢您对回访的配合。"
    for demand in _demands(ticket):
        _tell_enterprise(
            demand, event="callback", key=f"ticket:{ticket.pk}:callback:{callback.pk}", url=_demand_url(demand),
            title=f"{title}：{demand.number}", body=body,
        )


# --- consultation (§4.2.1(3)) ------------------------------------------------------------------------------------
def consultation_requested(demand, departments, *, at) -> None:
    """Each consulted department's handlers and specialists are asked for an opinion."""
    url = reverse("tickets:consult_inbox")
    for department in departments:
        people = User.objects.filter(department=department, role__in=(Role.HANDLER, Role.SPECIALIST), is_active=True)
        notify(
            recipients=people, event="consult", key=f"demand:{demand.pk}:consult:{department.pk}:{_at(at)}", url=url,
            title=f"请提出会商意见：{demand.number}", body=demand.title,
        )


def opinion_given(demand, request) -> None:
    notify_region_office(
        demand.region, event="consult_opinion", key=f"demand:{demand.pk}:opinion:{request.pk}", url=_demand_url(demand),
        title=f"会商意见已提出：{demand.number}", body=f"{request.department.name}：{request.opinion}",
    )


def transfer_received(transfer, *, from_region) -> None:
    """提级: the parent region's office has a new demand to triage within its 1-working-day clock."""
    notify_region_office(
        transfer.region, event="transfer", key=f"demand:{transfer.pk}:transfer", url=reverse("tickets:triage", args=[transfer.pk]),
        title=f"{from_region.name}提级转办诉求待研判：{transfer.number}", body=transfer.title,
    )
