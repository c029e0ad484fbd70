"""SECURITY.md §6, double submission: the same Idempotency-Key (API) or one-time form token (web) creates one demand;
the second request gets the first result (the API its first response, the web a redirect to that demand)."""

import re

import pytest
from django.urls import reverse

from policies.tests.factories import PolicyFactory
from tickets.models import Demand, SubmissionKey
from tickets.tests import test_views_enterprise as enterprise_views
from tickets.tests import test_views_intake as intake_views
from tickets.tests import test_views_public as public_views
from tickets.tests.api_helpers import api_as
from tickets.tests.test_api_demands import hotline_body
from tickets.tests.test_policy_question import ask

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="submission_token" value="([0-9a-f]{32})"')


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _token(page) -> str:
    return TOKEN.search(page.content.decode()).group(1)


# --- API -------------------------------------------------------------------------------------------------------------
def test_the_same_idempotency_key_registers_one_demand_and_answers_the_first_response_again(office_clerk):
    client = api_as(office_clerk)
    body = hotline_body(external_ref=None)
    first = client.post("/api/v1/demands/", body, format="json", HTTP_IDEMPOTENCY_KEY="b2c4-7d1e-0001")
    second = client.post("/api/v1/demands/", body, format="json", HTTP_IDEMPOTENCY_KEY="b2c4-7d1e-0001")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert Demand.objects.count() == 1
    # Another key is another demand; no key at all, too.
    assert client.post("/api/v1/demands/", body, format="json", HTTP_IDEMPOTENCY_KEY="b2c4-7d1e-0002").status_code == 201
    assert client.post("/api/v1/demands/", body, format="json").status_code == 201
    assert Demand.objects.count() == 3


def test_the_key_belongs_to_its_user(office_clerk, specialist):
    body = hotline_body(external_ref=None)
    api_as(office_clerk).post("/api/v1/demands/", body, format="json", HTTP_IDEMPOTENCY_KEY="shared-key-0001")
    response = api_as(specialist).post("/api/v1/demands/", body, format="json", HTTP_IDEMPOTENCY_KEY="shared-key-0001")
    assert response.status_code == 201 and Demand.objects.count() == 2


def test_a_refused_request_does_not_use_the_key_up(office_clerk):
    client = api_as(office_clerk)
    bad = client.post("/api/v1/demands/", hotline_body(title="", external_ref=None), format="json",
                      HTTP_IDEMPOTENCY_KEY="retry-after-fix-1")
    assert bad.status_code == 400 and not SubmissionKey.objects.exists()
    good = client.post("/api/v1/demands/", hotline_body(external_ref=None), format="json",
                       HTTP_IDEMPOTENCY_KEY="retry-after-fix-1")
    assert good.status_code == 201 and Demand.objects.count() == 1


def test_a_malformed_key_is_a_400(office_clerk):
    response = api_as(office_clerk).post("/api/v1/demands/", hotline_body(), format="json", HTTP_IDEMPOTENCY_KEY="short")
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["errors"]
    assert not Demand.objects.exists()


# --- web forms -------------------------------------------------------------------------------------------------------
def test_a_double_click_on_the_enterprise_form_creates_one_demand(client, enterprise_user):
    client.force_login(enterprise_user)
    token = _token(client.get(enterprise_views.SUBMIT))
    data = {**enterprise_views._form(), "submission_token": token}
    first = client.post(enterprise_views.SUBMIT, data)
    second = client.post(enterprise_views.SUBMIT, data, follow=True)
    demand = Demand.objects.get()
    assert first["Location"] == reverse("tickets:demand_detail", args=[demand.pk])
    assert second.redirect_chain[-1][0] == reverse("tickets:demand_detail", args=[demand.pk])
    assert f"该诉求已经提交过（编号 {demand.number}），没有重复登记。" in second.content.decode()


def test_a_new_page_gives_a_new_token(client, enterprise_user):
    client.force_login(enterprise_user)
    assert _token(client.get(enterprise_views.SUBMIT)) != _token(client.get(enterprise_views.SUBMIT))


def test_a_double_click_on_the_staff_register_form_creates_one_demand(client, office_clerk):
    client.force_login(office_clerk)
    token = _token(client.get(intake_views.URL))
    data = {**intake_views._form(), "submission_token": token}
    intake_views._post(client, data)
    second = intake_views._post(client, data)
    demand = Demand.objects.get()
    assert second["Location"] == reverse("tickets:demand_detail", args=[demand.pk])


def test_a_form_with_an_error_keeps_its_token_and_counts_once_when_corrected(client, office_clerk):
    client.force_login(office_clerk)
    token = _token(client.get(intake_views.URL))
    page = intake_views._post(client, {**intake_views._form(title=""), "submission_token": token})
    assert page.status_code == 200 and _token(page) == token and not Demand.objects.exists()
    intake_views._post(client, {**intake_views._form(), "submission_token": token})
    intake_views._post(client, {**intake_views._form(), "submission_token": token})
    assert Demand.objects.count() == 1


def test_a_double_click_on_the_public_form_creates_one_demand_and_both_answers_show_the_code(client):
    token = _token(client.get(public_views.NEW))
    data = {**public_views._anonymous(), "submission_token": token}
    first = client.post(public_views.NEW, data)
    second = client.post(public_views.NEW, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == reverse("tickets:public_done")
    demand = Demand.objects.get()
    _, number, code = public_views._done(client)
    assert number == demand.number and code


def test_a_double_click_on_the_policy_question_creates_one_demand(client, enterprise_user):
    policy = PolicyFactory(state="published", title="技改补助")
    client.force_login(enterprise_user)
    token = _token(client.get(reverse("tickets:policy_question", args=[policy.pk])))
    ask(client, policy, submission_token=token)
    second = ask(client, policy, submission_token=token)
    demand = Demand.objects.get()
    assert second["Location"] == reverse("tickets:demand_detail", args=[demand.pk])


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_create_one_demand(office_clerk):
    """The double click proper: two threads (two connections) with one key; the second waits on the key's row."""
    import threading
    import time

    from django.db import connection

    from tickets import submissions
    from tickets.tests.helpers import register

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises whole transactions)")
    results, errors = [], []
    barrier = threading.Barrier(2)

    def click():
        try:
            barrier.wait()

            def create():
                time.sleep(0.3)  # the first request is still registering when the second arrives
                return register(office_clerk)

            results.append(submissions.once(office_clerk, "web:register", "double-click-0001", create))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Demand.objects.count() == 1
    assert sorted(created for _, _, created in results) == [False, True]
    assert {demand.pk for demand, _, _ in results} == {Demand.objects.get().pk}
