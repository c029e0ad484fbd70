"""Staff grant and withdraw enterprise tags (web page and API): region-checked, each change recorded (TagChange)."""

import pytest
from django.urls import reverse

from accounts.tests.factories import EnterpriseUserFactory
from enterprises.models import EnterpriseTag, TagChange
from policies.tests.factories import verified_enterprise
from tickets.tests.api_helpers import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(db):
    return verified_enterprise(region="xixiu", users=0)


def test_handler_grants_and_withdraws_on_the_page_and_each_change_is_recorded(client, gxj_handler, firm):
    client.force_login(gxj_handler)
    url = reverse("enterprises:tags", args=[firm.uscc])
    page = client.get(url)
    assert page.status_code == 200 and "专精特新" in page.content.decode()

    response = client.post(url, {"tag": "zhuanjingtexin", "granted": "1"}, follow=True)
    assert "已授予“专精特新”标签" in response.content.decode()
    holding = EnterpriseTag.objects.get(enterprise=firm)
    assert holding.tag.code == "zhuanjingtexin" and holding.granted_by == gxj_handler

    client.post(url, {"tag": "zhuanjingtexin", "granted": "0"})
    assert not EnterpriseTag.objects.filter(enterprise=firm).exists()
    changes = list(TagChange.objects.filter(enterprise=firm).order_by("id").values_list("granted", "changed_by"))
    assert changes == [(True, gxj_handler.pk), (False, gxj_handler.pk)]


def test_unknown_tag_changes_nothing(client, office_clerk, firm):
    client.force_login(office_clerk)
    response = client.post(reverse("enterprises:tags", args=[firm.uscc]), {"tag": "nope", "granted": "1"}, follow=True)
    assert "没有这个企业标签" in response.content.decode() and not TagChange.objects.exists()


def test_search_finds_enterprises_of_the_region_tree(client, gxj_handler, firm):
    far = verified_enterprise(region="puding", users=0, name="普定的企业")
    client.force_login(gxj_handler)
    found = client.get(reverse("enterprises:tag_search"), {"q": "企业"}).context["found"]
    assert firm in found and far in found  # the city's staff reach every county below it
    assert list(client.get(reverse("enterprises:tag_search"), {"q": firm.uscc}).context["found"]) == [firm]


def test_county_staff_get_404_for_an_enterprise_of_another_county(client, county_handler, firm):
    client.force_login(county_handler)  # 普定 handler; the enterprise is in 西秀
    assert client.get(reverse("enterprises:tags", args=[firm.uscc])).status_code == 404
    assert client.post(reverse("enterprises:tags", args=[firm.uscc]),
                       {"tag": "gaoxin", "granted": "1"}).status_code == 404
    assert not client.get(reverse("enterprises:tag_search"), {"q": firm.uscc}).context["found"]
    assert not TagChange.objects.exists()


def test_wrong_roles_get_403(client, leader, firm):
    for user in (leader, EnterpriseUserFactory(enterprise=firm)):
        client.force_login(user)
        assert client.get(reverse("enterprises:tags", args=[firm.uscc])).status_code == 403
        assert client.get(reverse("enterprises:tag_search")).status_code == 403


# --- API -----------------------------------------------------------------------------------------------------------
def test_api_grant_and_withdraw(office_clerk, firm):
    client = api_as(office_clerk)
    response = client.post(f"/api/v1/enterprises/{firm.uscc}/tags/", {"tag": "gaoxin", "granted": True},
                           format="json")
    assert response.status_code == 200 and response.json() == {"uscc": firm.uscc, "tags": ["gaoxin"], "changed": True}
    again = client.post(f"/api/v1/enterprises/{firm.uscc}/tags/", {"tag": "gaoxin", "granted": True}, format="json")
    assert again.json()["changed"] is False
    gone = client.post(f"/api/v1/enterprises/{firm.uscc}/tags/", {"tag": "gaoxin", "granted": False}, format="json")
    assert gone.json()["tags"] == []
    assert TagChange.objects.filter(enterprise=firm, changed_by=office_clerk).count() == 2


def test_api_bad_input_is_400(office_clerk, firm):
    client = api_as(office_clerk)
    assert client.post(f"/api/v1/enterprises/{firm.uscc}/tags/", {"tag": "nope", "granted": True},
                       format="json").status_code == 400
    missing = client.post(f"/api/v1/enterprises/{firm.uscc}/tags/", {"tag": "gaoxin"}, format="json")
    assert missing.status_code == 400 and "granted" in missing.json()["errors"]


def test_api_other_region_is_404_wrong_role_403(county_handler, leader, firm):
    assert api_as(county_handler).post(f"/api/v1/enterprises/{firm.uscc}/tags/", {"tag": "gaoxin", "granted": True},
                                       format="json").status_code == 404
    assert api_as(leader).post(f"/api/v1/enterprises/{firm.uscc}/tags/", {"tag": "gaoxin", "granted": True},
                               format="json").status_code == 403
    assert api_as(county_handler).post("/api/v1/enterprises/915204000000000000/tags/",
                                       {"tag": "gaoxin", "granted": True}, format="json").status_code == 404
    assert not TagChange.objects.exists()
