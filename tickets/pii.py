"""Revealing a requester's full phone (SECURITY.md §5): one phone per click, for those who must call back
(rules.may_reveal_phone), each reveal audited as `pii.reveal` with the demand and the field — never the phone itself."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.services import record
from tickets import rules
from tickets.selectors import demand_for_user

REFUSED = "只有所在区域的联合服务办公室和牵头部门（工单办理期间）可以查看完整联系电话。"


def reveal_requester_phone(request, pk) -> tuple:
    """The demand and its requester's phone, after the audit row is written (a failed write reveals nothing).

    Another region's or department's demand is a 404 (demand_for_user); a reader who may not reveal is a 403.
    """
    demand = demand_for_user(request.user, pk)
    if not rules.may_reveal_phone(demand, request.user):
        raise PermissionDenied(REFUSED)
    with transaction.atomic():
        record("pii.reveal", request=request, obj=demand, field="requester_phone")
    return demand, demand.requester_phone
