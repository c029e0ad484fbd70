"""Public policy pages, no login: only published policies, only public fields, search and filters, expiry shown."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Domain
from accounts.tests.factories import department
from policies.tests.factories import PolicyFactory

pytestmark = pytest.mark.django_db


def test_list_shows_only_published_policies_without_login(client):
    PolicyFactory(title="已发布的技改补助", state="published")
    PolicyFactory(title="还在起草的政策")
    PolicyFactory(title="撤回了的政策", state="withdrawn")
    response = client.get(reverse("policies:public_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "已发布的技改补助" in body and "还在起草的政策" not in body and "撤回了的政策" not in body


def test_search_finds_a_chinese_substring_of_title_doc_number_or_summary(client):
    PolicyFactory(title="专精特新中小企业奖励办法", state="published")
    PolicyFactory(title="外贸稳增长措施", doc_number="安商发〔2026〕3号", state="published")
    PolicyFactory(title="人才引进", summary="对新引进的博士给予安家补贴", state="published")
    def titles(**params):
        return [p.title for p in client.get(reverse("policies:public_list"), params).context["page"].object_list]

    assert titles(q="专精特新") == ["专精特新中小企业奖励办法"]
    assert titles(q="安商发") == ["外贸稳增长措施"]
    assert titles(q="安家补贴") == ["人才引进"]


def test_filters_domain_mode_department_active(client):
    today = timezone.localdate()
    tax = PolicyFactory(title="税费减免政策", state="published", mode="no_apply", department=department("anshun-fgw"))
    tax.domains.set([Domain.objects.get(code="tax")])
    PolicyFactory(title="过期政策", state="published", effective_to=today - datetime.timedelta(days=1))
    PolicyFactory(title="有效政策", state="published")

    def titles(**params):
        return {p.title for p in client.get(reverse("policies:public_list"), params).context["page"].object_list}

    assert titles(domain="tax") == {"税费减免政策"}
    assert titles(mode="no_apply") == {"税费减免政策"}
    assert titles(department="anshun-fgw") == {"税费减免政策"}
    assert titles(active="false") == {"过期政策"}
    assert titles(active="true") == {"税费减免政策", "有效政策"}
    response = client.get(reverse("policies:public_list"), {"mode": "bogus"})
    assert response.status_code == 200 and "已忽略" in response.content.decode()


def test_detail_shows_public_fields_only(client, gxj_handler):
    policy = PolicyFactory(state="published", summary="小型制造业企业技改补助", contact="0851-1234567",
                           industries=["C"], scales=["small"], tags=["gaoxin"], created_by=gxj_handler)
    response = client.get(reverse("policies:public_detail", args=[policy.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "小型制造业企业技改补助" in body and "0851-1234567" in body
    assert "制造业（C）" in body and "小型" in body and "高新技术企业（须全部具备）" in body
    assert gxj_handler.username not in body and str(gxj_handler) not in body  # who drafted it stays internal
    assert "管理这项政策" not in body


@pytest.mark.parametrize("state", ["draft", "withdrawn"])
def test_unpublished_policy_is_404_publicly(client, state):
    policy = PolicyFactory(state=state)
    assert client.get(reverse("policies:public_detail", args=[policy.pk])).status_code == 404


def test_expired_policy_reads_expired(client):
    policy = PolicyFactory(state="published", effective_to=timezone.localdate() - datetime.timedelta(days=1))
    body = client.get(reverse("policies:public_detail", args=[policy.pk])).content.decode()
    assert "已失效" in body
    listed = client.get(reverse("policies:public_list")).content.decode()
    assert 'data-testid="policy-expired"' in listed


def test_active_policy_is_not_marked_expired(client):
    policy = PolicyFactory(state="published", effective_to=timezone.localdate())
    assert "已失效" not in client.get(reverse("policies:public_detail", args=[policy.pk])).content.decode()


def test_pages_are_phone_friendly_and_printable(client):
    policy = PolicyFactory(state="published")
    body = client.get(reverse("policies:public_detail", args=[policy.pk])).content.decode()
    assert 'name="viewport"' in body and "data-print" in body and "d-print-none" in body
