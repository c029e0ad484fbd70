"""The reach screens (OUTREACH §2): the department's policies with their figures, a policy's matched enterprises, the
beneficiary page (import, filter, disburse one / ticked / the whole page) and the enterprise's own benefits."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import (
    EnterpriseFactory,
    EnterpriseUserFactory,
    UserFactory,
    department,
)
from policies.models import Beneficiary, Reach
from policies.reach import policy_figures
from policies.tests.factories import PolicyFactory, verified_enterprise
from policies.tests.reach_helpers import gxj_handler, xlsx

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 7, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def handler():
    return gxj_handler()


@pytest.fixture
def world(handler):
    """Three manufacturers and a farm; a policy for manufacturers told to two of them, one read, one applied; a
    免申即享 policy with two beneficiaries, one paid."""
    makers = [verified_enterprise(industry="C", name=f"制造企业{i}") for i in range(3)]
    farm = verified_enterprise(industry="A", name="农业企业")
    push = PolicyFactory(industries=["C"], state="published", title="制造业技改补助")
    Reach.objects.create(policy=push, enterprise=makers[0], notified_at=NOW, status="read", read_at=NOW)
    Reach.objects.create(policy=push, enterprise=makers[1], notified_at=NOW, status="applied", read_at=NOW,
                         status_changed_at=NOW)
    Reach.objects.create(policy=push, enterprise=farm, status="interested")  # opened it although it no longer fits
    benefit = PolicyFactory(mode="no_apply", state="published", title="稳岗返还")
    Beneficiary.objects.create(policy=benefit, enterprise=makers[0], amount=Decimal("1000.50"), imported_by=handler)
    Beneficiary.objects.create(policy=benefit, enterprise=farm, amount=Decimal(200), imported_by=handler,
                               state="disbursed", disbursed_on=datetime.date(2026, 12, 1))
    draft = PolicyFactory(title="草稿政策")
    return {"makers": makers, "farm": farm, "push": push, "benefit": benefit, "draft": draft}


def test_figures_of_each_policy(world):
    figures = policy_figures([world["push"], world["benefit"], world["draft"]], datetime.date(2026, 12, 7))
    push, benefit, draft = (figures[world[k].pk] for k in ("push", "benefit", "draft"))
    assert (push.matched, push.told, push.read, push.interested, push.applied) == (3, 2, 3, 1, 1)
    assert benefit.matched == 4 and benefit.beneficiaries == 2 and (benefit.pending, benefit.disbursed) == (1, 1)
    assert benefit.amount_pending == Decimal("1000.50") and benefit.amount_disbursed == Decimal("200.00")
    assert draft.matched is None and draft.told == 0


def test_the_figures_page(client, handler, world):
    client.force_login(handler)
    body = client.get(reverse("policies:reach")).content.decode()
    row = body.split(f'data-testid="reach-row-{world["push"].pk}"')[1].split("</tr>")[0]
    assert "制造业技改补助" in row
    for name, value in (("matched", "3"), ("told", "2"), ("read", "3"), ("interested", "1"), ("applied", "1")):
        assert f'data-testid="{name}">' in row
        cell = row.split(f'data-testid="{name}">')[1].split("</td>")[0]
        assert re.sub(r"<[^>]+>", "", cell).strip() == value, name
    benefit_row = body.split(f'data-testid="reach-row-{world["benefit"].pk}"')[1].split("</tr>")[0]
    assert "1000.50" in benefit_row and "200.00" in benefit_row


def test_figures_page_query_count_does_not_grow(client, handler, world):
    client.force_login(handler)
    url = reverse("policies:reach")
    client.get(url)  # warm

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    before = queries()
    for i in range(6):
        policy = PolicyFactory(industries=["C", "A"], state="published", mode="direct")
        enterprise = verified_enterprise(industry="C", name=f"新增企业{i}")
        Reach.objects.create(policy=policy, enterprise=enterprise, notified_at=NOW)
        Beneficiary.objects.create(policy=policy, enterprise=enterprise, amount=10, imported_by=handler)
    assert queries() == before
    assert before <= 14


def test_office_sees_every_department_of_its_region_only(client, office_clerk, county_office, other_handler, world):
    client.force_login(office_clerk)
    assert "制造业技改补助" in client.get(reverse("policies:reach")).content.decode()
    client.force_login(other_handler)
    assert "制造业技改补助" not in client.get(reverse("policies:reach")).content.decode()
    client.force_login(county_office)
    assert "制造业技改补助" not in client.get(reverse("policies:reach")).content.decode()


@pytest.mark.parametrize("persona", ["enterprise_user", "government_user"])
def test_wrong_roles_get_403(client, request, world, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("policies:reach")).status_code == 403
    assert client.get(reverse("policies:reach_matches", args=[world["push"].pk])).status_code == 403
    assert client.get(reverse("policies:beneficiaries", args=[world["benefit"].pk])).status_code == 403


def test_matched_enterprises_with_reasons_and_reach(client, handler, world):
    client.force_login(handler)
    body = client.get(reverse("policies:reach_matches", args=[world["push"].pk])).content.decode()
    table = body.split('data-testid="matches-table"')[1].split("</table>")[0]
    assert table.count("制造企业") == 3 and "农业企业" not in table
    assert "行业：制造业（C）" in table and "已申报" in table and "未推送" in table


def test_other_department_and_county_get_404(client, other_handler, county_office, world):
    for user in (other_handler, county_office):
        client.force_login(user)
        assert client.get(reverse("policies:reach_matches", args=[world["push"].pk])).status_code == 404
        assert client.get(reverse("policies:beneficiaries", args=[world["benefit"].pk])).status_code == 404
        response = client.post(reverse("policies:beneficiaries_disburse", args=[world["benefit"].pk]),
                               {"uscc": world["makers"][0].uscc, "on": "2026-12-07"})
        assert response.status_code == 404
    assert Beneficiary.objects.filter(state="pending").count() == 1


def test_beneficiary_page_lists_and_filters(client, handler, world):
    client.force_login(handler)
    url = reverse("policies:beneficiaries", args=[world["benefit"].pk])
    body = client.get(url).content.decode()
    assert "制造企业0" in body and "农业企业" in body and 'data-testid="bulk-disburse"' in body
    table = client.get(url + "?state=disbursed").content.decode().split('data-testid="beneficiary-table"')[1]
    assert "农业企业" in table and "制造企业0" not in table.split("</table>")[0]


def test_non_beneficiary_mode_is_409(client, handler, world):
    client.force_login(handler)
    response = client.get(reverse("policies:beneficiaries", args=[world["push"].pk]))
    assert response.status_code == 409 and "不是免申即享或直达快享" in response.content.decode()


def test_import_through_the_page(client, handler, world, django_capture_on_commit_callbacks):
    client.force_login(handler)
    url = reverse("policies:beneficiaries_import", args=[world["benefit"].pk])
    other = EnterpriseFactory(name="新受益企业")
    bad = client.post(url, {"file": xlsx([(other.uscc, 5, ""), (other.uscc, "-1", "")])})
    assert bad.status_code == 400
    errors = bad.content.decode().split('data-testid="row-errors"')[1].split("</div>")[0]
    assert "第 3 行" in errors and "与第 2 行的企业重复" in errors and "金额必须大于 0" in errors
    assert not Beneficiary.objects.filter(enterprise=other).exists()

    with django_capture_on_commit_callbacks(execute=True):
        good = client.post(url, {"file": xlsx([(other.uscc, 5, "")])})
    assert good.status_code == 302
    assert Beneficiary.objects.get(enterprise=other).amount == Decimal("5.00")
    assert client.get(good["Location"]).content.decode().count("已导入 1 家受益企业") == 1


def test_template_download(client, handler, world):
    client.force_login(handler)
    response = client.get(reverse("policies:beneficiaries_template", args=[world["benefit"].pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["uscc", "amount", "note"]


def test_disburse_one_row(client, handler, world):
    client.force_login(handler)
    url = reverse("policies:beneficiaries_disburse", args=[world["benefit"].pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"uscc": world["makers"][0].uscc, "on": "2026-12-05"})
    assert response.status_code == 302
    assert Beneficiary.objects.get(enterprise=world["makers"][0]).disbursed_on == datetime.date(2026, 12, 5)


def test_disburse_the_whole_page_without_ticking(client, handler, world):
    extra = EnterpriseFactory()
    Beneficiary.objects.create(policy=world["benefit"], enterprise=extra, amount=1, imported_by=handler)
    client.force_login(handler)
    url = reverse("policies:beneficiaries_disburse", args=[world["benefit"].pk])
    page = client.get(reverse("policies:beneficiaries", args=[world["benefit"].pk])).content.decode()
    codes = [part.split('"')[0] for part in page.split('name="page_uscc" value="')[1:]]
    assert sorted(codes) == sorted([world["makers"][0].uscc, extra.uscc])
    response = client.post(url, {"all_on_page": "1", "page_uscc": codes, "on": "2026-12-07"})
    assert response.status_code == 302
    assert not Beneficiary.objects.filter(state="pending").exists()


def test_disburse_ticked_rows_with_bad_input(client, handler, world):
    client.force_login(handler)
    url = reverse("policies:beneficiaries_disburse", args=[world["benefit"].pk])
    response = client.post(url, {"uscc": [world["makers"][0].uscc], "on": "2027-01-01"})
    assert response.status_code == 400 and "不能晚于今天" in response.content.decode()
    response = client.post(url, {"on": "2026-12-07"})
    assert response.status_code == 400 and "请选择要登记兑付的企业" in response.content.decode()
    response = client.post(url, {"uscc": [world["farm"].uscc], "on": "2026-12-07"})  # already paid
    assert response.status_code == 409 and "不能重复登记" in response.content.decode()
    assert Beneficiary.objects.get(enterprise=world["makers"][0]).state == "pending"


def test_enterprise_sees_its_own_benefits_only(client, world):
    user = EnterpriseUserFactory(enterprise=world["makers"][0])
    client.force_login(user)
    body = client.get(reverse("policies:benefits")).content.decode()
    table = body.split('data-testid="benefits-table"')[1].split("</table>")[0]
    assert "稳岗返还" in table and "1000.50" in table and "待兑付" in table and "200.00" not in table
    client.force_login(EnterpriseUserFactory(enterprise=world["farm"]))
    table = client.get(reverse("policies:benefits")).content.decode().split('data-testid="benefits-table"')[1]
    assert "已兑付" in table and "2026-12-01" in table and "1000.50" not in table


def test_staff_may_not_open_benefits(client, handler):
    client.force_login(handler)
    assert client.get(reverse("policies:benefits")).status_code == 403


def test_specialist_of_the_issuer_manages_too(client, world):
    specialist = UserFactory(role=Role.SPECIALIST, department=department("anshun-gxj"))
    client.force_login(specialist)
    response = client.post(reverse("policies:beneficiaries_disburse", args=[world["benefit"].pk]),
                           {"uscc": world["makers"][0].uscc, "on": "2026-12-07"})
    assert response.status_code == 302
