"""The public catalogue, no login: published items only, public fields only, search, filters, the printable guide."""

import pytest
from django.urls import reverse

from catalogue import services
from catalogue.tests.helpers import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(lead_handler, other_handler):
    licence = make_item(lead_handler, publish=True)
    tax = make_item(other_handler, publish=True, name="办理增值税发票领用", domain="tax", kind="public_service",
                    conditions="已办理涉税信息确认的纳税人", materials=[{"name": "经办人身份证件", "original": True, "copies": 1}])
    draft = make_item(lead_handler, name="办理食品经营许可草稿")
    retired = services.item_retire(actor=lead_handler, item=make_item(lead_handler, publish=True, name="已停用的旧事项"))
    return licence, tax, draft, retired


def test_the_list_shows_published_items_only_without_login(client, items):
    licence, tax, draft, retired = items
    response = client.get(reverse("catalogue:list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert licence.name in body and tax.name in body
    assert draft.name not in body and retired.name not in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "营业执照"}, {"办理营业执照变更登记"}),
        ({"q": "纳税人"}, {"办理增值税发票领用"}),  # conditions
        ({"q": "身份证件"}, {"办理增值税发票领用"}),  # a material's name
        ({"department": "anshun-sw"}, {"办理增值税发票领用"}),
        ({"domain": "market"}, {"办理营业执照变更登记"}),
        ({"kind": "public_service"}, {"办理增值税发票领用"}),
        ({"kind": "licence", "q": "发票"}, set()),
        ({"kind": "nonsense"}, {"办理营业执照变更登记", "办理增值税发票领用"}),  # a bad filter is dropped
    ],
)
def test_search_and_filters(client, items, query, expected):
    response = client.get(reverse("catalogue:list"), query)
    assert response.status_code == 200
    assert {item.name for item in response.context["page"].object_list} == expected


def test_the_guide_page_shows_public_fields_and_a_print_button(client, items, lead_handler):
    licence = items[0]
    response = client.get(reverse("catalogue:detail", args=[licence.code]))
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("办理营业执照变更登记", "变更登记申请书", "不收费", "打印办事指南", "@page", "A4", "0851-33221100"):
        assert text in body
    assert str(lead_handler) not in body and lead_handler.username not in body  # never who created it
    assert licence.responsibility in body  # 职责依据 is part of the guide (OUTREACH §1)
    assert "search_text" not in body and "pending" not in body


def test_a_draft_or_retired_item_is_not_found_publicly(client, items, lead_handler):
    _, _, draft, retired = items
    for item in (draft, retired):
        assert client.get(reverse("catalogue:detail", args=[item.code])).status_code == 404
    client.force_login(lead_handler)  # even for its own department, the public page is for published items
    assert client.get(reverse("catalogue:detail", args=[draft.code])).status_code == 404


def test_a_visitor_is_offered_the_login_and_the_public_form(client, items):
    licence = items[0]
    body = client.get(reverse("catalogue:detail", args=[licence.code])).content.decode()
    assert f"/login/?next=%2Fdemands%2Fsubmit%2F%3Fservice_item%3D{licence.code}" in body
    assert f"/demands/new/?service_item={licence.code}" in body
    response = client.get(reverse("catalogue:demand", args=[licence.code]))
    assert response.status_code == 302 and response.url.startswith("/login/?next=")


def test_an_enterprise_user_goes_straight_to_its_form(client, items, enterprise_user, lead_handler):
    licence = items[0]
    client.force_login(enterprise_user)
    body = client.get(reverse("catalogue:detail", args=[licence.code])).content.decode()
    assert f"/demands/submit/?service_item={licence.code}" in body
    response = client.get(reverse("catalogue:demand", args=[licence.code]))
    assert response.url == f"/demands/submit/?service_item={licence.code}"
    client.force_login(lead_handler)
    assert client.get(reverse("catalogue:demand", args=[licence.code])).status_code == 404


def test_the_list_pages(client, lead_handler):
    for n in range(23):
        make_item(lead_handler, publish=True, name=f"测试事项{n:02d}")
    first = client.get(reverse("catalogue:list"))
    assert len(first.context["page"].object_list) == 20
    second = client.get(reverse("catalogue:list"), {"page": 2})
    assert len(second.context["page"].object_list) == 3
