"""The catalogue API (OUTREACH §1): public reads, staff writes, the contract's errors, the schema."""

import pytest
from rest_framework.test import APIClient

from catalogue.models import ServiceItem
from catalogue.tests.helpers import GUIDE, make_item
from tickets.tests.api_helpers import api_as

pytestmark = pytest.mark.django_db
LIST = "/api/v1/services/"


def detail(code: str) -> str:
    return f"/api/v1/services/{code}/"


@pytest.fixture
def published(lead_handler):
    return make_item(lead_handler, publish=True)


def test_the_public_list_and_item_need_no_login(published, lead_handler, other_handler):
    make_item(lead_handler, name="草稿事项")
    make_item(other_handler, publish=True, name="办理社保登记", domain="talent", kind="public_service",
              conditions="新招用职工的用人单位", materials=[{"name": "劳动合同", "original": False, "copies": 1}])
    client = APIClient()
    body = client.get(LIST).json()
    assert body["count"] == 2 and {r["name"] for r in body["results"]} == {"办理营业执照变更登记", "办理社保登记"}
    assert client.get(LIST, {"q": "营业执照"}).json()["count"] == 1
    assert client.get(LIST, {"department": "anshun-sw"}).json()["results"][0]["name"] == "办理社保登记"
    assert client.get(LIST, {"domain": "market", "kind": "licence"}).json()["count"] == 1
    item = client.get(detail(published.code)).json()
    assert item["code"] == published.code and item["department"] == "anshun-scjg" and item["domain"] == "market"
    assert item["state"] == "published" and item["published_at"] and item["updated_at"]
    assert item["materials"][0] == {"name": "变更登记申请书", "original": True, "copies": 1, "note": ""}
    assert item["responsibility"] == GUIDE["responsibility"] and item["region"] == "anshun"
    assert "created_by" not in item and "pending" not in item and "search_text" not in item


def test_a_bad_filter_is_a_400_in_chinese(published):
    response = APIClient().get(LIST, {"kind": "permit", "department": "nowhere"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "无效的取值" in errors["kind"][0] and "不存在" in errors["department"][0]


def test_a_draft_or_unknown_item_is_404(lead_handler):
    draft = make_item(lead_handler)
    assert APIClient().get(detail(draft.code)).status_code == 404
    assert api_as(lead_handler).get(detail(draft.code)).status_code == 404
    response = APIClient().get(detail("anshun-scjg-9999"))
    assert response.status_code == 404 and response.json()["error"]


def test_staff_create_a_draft_of_their_department(lead_handler):
    response = api_as(lead_handler).post(LIST, GUIDE, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["code"] == "anshun-scjg-0001" and body["state"] == "draft" and body["department"] == "anshun-scjg"
    assert body["pending"] is None and body["published_at"] is None


def test_create_with_bad_fields_is_a_400_and_saves_nothing(lead_handler):
    bad = {**GUIDE, "promised_days": 30, "online_url": "http://example.com/", "materials": [{"name": ""}], "kind": "x"}
    response = api_as(lead_handler).post(LIST, bad, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) >= {"promised_days", "online_url", "materials", "kind"}
    assert "https://" in errors["online_url"][0] and "不能超过法定办结时限" in errors["promised_days"][0]
    assert not ServiceItem.objects.exists()
    response = api_as(lead_handler).post(LIST, {**GUIDE, "legal_days": "很多"}, format="json")
    assert response.status_code == 400 and "整数" in response.json()["errors"]["legal_days"][0]


@pytest.mark.parametrize("who", ["enterprise_user", "government_clerk"])
def test_roles_that_manage_no_items_are_403(request, who, published):
    client = api_as(request.getfixturevalue(who))
    assert client.post(LIST, GUIDE, format="json").status_code == 403
    assert client.patch(detail(published.code), {"name": "x"}, format="json").status_code == 403
    assert client.post(detail(published.code) + "retire/").status_code == 403


def test_a_visitor_cannot_write():
    assert APIClient().post(LIST, GUIDE, format="json").status_code == 401


def test_another_department_gets_404(published, other_handler, county_office):
    for outsider in (other_handler, county_office):
        client = api_as(outsider)
        assert client.patch(detail(published.code), {"name": "x"}, format="json").status_code == 404
        assert client.post(detail(published.code) + "retire/").status_code == 404


def test_patch_publish_and_the_public_sees_the_change_only_then(published, lead_handler):
    client = api_as(lead_handler)
    response = client.patch(detail(published.code), {"promised_days": 2}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["promised_days"] == 3 and body["pending"]["promised_days"] == 2
    assert APIClient().get(detail(published.code)).json()["promised_days"] == 3
    response = client.post(detail(published.code) + "publish/")
    assert response.status_code == 200 and response.json()["promised_days"] == 2 and response.json()["pending"] is None
    assert APIClient().get(detail(published.code)).json()["promised_days"] == 2


def test_patch_bad_value_is_400(published, lead_handler):
    response = api_as(lead_handler).patch(detail(published.code), {"promised_days": 99}, format="json")
    assert response.status_code == 400 and "promised_days" in response.json()["errors"]


def test_refused_transitions_are_409(published, lead_handler, office_clerk):
    client = api_as(lead_handler)
    response = client.post(detail(published.code) + "publish/")
    assert response.status_code == 409 and "没有待发布的修改" in response.json()["error"]
    response = api_as(office_clerk).post(detail(published.code) + "retire/")
    assert response.status_code == 200 and response.json()["state"] == "retired"
    for action in ("publish/", "retire/"):
        response = client.post(detail(published.code) + action)
        assert response.status_code == 409 and response.json()["error"]
    response = client.patch(detail(published.code), {"name": "x"}, format="json")
    assert response.status_code == 409


def test_the_schema_has_the_catalogue_paths(client, lead_handler):
    client.force_login(lead_handler)
    schema = client.get("/api/v1/schema/").content.decode()
    for path in ("/api/v1/services/:", "/api/v1/services/{code}/:", "/api/v1/services/{code}/publish/:",
                 "/api/v1/services/{code}/retire/:"):
        assert path in schema
