""""就此政策咨询" (OUTREACH §2): a question about a published policy registers a consultation demand (channel
`online`, domain `policy`) linked to the policy; the demand API shows `policy` and accepts it in a body."""

import pytest
from django.urls import reverse

from accounts.tests.factories import valid_uscc
from policies.tests.factories import PolicyFactory
from tickets.models import Demand
from tickets.tests.api_helpers import api_as

pytestmark = pytest.mark.django_db


def ask(client, policy, **overrides):
    data = {"title": "政策咨询：技改补助", "content": "我公司去年购置了新设备，是否符合申报条件？",
            "requester_name": "刘晓燕", "requester_phone": "13985300001", **overrides}
    return client.post(reverse("tickets:policy_question", args=[policy.pk]), data)


def test_question_registers_a_linked_consultation_demand(client, enterprise_user):
    policy = PolicyFactory(state="published", title="技改补助")
    client.force_login(enterprise_user)
    form = client.get(reverse("tickets:policy_question", args=[policy.pk]))
    assert form.status_code == 200 and "政策咨询：技改补助" in form.content.decode()

    response = ask(client, policy)
    demand = Demand.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("tickets:demand_detail", args=[demand.pk])
    assert demand.policy == policy and demand.channel == "online" and demand.domain.code == "policy"
    assert demand.enterprise_id == enterprise_user.enterprise_id and demand.state == "registered"


def test_bad_question_saves_nothing(client, enterprise_user):
    policy = PolicyFactory(state="published")
    client.force_login(enterprise_user)
    response = ask(client, policy, content="", requester_phone="abc")
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写诉求内容" in body and "联系电话格式不正确" in body
    assert not Demand.objects.exists()


@pytest.mark.parametrize("state", ["draft", "withdrawn"])
def test_unpublished_policy_is_404(client, enterprise_user, state):
    policy = PolicyFactory(state=state)
    client.force_login(enterprise_user)
    assert client.get(reverse("tickets:policy_question", args=[policy.pk])).status_code == 404
    assert ask(client, policy).status_code == 404
    assert not Demand.objects.exists()


def test_staff_get_403(client, lead_handler):
    policy = PolicyFactory(state="published")
    client.force_login(lead_handler)
    assert client.get(reverse("tickets:policy_question", args=[policy.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client):
    policy = PolicyFactory(state="published")
    response = client.get(reverse("tickets:policy_question", args=[policy.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- the demand API ------------------------------------------------------------------------------------------------
def body(**overrides):
    data = {"channel": "hotline", "title": "咨询技改补助", "content": "来电咨询技改补助的申报条件。", "domain": "policy",
            "enterprise": {"name": "安顺测试制造有限公司", "uscc": valid_uscc(11)},
            "requester": {"name": "李女士", "phone": "13900000001"}}
    data.update(overrides)
    return data


def test_api_demand_carries_policy(office_clerk):
    policy = PolicyFactory(state="published")
    client = api_as(office_clerk)
    created = client.post("/api/v1/demands/", body(policy=policy.pk), format="json")
    assert created.status_code == 201 and created.json()["policy"] == policy.pk
    assert Demand.objects.get().policy == policy
    plain = client.post("/api/v1/demands/", body(title="别的事"), format="json")
    assert plain.json()["policy"] is None
    assert client.get(f"/api/v1/demands/{created.json()['id']}/").json()["policy"] == policy.pk


@pytest.mark.parametrize("value", ["draft", "withdrawn", 999999, "abc"])
def test_api_bad_policy_is_400_and_saves_nothing(office_clerk, value):
    if value in ("draft", "withdrawn"):
        value = PolicyFactory(state=value).pk
    response = api_as(office_clerk).post("/api/v1/demands/", body(policy=value), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["policy"] == ["关联的政策不存在或未发布。"]
    assert not Demand.objects.exists()


def test_api_bad_policy_and_bad_fields_are_reported_together(office_clerk):
    response = api_as(office_clerk).post("/api/v1/demands/", body(policy=999999, title=""), format="json")
    assert response.status_code == 400 and {"policy", "title"} <= set(response.json()["errors"])


def test_api_enterprise_asks_online_about_a_policy(enterprise_user):
    policy = PolicyFactory(state="published")
    response = api_as(enterprise_user).post("/api/v1/demands/", {
        "channel": "online", "title": "政策咨询", "content": "是否符合条件？", "domain": "policy", "policy": policy.pk,
        "requester": {"name": "刘晓燕", "phone": "13985300001"}}, format="json")
    assert response.status_code == 201 and response.json()["policy"] == policy.pk
