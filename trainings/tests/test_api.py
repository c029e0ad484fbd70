"""The trainings API as OUTREACH §3 writes it: public reads, staff acts, the enterprise's sign-up (201 / 409),
attendance and feedback; the error contract (400/401/403/404/405/409); query counts pinned on the list."""

import pytest
from rest_framework.test import APIClient

from trainings.models import Registration, TrainingSession
from trainings.tests.conftest import session_data
from trainings.tests.factories import SessionFactory, later, register

pytestmark = pytest.mark.django_db
S = TrainingSession.State


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_public_list_shows_published_and_held_only_with_filters():
    upcoming = SessionFactory(state=S.PUBLISHED, topic="tax")
    SessionFactory(state=S.PUBLISHED, topic="legal")
    SessionFactory(state=S.DRAFT, topic="tax")
    SessionFactory(state=S.CANCELLED, topic="tax")
    held = SessionFactory(state=S.HELD, topic="tax", starts_at=later(days=-3), signup_closes_at=later(days=-4))
    body = api().get("/api/v1/trainings/?topic=tax").json()
    assert {row["id"] for row in body["results"]} == {upcoming.pk, held.pk}
    body = api().get("/api/v1/trainings/?upcoming=true&topic=tax").json()
    assert [row["id"] for row in body["results"]] == [upcoming.pk]
    row = body["results"][0]
    assert {"topic", "title", "description", "starts_at", "ends_at", "venue", "online_url", "capacity",
            "signup_closes_at", "policies", "state", "seats_taken", "seats_left", "signed_up", "department"} <= set(row)
    assert row["signed_up"] is False and row["seats_left"] == upcoming.capacity


@pytest.mark.parametrize("query", ["topic=cooking", "upcoming=yes"])
def test_bad_filters_are_400(query):
    response = api().get(f"/api/v1/trainings/?{query}")
    assert response.status_code == 400 and "errors" in response.json()


def test_list_query_count_does_not_grow(django_assert_max_num_queries, ent_user):
    for _ in range(8):
        session = SessionFactory(state=S.PUBLISHED)
        register(session, ent_user)
    with django_assert_max_num_queries(8):
        body = api(ent_user).get("/api/v1/trainings/?upcoming=true").json()
    assert len(body["results"]) == 8 and all(row["signed_up"] for row in body["results"])


def test_detail_public_and_draft_only_for_managers(organiser, other_department, draft, published):
    assert api().get(f"/api/v1/trainings/{published.pk}/").status_code == 200
    assert api().get(f"/api/v1/trainings/{draft.pk}/").status_code == 404
    assert api(other_department).get(f"/api/v1/trainings/{draft.pk}/").status_code == 404
    assert api(organiser).get(f"/api/v1/trainings/{draft.pk}/").json()["state"] == "draft"


