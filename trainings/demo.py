"""Demo training sessions (SPEC §11, OUTREACH §3): a published upcoming session of 市工业和信息化局 with sign-ups from the
demo enterprise users `ent` and `ent2`, a second upcoming one, and a session held last month with attendance and
feedback (the demand raised there is registered by tickets.demo_trainings, the tickets app sitting above this one).
Idempotent (by title); the times are relative to today so that "upcoming" stays upcoming."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Department, User
from policies.models import Policy
from trainings.models import Feedback, Registration, TrainingSession

UPCOMING = "中小企业技术改造和数字化转型政策宣讲会"
SECOND = "企业融资贷款与贴息政策专题培训"
HELD = "2026 年度税费优惠政策解读培训"


def _at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)  # a demo date, not a deadline
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _session(title: str, *, department: str, topic: str, days: int, capacity: int, venue: str = "",
             online_url: str = "", description: str = "") -> tuple[TrainingSession, bool]:
    existing = TrainingSession.objects.filter(title=title).first()
    if existing is not None:
        return existing, False
    organiser = Department.objects.get(code=department)
    author = User.objects.filter(department=organiser, is_active=True).order_by("id").first() or \
        User.objects.get(username="office")
    session = TrainingSession.objects.create(
        department=organiser, region_id=organiser.region_id, topic=topic, title=title, description=description,
        starts_at=_at(days, 9, 30), ends_at=_at(days, 11, 30), signup_closes_at=_at(days - 1, 18),
        venue=venue, online_url=online_url, capacity=capacity, created_by=author,
    )
    return session, True


def _sign_up(session: TrainingSession, username: str, *, attended: bool = False) -> Registration:
    user = User.objects.get(username=username)
    registration, created = Registration.objects.get_or_create(
        session=session, user=user, defaults={"enterprise_id": user.enterprise_id, "attended": attended,
                                              "attendance_recorded_at": timezone.now() if attended else None})
    if created:
        TrainingSession.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)
    return registration


@transaction.atomic
def seed_demo_trainings() -> dict[str, int]:
    created = 0
    policies = list(Policy.objects.filter(state="published", department__code="anshun-gxj").order_by("id")[:2])

    upcoming, new = _session(
        UPCOMING, department="anshun-gxj", topic="policy", days=7, capacity=60, venue="安顺市政务服务中心三楼第一会议室",
        description="解读技术改造专项资金、数字化转型奖补的申报条件、材料和时间安排，现场答疑。")
    if new:
        created += 1
        upcoming.policies.set(policies)
        upcoming.publish()
        upcoming.save()
        _sign_up(upcoming, "ent")
        _sign_up(upcoming, "ent2")

    second, new = _session(
        SECOND, department="anshun-fgw", topic="financing", days=14, capacity=100,
        venue="安顺市行政中心 2 号楼报告厅", online_url="https://meeting.anshun.gov.cn/room/2026",
        description="银行机构和政府部门讲解小微企业信用贷款、贷款贴息和担保费补助政策。")
    if new:
        created += 1
        second.publish()
        second.save()

    held, new = _session(
        HELD, department="anshun-sw", topic="tax", days=-30, capacity=80, venue="安顺市税务局二楼培训室",
        description="讲解小微企业和个体工商户所得税优惠、研发费用加计扣除等政策。")
    if new:
        created += 1
        TrainingSession.objects.filter(pk=held.pk).update(
            state=TrainingSession.State.HELD, published_at=_at(-45, 10), held_at=_at(-30, 12))
        held.refresh_from_db()
        first = _sign_up(held, "ent", attended=True)
        _sign_up(held, "ent2", attended=True)
        Feedback.objects.get_or_create(registration=first, defaults={
            "score": 5, "comment": "讲得很清楚，研发费用加计扣除的操作流程很实用。"})
    return {"trainings": TrainingSession.objects.filter(title__in=[UPCOMING, SECOND, HELD]).count(),
            "created": created}
