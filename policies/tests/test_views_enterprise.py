"""The enterprise's policy screens: 为我匹配的政策 with reasons and statuses, reading marks read, 感兴趣 / 已申报, and
我的企业画像 (industry, scale, founding date; tags read-only)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Enterprise
from accounts.tests.factories import EnterpriseUserFactory
from policies.models import Reach
from policies.tests.factories import PolicyFactory, verified_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(db):
    return verified_enterprise(industry="C", scale="small", region="xixiu", established_on=datetime.date(2018, 4, 16),
                               tags=("gaoxin",))


@pytest.fixture
def firm_client(client, firm):
    client.force_login(firm.users.get())
    return client


def test_mine_lists_matched_active_policies_newest_first_with_reasons(firm_client):
    older = PolicyFactory(title="较早的制造业政策", state="published", industries=["C"])
    newer = PolicyFactory(title="最新的高新企业政策", state="published", tags=["gaoxin"])
    newer.__class__.objects.filter(pk=newer.pk).update(published_at=timezone.now())
    PolicyFactory(title="农业政策", state="published", industries=["A"])
    PolicyFactory(title="过期政策", state="published", effective_to=timezone.localdate() - datetime.timedelta(days=1))
    PolicyFactory(title="草稿政策")
    PolicyFactory(title="普定的政策", state="published", regions=["puding"])

    response = firm_client.get(reverse("policies:mine"))
    found = response.context["found"]
    assert [item.policy.title for item in found] == ["最新的高新企业政策", "较早的制造业政策"]
    assert found[0].reasons == ["区域：西秀区（属安顺市）", "标签：高新技术企业"]
    body = response.content.decode()
    assert "行业：制造业（C）" in body and "未读" in body
    assert older.pk in {item.policy.pk for item in found}


def test_opening_a_matched_policy_marks_it_read_creating_the_row(firm_client, firm):
    policy = PolicyFactory(state="published", industries=["C"])
    response = firm_client.get(reverse("policies:public_detail", args=[policy.pk]))
    assert "本政策与贵企业匹配" in response.content.decode()
    reach = Reach.objects.get(policy=policy, enterprise=firm)
    assert reach.status == "read" and reach.read_at is not None
    assert firm_client.get(reverse("policies:mine")).context["found"][0].status == "read"


def test_opening_a_pushed_policy_turns_new_into_read(firm_client, firm):
    policy = PolicyFactory(state="published")
    Reach.objects.create(policy=policy, enterprise=firm, notified_at=timezone.now())
    firm_client.get(reverse("policies:public_detail", args=[policy.pk]))
    assert Reach.objects.get(policy=policy, enterprise=firm).status == "read"


def test_opening_a_policy_that_does_not_fit_says_why_and_records_nothing(firm_client, firm):
    policy = PolicyFactory(state="published", industries=["A"])
    body = firm_client.get(reverse("policies:public_detail", args=[policy.pk])).content.decode()
    assert "目前与贵企业不匹配" in body and "行业不符" in body
    assert not Reach.objects.exists()


def test_mark_interested_then_applied(firm_client, firm):
    policy = PolicyFactory(state="published")
    response = firm_client.post(reverse("policies:mark", args=[policy.pk]), {"status": "interested"})
    assert response.status_code == 302 and response["Location"] == reverse("policies:mine")
    assert Reach.objects.get(policy=policy, enterprise=firm).status == "interested"
    firm_client.post(reverse("policies:mark", args=[policy.pk]), {"status": "applied"})
    assert Reach.objects.get(policy=policy, enterprise=firm).status == "applied"
    response = firm_client.post(reverse("policies:mark", args=[policy.pk]), {"status": "interested"}, follow=True)
    assert "不能改回" in response.content.decode()
    assert Reach.objects.get(policy=policy, enterprise=firm).status == "applied"


def test_bad_status_is_refused(firm_client, firm):
    policy = PolicyFactory(state="published")
    response = firm_client.post(reverse("policies:mark", args=[policy.pk]), {"status": "new"}, follow=True)
    assert "只能标记" in response.content.decode() and not Reach.objects.exists()


def test_a_policy_that_does_not_fit_cannot_be_marked(firm_client):
    policy = PolicyFactory(state="published", industries=["A"])
    assert firm_client.post(reverse("policies:mark", args=[policy.pk]), {"status": "interested"}).status_code == 404
    assert not Reach.objects.exists()


def test_draft_cannot_be_marked(firm_client):
    policy = PolicyFactory()
    assert firm_client.post(reverse("policies:mark", args=[policy.pk]), {"status": "interested"}).status_code == 404


def test_staff_get_403_on_enterprise_screens(client, gxj_handler):
    client.force_login(gxj_handler)
    assert client.get(reverse("policies:mine")).status_code == 403
    assert client.get(reverse("policies:profile")).status_code == 403


def test_mark_is_post_only(firm_client):
    policy = PolicyFactory(state="published")
    assert firm_client.get(reverse("policies:mark", args=[policy.pk])).status_code == 405


# --- profile -------------------------------------------------------------------------------------------------------
def test_profile_shows_tags_read_only_with_who_and_when(firm_client):
    body = firm_client.get(reverse("policies:profile")).content.decode()
    tags = body[body.index('data-testid="profile-tags"'):]
    assert "高新技术企业" in tags and "市政府政务服务中心" in tags and "认定" in tags  # who granted it, and when
    assert 'name="tags"' not in body


def test_profile_edit(firm_client, firm):
    response = firm_client.post(reverse("policies:profile"),
                                {"industry": "I", "scale": "micro", "established_on": "2020-02-29"})
    assert response.status_code == 302
    firm.refresh_from_db()
    assert (firm.industry_id, firm.scale, firm.established_on) == ("I", "micro", datetime.date(2020, 2, 29))


@pytest.mark.parametrize("data", [
    {"industry": "Z", "scale": "small", "established_on": "2018-04-16"},
    {"industry": "C", "scale": "giant", "established_on": "2018-04-16"},
    {"industry": "C", "scale": "small", "established_on": "2099-01-01"},
    {"industry": "C", "scale": "small", "established_on": "18-4-16x"},
])
def test_profile_bad_input_saves_nothing(firm_client, firm, data):
    response = firm_client.post(reverse("policies:profile"), data)
    assert response.status_code == 400
    assert "保存未成功" in response.content.decode()
    firm.refresh_from_db()
    assert (firm.industry_id, firm.scale, firm.established_on) == ("C", "small", datetime.date(2018, 4, 16))


def test_profile_change_changes_what_matches(firm_client):
    PolicyFactory(title="信息技术企业政策", state="published", industries=["I"])
    assert firm_client.get(reverse("policies:mine")).context["found"] == []
    firm_client.post(reverse("policies:profile"), {"industry": "I", "scale": "small", "established_on": "2018-04-16"})
    assert [i.policy.title for i in firm_client.get(reverse("policies:mine")).context["found"]] == ["信息技术企业政策"]


def test_another_enterprise_user_edits_only_their_own(client, firm):
    other = EnterpriseUserFactory()
    client.force_login(other)
    client.post(reverse("policies:profile"), {"industry": "A", "scale": "large", "established_on": ""})
    firm.refresh_from_db()
    assert firm.industry_id == "C"
    assert Enterprise.objects.get(pk=other.enterprise_id).industry_id == "A"


def test_mine_reads_a_fixed_number_of_queries(firm_client, django_assert_max_num_queries):
    for n in range(3):
        PolicyFactory(title=f"政策{n}", state="published", industries=["C"])
    firm_client.get(reverse("policies:mine"))
    with django_assert_max_num_queries(20) as few:
        firm_client.get(reverse("policies:mine"))
    for n in range(10):
        PolicyFactory(title=f"更多政策{n}", state="published", tags=["gaoxin"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = firm_client.get(reverse("policies:mine"))
    assert len(response.context["found"]) == 13
