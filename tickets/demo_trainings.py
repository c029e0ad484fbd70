"""The demo demand raised at the held demo training (OUTREACH §3): registered by the organiser on channel
`department`, linked to the session. Idempotent (by its external reference)."""

from __future__ import annotations

from accounts.models import User
from tickets.workflow.policy_link import demand_register_linked
from trainings.demo import HELD
from trainings.models import TrainingSession

EXTERNAL_REF = "demo-training-question-1"


def seed_demo_training_demands() -> int:
    session = TrainingSession.objects.filter(title=HELD).select_related("department").first()
    if session is None:
        return 0
    organiser = User.objects.filter(department=session.department, role="handler", is_active=True).order_by("id").first()
    ent = User.objects.get(username="ent")
    if organiser is None:
        return 0
    _demand, created = demand_register_linked(
        actor=organiser, training=session, channel="department", external_ref=EXTERNAL_REF,
        title="培训提问：研发费用加计扣除的辅助账如何设置",
        content="企业在培训现场提问：研发费用加计扣除需要设置的辅助账有哪些要求？能否提供模板？",
        domain="tax", enterprise_name=ent.enterprise.name, enterprise_uscc=ent.enterprise.uscc,
        requester_name=ent.get_full_name() or "刘晓燕", requester_phone=ent.phone or ent.enterprise.contact_phone or "13800000000",
    )
    return int(created)
