"""Demands collected at an activity (OUTREACH §4): registered on channel `chamber` with `"activity": <id>`, over the
API and from the activity's "登记诉求" on the web; another channel → 400, a chamber user naming another chamber's
activity → 403, another region's activity → 400; the demand representation carries `activity`."""

import pytest
from django.urls import reverse
from django.utils import timezone

from chambers.tests.factories import ActivityFactory
from tickets.models import Demand
from tickets.tests.api_helpers import api_as

pytestmark = pytest.mark.django_db


def body(activity, **overrides):
    data = {"channel": "chamber", "title": "办事体验：变更登记材料重复", "content": "营业执照变更后税务窗口还要重复提交材料。",
            "domain": "business_env", "enterprise": {"name": "安顺黔中智造装备有限公司", "uscc": "91520400MA6J2K3L4K"},
            "requester": {"name": "刘晓燕", "phone": "13985300001"}, "activity": activity.pk if activity else None}
    data.update(overrides)
    return data


@pytest.fixture
def activity(zhejiang):
    return ActivityFactory(chamber=zhejiang, kind="experience")


def test_chamber_user_registers_a_demand_at_its_activity(chamber_user, activity):
    response = api_as(chamber_user).post("/api/v1/demands/", body(activity), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["activity"] == activity.pk and response.json()["channel"] == "chamber"
    assert Demand.objects.get().activity == activity


def test_the_federation_specialist_registers_one_too(gsl_spec, activity):
    response = api_as(gsl_spec).post("/api/v1/demands/", body(activity), format="json")
    assert response.status_code == 201 and response.json()["activity"] == activity.pk


def test_a_demand_without_activity_reads_null(gsl_spec):
    response = api_as(gsl_spec).post("/api/v1/demands/", body(None), format="json")
    assert response.status_code == 201 and response.json()["activity"] is None


def test_activity_only_on_channel_chamber(gsl_spec, activity):
    response = api_as(gsl_spec).post("/api/v1/demands/", body(activity, channel="hall"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["activity"] == ["只有“商会轮值活动”渠道（chamber）的诉求可以关联商会活动。"]
    assert not Demand.objects.exists()


def test_a_chamber_user_naming_another_chambers_activity_gets_403(other_chamber_user, activity):
    response = api_as(other_chamber_user).post("/api/v1/demands/", body(activity), format="json")
    assert response.status_code == 403 and "只能为本商会" in response.json()["error"]
    assert not Demand.objects.exists()


@pytest.mark.parametrize("value", [999999, "abc", True])
def test_unknown_activity_is_400(gsl_spec, value):
    response = api_as(gsl_spec).post("/api/v1/demands/", {**body(None), "activity": value}, format="json")
    assert response.status_code == 400 and "activity" in response.json()["errors"]
    assert not Demand.objects.exists()


def test_another_regions_activity_is_400(xixiu_gsl, zhejiang):
    from accounts.models import Role
    from accounts.tests.factories import UserFactory

    activity = ActivityFactory(chamber=zhejiang)
    specialist = UserFactory(role=Role.SPECIALIST, department=xixiu_gsl.department)
    response = api_as(specialist).post("/api/v1/demands/", body(activity), format="json")
    assert response.status_code == 400 and response.json()["errors"]["activity"] == ["关联的商会活动不存在或不属于本区域。"]


def test_errors_come_together(gsl_spec, activity):
    response = api_as(gsl_spec).post("/api/v1/demands/", body(activity, channel="hall", title=""), format="json")
    assert response.status_code == 400 and {"title", "activity"} <= set(response.json()["errors"])


# --- the web -------------------------------------------------------------------------------------------------------
def _post(activity, **overrides):
    data = {"channel": "chamber", "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "enterprise_name": "安顺黔中智造装备有限公司", "enterprise_uscc": "91520400MA6J2K3L4K",
            "requester_name": "刘晓燕", "requester_phone": "13985300001", "title": "企业招工难",
            "content": "希望组织专场招聘会。", "domain": "talent", "activity": activity.pk}
    data.update(overrides)
    return data


def test_register_form_prefilled_from_the_activity(client, gsl_spec, activity):
    client.force_login(gsl_spec)
    response = client.get(reverse("tickets:register") + f"?activity={activity.pk}")
    form = response.context["form"]
    assert form.initial["channel"] == "chamber" and form.initial["activity"] == activity.pk
    html = response.content.decode()
    assert 'data-testid="linked-activity"' in html and "安顺市浙江商会" in html
    response = client.post(reverse("tickets:register"), _post(activity))
    demand = Demand.objects.get()
    assert response.status_code == 302 and demand.activity == activity and demand.channel == "chamber"
    page = client.get(reverse("chambers:activity_detail", args=[activity.pk]))
    assert [d.number for d in page.context["demands"]] == [demand.number]
    assert "待研判" in page.content.decode()


def test_chamber_user_registers_from_its_activity_on_the_web(client, chamber_user, activity):
    client.force_login(chamber_user)
    response = client.get(reverse("tickets:register") + f"?activity={activity.pk}")
    assert response.context["form"].initial["activity"] == activity.pk
    post = _post(activity)
    post.pop("channel")  # the chamber's one channel is shown, not chosen
    assert client.post(reverse("tickets:register"), post).status_code == 302
    assert Demand.objects.get().activity == activity


def test_web_refuses_another_chambers_activity(client, other_chamber_user, activity):
    client.force_login(other_chamber_user)
    response = client.get(reverse("tickets:register") + f"?activity={activity.pk}")
    assert "activity" not in response.context["form"].initial  # not even shown
    post = _post(activity)
    post.pop("channel")
    assert client.post(reverse("tickets:register"), post).status_code == 403
    assert not Demand.objects.exists()


def test_web_refuses_activity_on_another_channel(client, gsl_spec, activity):
    client.force_login(gsl_spec)
    response = client.post(reverse("tickets:register"), _post(activity, channel="hall"))
    assert response.status_code == 200 and not Demand.objects.exists()
    assert "只有“商会轮值活动”渠道（chamber）的诉求可以关联商会活动。" in response.content.decode()


def test_register_without_activity_is_unchanged(client, gsl_spec):
    client.force_login(gsl_spec)
    response = client.get(reverse("tickets:register") + "?activity=abc")
    assert response.status_code == 200 and response.context["activity"] is None
