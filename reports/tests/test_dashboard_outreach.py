"""The dashboard's outreach figures (SPEC §9, issue 14): trainings held and their attendance, chamber activities,
meetings held, and the demands each source raised — for the dashboard's region and period."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Department, Region
from accounts.tests.factories import EnterpriseUserFactory, UserFactory
from chambers.tests.factories import ActivityFactory, ChamberFactory
from meetings.models import Meeting
from reports.kpis import Scope
from reports.outreach import outreach_figures
from reports.tests.builders import at
from tickets.models import Demand
from tickets.tests.helpers import register as register_demand
from trainings.models import Feedback
from trainings.tests.factories import SessionFactory, register

pytestmark = pytest.mark.django_db
MARCH = "?region=anshun&from=2026-03-01&to=2026-03-31"


def in_march(day, hour=10):
    return datetime.datetime(2026, 3, day, hour, tzinfo=datetime.UTC)


@pytest.fixture
def outreach(db, office_clerk):
    anshun = Region.objects.get(code="anshun")
    held = SessionFactory(state="held", starts_at=in_march(5), ends_at=in_march(5, 12),
                          signup_closes_at=in_march(4))
    people = [EnterpriseUserFactory() for _ in range(4)]
    seats = [register(held, person, attended=n < 3) for n, person in enumerate(people)]
    Feedback.objects.create(registration=seats[0], score=4)
    Feedback.objects.create(registration=seats[1], score=5)
    # Not counted: held in April, and a March session that was only published.
    SessionFactory(state="held", starts_at=datetime.datetime(2026, 4, 2, 2, tzinfo=datetime.UTC),
                   ends_at=datetime.datetime(2026, 4, 2, 4, tzinfo=datetime.UTC),
                   signup_closes_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC))
    SessionFactory(state="published", starts_at=in_march(20), ends_at=in_march(20, 12), signup_closes_at=in_march(19))
    chamber = ChamberFactory(region=anshun)
    activity = ActivityFactory(chamber=chamber, held_on=datetime.date(2026, 3, 10), enterprises_count=12)
    ActivityFactory(chamber=chamber, held_on=datetime.date(2026, 2, 10), enterprises_count=30)
    meetings = [Meeting.objects.create(region=anshun, kind=kind, title=f"会议{n}", starts_at=in_march(12), place="会议室",
                                       created_by=office_clerk) for n, kind in enumerate(["analysis", "analysis", "special"])]
    Meeting.objects.filter(pk__in=[m.pk for m in meetings[:2]]).update(state="held")
    with time_machine.travel(in_march(15), tick=False):
        raised = [register_demand(office_clerk, title=f"活动中收集的诉求{n}") for n in range(3)]
    Demand.objects.filter(pk=raised[0].pk).update(training=held)
    Demand.objects.filter(pk=raised[1].pk).update(activity=activity)
    Demand.objects.filter(pk=raised[2].pk).update(meeting=meetings[0])
    return {"anshun": anshun}


def test_figures_of_the_period(outreach):
    scope = Scope(region=outreach["anshun"], start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
    result = outreach_figures(scope)
    trainings = result["trainings"]
    assert (trainings["held"], trainings["signed_up"], trainings["attended"]) == (1, 4, 3)
    assert trainings["attendance_rate"] == 75.0 and trainings["score"] == 4.5
    assert result["activities"] == {"held": 1, "enterprises": 12}
    assert result["meetings"]["held"] == 2
    assert {row["kind"]: row["count"] for row in result["meetings"]["by_kind"]}["analysis"] == 2
    assert {row["source"]: row["count"] for row in result["demands"]} == {
        "training": 1, "activity": 1, "meeting": 1, "policy": 0}


def test_an_empty_period_has_no_rates(outreach):
    scope = Scope(region=outreach["anshun"], start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 31))
    trainings = outreach_figures(scope)["trainings"]
    assert trainings["held"] == 0 and trainings["attendance_rate"] is None and trainings["score"] is None


def test_another_organiser_is_filtered_out(outreach):
    scope = Scope(region=outreach["anshun"], start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31),
                  department=Department.objects.get(code="anshun-fgw"))
    assert outreach_figures(scope)["trainings"]["held"] == 0


def test_dashboard_shows_them(client, outreach):
    leader = UserFactory(role="leader", department=Department.objects.get(code="anshun-zfb"))
    client.force_login(leader)
    with time_machine.travel(at(3, 31, 12), tick=False):
        body = client.get(reverse("reports:dashboard") + MARCH).content.decode()
    section = body.split('data-testid="outreach-figures"')[1].split("</section>")[0]
    assert 'data-testid="outreach-trainings-held">1<' in section
    assert 'data-testid="outreach-attendance-rate">75.0%<' in section
    assert 'data-testid="outreach-activities">1<' in section and 'data-testid="outreach-meetings">2<' in section
    assert "宣讲培训：<span class=\"fw-semibold\">1</span>" in section
