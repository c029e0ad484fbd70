"""The office's triage queue, the triage of one demand and the objections queue."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory, department, valid_uscc
from core.errors import Conflict
from qiyezhijia.testing import flashed
from tickets import workflow
from tickets.models import ConsultRequest, Demand, ProvincialEscalation, Ticket
from tickets.tests.helpers import dispatched_ticket, disputed_ticket, register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def triage_url(demand):
    return reverse("tickets:triage", args=[demand.pk])


def fresh(demand):
    return Demand.objects.get(pk=demand.pk)


# --- the queue -----------------------------------------------------------------------------------------------------
def test_queue_lists_registered_and_consulting_demands_overdue_first(client, office_clerk, specialist):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SH), tick=False):
        overdue = register(specialist, title="上周登记未研判", enterprise_uscc=valid_uscc(11))
    newer = register(specialist, title="今天登记的诉求", enterprise_uscc=valid_uscc(12), channel="hall")
    consulting = register(specialist, title="正在会商的诉求", enterprise_uscc=valid_uscc(13))
    workflow.demand_consult(actor=office_clerk, demand=consulting, departments=["anshun-fgw"])
    decided = register(specialist, title="已不予受理的诉求", enterprise_uscc=valid_uscc(14))
    workflow.demand_reject(actor=office_clerk, demand=decided, reason="illegal", note="违法")
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:triage_queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert overdue.title in body and newer.title in body and consulting.title in body
    assert decided.title not in body
    assert body.index(overdue.title) < body.index(newer.title)
    assert "已超期" in body and "会商中" in body
    assert "共 3 条" in body


def test_queue_shows_channel_domain_first_contact_and_suggested_lead(client, office_clerk, specialist):
    register(specialist, domain="market", channel="hall")
    client.force_login(office_clerk)
    body = client.get(reverse("tickets:triage_queue")).content.decode()
    assert "政务大厅线下" in body and "市场准入监管" in body and "市发展和改革委员会" in body
    assert "市市场监督管理局" in body  # the suggested lead for the market domain


def test_queue_marks_likely_duplicates_with_their_count(client, office_clerk, specialist):
    register(specialist, title="厂房租金补贴迟迟未兑现", enterprise_uscc=valid_uscc(21))
    register(specialist, title="厂房租金补贴迟迟未兑现", enterprise_uscc=valid_uscc(21))
    register(specialist, title="再次反映厂房租金补贴", enterprise_uscc=valid_uscc(21))
    register(specialist, title="完全不同的一件事", content="招聘高级技工遇到困难，希望人社部门帮助对接。",
             enterprise_uscc=valid_uscc(22), domain="talent")
    client.force_login(office_clerk)
    body = client.get(reverse("tickets:triage_queue")).content.decode()
    assert body.count("可能重复 2") == 3
    assert body.count('data-testid="duplicate-hint"') == 3


def test_triage_page_ranks_duplicates_by_similarity_with_the_score_and_the_same_enterprise_apart(
    client, office_clerk, specialist
):
    rent = "园区厂房租金补贴申请已提交三个月，至今没有审核结果，企业资金周转困难，请尽快协调兑现。"
    other = register(specialist, title="厂房租金补贴未兑现", content=rent, enterprise_uscc=valid_uscc(31))
    same = register(specialist, title="厂房租金补贴还没兑现", content="我们申请的厂房租金补贴三个月了还没审核，请协调。",
                    enterprise_uscc=valid_uscc(30))
    unrelated = register(specialist, title="招聘焊工", content="企业扩产需要招聘五十名熟练焊工，本地人才市场难以招到。",
                         enterprise_uscc=valid_uscc(30))
    demand = register(specialist, title="厂房租金补贴迟迟未兑现", content=rent.replace("已提交", "提交已经"),
                      enterprise_uscc=valid_uscc(30))
    client.force_login(office_clerk)
    response = client.get(triage_url(demand))
    body = response.content.decode()
    same_table = body[body.index('data-testid="duplicates-same-enterprise"'):body.index('data-testid="duplicates-others"')]
    others_table = body[body.index('data-testid="duplicates-others"'):]
    assert same.number in same_table and other.number not in same_table
    assert other.number in others_table.split("</table>")[0]
    assert unrelated.number not in body  # the same enterprise, another matter: no hint
    scores = [d.percent for d in response.context["duplicates"]]
    assert len(scores) == 2 and scores == sorted(scores, reverse=True)
    assert f"相似度 {scores[0]}%" in body and f"相似度 {scores[1]}%" in body


def test_queue_filters(client, office_clerk, specialist):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SH), tick=False):
        late = register(specialist, title="逾期的热线诉求", enterprise_uscc=valid_uscc(31))
    hall = register(specialist, title="大厅窗口收到的诉求", channel="hall", enterprise_uscc=valid_uscc(32),
                    enterprise_name="安顺鸿达建材有限公司")
    consulting = register(specialist, title="会商中的诉求", enterprise_uscc=valid_uscc(33))
    workflow.demand_consult(actor=office_clerk, demand=consulting, departments=["anshun-fgw"])
    client.force_login(office_clerk)
    url = reverse("tickets:triage_queue")

    def titles(**params):
        body = client.get(url, params).content.decode()
        return {d.title for d in (late, hall, consulting) if d.title in body}

    assert titles(channel="hall") == {hall.title}
    assert titles(state="consulting") == {consulting.title}
    assert titles(overdue="on") == {late.title}
    assert titles(q="鸿达建材") == {hall.title}
    assert titles(q=hall.number) == {hall.title}


def test_queue_ignores_a_bad_filter_with_a_message(client, office_clerk, specialist):
    demand = register(specialist)
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:triage_queue"), {"channel": "pigeon", "page": "999"})
    assert response.status_code == 200
    body = response.content.decode()
    assert demand.title in body and "筛选条件“渠道”的值无效，已忽略。" in body


def test_queue_shows_only_the_offices_own_region(client, office_clerk, county_office, specialist):
    city = register(specialist, title="市级诉求")
    registrar = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    county = register(registrar, title="西秀区诉求", channel="department", enterprise_uscc=valid_uscc(41))
    client.force_login(county_office)
    body = client.get(reverse("tickets:triage_queue")).content.decode()
    assert county.title in body and city.title not in body
    client.force_login(office_clerk)
    body = client.get(reverse("tickets:triage_queue")).content.decode()
    assert city.title in body and county.title not in body


@pytest.mark.parametrize("who", ["lead_handler", "specialist", "government_user", "enterprise_user"])
def test_queue_is_for_the_office_only(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("tickets:triage_queue")).status_code == 403


def test_queue_query_count_does_not_grow_with_rows(client, office_clerk, specialist, django_assert_max_num_queries):
    for i in range(10):
        register(specialist, title=f"第{i}件诉求：企业用地审批进度缓慢", enterprise_uscc=valid_uscc(100 + i % 3),
                 domain=["land", "tax", "market", "other"][i % 4])
    client.force_login(office_clerk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("tickets:triage_queue"))
    assert response.content.decode().count('data-testid="triage-row"') == 10


# --- one demand ----------------------------------------------------------------------------------------------------
def test_triage_page_shows_the_demand_duplicates_targets_and_the_suggestion(client, office_clerk, specialist):
    ticket = dispatched_ticket(office_clerk, registrar=specialist, title="早先形成工单的同一企业诉求", domain="market")
    demand = register(specialist, title="市场准入许可办理卡顿", domain="market")
    client.force_login(office_clerk)
    response = client.get(triage_url(demand))
    assert response.status_code == 200
    body = response.content.decode()
    assert demand.number in body and demand.content in body
    assert 'data-testid="duplicate-row"' in body and ticket.number in body and "同一企业" in body
    assert 'data-testid="same-enterprise-tickets"' in body
    assert '<option value="anshun-scjg" selected>' in body  # the suggested lead preselected
    assert f'<option value="{ticket.pk}" selected>' in body  # the same enterprise's open ticket, as merge target
    for label in ("形成工单", "合并到已有工单", "要求补充材料", "发起会商", "提级办理", "不予受理"):
        assert label in body
    assert "违法违规或违背公序良俗" in body and "市场主体之间的矛盾纠纷" in body
    assert "省级“企业之家”" in body  # a city demand escalates to the province


def test_office_forms_a_ticket_from_the_triage_page(client, office_clerk, specialist):
    demand = register(specialist)
    client.force_login(office_clerk)
    response = client.post(triage_url(demand), {
        "decision": "ticket", "ticket-category": "complaint", "ticket-complex": "on",
        "ticket-lead_department": "anshun-scjg", "ticket-co_departments": ["anshun-sw"], "ticket-note": "材料齐全",
    })
    assert response.status_code == 302 and response.url == reverse("tickets:triage_queue")
    demand = fresh(demand)
    assert demand.state == Demand.State.TICKETED
    ticket = demand.ticket
    assert (ticket.category, ticket.complex, ticket.lead_department.code) == ("complaint", True, "anshun-scjg")
    assert [d.code for d in ticket.co_departments.all()] == ["anshun-sw"]
    assert any(ticket.number in m and "市市场监督管理局" in m for m in flashed(response))


def test_bad_ticket_input_is_shown_next_to_the_fields_and_kept(client, office_clerk, specialist):
    demand = register(specialist)
    client.force_login(office_clerk)
    response = client.post(triage_url(demand), {
        "decision": "ticket", "ticket-category": "", "ticket-lead_department": "", "ticket-note": "我写的说明",
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert "请选择类别：咨询类、协调类或投诉举报类。" in body and "请选择牵头部门。" in body
    assert "我写的说明" in body
    assert 'id="choose-ticket" value="ticket" autocomplete="off" checked' in body
    assert fresh(demand).state == Demand.State.REGISTERED and not Ticket.objects.exists()


def test_lead_equal_to_co_department_is_a_field_error(client, office_clerk, specialist):
    demand = register(specialist)
    client.force_login(office_clerk)
    response = client.post(triage_url(demand), {
        "decision": "ticket", "ticket-category": "consultation", "ticket-lead_department": "anshun-sw",
        "ticket-co_departments": ["anshun-sw"],
    })
    assert response.status_code == 200
    assert "已是牵头部门，不能同时作为协办部门" in response.content.decode()
    assert not Ticket.objects.exists()


def test_merge_into_an_open_ticket_with_consent(client, office_clerk, specialist):
    ticket = dispatched_ticket(office_clerk, registrar=specialist)
    demand = register(specialist, channel="hall")
    client.force_login(office_clerk)
    response = client.post(triage_url(demand), {
        "decision": "merge", "merge-into": ticket.pk, "merge-consent_by": "王先生", "merge-consent_method": "phone",
        "merge-consent_at": "2026-11-20T10:30",
    })
    assert response.status_code == 302
    demand = fresh(demand)
    assert demand.state == Demand.State.MERGED and demand.ticket == ticket
    assert demand.consent_at == datetime(2026, 11, 20, 10, 30, tzinfo=SH)


def test_merge_select_lists_the_likely_tickets_and_a_number_reaches_any_other(client, office_clerk, specialist):
    same = dispatched_ticket(office_clerk, registrar=specialist)  # the same enterprise (helpers' default uscc)
    other = dispatched_ticket(office_clerk, registrar=specialist, title="与此无关的工单", content="完全不同的事情",
                              enterprise_name="另一家公司", enterprise_uscc=valid_uscc(31))
    demand = register(specialist, channel="hall")
    client.force_login(office_clerk)
    body = client.get(triage_url(demand)).content.decode()
    select = body.split('name="merge-into"')[1].split("</select>")[0]
    assert f'value="{same.pk}"' in select and f'value="{other.pk}"' not in select
    consent = {"merge-consent_by": "王先生", "merge-consent_method": "phone", "merge-consent_at": "2026-11-20T10:30"}
    response = client.post(triage_url(demand), {"decision": "merge", "merge-into_number": "BG000000000", **consent})
    assert response.status_code == 200 and "没有找到本区域尚在办理的工单“BG000000000”" in response.content.decode()
    response = client.post(triage_url(demand), {"decision": "merge", "merge-into": "", **consent})
    assert response.status_code == 200 and "请选择要合并到的工单。" in response.content.decode()
    assert fresh(demand).state == Demand.State.REGISTERED
    response = client.post(triage_url(demand), {"decision": "merge", "merge-into_number": other.number.lower(), **consent})
    assert response.status_code == 302 and fresh(demand).ticket == other


def test_merge_without_consent_is_refused_field_by_field(client, office_clerk, specialist):
    ticket = dispatched_ticket(office_clerk, registrar=specialist)
    demand = register(specialist)
    client.force_login(office_clerk)
    response = client.post(triage_url(demand), {"decision": "merge", "merge-into": ticket.pk, "merge-consent_at": "2099-01-01T08:00"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "请填写同意合并的诉求人。" in body and "请选择同意方式：电话、线上确认、当面或书面。" in body
    assert fresh(demand).state == Demand.State.REGISTERED


def test_merge_consent_in_the_future_comes_back_from_the_workflow(client, office_clerk, specialist):
    ticket = dispatched_ticket(office_clerk, registrar=specialist)
    demand = register(specialist)
    client.force_login(office_clerk)
    response = client.post(triage_url(demand), {
        "decision": "merge", "merge-into": ticket.pk, "merge-consent_by": "王先生", "merge-consent_method": "phone",
        "merge-consent_at": "2099-01-01T08:00",
    })
    assert response.status_code == 200
    assert "同意时间不能晚于当前时间。" in response.content.decode()
    assert fresh(demand).state == Demand.State.REGISTERED


def test_supplement_consult_and_reject_from_the_page(client, office_clerk, specialist):
    client.force_login(office_clerk)
    supplement = register(specialist, enterprise_uscc=valid_uscc(51))
    client.post(triage_url(supplement), {"decision": "supplement", "supplement-missing": "营业执照复印件"})
    assert fresh(supplement).state == Demand.State.AWAITING_MATERIALS
    consult = register(specialist, enterprise_uscc=valid_uscc(52))
    client.post(triage_url(consult), {"decision": "consult", "consult-departments": ["anshun-fgw", "anshun-tcj"]})
    assert fresh(consult).state == Demand.State.CONSULTING
    assert ConsultRequest.objects.filter(demand=consult).count() == 2
    reject = register(specialist, enterprise_uscc=valid_uscc(53))
    response = client.post(triage_url(reject), {"decision": "reject", "reject-reason": "market_dispute", "reject-note": "合同纠纷"})
    assert response.status_code == 302
    assert fresh(reject).state == Demand.State.REJECTED and fresh(reject).reject_reason == "market_dispute"


@pytest.mark.parametrize(
    ("decision", "data", "message"),
    [
        ("supplement", {"supplement-missing": ""}, "请填写需补充的材料。"),
        ("consult", {}, "请至少选择一个会商部门。"),
        ("escalate", {"escalate-reason": ""}, "请填写提级原因。"),
        ("reject", {"reject-reason": "dislike", "reject-note": "x"}, "选择一个有效的选项"),
        ("reject", {"reject-reason": "illegal", "reject-note": ""}, "请填写不予受理说明。"),
    ],
)
def test_each_decision_explains_bad_input(client, office_clerk, specialist, decision, data, message):
    demand = register(specialist)
    client.force_login(office_clerk)
    response = client.post(triage_url(demand), {"decision": decision, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert fresh(demand).state == Demand.State.REGISTERED


def test_city_escalation_goes_to_the_province(client, office_clerk, specialist):
    demand = register(specialist)
    client.force_login(office_clerk)
    response = client.post(triage_url(demand), {"decision": "escalate", "escalate-reason": "涉及省级审批", "escalate-external_ref": "GZ-2026-1"})
    assert response.status_code == 302
    assert ProvincialEscalation.objects.get(demand=demand).external_ref == "GZ-2026-1"
    assert any("省级" in m for m in flashed(response))


def test_county_escalation_says_it_goes_to_the_city(client, county_office):
    registrar = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    demand = register(registrar, channel="department")
    client.force_login(county_office)
    body = client.get(triage_url(demand)).content.decode()
    assert "提级至<strong>安顺市</strong>" in body and "省级平台编号" not in body
    response = client.post(triage_url(demand), {"decision": "escalate", "escalate-reason": "跨县协调"})
    assert response.status_code == 302
    assert fresh(demand).transfer_demand.region.code == "anshun"
    assert any("安顺市" in m for m in flashed(response))


def test_consulting_demand_shows_opinions_and_offers_only_ticket_or_escalate(client, office_clerk, specialist):
    demand = register(specialist)
    workflow.demand_consult(actor=office_clerk, demand=demand, departments=["anshun-fgw", "anshun-tcj"])
    workflow.demand_give_opinion(actor=specialist, demand=demand, content="建议由市场监管局牵头")
    client.force_login(office_clerk)
    body = client.get(triage_url(demand)).content.decode()
    assert "建议由市场监管局牵头" in body and "尚未回复" in body
    assert 'id="decision-ticket"' in body and 'id="decision-escalate"' in body
    for closed in ("merge", "supplement", "consult", "reject"):
        assert f'id="decision-{closed}"' not in body
    response = client.post(triage_url(demand), {"decision": "reject", "reject-reason": "illegal", "reject-note": "x"})
    assert response.status_code == 200 and "请选择该诉求当前可作的研判结论。" in response.content.decode()
    assert fresh(demand).state == Demand.State.CONSULTING


def test_a_decided_demand_is_not_triaged_again(client, office_clerk, specialist):
    demand = register(specialist)
    workflow.demand_reject(actor=office_clerk, demand=demand, reason="illegal", note="违法")
    client.force_login(office_clerk)
    response = client.get(triage_url(demand))
    assert response.status_code == 302
    assert any("无需研判" in m for m in flashed(response))


def test_a_conflict_while_deciding_is_explained(client, office_clerk, specialist, monkeypatch):
    demand = register(specialist)

    def decided_meanwhile(**kwargs):
        raise Conflict("当前状态为“已形成工单”，不能对该诉求形成工单。")

    monkeypatch.setattr(workflow, "demand_triage", decided_meanwhile)
    client.force_login(office_clerk)
    response = client.post(triage_url(demand), {
        "decision": "ticket", "ticket-category": "consultation", "ticket-lead_department": "anshun-sw",
    })
    assert response.status_code == 302
    assert any("不能对该诉求形成工单" in m for m in flashed(response))


@pytest.mark.parametrize("who", ["other_handler", "outsider", "county_office"])
def test_those_who_cannot_see_the_demand_get_404(client, request, specialist, who):
    demand = register(specialist)
    client.force_login(request.getfixturevalue(who))
    assert client.get(triage_url(demand)).status_code == 404
    assert client.post(triage_url(demand), {"decision": "reject", "reject-reason": "illegal", "reject-note": "x"}).status_code == 404
    assert fresh(demand).state == Demand.State.REGISTERED


@pytest.mark.parametrize("who", ["specialist", "government_user"])
def test_those_who_see_the_demand_but_do_not_triage_get_403(client, request, specialist, who):
    demand = register(specialist)
    client.force_login(request.getfixturevalue(who))
    assert client.get(triage_url(demand)).status_code == 403
    assert client.post(triage_url(demand), {"decision": "reject", "reject-reason": "illegal", "reject-note": "x"}).status_code == 403
    assert fresh(demand).state == Demand.State.REGISTERED


def test_city_office_may_read_but_not_triage_a_county_demand(client, office_clerk):
    registrar = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    demand = register(registrar, channel="department")
    client.force_login(office_clerk)
    assert client.get(triage_url(demand)).status_code == 403


def test_triage_rejects_other_methods(client, office_clerk, specialist):
    demand = register(specialist)
    client.force_login(office_clerk)
    assert client.put(triage_url(demand)).status_code == 405


# --- objections ----------------------------------------------------------------------------------------------------
def test_dispute_queue_lists_objections_and_tickets_waiting_for_the_government(client, office_clerk, lead_handler):
    disputed = disputed_ticket(office_clerk, lead_handler, title="有异议的工单")
    referred = disputed_ticket(office_clerk, lead_handler, title="已报政府的工单", enterprise_uscc=valid_uscc(61))
    workflow.ticket_refer_to_government(actor=office_clerk, ticket=referred, note="协调未果")
    dispatched_ticket(office_clerk, title="正常派出的工单")
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:dispute_queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert disputed.number in body and "该事项属于税务部门职责" in body and "市市场监督管理局" in body
    assert referred.number in body and "协调未果" in body
    assert "正常派出的工单" not in body
    assert body.index(disputed.number) < body.index("已报请政府确定") < body.index(referred.number)
    assert f'href="/tickets/{disputed.pk}/#actions"' in body


def test_dispute_queue_is_the_regions_own(client, office_clerk, county_office, lead_handler):
    ticket = disputed_ticket(office_clerk, lead_handler)
    client.force_login(county_office)
    assert ticket.number not in client.get(reverse("tickets:dispute_queue")).content.decode()


@pytest.mark.parametrize("who", ["lead_handler", "government_user", "specialist"])
def test_dispute_queue_is_for_the_office_only(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("tickets:dispute_queue")).status_code == 403


def test_dispute_queue_query_count(client, office_clerk, lead_handler, django_assert_max_num_queries):
    for i in range(10):
        ticket = disputed_ticket(office_clerk, lead_handler, title=f"异议{i}")
        if i % 2:
            workflow.ticket_refer_to_government(actor=office_clerk, ticket=ticket, note="协调未果")
    client.force_login(office_clerk)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("tickets:dispute_queue"))
    assert response.content.decode().count('data-testid="dispute-row"') == 5


def test_the_triage_page_lists_the_ten_most_similar_of_a_group_and_counts_the_rest(client, office_clerk, specialist):
    for i in range(12):
        register(specialist, enterprise_name=f"相似企业{i}有限公司", enterprise_uscc=valid_uscc(40 + i))
    demand = register(specialist, enterprise_name="被研判企业有限公司", enterprise_uscc=valid_uscc(70))
    client.force_login(office_clerk)
    html = client.get(triage_url(demand)).content.decode()
    others = html.split('data-testid="duplicates-others"')[1].split("</table>")[0]
    assert others.count('data-testid="duplicate-row"') == 10
    assert "另有 2 条相似度较低的未列出。" in html


def test_the_lead_and_co_department_pickers_read_the_departments_once(office_clerk, django_assert_num_queries):
    """Both pickers list the region's departments from one read (accounts.forms: Django reads each field's options
    anew, through a server-side cursor on PostgreSQL); what each offers and accepts stays the same."""
    from tickets.forms.office import TicketDecisionForm

    demand = register(office_clerk, title="两个部门选择框")
    form = TicketDecisionForm(demand=demand)
    with django_assert_num_queries(1):  # the departments with their regions (the groups)
        lead, co = str(form["lead_department"]), str(form["co_departments"])
    assert 'value="anshun-scjg"' in lead and 'value="anshun-scjg"' in co
    assert lead.count("<option") == co.count("<option") + 1  # the empty choice
    bound = TicketDecisionForm({"ticket-category": "coordination", "ticket-lead_department": "anshun-scjg",
                                "ticket-co_departments": ["anshun-sw", "no-such-code"]}, demand=demand)
    assert not bound.is_valid()
    assert bound.errors["co_departments"] == ["请选择列表中的部门。"]
