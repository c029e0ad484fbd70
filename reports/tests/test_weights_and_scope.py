"""The ranking weights row (admin-editable, checked by the database) and the parsing of periods and quarters."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from reports.models import RankingWeights
from reports.scope import parse_quarter

pytestmark = pytest.mark.django_db


def test_defaults_without_a_row():
    weights = RankingWeights.current()
    assert (weights.sign_weight, weights.resolution_weight, weights.satisfaction_weight) == (
        Decimal("0.20"), Decimal("0.40"), Decimal("0.40"))


@pytest.mark.parametrize("values", [
    {"sign_weight": Decimal("1.5")},
    {"resolution_weight": Decimal("-0.1")},
    {"sign_weight": 0, "resolution_weight": 0, "satisfaction_weight": 0},
])
def test_database_refuses_bad_weights(values):
    with pytest.raises(IntegrityError), transaction.atomic():
        RankingWeights.objects.create(**values)


def test_full_clean_explains_bad_weights_in_chinese():
    with pytest.raises(ValidationError) as error:
        RankingWeights(sign_weight=0, resolution_weight=0, satisfaction_weight=0).full_clean()
    assert "三项权重不能全部为 0" in str(error.value)


def test_admin_edits_the_one_row(client, platform_admin):
    client.force_login(platform_admin)
    add = reverse("admin:reports_rankingweights_add")
    assert client.get(add).status_code == 200
    response = client.post(add, {"sign_weight": "0.30", "resolution_weight": "0.30", "satisfaction_weight": "0.40"})
    assert response.status_code == 302
    assert RankingWeights.current().sign_weight == Decimal("0.30")
    assert client.get(add).status_code == 403  # one row only
    bad = client.post(reverse("admin:reports_rankingweights_change", args=[RankingWeights.current().pk]),
                      {"sign_weight": "0", "resolution_weight": "0", "satisfaction_weight": "0"})
    assert "三项权重不能全部为 0" in bad.content.decode()
    assert RankingWeights.current().sign_weight == Decimal("0.30")


def test_office_clerk_cannot_reach_the_admin(client, office_clerk):
    client.force_login(office_clerk)
    assert client.get(reverse("admin:reports_rankingweights_changelist")).status_code == 302


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2026-q2", date(2026, 4, 1), date(2026, 6, 30)),
    ("2026Q3", date(2026, 7, 1), date(2026, 9, 30)),
    ("2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
])
def test_quarters(text, start, end):
    assert parse_quarter(text) == (start, end)
