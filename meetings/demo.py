"""Demo meetings (SPEC §11, OUTREACH §5): a held analysis meeting over three demo tickets of the city with its items
decided (one assigned to a department with a due date on the working-day calendar, one resolved, one reported to the
city government), a planned coordination meeting on a fourth ticket called by its lead department, and a planned
entrepreneur meeting. Run after the demo tickets; idempotent (by title)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from meetings import services
from meetings.models import Meeting
from tickets.models import Ticket

ANALYSIS_TITLE = "“企业之家”运行情况分析研判会（演示）"
COORDINATION_TITLE = "企业诉求办理协调会（演示）"
ENTREPRENEUR_TITLE = "季度企业家见面会（演示）"
OPEN_STATES = ("dispatched", "handling", "disputed", "closed")


def _user(username: str) -> User | None:
    return User.objects.select_related("department__region").filter(username=username).first()


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@transaction.atomic
def seed_demo_meetings() -> dict[str, int]:
    office = _user("office")
    if office is None:
        return {"meetings": 0, "created": 0}
    region = office.department.region
    created = 0
    tickets = list(
        Ticket.objects.filter(region=region, state__in=OPEN_STATES, lead_department__isnull=False)
        .select_related("lead_department").order_by("id")[:4]
    )
    if len(tickets) >= 3 and not Meeting.objects.filter(title=ANALYSIS_TITLE).exists():
        meeting = services.meeting_create(
            actor=office, kind="analysis", title=ANALYSIS_TITLE, starts_at=_at(-2, 15),
            place="市政务服务中心四楼会议室", chair="市政务服务中心主任",
            departments=sorted({t.lead_department.code for t in tickets[:3]} | {"anshun-fgw", "anshun-tcj"}),
        )
        items = [services.meeting_add_item(actor=office, meeting=meeting, ticket=t.pk) for t in tickets[:3]]
        services.meeting_add_item(actor=office, meeting=meeting, title="通报上月企业诉求办理情况")
        services.meeting_hold(
            actor=office, meeting=meeting,
            minutes="会议听取了联合服务工作机制办公室关于上月企业诉求办理情况的汇报，逐件研究了三张疑难工单，"
                    "明确了责任单位和办理时限。会议要求各成员单位按期反馈落实情况。",
        )
        lead = tickets[0].lead_department
        services.item_decide(actor=office, meeting=meeting, item=items[0].pk, outcome="assigned",
                             decision=f"由{lead.name}牵头，会同相关部门限期办结并答复企业。",
                             department=lead.code, due_working_days=5)
        services.item_decide(actor=office, meeting=meeting, item=items[1].pk, outcome="resolved",
                             decision="会上协调一致，相关部门当场明确办理路径，视为已解决。")
        services.item_decide(actor=office, meeting=meeting, item=items[2].pk, outcome="to_government",
                             decision="经协调仍无法解决，以联合服务工作机制办公室名义报市人民政府研究。")
        created += 1
    if len(tickets) >= 4 and not Meeting.objects.filter(title=COORDINATION_TITLE).exists():
        ticket = tickets[3]
        holder = User.objects.filter(department=ticket.lead_department, role="handler", is_active=True).first() or office
        meeting = services.meeting_create(
            actor=holder, kind="coordination", title=COORDINATION_TITLE, starts_at=_at(3, 9),
            place=f"{ticket.lead_department.name}会议室", ticket=ticket.pk, departments=["anshun-zwfw"],
        )
        services.meeting_add_item(actor=holder, meeting=meeting, ticket=ticket.pk)
        created += 1
    if not Meeting.objects.filter(title=ENTREPRENEUR_TITLE).exists():
        services.meeting_create(
            actor=office, kind="entrepreneur", title=ENTREPRENEUR_TITLE, starts_at=_at(10, 14),
            place="市政务服务中心一楼多功能厅", chair="市人民政府分管副市长",
            departments=["anshun-gxj", "anshun-wlj", "anshun-nync", "anshun-swj"],
        )
        created += 1
    return {"meetings": Meeting.objects.filter(title__in=[ANALYSIS_TITLE, COORDINATION_TITLE, ENTREPRENEUR_TITLE])
            .count(), "created": created}
