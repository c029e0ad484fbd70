from datetime import date

import pytest

from accounts.models import Domain, Region
from accounts.tests.factories import department
from reports import kpis
from reports.models import RankingWeights
from reports.tests.builders import at

pytestmark = pytest.mark.django_db

NOW = at(3, 31, 12)


def scope(**kwargs):
    values = {"region": Region.objects.get(code="anshun"), "start": date(2026, 3, 1), "end": date(2026, 3, 31)}
    values.update(kwargs)
    return kpis.Scope(**values)


def numbers(queryset):
    return sorted(t.title for t in queryset)


def test_region_figures_match_the_hand_count(march):
    result = kpis.compute(scope(), now=NOW)
    assert result["demands_received"] == 4  # A, B, C, D (E was received in February)
    assert result["by_channel"]["hotline"] == 3 and result["by_channel"]["hall"] == 1
    assert result["by_category"] == {"consultation": 1, "coordination": 2, "complaint": 1, "not_ticketed": 0}
    assert result["by_domain"]["tax"] == 4
    assert result["tickets_dispatched"] == 4
    assert result["sign_on_time_rate"] == 0.75  # A, C, D on time; B auto-signed = late
    assert result["close_on_time_rate"] == 0.6667  # A on time, B on time by its extension, C late at its first close
    assert result["resolution_rate"] == 0.6667  # latest closures: A resolved, B partial, C legal_route
    assert result["satisfaction_rate"] == 0.8  # reached: E, A, C (twice) satisfied; B unsatisfied; C's unreached left out
    assert result["rework_rate"] == 0.25  # archived A, B, C, E; C was reworked
    assert result["overdue_open"] == 1  # D
    assert result["avg_handle_working_days"] == 6.0  # (3 + 12 + 3) / 3


def test_department_figures_and_ranking(march):
    result = kpis.compute(scope(), now=NOW)
    by_code = {row["department"]: row for row in result["departments"]}
    scjg, sw = by_code["anshun-scjg"], by_code["anshun-sw"]
    assert scjg["tickets_dispatched"] == 3 and sw["tickets_dispatched"] == 1
    assert scjg["sign_on_time_rate"] == 0.6667 and sw["sign_on_time_rate"] == 1.0
    assert sw["close_on_time_rate"] is None and sw["resolution_rate"] is None and sw["satisfaction_rate"] is None
    assert sw["overdue_open"] == 1 and scjg["overdue_open"] == 0
    # 0.2 × 0.6667 + 0.4 × 0.6667 + 0.4 × 0.8; sw has only a sign rate, so its score is that rate.
    assert scjg["score"] == 0.72
    assert sw["score"] == 1.0
    assert [row["department"] for row in result["departments"]] == ["anshun-sw", "anshun-scjg"]
    assert [row["rank"] for row in result["departments"]] == [1, 2]


def test_weights_come_from_the_admin_row(march):
    RankingWeights.objects.create(sign_weight=0, resolution_weight=0, satisfaction_weight=1)
    result = kpis.compute(scope(), now=NOW)
    assert {r["department"]: r["score"] for r in result["departments"]} == {"anshun-scjg": 0.8, "anshun-sw": None}
    assert result["departments"][-1]["rank"] is None


def test_department_scope(march):
    result = kpis.compute(scope(department=department("anshun-sw")), now=NOW)
    assert result["demands_received"] == 1
    assert result["tickets_dispatched"] == 1
    assert result["close_on_time_rate"] is None
    assert result["avg_handle_working_days"] is None
    assert [r["department"] for r in result["departments"]] == ["anshun-sw"]


def test_channel_domain_and_category_filters(march):
    online = kpis.compute(scope(channel="hall"), now=NOW)
    assert online["demands_received"] == 1 and online["tickets_dispatched"] == 1
    assert online["close_on_time_rate"] == 0.0  # C only
    consultation = kpis.compute(scope(category="consultation"), now=NOW)
    assert consultation["tickets_dispatched"] == 1 and consultation["rework_rate"] == 1.0
    nothing = kpis.compute(scope(domain=Domain.objects.get(code="land")), now=NOW)
    assert nothing["demands_received"] == 0


def test_empty_denominators_are_none(march):
    result = kpis.compute(scope(start=date(2026, 6, 1), end=date(2026, 6, 30)), now=NOW)
    for name in kpis.RATE_NAMES:
        assert result[name] is None
    assert result["avg_handle_working_days"] is None
    assert result["tickets_dispatched"] == 0
    assert result["overdue_open"] == 1  # a now-figure, not a period one


