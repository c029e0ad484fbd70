"""Building meetings through the acts themselves, so tests start from states real users reach."""

import datetime

from django.utils import timezone

from meetings import services
from tickets.tests.helpers import dispatched_ticket


def soon() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=2)


def analysis(office, **overrides):
    data = {"kind": "analysis", "title": "十二月企业诉求分析研判会", "starts_at": soon(), "place": "市政务服务中心 3 楼会议室",
            "departments": ["anshun-scjg", "anshun-sw"]}
    data.update(overrides)
    return services.meeting_create(actor=office, **data)


def three_tickets(office, lead="anshun-scjg"):
    return [dispatched_ticket(office, lead=lead, title=f"企业用地审批协调事项 {n}") for n in range(1, 4)]


def held_with_tickets(office, tickets, minutes="会议研究了三张工单。"):
    meeting = analysis(office)
    items = [services.meeting_add_item(actor=office, meeting=meeting, ticket=t.pk) for t in tickets]
    services.meeting_hold(actor=office, meeting=meeting, minutes=minutes)
    return meeting, items
