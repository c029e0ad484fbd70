"""The public portal (OUTREACH §6): `/` and the one search, without logging in; only published, only public fields."""

import datetime

import pytest
from django.urls import reverse

from policies.tests.factories import PolicyFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_gets_the_portal_with_the_ways_in(client):
    PolicyFactory(title="中小企业贷款贴息政策", state="published")
    PolicyFactory(title="尚未发布的草稿政策")
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "我要反映诉求" in body and "查询诉求进度" in body
    assert reverse("tickets:public_submit") in body and reverse("tickets:track") in body
    assert reverse("enterprises:signup") in body
    assert "中小企业贷款贴息政策" in body and "尚未发布的草稿政策" not in body
    assert 'data-testid="public-nav"' in body


def test_a_logged_in_person_gets_their_home_at_the_same_address(client, office_clerk):
    client.force_login(office_clerk)
    response = client.get("/")
    assert response.status_code == 200
    assert "workbench/home.html" in [t.name for t in response.templates]  # the workbench of issue 15
    assert 'data-testid="public-nav"' not in response.content.decode()


def test_search_finds_a_word_inside_a_title_and_only_active_published_policies(client):
    PolicyFactory(title="安顺市中小企业贷款贴息实施办法", state="published")
    PolicyFactory(title="贷款贴息（草稿）")
    PolicyFactory(title="过期的贷款贴息政策", state="published", effective_to=datetime.date(2026, 11, 30))
    PolicyFactory(title="已撤回的贷款贴息政策", state="withdrawn")
    response = client.get(reverse("portal:search"), {"q": "贷款"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "安顺市中小企业贷款贴息实施办法" in body
    assert "草稿" not in body and "过期的" not in body and "已撤回的" not in body


@pytest.mark.parametrize(("q", "message"), [("", "请输入"), ("贷", "至少输入两个字"), ("   ", "请输入")])
def test_search_explains_a_missing_or_too_short_keyword(client, q, message):
    response = client.get(reverse("portal:search"), {"q": q})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_search_refuses_a_nul_byte_and_survives_an_overlong_keyword(client):
    PolicyFactory(title="稳岗补贴政策", state="published")
    assert client.get(reverse("portal:search"), {"q": "稳岗\x00"}).status_code == 400  # SECURITY.md §6
    assert client.get(reverse("portal:search"), {"q": "补" * 500}).status_code == 200


def test_the_portal_shows_no_internal_fields(client):
    policy = PolicyFactory(title="公开政策", state="published")
    body = client.get("/").content.decode()
    assert policy.created_by.username not in body and policy.created_by.get_full_name() not in body


def test_portal_pages_answer_get_only(client):
    assert client.post("/").status_code in (403, 405)
    assert client.post(reverse("portal:search")).status_code in (403, 405)


def test_the_portal_lists_published_service_items_and_search_finds_them(client, lead_handler):
    from catalogue.tests.helpers import make_item

    make_item(lead_handler, publish=True, name="办理营业执照变更登记")
    make_item(lead_handler, name="尚在起草的社保事项")
    home = client.get("/").content.decode()
    assert "办理营业执照变更登记" in home and "尚在起草的社保事项" not in home
    found = client.get(reverse("portal:search"), {"q": "营业执照"}).content.decode()
    assert "办理营业执照变更登记" in found
    nothing = client.get(reverse("portal:search"), {"q": "社保"}).content.decode()
    assert "尚在起草的社保事项" not in nothing and "没有找到含“社保”的服务事项" in nothing
