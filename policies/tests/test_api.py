"""The policies API (OUTREACH §2): public list and page; staff create / update / publish / withdraw with 400, 403,
404 and 409; the enterprise's profile and matched policies; the schema lists every route."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import department
from policies import services
from policies.models import Policy, Reach
from policies.tests.conftest import policy_data
from policies.tests.factories import PolicyFactory, verified_enterprise
from tickets.tests.api_helpers import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pushed(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "schedule_push", lambda policy: calls.append(policy.pk))
    return calls


# --- public ---------------------------------------------------------------------------------------------------------
def test_public_list_without_credentials(db):
    shown = PolicyFactory(title="技改补助", state="published", industries=["C"])
    PolicyFactory(title="草稿")
    response = APIClient().get("/api/v1/policies/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1 and set(data) >= {"count", "next", "previous", "results"}
    item = data["results"][0]
    assert item["id"] == shown.pk and item["department"] == "anshun-gxj" and item["region"] == "anshun"
    assert item["industries"] == ["C"] and item["state"] == "published" and item["active"] is True
    assert {"published_at", "updated_at", "domains", "mode", "tags", "min_years"} <= set(item)
    assert "created_by" not in item and "search_text" not in item and "withdraw_reason" not in item


def test_public_list_filters(db):
    PolicyFactory(title="专精特新奖励", state="published", mode="no_apply")
    PolicyFactory(title="过期的", state="published", effective_to=timezone.localdate() - datetime.timedelta(days=1))
    PolicyFactory(title="发改委的", state="published", department=department("anshun-fgw"))
    client = APIClient()

    def titles(query):
        return {p["title"] for p in client.get(f"/api/v1/policies/?{query}").json()["results"]}

    assert titles("q=专精特新") == {"专精特新奖励"}
    assert titles("mode=no_apply") == {"专精特新奖励"}
    assert titles("department=anshun-fgw") == {"发改委的"}
    assert titles("active=false") == {"过期的"}
    assert titles("active=true") == {"专精特新奖励", "发改委的"}
    bad = client.get("/api/v1/policies/?active=maybe")
    assert bad.status_code == 400 and "active" in bad.json()["errors"]
    assert client.get("/api/v1/policies/?mode=cash").status_code == 400


def test_public_detail_and_404_for_unpublished(db, gxj_handler, fgw_handler):
    published = PolicyFactory(state="published")
    draft = PolicyFactory()
    client = APIClient()
    assert client.get(f"/api/v1/policies/{published.pk}/").json()["id"] == published.pk
    assert client.get(f"/api/v1/policies/{draft.pk}/").status_code == 404
    assert api_as(fgw_handler).get(f"/api/v1/policies/{draft.pk}/").status_code == 404
    assert api_as(gxj_handler).get(f"/api/v1/policies/{draft.pk}/").json()["state"] == "draft"


def test_writing_needs_credentials(db):
    assert APIClient().post("/api/v1/policies/", policy_data(), format="json").status_code == 401


# --- staff ---------------------------------------------------------------------------------------------------------
def test_create_update_publish_withdraw(gxj_handler, pushed):
    verified_enterprise(industry="C", scale="small", users=0)
    verified_enterprise(industry="A", scale="small", users=0)
    client = api_as(gxj_handler)
    created = client.post("/api/v1/policies/", policy_data(), format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["state"] == "draft" and created.json()["domains"] == ["policy"]

    patched = client.patch(f"/api/v1/policies/{pk}/", {"title": "新标题"}, format="json")
    assert patched.status_code == 200 and patched.json()["title"] == "新标题"
    assert patched.json()["industries"] == ["C"]

    published = client.post(f"/api/v1/policies/{pk}/publish/")
    assert published.status_code == 200
    assert published.json()["state"] == "published" and published.json()["matched"] == 1
    assert pushed == [pk]

    assert client.post(f"/api/v1/policies/{pk}/publish/").status_code == 409

    client.patch(f"/api/v1/policies/{pk}/", {"industries": ["C", "A"]}, format="json")
    assert pushed == [pk, pk]

    no_reason = client.post(f"/api/v1/policies/{pk}/withdraw/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    withdrawn = client.post(f"/api/v1/policies/{pk}/withdraw/", {"reason": "已废止"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert client.post(f"/api/v1/policies/{pk}/withdraw/", {"reason": "再撤"}, format="json").status_code == 409
    assert client.patch(f"/api/v1/policies/{pk}/", {"title": "x"}, format="json").status_code == 409


def test_bad_fields_are_400_in_chinese_and_save_nothing(gxj_handler):
    response = api_as(gxj_handler).post("/api/v1/policies/", policy_data(
        industries=["Z"], scales=["huge"], regions=["mars"], tags=["nope"], min_years=9, max_years=1,
        effective_to="2020-01-01", apply_url="http://x.cn", mode="cash"), format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"industries", "scales", "regions", "tags", "max_years", "effective_to", "apply_url", "mode"} <= set(errors)
    assert "A～T" in errors["industries"][0]
    assert not Policy.objects.exists()


def test_wrong_role_403_other_department_404(enterprise_user, leader, fgw_handler):
    policy = PolicyFactory()
    assert api_as(enterprise_user).post("/api/v1/policies/", policy_data(), format="json").status_code == 403
    assert api_as(leader).post("/api/v1/policies/", policy_data(), format="json").status_code == 403
    other = api_as(fgw_handler)
    assert other.patch(f"/api/v1/policies/{policy.pk}/", {"title": "x"}, format="json").status_code == 404
    assert other.post(f"/api/v1/policies/{policy.pk}/publish/").status_code == 404
    assert api_as(enterprise_user).post(f"/api/v1/policies/{policy.pk}/publish/").status_code == 403
    assert Policy.objects.get(pk=policy.pk).state == "draft"


def test_office_publishes_and_withdraws_any_policy_of_its_region(office_clerk):
    policy = PolicyFactory(department=department("anshun-fgw"))
    client = api_as(office_clerk)
    assert client.post(f"/api/v1/policies/{policy.pk}/publish/").status_code == 200
    assert client.post(f"/api/v1/policies/{policy.pk}/withdraw/", {"reason": "冲突"}, format="json").status_code == 200


# --- the enterprise ------------------------------------------------------------------------------------------------
@pytest.fixture
def firm(db):
    return verified_enterprise(industry="C", scale="small", region="xixiu", tags=("gaoxin",),
                               established_on=datetime.date(2018, 4, 16))


def test_me_enterprise_get_and_patch(firm):
    client = api_as(firm.users.get())
    data = client.get("/api/v1/me/enterprise/").json()
    assert data == {"name": firm.name, "uscc": firm.uscc, "region": "xixiu", "industry": "C", "scale": "small",
                    "established_on": "2018-04-16", "tags": ["gaoxin"], "verified": True}
    patched = client.patch("/api/v1/me/enterprise/", {"industry": "I", "established_on": "2019-01-02"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["industry"] == "I" and patched.json()["scale"] == "small"
    assert patched.json()["established_on"] == "2019-01-02"


@pytest.mark.parametrize("body,field", [({"industry": "Z"}, "industry"), ({"scale": "giant"}, "scale"),
                                        ({"established_on": "not a date"}, "established_on")])
def test_me_enterprise_bad_values_are_400(firm, body, field):
    response = api_as(firm.users.get()).patch("/api/v1/me/enterprise/", {"scale": "micro", **body}, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    firm.refresh_from_db()
    assert (firm.industry_id, firm.scale) == ("C", "small")


def test_me_enterprise_is_for_enterprise_users(gxj_handler):
    assert api_as(gxj_handler).get("/api/v1/me/enterprise/").status_code == 403


def test_the_old_me_route_still_answers(gxj_handler):
    assert api_as(gxj_handler).get("/api/v1/me/").json()["username"] == gxj_handler.username


def test_me_policies_with_reasons_and_status(firm):
    fit = PolicyFactory(state="published", tags=["gaoxin"])
    PolicyFactory(state="published", industries=["A"])
    PolicyFactory(tags=["gaoxin"])
    client = api_as(firm.users.get())
    results = client.get("/api/v1/me/policies/").json()["results"]
    assert [r["id"] for r in results] == [fit.pk]
    assert results[0]["reasons"] == ["区域：西秀区（属安顺市）", "标签：高新技术企业"] and results[0]["status"] == "new"

    marked = client.post(f"/api/v1/me/policies/{fit.pk}/status/", {"status": "interested"}, format="json")
    assert marked.status_code == 200 and marked.json() == {"policy": fit.pk, "status": "interested"}
    assert client.get("/api/v1/me/policies/").json()["results"][0]["status"] == "interested"
    bad = client.post(f"/api/v1/me/policies/{fit.pk}/status/", {"status": "done"}, format="json")
    assert bad.status_code == 400 and "status" in bad.json()["errors"]
    client.post(f"/api/v1/me/policies/{fit.pk}/status/", {"status": "applied"}, format="json")
    back = client.post(f"/api/v1/me/policies/{fit.pk}/status/", {"status": "interested"}, format="json")
    assert back.status_code == 409
    assert Reach.objects.get(policy=fit).status == "applied"


def test_me_policy_status_for_a_policy_that_does_not_fit_is_404(firm):
    other = PolicyFactory(state="published", industries=["A"])
    response = api_as(firm.users.get()).post(f"/api/v1/me/policies/{other.pk}/status/", {"status": "applied"},
                                             format="json")
    assert response.status_code == 404


def test_me_policy_status_on_an_expired_policy_is_409(firm):
    expired = PolicyFactory(state="published", effective_to=timezone.localdate() - datetime.timedelta(days=1))
    response = api_as(firm.users.get()).post(f"/api/v1/me/policies/{expired.pk}/status/", {"status": "applied"},
                                             format="json")
    assert response.status_code == 409


def test_me_policies_for_staff_is_403(gxj_handler):
    assert api_as(gxj_handler).get("/api/v1/me/policies/").status_code == 403


# --- the schema ----------------------------------------------------------------------------------------------------
def test_schema_lists_every_route(office_clerk):
    schema = api_as(office_clerk).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("/api/v1/policies/", "/api/v1/policies/{id}/", "/api/v1/policies/{id}/publish/",
                 "/api/v1/policies/{id}/withdraw/", "/api/v1/me/enterprise/", "/api/v1/me/policies/",
                 "/api/v1/me/policies/{id}/status/", "/api/v1/enterprises/{uscc}/tags/", "/api/v1/me/"):
        assert path in schema["paths"], path
    assert "patch" in schema["paths"]["/api/v1/policies/{id}/"]
    assert "matched" in str(schema["components"]["schemas"]["PublishedPolicy"])