def test_period_bounds_are_local_days_inclusive(march):
    # E's callback and archive fell on 2 March 09:00: a period of 2 March alone holds them, 1 March does not.
    second = kpis.compute(scope(start=date(2026, 3, 2), end=date(2026, 3, 2)), now=NOW)
    assert second["counts"]["archived"] == 1 and second["tickets_dispatched"] == 3
    first = kpis.compute(scope(start=date(2026, 3, 1), end=date(2026, 3, 1)), now=NOW)
    assert first["counts"].get("archived", 0) == 0


def test_region_scope_and_children(march, office_clerk):
    county = kpis.compute(scope(region=Region.objects.get(code="xixiu")), now=NOW)
    assert county["demands_received"] == 0 and county["departments"] == []
    with_children = kpis.compute(scope(include_children=True), now=NOW)
    assert with_children["demands_received"] == 4


def test_drill_downs_list_what_the_numbers_count(march):
    s = scope()
    assert numbers(kpis.drill_queryset(s, "signed_late", now=NOW)) == ["工单B"]
    assert numbers(kpis.drill_queryset(s, "closed_late", now=NOW)) == ["工单C"]
    assert numbers(kpis.drill_queryset(s, "not_resolved", now=NOW)) == ["工单C"]
    assert numbers(kpis.drill_queryset(s, "unsatisfied", now=NOW)) == ["工单B"]
    assert numbers(kpis.drill_queryset(s, "reworked", now=NOW)) == ["工单C"]
    assert numbers(kpis.drill_queryset(s, "overdue_open", now=NOW)) == ["工单D"]
    assert numbers(kpis.drill_queryset(s, "archived", now=NOW)) == ["二月工单", "工单A", "工单B", "工单C"]
    assert kpis.drill_queryset(s, "demands_received", now=NOW).count() == 4
    with pytest.raises(KeyError):
        kpis.drill_queryset(s, "nonsense")


def test_reworked_ticket_is_judged_by_the_due_in_force_at_its_first_close(march):
    c = march["C"]
    # The current due (from the rework) is later than the first close: only the history tells it was late.
    assert c.handle_due_at > c.first_closed_at
    assert kpis.compute(scope(category="consultation"), now=NOW)["close_on_time_rate"] == 0.0


def test_monthly_and_weekly_trend(march):
    months = kpis.trend(scope(start=date(2026, 2, 1), end=date(2026, 3, 31)), "month")
    assert [m["label"] for m in months] == ["2026-02", "2026-03"]
    assert months[0]["dispatched"] == 1 and months[1]["dispatched"] == 4
    assert months[1]["sign_on_time_rate"] == 0.75 and months[1]["satisfaction_rate"] == 0.8
    assert months[0]["satisfaction_rate"] is None
    weeks = kpis.trend(scope(), "week")
    assert weeks[0]["bucket"] == "2026-02-23" and weeks[1]["bucket"] == "2026-03-02"
    assert weeks[1]["received"] == 3 and weeks[2]["received"] == 1
    assert sum(w["first_closed"] for w in weeks) == 3


def test_trend_starts_at_the_first_bucket_with_data(march):
    # The year up to March: January holds nothing, February the first ticket.
    months = kpis.from_first_data(kpis.trend(scope(start=date(2026, 1, 1), end=date(2026, 3, 31)), "month"))
    assert [m["label"] for m in months] == ["2026-02", "2026-03"]
    assert months[0]["dispatched"] == 1
    # A period that starts after the data started keeps its own start.
    months = kpis.from_first_data(kpis.trend(scope(start=date(2026, 3, 1), end=date(2026, 3, 31)), "month"))
    assert [m["label"] for m in months] == ["2026-03"]
    # Nothing at all: one (empty) bucket, the period's last.
    empty = kpis.from_first_data(kpis.trend(scope(start=date(2025, 1, 1), end=date(2025, 6, 30)), "month"))
    assert [m["label"] for m in empty] == ["2025-06"] and empty[0]["received"] == 0


def test_a_bucket_with_only_a_rate_counts_as_data():
    rows = [{"received": 0, "dispatched": 0, "first_closed": 0, **dict.fromkeys(kpis.RATE_NAMES)} for _ in range(3)]
    rows[1]["satisfaction_rate"] = 0.0
    assert kpis.from_first_data(rows) == rows[1:]
