"""Every state change of demands and tickets (SPEC §3–§5), by phase. Web views, the API, commands and tasks call
these acts; `from tickets import workflow; workflow.ticket_sign(...)` reaches each of them.

- registration: demands received on a channel (and the transfer demand of an escalation);
- triage: the office's decisions on a demand, materials, consultation, withdrawal;
- dispatch: a ticket formed and dispatched, sign, objection, the lead decision, auto-sign;
- handling: co-departments, extension, termination, escalation;
- closure: close, callback, rework, review, rating, sampled callbacks;
- attachments: files on demands and tickets.
The shape every act shares is in `_shared`.
"""

from tickets.workflow._shared import PHONE_RE
from tickets.workflow.attachments import attach_file
from tickets.workflow.autosign import tickets_auto_sign
from tickets.workflow.closure import (
    ticket_callback,
    ticket_close,
    ticket_rate,
    ticket_request_review,
    ticket_review,
    ticket_sampled_callback,
)
from tickets.workflow.collab import ticket_add_note, ticket_assign, ticket_take
from tickets.workflow.dispatch import (
    ticket_auto_sign,
    ticket_decide_lead,
    ticket_object,
    ticket_reassign,
    ticket_refer_to_government,
    ticket_sign,
)
from tickets.workflow.handling import (
    escalation_update,
    ticket_add_co_department,
    ticket_co_confirm,
    ticket_co_feedback,
    ticket_decide_extension,
    ticket_decide_termination,
    ticket_escalate,
    ticket_request_extension,
    ticket_request_termination,
)
from tickets.workflow.registration import demand_register, demand_submit_public
from tickets.workflow.triage import (
    demand_answer_merge,
    demand_consult,
    demand_escalate,
    demand_form_ticket,
    demand_give_opinion,
    demand_merge,
    demand_propose_merge,
    demand_reject,
    demand_request_materials,
    demand_supply_materials,
    demand_triage,
    demand_withdraw,
    may_answer_online,
)

__all__ = [
    "PHONE_RE",
    "attach_file",
    "demand_answer_merge",
    "demand_consult",
    "demand_escalate",
    "demand_form_ticket",
    "demand_give_opinion",
    "demand_merge",
    "demand_propose_merge",
    "demand_register",
    "demand_reject",
    "demand_request_materials",
    "demand_submit_public",
    "demand_supply_materials",
    "demand_triage",
    "demand_withdraw",
    "escalation_update",
    "may_answer_online",
    "ticket_add_co_department",
    "ticket_add_note",
    "ticket_assign",
    "ticket_auto_sign",
    "ticket_callback",
    "ticket_close",
    "ticket_co_confirm",
    "ticket_co_feedback",
    "ticket_decide_extension",
    "ticket_decide_lead",
    "ticket_decide_termination",
    "ticket_escalate",
    "ticket_object",
    "ticket_rate",
    "ticket_reassign",
    "ticket_refer_to_government",
    "ticket_request_extension",
    "ticket_request_review",
    "ticket_request_termination",
    "ticket_review",
    "ticket_sampled_callback",
    "ticket_sign",
    "ticket_take",
    "tickets_auto_sign",
]
