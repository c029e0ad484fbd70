"""The chambers API (OUTREACH §4): chambers, rotations (an overlap → 400), activities with their demands; read by
the region's staff, written by the federation (a chamber user: its own chamber's activities); others 403, another
region's activity 404; the routes are in the OpenAPI schema."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from chambers.models import Activity, Chamber, RotationEntry
from chambers.tests.factories import ActivityFactory, EntryFactory, PlanFactory
from chambers.tests.helpers import register_at
from tickets.tests.api_helpers import api_as

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
TODAY = timezone.localdate().isoformat()


def test_chambers_list_and_create(gsl_spec, reader, zhejiang, xixiu_gsl):
    response = api_as(gsl_spec).post("/api/v1/chambers/", {"name": "安顺市湖南商会", "kind": "chamber",
                                                           "region": "anshun", "contact": "刘会长"}, format="json")
    assert response.status_code == 201
    assert response.json() == {"id": response.json()["id"], "name": "安顺市湖南商会", "kind": "chamber",
                               "region": "anshun", "contact": "刘会长"}
    data = api_as(reader).get("/api/v1/chambers/").json()
    assert data["count"] == 2 and {c["name"] for c in data["results"]} == {"安顺市浙江商会", "安顺市湖南商会"}
    assert api_as(xixiu_gsl).get("/api/v1/chambers/").json()["count"] == 0


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"name": "", "kind": "chamber"}, 400, "name"),
    ({"name": "安顺市浙江商会"}, 400, "name"),
    ({"name": "某商会", "kind": "guild"}, 400, "kind"),
    ({"name": "某商会", "region": "xixiu"}, 403, None),
])
def test_chamber_bad_input(gsl_spec, zhejiang, body, status, field):
    response = api_as(gsl_spec).post("/api/v1/chambers/", body, format="json")
    assert response.status_code == status
    if field:
        assert field in response.json()["errors"]
    assert Chamber.objects.count() == 1


@pytest.mark.parametrize("persona", ["reader", "chamber_user"])
def test_only_the_federation_creates_chambers(request, persona):
    response = api_as(request.getfixturevalue(persona)).post("/api/v1/chambers/", {"name": "某商会"}, format="json")
    assert response.status_code == 403 and "工商业联合会" in response.json()["error"]


@pytest.mark.parametrize("persona", ["enterprise_user", "supervisor"])
@pytest.mark.parametrize("url", ["/api/v1/chambers/", "/api/v1/rotations/", "/api/v1/activities/"])
def test_others_get_403(request, persona, url):
    assert api_as(request.getfixturevalue(persona)).get(url).status_code == 403


def test_no_credentials_is_401():
    assert APIClient().get("/api/v1/rotations/").status_code == 401


def test_rotations_post_list_and_overlap(gsl_spec, reader, zhejiang, chamber_user):
    client = api_as(gsl_spec)
    body = {"year": YEAR, "chamber": zhejiang.pk, "starts_on": f"{YEAR}-01-01", "ends_on": f"{YEAR}-03-31",
            "theme": "用工座谈"}
    response = client.post("/api/v1/rotations/", body, format="json")
    assert response.status_code == 201
    created = response.json()
    assert created == {"id": created["id"], "year": YEAR, "chamber": zhejiang.pk, "chamber_name": "安顺市浙江商会",
                       "starts_on": f"{YEAR}-01-01", "ends_on": f"{YEAR}-03-31", "theme": "用工座谈",
                       "published": False, "activities_count": 0, "demands_count": 0}
    overlap = client.post("/api/v1/rotations/", {**body, "starts_on": f"{YEAR}-03-15", "ends_on": f"{YEAR}-04-30"},
                          format="json")
    assert overlap.status_code == 400 and "不能重叠" in overlap.json()["errors"]["starts_on"][0]
    assert RotationEntry.objects.count() == 1
    activity = ActivityFactory(chamber=zhejiang, entry_id=created["id"])
    register_at(activity, chamber_user)
    data = api_as(reader).get(f"/api/v1/rotations/?year={YEAR}").json()
    assert data["count"] == 1 and data["results"][0]["activities_count"] == 1 and data["results"][0]["demands_count"] == 1
    assert api_as(reader).get(f"/api/v1/rotations/?year={YEAR + 1}").json()["count"] == 0
    assert api_as(reader).get("/api/v1/rotations/?year=abc").status_code == 400


@pytest.mark.parametrize(("change", "field"), [
    ({"ends_on": "2000-01-01"}, "ends_on"),
    ({"starts_on": "10000-01-01"}, "starts_on"),
    ({"chamber": "浙江"}, "chamber"),
    ({"theme": None}, "theme"),
    ({"year": None}, "year"),
])
def test_rotation_bad_input(gsl_spec, zhejiang, change, field):
    body = {"year": YEAR, "chamber": zhejiang.pk, "starts_on": f"{YEAR}-01-01", "ends_on": f"{YEAR}-03-31",
            "theme": "用工座谈", **change}
    response = api_as(gsl_spec).post("/api/v1/rotations/", body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not RotationEntry.objects.exists()


def test_rotation_post_refused_for_readers(reader, zhejiang):
    response = api_as(reader).post("/api/v1/rotations/", {"year": YEAR, "chamber": zhejiang.pk}, format="json")
    assert response.status_code == 403


def test_activities_create_read_and_list(gsl_spec, reader, zhejiang, chamber_user):
    entry = EntryFactory(plan=PlanFactory(year=YEAR), chamber=zhejiang, starts_on=datetime.date(YEAR, 1, 1),
                         ends_on=datetime.date(YEAR, 12, 31))
    response = api_as(gsl_spec).post("/api/v1/activities/", {
        "chamber": zhejiang.pk, "kind": "symposium", "held_on": TODAY, "place": "商会会议室", "summary": "座谈",
        "rotation": entry.pk, "departments": ["anshun-sw"], "enterprises_count": 12}, format="json")
    assert response.status_code == 201
    data = response.json()
    assert (data["chamber"], data["kind"], data["rotation"], data["departments"], data["enterprises_count"],
            data["demands"]) == (zhejiang.pk, "symposium", entry.pk, ["anshun-sw"], 12, [])
    demand = register_at(Activity.objects.get(pk=data["id"]), chamber_user)
    detail = api_as(reader).get(f"/api/v1/activities/{data['id']}/").json()
    assert detail["demands"] == [{"id": demand.pk, "number": demand.number, "state": "registered"}]
    listed = api_as(reader).get("/api/v1/activities/?kind=symposium").json()
    assert listed["count"] == 1 and "demands" not in listed["results"][0]
    assert api_as(reader).get("/api/v1/activities/?kind=party").status_code == 400


def test_activity_minimal_body_and_errors(gsl_spec, zhejiang):
    client = api_as(gsl_spec)
    response = client.post("/api/v1/activities/", {"chamber": zhejiang.pk, "kind": "training", "held_on": TODAY,
                                                   "place": "会议室", "summary": "专题培训"}, format="json")
    assert response.status_code == 201 and response.json()["rotation"] is None
    response = client.post("/api/v1/activities/", {"chamber": zhejiang.pk, "kind": "x", "departments": "anshun-sw"},
                           format="json")
    assert response.status_code == 400
    assert {"kind", "held_on", "place", "summary", "departments"} <= set(response.json()["errors"])


def test_a_chamber_user_acting_for_another_chamber_gets_403(chamber_user, zhejiang, fujian):
    client = api_as(chamber_user)
    body = {"kind": "experience", "held_on": TODAY, "place": "政务大厅", "summary": "办事体验"}
    assert client.post("/api/v1/activities/", {**body, "chamber": fujian.pk}, format="json").status_code == 403
    assert client.post("/api/v1/activities/", {**body, "chamber": zhejiang.pk}, format="json").status_code == 201
    assert Activity.objects.get().chamber == zhejiang


def test_activity_of_another_region_or_chamber_is_404(xixiu_gsl, other_chamber_user, zhejiang):
    activity = ActivityFactory(chamber=zhejiang)
    assert api_as(xixiu_gsl).get(f"/api/v1/activities/{activity.pk}/").status_code == 404
    assert api_as(other_chamber_user).get(f"/api/v1/activities/{activity.pk}/").status_code == 404
    assert api_as(other_chamber_user).get("/api/v1/activities/").json()["count"] == 0


def test_activity_list_queries_are_bounded(reader, zhejiang, chamber_user, django_assert_max_num_queries):
    client = api_as(reader)
    ActivityFactory(chamber=zhejiang)
    with django_assert_max_num_queries(20) as few:
        client.get("/api/v1/activities/")
    for _ in range(5):
        register_at(ActivityFactory(chamber=zhejiang), chamber_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/activities/").json()["count"] == 6


def test_schema_lists_the_routes(reader):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/chambers/", "/api/v1/rotations/", "/api/v1/activities/", "/api/v1/activities/{id}/"):
        assert path in schema["paths"]
    demand = schema["components"]["schemas"]["Demand"]["properties"]
    assert "activity" in demand
