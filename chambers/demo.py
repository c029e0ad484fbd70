"""Demo chamber rotation (SPEC §11, OUTREACH §4): four chambers and associations of 安顺市, the demo `chamber` user in
安顺市浙江商会, this year's plan (one turn a quarter, published), and two activities with the demands collected there.

The demands go through the tickets registration act, which sits above this app: seed_demo hands it in as `register`
(tickets.workflow.policy_link.demand_register_linked). Idempotent: by name, by chamber and plan, by place, and by the
demands' external references."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from accounts.demo import ENTERPRISES
from accounts.models import Region, User
from chambers import services
from chambers.models import (
    Activity,
    Chamber,
    ChamberMembership,
    RotationEntry,
    RotationPlan,
)

CHAMBERS = [
    ("安顺市浙江商会", "chamber", "周会长 0851-33218801"),
    ("安顺市福建商会", "chamber", "林秘书长 0851-33218802"),
    ("安顺市餐饮与住宿行业协会", "association", "王秘书长 0851-33218803"),
    ("安顺市建材行业协会", "association", "陈秘书长 0851-33218804"),
]
THEMES = [
    "外来投资企业用工与人才服务",
    "民营企业融资难题座谈",
    "文旅餐饮企业开业办证体验",
    "建材企业用地与环评服务",
]
MEMBER_CHAMBER = "安顺市浙江商会"


def _quarter(year: int, index: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * index + 1, 1)
    end = datetime.date(year + 1, 1, 1) if index == 3 else datetime.date(year, 3 * index + 4, 1)
    return start, end - datetime.timedelta(days=1)


def _ent(key: str) -> dict:
    enterprise = next(item for item in ENTERPRISES if item.key == key)
    return {"enterprise_name": enterprise.name, "enterprise_uscc": enterprise.uscc,
            "requester_name": enterprise.contact, "requester_phone": enterprise.phone}


@transaction.atomic
def seed_demo_chambers(*, register: Callable | None = None) -> dict[str, int]:
    today = timezone.localdate()
    region = Region.objects.get(code="anshun")
    federation = User.objects.get(username="spec_gsl")
    chamber_user = User.objects.get(username="chamber")
    chambers = {}
    for name, kind, contact in CHAMBERS:
        chambers[name], _ = Chamber.objects.get_or_create(
            region=region, name=name, defaults={"kind": kind, "contact": contact, "created_by": federation})
    ChamberMembership.objects.get_or_create(
        user=chamber_user, defaults={"chamber": chambers[MEMBER_CHAMBER], "assigned_by": federation})

    plan = RotationPlan.objects.filter(region=region, year=today.year).first()
    for index, (name, _kind, _contact) in enumerate(CHAMBERS):
        if plan is not None and RotationEntry.objects.filter(plan=plan, chamber=chambers[name]).exists():
            continue
        starts_on, ends_on = _quarter(today.year, index)
        services.entry_add(actor=federation, data={
            "year": today.year, "chamber": chambers[name].pk, "starts_on": starts_on, "ends_on": ends_on,
            "theme": THEMES[index],
        })
    plan = RotationPlan.objects.get(region=region, year=today.year)
    if not plan.published:
        services.plan_publish(actor=federation, year=today.year)

    current = RotationEntry.objects.filter(plan=plan, starts_on__lte=today, ends_on__gte=today).select_related(
        "chamber").first()
    activities = []
    if current is not None:
        activities.append(_activity(federation, current.chamber, {
            "rotation": current.pk, "kind": "rotation", "held_on": max(current.starts_on, today - datetime.timedelta(days=3)),
            "place": f"{current.chamber.name}会议室", "departments": ["anshun-zwfw", "anshun-rsj", "anshun-sw"],
            "enterprises_count": 18, "summary": f"围绕“{current.theme}”召开轮值座谈会，18 家会员企业参加，"
                                                "现场答复问题 6 个，收集需协调办理的诉求 1 件。",
        }))
    activities.append(_activity(chamber_user, chambers[MEMBER_CHAMBER], {
        "kind": "experience", "held_on": max(datetime.date(today.year, 1, 1), today - datetime.timedelta(days=10)),
        "place": "安顺市政务服务中心", "departments": ["anshun-zwfw", "anshun-scjg"], "enterprises_count": 5,
        "summary": "商会组织 5 家会员企业到政务大厅体验企业开办和变更登记，发现跨部门材料重复提交的问题 1 个。",
    }))

    created = 0
    if register is not None:
        stories = [
            (federation, "DEMO-CHAMBER-01", "轮值座谈：企业招工信息发布渠道少",
             "会员企业反映本地招工信息发布渠道少、技工难招，希望人社部门组织专场招聘会。", "talent"),
            (chamber_user, "DEMO-CHAMBER-02", "办事体验：变更登记与税务信息变更材料重复",
             "办事体验中发现企业变更登记后，到税务窗口还要重复提交营业执照复印件等材料。", "business_env"),
        ]
        for (actor, ref, title, content, domain), activity in zip(stories[-len(activities):], activities, strict=True):
            _demand, fresh = register(actor=actor, channel="chamber", external_ref=ref, title=title, content=content,
                                      domain=domain, activity=activity.pk, **_ent("ent"))
            created += int(fresh)
    return {"chambers": len(CHAMBERS), "activities": len(activities), "demands": created}


def _activity(actor: User, chamber: Chamber, data: dict) -> Activity:
    existing = Activity.objects.filter(chamber=chamber, kind=data["kind"], place=data["place"]).first()
    if existing is not None:
        return existing
    return services.activity_record(actor=actor, data={"chamber": chamber.pk, **data})
