"""The reach and 免申即享 API (OUTREACH §2): matches, beneficiaries (import, list, disburse) and me/benefits."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from accounts.tests.factories import EnterpriseFactory, EnterpriseUserFactory
from policies.models import Beneficiary, Reach
from policies.tests.factories import PolicyFactory, verified_enterprise
from policies.tests.reach_helpers import gxj_handler, xlsx

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 7, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def handler():
    return gxj_handler()


@pytest.fixture
def benefit(handler):
    return PolicyFactory(mode="direct", state="published", title="直达快享补贴")


def test_matches_are_paginated_with_reasons_and_reach(client, handler):
    firms = [verified_enterprise(industry="C", name=f"企业{i:02d}") for i in range(52)]
    verified_enterprise(industry="A")
    policy = PolicyFactory(industries=["C"], state="published")
    Reach.objects.create(policy=policy, enterprise=firms[0], notified_at=NOW, status="interested")
    client.force_login(handler)
    first = client.get(f"/api/v1/policies/{policy.pk}/matches/").json()
    assert first["count"] == 52 and len(first["results"]) == 50 and first["next"].endswith("?page=2")
    row = first["results"][0]
    assert row["enterprise"] == {"name": "企业00", "uscc": firms[0].uscc}
    assert "行业：制造业（C）" in row["reasons"] and row["status"] == "interested"
    assert row["notified_at"].startswith("2026-12-07T18:00:00+08:00")
    assert first["results"][1]["notified_at"] is None and first["results"][1]["status"] == "new"
    second = client.get(f"/api/v1/policies/{policy.pk}/matches/?page=2").json()
    assert [r["enterprise"]["name"] for r in second["results"]] == ["企业50", "企业51"]


def test_matches_permissions(client, handler, other_handler, county_office, office_clerk, enterprise_user):
    policy = PolicyFactory(state="published")
    url = f"/api/v1/policies/{policy.pk}/matches/"
    client.force_login(other_handler)
    assert client.get(url).status_code == 404
    client.force_login(county_office)
    assert client.get(url).status_code == 404
    client.force_login(enterprise_user)
    assert client.get(url).status_code == 403
    client.force_login(office_clerk)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code in (401, 403)


def test_import_and_list(client, handler, benefit, django_capture_on_commit_callbacks):
    firms = [EnterpriseFactory() for _ in range(2)]
    url = f"/api/v1/policies/{benefit.pk}/beneficiaries/"
    client.force_login(handler)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": xlsx([(firms[0].uscc, 12.5, "a"), (firms[1].uscc, 7, "")])})
    assert response.status_code == 201 and response.json() == {"imported": 2}
    listing = client.get(url).json()
    assert listing["count"] == 2
    assert listing["results"][0] == {
        "enterprise": {"name": firms[0].name, "uscc": firms[0].uscc}, "amount": "12.50", "note": "a",
        "state": "pending", "disbursed_on": None, "imported_at": listing["results"][0]["imported_at"],
    }
    assert client.get(url + "?state=disbursed").json()["count"] == 0
    bad_filter = client.get(url + "?state=paid")
    assert bad_filter.status_code == 400 and "state" in bad_filter.json()["errors"]


def test_a_bad_file_is_400_with_every_row(client, handler, benefit):
    firm = EnterpriseFactory()
    client.force_login(handler)
    response = client.post(f"/api/v1/policies/{benefit.pk}/beneficiaries/",
                           {"file": xlsx([(firm.uscc, 1, ""), ("91520400MA6H00000X", 1, ""), (firm.uscc, "x", "")])})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["file"] == [] and [r["row"] for r in errors["rows"]] == [3, 4]
    assert any("与第 2 行的企业重复" in m for m in errors["rows"][1]["messages"])
    assert not Beneficiary.objects.exists()
    empty = client.post(f"/api/v1/policies/{benefit.pk}/beneficiaries/", {"file": xlsx([])})
    assert empty.status_code == 400 and empty.json()["errors"]["rows"] == [] and empty.json()["errors"]["file"]
    missing = client.post(f"/api/v1/policies/{benefit.pk}/beneficiaries/", {})
    assert missing.status_code == 400 and missing.json()["errors"]["file"]


def test_beneficiary_permissions_and_mode(client, handler, benefit, other_handler, government_user):
    url = f"/api/v1/policies/{benefit.pk}/beneficiaries/"
    client.force_login(other_handler)
    assert client.get(url).status_code == 404
    assert client.post(url, {"file": xlsx([])}).status_code == 404
    client.force_login(government_user)
    assert client.get(url).status_code == 403
    client.force_login(handler)
    apply = PolicyFactory(mode="apply", state="published")
    refused = client.post(f"/api/v1/policies/{apply.pk}/beneficiaries/", {"file": xlsx([])})
    assert refused.status_code == 409 and "不是免申即享或直达快享" in refused.json()["error"]
    assert client.get(f"/api/v1/policies/{apply.pk}/beneficiaries/").status_code == 409
    assert client.post(f"/api/v1/policies/{apply.pk}/beneficiaries/disburse/", {}, "application/json").status_code == 409


def test_disburse(client, handler, benefit):
    firms = [EnterpriseFactory() for _ in range(3)]
    for firm in firms:
        Beneficiary.objects.create(policy=benefit, enterprise=firm, amount=Decimal(10), imported_by=handler)
    url = f"/api/v1/policies/{benefit.pk}/beneficiaries/disburse/"
    client.force_login(handler)
    ok = client.post(url, {"uscc": [firms[0].uscc, firms[1].uscc], "on": "2026-12-06"}, "application/json")
    assert ok.status_code == 200 and ok.json() == {"disbursed": 2}
    again = client.post(url, {"uscc": [firms[1].uscc, firms[2].uscc], "on": "2026-12-06"}, "application/json")
    assert again.status_code == 409
    future = client.post(url, {"uscc": [firms[2].uscc], "on": "2026-12-31"}, "application/json")
    assert future.status_code == 400 and "不能晚于今天" in future.json()["errors"]["on"][0]
    garbled = client.post(url, {"uscc": [firms[2].uscc], "on": "yesterday"}, "application/json")
    assert garbled.status_code == 400 and "on" in garbled.json()["errors"]
    assert Beneficiary.objects.get(enterprise=firms[2]).state == "pending"


def test_me_benefits_shows_own_only(client, handler, benefit, office_clerk):
    mine, theirs = EnterpriseFactory(), EnterpriseFactory()
    Beneficiary.objects.create(policy=benefit, enterprise=mine, amount=Decimal("99.90"), imported_by=handler,
                               state="disbursed", disbursed_on=datetime.date(2026, 12, 2))
    Beneficiary.objects.create(policy=benefit, enterprise=theirs, amount=Decimal(5), imported_by=handler)
    client.force_login(EnterpriseUserFactory(enterprise=mine))
    data = client.get("/api/v1/me/benefits/").json()
    assert data["count"] == 1
    result = data["results"][0]
    assert result["policy"] == {"id": benefit.pk, "title": "直达快享补贴", "mode": "direct", "department": "anshun-gxj"}
    assert result["amount"] == "99.90" and result["state"] == "disbursed" and result["disbursed_on"] == "2026-12-02"
    client.force_login(office_clerk)
    assert client.get("/api/v1/me/benefits/").status_code == 403


def test_schema_lists_the_endpoints(client, handler):
    client.force_login(handler)
    schema = client.get("/api/v1/schema/?format=json").json()
    for path in ("/api/v1/policies/{id}/matches/", "/api/v1/policies/{id}/beneficiaries/",
                 "/api/v1/policies/{id}/beneficiaries/disburse/", "/api/v1/me/benefits/"):
        assert path in schema["paths"], path
