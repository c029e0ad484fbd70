"""Questions raised at a session, registered as demands linked to it (channel `department`, first contact the
organiser): through the API and the staff registration form ("登记提问"), refused for a bad target, and listed with
their states on the session's page and in the figures."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import valid_uscc
from tickets.models import Demand
from trainings.models import TrainingSession
from trainings.tests.factories import SessionFactory, later

pytestmark = pytest.mark.django_db
S = TrainingSession.State


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def held(db):
    return SessionFactory(state=S.HELD, starts_at=later(days=-1), signup_closes_at=later(days=-2))


def body(training, **overrides):
    data = {
        "channel": "department", "title": "培训提问：研发费用加计扣除", "content": "现场提问：辅助账如何设置？",
        "domain": "tax", "enterprise": {"name": "安顺测试制造有限公司", "uscc": valid_uscc(41)},
        "requester": {"name": "李女士", "phone": "13900000001"}, "training": training,
    }
    data.update(overrides)
    return data


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_organiser_registers_a_question_linked_to_the_session(organiser, held):
    response = api(organiser).post("/api/v1/demands/", body(held.pk), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["training"] == held.pk and response.json()["first_contact_department"] == "anshun-gxj"
    assert Demand.objects.get().training == held
    other = api(organiser).get(f"/api/v1/demands/{response.json()['id']}/").json()
    assert other["training"] == held.pk


def test_a_demand_without_a_training_reads_null(organiser):
    response = api(organiser).post("/api/v1/demands/", body(None), format="json")
    assert response.status_code == 201 and response.json()["training"] is None


@pytest.mark.parametrize("state", [S.DRAFT, S.CANCELLED])
def test_an_unpublished_session_is_400_and_nothing_saved(organiser, state):
    session = SessionFactory(state=state)
    response = api(organiser).post("/api/v1/demands/", body(session.pk), format="json")
    assert response.status_code == 400 and response.json()["errors"]["training"] == ["关联的培训不存在或未发布。"]
    assert not Demand.objects.exists()


@pytest.mark.parametrize("value", [999999, "abc", True])
def test_a_bad_target_is_400(organiser, value):
    response = api(organiser).post("/api/v1/demands/", body(value), format="json")
    assert response.status_code == 400 and "training" in response.json()["errors"]
    assert not Demand.objects.exists()


def test_only_channel_department(organiser, held):
    response = api(organiser).post("/api/v1/demands/", body(held.pk, channel="hall"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["training"] == ["关联培训的诉求只能以“部门收集”渠道登记。"]
    assert not Demand.objects.exists()


def test_first_contact_must_be_the_organiser(other_department, held):
    response = api(other_department).post("/api/v1/demands/", body(held.pk), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["training"] == ["关联培训的诉求，首问部门须为培训的主办部门。"]
    assert not Demand.objects.exists()


def test_the_staff_form_is_prefilled_from_the_session_page(client, organiser, held):
    client.force_login(organiser)
    page = client.get(reverse("trainings:staff_detail", args=[held.pk])).content.decode()
    assert 'data-testid="register-question"' in page
    url = f"{reverse('tickets:register')}?training={held.pk}&channel=department"
    assert f'href="{url.replace("&", "&amp;")}"' in page
    form = client.get(url).content.decode()
    assert 'data-testid="register-training"' in form and held.title in form
    assert f'name="training" value="{held.pk}"' in form
    response = client.post(reverse("tickets:register"), {
        "channel": "department", "received_at": "2026-01-05T09:15", "training": str(held.pk),
        "enterprise_name": "安顺黔中机械有限公司", "enterprise_uscc": valid_uscc(31), "requester_name": "王先生",
        "requester_phone": "13800000000", "title": "培训提问：贷款贴息", "content": "现场提问：贴息如何申请？",
        "domain": "tax",
    })
    demand = Demand.objects.get()
    assert response.status_code == 302 and demand.training == held and demand.channel == "department"


def test_the_staff_form_refuses_a_wrong_channel_with_the_reason(client, organiser, held):
    client.force_login(organiser)
    response = client.post(reverse("tickets:register"), {
        "channel": "hall", "received_at": "2026-01-05T09:15", "training": str(held.pk),
        "enterprise_name": "安顺黔中机械有限公司", "enterprise_uscc": valid_uscc(31), "requester_name": "王先生",
        "requester_phone": "13800000000", "title": "培训提问", "content": "现场提问。", "domain": "tax",
    })
    assert "只能以“部门收集”渠道登记" in response.content.decode()
    assert not Demand.objects.exists()


def test_the_session_page_lists_its_demands_with_their_states(client, organiser, held,
                                                             django_assert_max_num_queries):
    for n in range(3):
        api(organiser).post("/api/v1/demands/", body(held.pk, title=f"培训提问{n}"), format="json")
    demand = Demand.objects.first()
    client.force_login(organiser)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("trainings:staff_detail", args=[held.pk])).content.decode()
    assert "培训中收集的诉求（3 件）" in page
    assert demand.number in page and demand.get_state_display() in page
    listing = client.get(reverse("trainings:staff_list")).content.decode()
    assert "3 件" in listing and f"{demand.get_state_display()} 3" in listing


def test_the_office_registers_a_question_with_the_organiser_as_first_contact(client, city_office, held):
    client.force_login(city_office)
    form = client.get(f"{reverse('tickets:register')}?training={held.pk}&channel=department").content.decode()
    assert 'value="anshun-gxj" selected' in form
    response = client.post(reverse("tickets:register"), {
        "channel": "department", "received_at": "2026-01-05T09:15", "training": str(held.pk),
        "first_contact_department": "anshun-gxj", "enterprise_name": "安顺黔中机械有限公司",
        "enterprise_uscc": valid_uscc(31), "requester_name": "王先生", "requester_phone": "13800000000",
        "title": "培训提问：担保费补助", "content": "现场提问：担保费补助比例？", "domain": "tax",
    })
    assert response.status_code == 302, response.content.decode()[-3000:]
    demand = Demand.objects.get()
    assert demand.training == held and demand.first_contact_department.code == "anshun-gxj"
