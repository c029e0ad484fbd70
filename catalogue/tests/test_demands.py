""""就此事项反映诉求" and the dispatch catalogue: a demand records its service item; triage suggests the item's
department and shows its duty text; an objection by that department shows the duty text to the office."""

import pytest
from django.urls import reverse

from accounts.tests.factories import valid_uscc
from catalogue import services
from catalogue.tests.helpers import make_item
from tickets import workflow
from tickets.models import Demand
from tickets.tests.api_helpers import api_as
from tickets.tests.helpers import register

pytestmark = pytest.mark.django_db
DUTY = "市市场监管局负责市场主体登记注册工作（市场监管局“三定”规定第三条）。"


@pytest.fixture
def item(lead_handler):
    return make_item(lead_handler, publish=True)


# --- the demand records the item -----------------------------------------------------------------------------------
def test_the_enterprise_form_is_prefilled_from_the_item_and_the_demand_records_it(client, enterprise_user, item):
    client.force_login(enterprise_user)
    response = client.get(reverse("tickets:submit"), {"service_item": item.code})
    form = response.context["form"]
    assert form.initial["title"] == "关于“办理营业执照变更登记”：" and form.initial["domain"] == "market"
    assert form.initial["service_item"] == item.code
    assert "就服务事项反映诉求" in response.content.decode()
    response = client.post(reverse("tickets:submit"), {
        "title": "关于“办理营业执照变更登记”：材料被多次退回", "content": "按指南准备的材料被窗口三次退回，理由不一。",
        "domain": "market", "requester_name": "张三", "requester_phone": "13800000001", "service_item": item.code,
    })
    assert response.status_code == 302
    demand = Demand.objects.get()
    assert demand.service_item == item


def test_an_unpublished_item_is_refused_on_the_enterprise_form(client, enterprise_user, lead_handler):
    draft = make_item(lead_handler)
    client.force_login(enterprise_user)
    response = client.get(reverse("tickets:submit"), {"service_item": draft.code})
    assert "service_item" not in response.context["form"].initial
    response = client.post(reverse("tickets:submit"), {
        "title": "标题", "content": "内容", "domain": "market", "requester_name": "张三",
        "requester_phone": "13800000001", "service_item": draft.code,
    })
    assert response.status_code == 200 and not Demand.objects.exists()
    assert "不存在或未发布" in response.content.decode()


def test_the_public_form_accepts_the_item(client, item):
    response = client.get(reverse("tickets:public_submit"), {"service_item": item.code})
    assert response.context["form"].initial["service_item"] == item.code
    demand, _ = workflow.demand_submit_public(region="anshun", title="营业执照变更", content="办理慢", domain="market",
                                              anonymous=True, service_item=item.code)
    assert demand.service_item == item


def test_a_logged_in_enterprise_user_on_the_public_form_keeps_the_item(client, enterprise_user, item):
    client.force_login(enterprise_user)
    response = client.get(reverse("tickets:public_submit"), {"service_item": item.code})
    assert response.url == f"/demands/submit/?service_item={item.code}"


def test_the_api_takes_and_shows_the_item(office_clerk, lead_handler, item):
    body = {"channel": "hotline", "title": "营业执照变更登记办理慢", "content": "等了两周", "domain": "market",
            "enterprise": {"name": "安顺测试科技有限公司", "uscc": valid_uscc(7)},
            "requester": {"name": "王先生", "phone": "13800000000"}, "service_item": item.code}
    response = api_as(office_clerk).post("/api/v1/demands/", body, format="json")
    assert response.status_code == 201 and response.json()["service_item"] == item.code
    plain = api_as(office_clerk).post("/api/v1/demands/", {**body, "service_item": None}, format="json")
    assert plain.status_code == 201 and plain.json()["service_item"] is None