def test_create_publish_cancel(organiser):
    response = api(organiser).post("/api/v1/trainings/", session_data(), format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["state"] == "draft" and response.json()["department"] == "anshun-gxj"
    assert api(organiser).post(f"/api/v1/trainings/{pk}/publish/").json()["state"] == "published"
    assert api(organiser).post(f"/api/v1/trainings/{pk}/publish/").status_code == 409
    assert api(organiser).post(f"/api/v1/trainings/{pk}/cancel/", {}, format="json").status_code == 400
    response = api(organiser).post(f"/api/v1/trainings/{pk}/cancel/", {"reason": "场地调整"}, format="json")
    assert response.json()["state"] == "cancelled" and response.json()["cancel_reason"] == "场地调整"
    assert api(organiser).post(f"/api/v1/trainings/{pk}/cancel/", {"reason": "再取消"}, format="json").status_code == 409


def test_create_bad_input_is_400_in_chinese(organiser):
    response = api(organiser).post("/api/v1/trainings/", session_data(capacity=-1, starts_at="2099-06-10T09:30:00"),
                                   format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "starts_at" in errors
    assert not TrainingSession.objects.exists()
    response = api(organiser).post("/api/v1/trainings/", session_data(capacity=-1), format="json")
    assert response.json()["errors"]["capacity"] == ["名额应为 1～100000 之间的整数。"]


def test_enterprise_trying_staff_acts_gets_403(ent_user, draft):
    assert api(ent_user).post("/api/v1/trainings/", session_data(), format="json").status_code == 403
    for action in ("publish", "cancel", "hold", "attendance"):
        assert api(ent_user).post(f"/api/v1/trainings/{draft.pk}/{action}/", {}, format="json").status_code == 403


def test_another_regions_session_is_404_for_staff(county_office, county_handler, draft, published):
    for user in (county_office, county_handler):
        assert api(user).post(f"/api/v1/trainings/{draft.pk}/publish/").status_code == 404
        assert api(user).post(f"/api/v1/trainings/{published.pk}/cancel/", {"reason": "x"}, format="json").status_code == 404


def test_anonymous_may_not_act(published):
    assert api().post("/api/v1/trainings/", session_data(), format="json").status_code == 401
    assert api().post(f"/api/v1/trainings/{published.pk}/signup/").status_code == 401


def test_get_on_post_only_is_405(ent_user, published):
    assert api(ent_user).get(f"/api/v1/trainings/{published.pk}/signup/").status_code == 405
    assert api(ent_user).get(f"/api/v1/trainings/{published.pk}/publish/").status_code == 405


def test_signup_201_then_409_and_cancel(ent_user, ent_user2):
    session = SessionFactory(state=S.PUBLISHED, capacity=1)
    response = api(ent_user).post(f"/api/v1/trainings/{session.pk}/signup/")
    assert response.status_code == 201
    assert response.json()["signed_up"] is True and response.json()["seats_taken"] == 1
    assert response.json()["seats_left"] == 0
    again = api(ent_user).post(f"/api/v1/trainings/{session.pk}/signup/")
    assert again.status_code == 409 and again.json()["error"] == "您已报名这场培训。"
    full = api(ent_user2).post(f"/api/v1/trainings/{session.pk}/signup/")
    assert full.status_code == 409 and "已满" in full.json()["error"]
    response = api(ent_user).post(f"/api/v1/trainings/{session.pk}/signup/cancel/")
    assert response.status_code == 200 and response.json()["signed_up"] is False
    assert api(ent_user).post(f"/api/v1/trainings/{session.pk}/signup/cancel/").status_code == 409


def test_signup_409_when_closed_or_cancelled_404_when_draft(ent_user, draft):
    closed = SessionFactory(state=S.PUBLISHED, starts_at=later(hours=2), signup_closes_at=later(hours=-1))
    assert api(ent_user).post(f"/api/v1/trainings/{closed.pk}/signup/").json()["error"] == "报名已截止。"
    held = SessionFactory(state=S.HELD)
    assert api(ent_user).post(f"/api/v1/trainings/{held.pk}/signup/").status_code == 409
    cancelled = SessionFactory(state=S.CANCELLED)
    response = api(ent_user).post(f"/api/v1/trainings/{cancelled.pk}/signup/")
    assert response.status_code == 409 and response.json()["error"] == "这场培训已取消。"
    assert api(ent_user).post(f"/api/v1/trainings/{cancelled.pk}/signup/cancel/").status_code == 409
    assert api(ent_user).get(f"/api/v1/trainings/{cancelled.pk}/").status_code == 404
    assert api(ent_user).post(f"/api/v1/trainings/{draft.pk}/signup/").status_code == 404


def test_staff_sign_up_is_403(organiser, published):
    assert api(organiser).post(f"/api/v1/trainings/{published.pk}/signup/").status_code == 403


def test_attendance_and_feedback(organiser, ent_user, ent_user2):
    session = SessionFactory(state=S.PUBLISHED, starts_at=later(hours=-3), ends_at=later(hours=-1),
                             signup_closes_at=later(days=-1))
    register(session, ent_user)
    register(session, ent_user2)
    url = f"/api/v1/trainings/{session.pk}/attendance/"
    assert api(organiser).post(url, {"users": ["t_ent"], "attended": True}, format="json").json() == {"updated": 1}
    assert api(organiser).post(url, {"users": ["ghost"], "attended": True}, format="json").status_code == 400
    assert api(organiser).post(url, {"users": "t_ent"}, format="json").status_code == 400
    feedback = f"/api/v1/trainings/{session.pk}/feedback/"
    response = api(ent_user).post(feedback, {"score": 5, "comment": "很好"}, format="json")
    assert response.status_code == 201 and response.json()["score"] == 5
    assert api(ent_user).post(feedback, {"score": 4}, format="json").status_code == 409
    assert api(ent_user2).post(feedback, {"score": 4}, format="json").status_code == 403
    assert api(ent_user).post(feedback, {"score": 9}, format="json").status_code in (400, 409)
    assert Registration.objects.get(user=ent_user).attended is True


def test_feedback_bad_score_is_400(ent_user):
    session = SessionFactory(state=S.HELD, starts_at=later(hours=-3), ends_at=later(hours=-1),
                             signup_closes_at=later(days=-1))
    register(session, ent_user, attended=True)
    response = api(ent_user).post(f"/api/v1/trainings/{session.pk}/feedback/", {"score": 9}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["score"] == ["评分应为 1～5 的整数。"]


def test_hold_via_api(organiser):
    session = SessionFactory(state=S.PUBLISHED, starts_at=later(hours=-1), signup_closes_at=later(days=-1))
    assert api(organiser).post(f"/api/v1/trainings/{session.pk}/hold/").json()["state"] == "held"


def test_schema_lists_the_endpoints():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in ("/api/v1/trainings/", "/api/v1/trainings/{id}/", "/api/v1/trainings/{id}/ics/",
                 "/api/v1/trainings/{id}/publish/", "/api/v1/trainings/{id}/cancel/", "/api/v1/trainings/{id}/signup/",
                 "/api/v1/trainings/{id}/signup/cancel/", "/api/v1/trainings/{id}/attendance/",
                 "/api/v1/trainings/{id}/feedback/"):
        assert path in paths, path
    assert "training" in schema["components"]["schemas"]["Demand"]["properties"]
