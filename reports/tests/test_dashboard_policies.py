"""The dashboard's policy figures (SPEC §9, OUTREACH §2): policies published, reach and 免申即享 amounts by department,
for the dashboard's region and period."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Department
from accounts.tests.factories import EnterpriseFactory, UserFactory
from policies.models import Beneficiary, Policy, Reach
from policies.reach import dashboard_figures
from policies.tests.factories import PolicyFactory
from reports.tests.builders import at

pytestmark = pytest.mark.django_db
MARCH = "?region=anshun&from=2026-03-01&to=2026-03-31"


def in_march(day):
    return datetime.datetime(2026, 3, day, 10, tzinfo=datetime.UTC)


@pytest.fixture
def figures(db):
    gxj = Department.objects.get(code="anshun-gxj")
    importer = UserFactory(department=gxj)
    policy = PolicyFactory(department=gxj, mode="no_apply", state="published")  # published 2026-03-02
    PolicyFactory(department=gxj, state="published")
    april = PolicyFactory(department=Department.objects.get(code="anshun-fgw"), state="published")
    Policy.objects.filter(pk=april.pk).update(published_at=datetime.datetime(2026, 4, 2, tzinfo=datetime.UTC))
    county = PolicyFactory(department=Department.objects.get(code="xixiu-scjg"), state="published")
    firms = [EnterpriseFactory() for _ in range(4)]
    Reach.objects.create(policy=policy, enterprise=firms[0], notified_at=in_march(3), read_at=in_march(4),
                         status="applied", status_changed_at=in_march(5))
    Reach.objects.create(policy=policy, enterprise=firms[1], notified_at=in_march(3), read_at=in_march(31) + datetime.timedelta(hours=1))
    Reach.objects.create(policy=county, enterprise=firms[2], notified_at=in_march(3))
    Beneficiary.objects.create(policy=policy, enterprise=firms[0], amount=Decimal("100.10"), imported_by=importer,
                               imported_at=in_march(10), state="disbursed", disbursed_on=datetime.date(2026, 3, 20))
    Beneficiary.objects.create(policy=policy, enterprise=firms[1], amount=Decimal(50), imported_by=importer,
                               imported_at=in_march(10))
    Beneficiary.objects.create(policy=policy, enterprise=firms[3], amount=Decimal(7), imported_by=importer,
                               imported_at=in_march(10), state="disbursed", disbursed_on=datetime.date(2026, 4, 1))
    return {"gxj": gxj}


def test_figures_by_department(figures):
    from accounts.models import Region

    result = dashboard_figures(region_ids=[Region.objects.get(code="anshun").pk], start=datetime.date(2026, 3, 1),
                               end=datetime.date(2026, 3, 31))
    assert [row["department"] for row in result["departments"]] == ["anshun-gxj"]
    row = result["departments"][0]
    # read: 31 March 19:00 in Shanghai is still March; the county's push is outside the region.
    assert (row["published"], row["told"], row["read"], row["applied"]) == (2, 2, 2, 1)
    assert (row["imported"], row["imported_amount"]) == (3, Decimal("157.10"))
    assert (row["disbursed"], row["disbursed_amount"]) == (1, Decimal("100.10"))
    assert result["totals"]["imported_amount"] == Decimal("157.10")


def test_dashboard_shows_them(client, figures):
    leader = UserFactory(role="leader", department=Department.objects.get(code="anshun-zfb"))
    client.force_login(leader)
    with time_machine.travel(at(3, 31, 12), tick=False):
        body = client.get(reverse("reports:dashboard") + MARCH).content.decode()
    row = body.split('data-testid="policy-figures-anshun-gxj"')[1].split("</tr>")[0]
    assert "157.10" in row and "100.10" in row
    with time_machine.travel(at(3, 31, 12), tick=False):
        body = client.get(reverse("reports:dashboard") + MARCH + "&department=anshun-fgw").content.decode()
    assert 'data-testid="policy-figures-anshun-gxj"' not in body
