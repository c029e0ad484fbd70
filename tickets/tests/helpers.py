"""Building demands and tickets through the workflow itself, so tests start from states real users reach."""

from accounts.tests.factories import valid_uscc
from tickets import workflow

DEFAULTS = {
    "channel": "hotline",
    "title": "企业开办后税控设备领用问题",
    "content": "公司新开办，申领税控设备时系统提示信息不一致，已多次往返办税大厅仍未解决。",
    "domain": "tax",
    "enterprise_name": "安顺测试科技有限公司",
    "enterprise_uscc": valid_uscc(7),
    "requester_name": "王先生",
    "requester_phone": "13800000000",
}


def register(actor, **overrides):
    data = {**DEFAULTS, **overrides}
    demand, _ = workflow.demand_register(actor=actor, **data)
    return demand


def dispatched_ticket(office, registrar=None, lead="anshun-scjg", co=(), category="coordination", complex_=False, **overrides):
    demand = register(registrar or office, **overrides)
    demand = workflow.demand_form_ticket(
        actor=office, demand=demand, category=category, complex=complex_, lead_department=lead, co_departments=list(co)
    )
    return demand.ticket


def handling_ticket(office, handler, **kwargs):
    ticket = dispatched_ticket(office, lead=handler.department.code, **kwargs)
    return workflow.ticket_sign(actor=handler, ticket=ticket)


def disputed_ticket(office, handler, **kwargs):
    ticket = dispatched_ticket(office, lead=handler.department.code, **kwargs)
    return workflow.ticket_object(actor=handler, ticket=ticket, reason="该事项属于税务部门职责")


def closed_ticket(office, handler, standard="resolved", **kwargs):
    ticket = handling_ticket(office, handler, **kwargs)
    return workflow.ticket_close(actor=handler, ticket=ticket, standard=standard, result="已协调办结", explanation="书面说明")


def good_callback(office, ticket, **overrides):
    data = {"reached": True, "satisfaction": "satisfied", "consistent": True, "meets_standard": True, "note": ""}
    data.update(overrides)
    return workflow.ticket_callback(actor=office, ticket=ticket, **data)