@pytest.mark.parametrize("which", ["draft", "retired", "unknown"])
def test_the_api_refuses_an_unpublished_or_unknown_item(office_clerk, lead_handler, which):
    if which == "unknown":
        code = "anshun-scjg-9999"
    else:
        target = make_item(lead_handler, publish=which == "retired")
        if which == "retired":
            services.item_retire(actor=lead_handler, item=target)
        code = target.code
    body = {"channel": "hotline", "title": "t", "content": "c", "domain": "market",
            "enterprise": {"name": "安顺测试科技有限公司", "uscc": valid_uscc(7)},
            "requester": {"name": "王先生", "phone": "13800000000"}, "service_item": code}
    response = api_as(office_clerk).post("/api/v1/demands/", body, format="json")
    assert response.status_code == 400
    assert "不存在或未发布" in response.json()["errors"]["service_item"][0]
    assert not Demand.objects.exists()


# --- triage ---------------------------------------------------------------------------------------------------------
def test_triage_suggests_the_items_department_before_the_domains(client, office_clerk, item):
    # The domain "tax" would suggest the tax bureau; the item belongs to market supervision.
    demand = register(office_clerk, domain="tax", service_item=item.code)
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:triage", args=[demand.pk]))
    assert response.context["suggested"].code == "anshun-scjg"
    body = response.content.decode()
    assert "依据所涉服务事项“办理营业执照变更登记”的实施部门" in body and DUTY in body
    ticket_form = next(d["form"] for d in response.context["decisions"] if d["name"] == "ticket")
    assert ticket_form.initial["lead_department"] == "anshun-scjg"
    queue = client.get(reverse("tickets:triage_queue"))
    row = next(r for r in queue.context["rows"] if r.pk == demand.pk)
    assert row.suggested_lead.code == "anshun-scjg"


def test_without_an_item_the_domain_suggests_as_before(client, office_clerk):
    demand = register(office_clerk, domain="tax")
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:triage", args=[demand.pk]))
    assert response.context["suggested"].code == "anshun-sw" and response.context["service_item"] is None


def test_an_item_of_another_region_does_not_lead_but_its_duty_text_shows(client, county_office, item):
    demand = register(county_office, channel="hall", domain="market", service_item=item.code)
    client.force_login(county_office)
    response = client.get(reverse("tickets:triage", args=[demand.pk]))
    assert response.context["suggested"].code == "xixiu-scjg"  # the county's own market department
    assert DUTY in response.content.decode()


# --- an objection -----------------------------------------------------------------------------------------------------
def test_the_office_sees_the_objecting_departments_duty_text_beside_the_objection(client, office_clerk, lead_handler,
                                                                                 item):
    demand = register(office_clerk, domain="market", service_item=item.code)
    demand = workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="coordination",
                                         lead_department="anshun-scjg")
    workflow.ticket_object(actor=lead_handler, ticket=demand.ticket, reason="该事项不属于本部门职责")
    other = register(office_clerk, domain="market", title="另一件")
    other = workflow.demand_form_ticket(actor=office_clerk, demand=other, category="coordination",
                                        lead_department="anshun-scjg")
    workflow.ticket_object(actor=lead_handler, ticket=other.ticket, reason="也不属于本部门")
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:dispute_queue"))
    body = response.content.decode()
    assert body.count('data-testid="objection-duty"') == 1 and DUTY in body
    detail = client.get(reverse("tickets:ticket_detail", args=[demand.ticket.pk])).content.decode()
    assert DUTY in detail and "属市市场监督管理局" in detail


def test_no_duty_text_when_the_item_belongs_to_another_department(client, office_clerk, other_handler, item):
    demand = register(office_clerk, domain="tax", service_item=item.code)
    demand = workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="coordination",
                                         lead_department="anshun-sw")
    workflow.ticket_object(actor=other_handler, ticket=demand.ticket, reason="不属于税务职责")
    client.force_login(office_clerk)
    body = client.get(reverse("tickets:dispute_queue")).content.decode()
    assert 'data-testid="objection-duty"' not in body
