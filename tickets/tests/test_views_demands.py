"""A demand's page (the enterprise's status page and the staff record), supplying materials, withdrawing, and the
staff demand list."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Region, Role
from accounts.tests.factories import EnterpriseFactory, EnterpriseUserFactory, UserFactory, department
from tickets import workflow
from tickets.models import Attachment, Demand
from tickets.tests.helpers import dispatched_ticket, register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
LIST = reverse("tickets:demand_list")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def detail(demand):
    return reverse("tickets:demand_detail", args=[demand.pk])


def supply(demand):
    return reverse("tickets:demand_supply", args=[demand.pk])


def withdraw(demand):
    return reverse("tickets:demand_withdraw", args=[demand.pk])


def reload(demand):
    return Demand.objects.get(pk=demand.pk)


@pytest.fixture
def online(enterprise_user):
    with time_machine.travel(datetime(2026, 9, 18, 10, 0, tzinfo=SH), tick=False):
        return register(enterprise_user, channel="online", title="厂房消防验收排期过长")


@pytest.fixture
def awaiting(online, office_clerk):
    return workflow.demand_request_materials(actor=office_clerk, demand=online, missing="消防设计审查意见书")


# --- the enterprise's status page -----------------------------------------------------------------------------------
def test_enterprise_reads_where_a_new_demand_stands(client, enterprise_user, online):
    client.force_login(enterprise_user)
    with time_machine.travel(datetime(2026, 9, 18, 11, 0, tzinfo=SH), tick=False):
        response = client.get(detail(online))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "tickets/demand_detail_enterprise.html"
    html = response.content.decode()
    assert "联合服务办公室正在研判，预计在9月20日（周日）前完成" in html
    # Once that day has passed the page no longer promises it (issue 15).
    later = client.get(detail(online)).content.decode()
    assert "原预计在9月20日（周日）前完成，目前仍在研判中" in later and "预计在9月20日（周日）前完成。" not in later
    assert online.number in html and "厂房消防验收排期过长" in html
    assert "撤回诉求" in html and 'data-confirm="确定撤回诉求 ' in html
    assert 'data-testid="supply-form"' not in html


def test_staff_demand_page_lists_the_demands_files(client, office_clerk, online):
    Attachment.objects.create(
        demand=online, kind=Attachment.Kind.MATERIAL, original_name="营业执照副本.pdf", content_type="application/pdf", size=10,
        uploaded_by=office_clerk, file="x/营业执照副本.pdf",
    )
    client.force_login(office_clerk)
    html = client.get(detail(online)).content.decode()
    assert ">营业执照副本.pdf</a>" in html


def test_enterprise_is_asked_for_the_missing_materials_and_gets_the_form(client, enterprise_user, awaiting):
    client.force_login(enterprise_user)
    html = client.get(detail(awaiting)).content.decode()
    assert "请补充以下材料：消防设计审查意见书" in html
    assert 'data-testid="supply-form"' in html and 'type="file"' in html


def test_supplying_materials_returns_the_demand_to_triage_with_a_fresh_clock(client, enterprise_user, awaiting):
    client.force_login(enterprise_user)
    upload = SimpleUploadedFile("审查意见书.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    with time_machine.travel(datetime(2026, 9, 22, 9, 0, tzinfo=SH), tick=False):
        response = client.post(supply(awaiting), {"content": "已上传审查意见书", "files": [upload]}, follow=True)
    demand = reload(awaiting)
    assert demand.state == Demand.State.REGISTERED
    assert demand.triage_due_at == datetime(2026, 9, 23, 23, 59, 59, tzinfo=SH)
    assert demand.attachments.get().kind == Attachment.Kind.SUPPLEMENT
    html = response.content.decode()
    assert "材料已补充" in html and "联合服务办公室正在研判" in html
    assert "已上传审查意见书" in html  # the timeline entry
    assert ">审查意见书.pdf</a>" in html  # the file, linked through the checked download view


def test_empty_supply_explains_and_changes_nothing(client, enterprise_user, awaiting):
    client.force_login(enterprise_user)
    response = client.post(supply(awaiting), {"content": "  "})
    assert response.status_code == 200
    assert "请填写补充说明。" in response.content.decode()
    assert reload(awaiting).state == Demand.State.AWAITING_MATERIALS


def test_bad_supply_file_keeps_the_text_and_saves_nothing(client, enterprise_user, awaiting):
    client.force_login(enterprise_user)
    bad = SimpleUploadedFile("macro.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(supply(awaiting), {"content": "已补充说明材料", "files": [bad]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "不支持的文件类型" in html and "已补充说明材料" in html and "重新选择" in html
    assert reload(awaiting).state == Demand.State.AWAITING_MATERIALS and not Attachment.objects.exists()


def test_supplying_when_nothing_is_missing_is_refused_with_the_reason(client, enterprise_user, online):
    client.force_login(enterprise_user)
    response = client.post(supply(online), {"content": "再补充一点"})
    assert "当前状态为“待研判”，不能补充材料" in response.content.decode()
    assert not online.events.filter(action="supplement").exists()


def test_enterprise_withdraws_its_demand(client, enterprise_user, online):
    client.force_login(enterprise_user)
    response = client.post(withdraw(online), {"note": "问题已自行解决"}, follow=True)
    assert reload(online).state == Demand.State.WITHDRAWN
    html = response.content.decode()
    assert f"诉求 {online.number} 已撤回" in html and "您已撤回该诉求" in html
    assert "问题已自行解决" in html and 'data-testid="withdraw-form"' not in html


def test_too_long_withdraw_note_keeps_it_and_withdraws_nothing(client, enterprise_user, online):
    client.force_login(enterprise_user)
    note = "因" * 501
    response = client.post(withdraw(online), {"note": note})
    assert response.status_code == 200
    assert "撤回原因不能超过 500 个字。" in response.content.decode() and note in response.content.decode()
    assert reload(online).state == Demand.State.REGISTERED


def test_a_ticketed_demand_cannot_be_withdrawn(client, enterprise_user, online, office_clerk):
    workflow.demand_form_ticket(actor=office_clerk, demand=online, category="coordination", lead_department="anshun-zjj")
    client.force_login(enterprise_user)
    response = client.post(withdraw(online), {})
    assert "不能撤回该诉求" in response.content.decode()
    assert reload(online).state == Demand.State.TICKETED


def test_staff_may_not_withdraw_for_the_enterprise(client, office_clerk, online):
    client.force_login(office_clerk)
    assert client.post(withdraw(online), {}).status_code == 403
    assert reload(online).state == Demand.State.REGISTERED


def test_enterprise_sees_the_ticket_its_lead_and_progress(client, enterprise_user, online, office_clerk):
    demand = workflow.demand_form_ticket(actor=office_clerk, demand=online, category="coordination", lead_department="anshun-zjj")
    client.force_login(enterprise_user)
    html = client.get(detail(online)).content.decode()
    assert f"已形成工单 {demand.ticket.number}，由市住房和城乡建设局牵头办理，已派至牵头部门，等待签收" in html
    handler = UserFactory(role=Role.HANDLER, department=department("anshun-zjj"))
    with time_machine.travel(datetime(2026, 9, 21, 9, 0, tzinfo=SH), tick=False):
        workflow.ticket_sign(actor=handler, ticket=demand.ticket)
    with time_machine.travel(datetime(2026, 9, 22, 9, 0, tzinfo=SH), tick=False):
        html = client.get(detail(online)).content.decode()
    assert "正在办理，预计在10月" in html  # 10 working days across the National Day holiday
    html = client.get(detail(online)).content.decode()  # today, long after: the estimate has passed
    assert "原预计在10月" in html and "目前仍在办理中" in html


def test_enterprise_reads_that_its_demand_was_merged_into_an_open_ticket(client, enterprise_user, online, office_clerk):
    ticket = dispatched_ticket(office_clerk, lead="anshun-zjj")
    workflow.demand_merge(
        actor=office_clerk, demand=online, into=ticket.pk,
        consent={"by": "刘晓燕", "method": "phone", "at": datetime(2026, 9, 18, 11, 0, tzinfo=SH)},
    )
    client.force_login(enterprise_user)
    html = client.get(detail(online)).content.decode()
    assert f"已与同一事项合并至工单 {ticket.number}，由市住房和城乡建设局牵头办理" in html


def test_enterprise_reads_why_its_demand_was_not_accepted(client, enterprise_user, online, office_clerk):
    workflow.demand_reject(actor=office_clerk, demand=online, reason="market_dispute", note="属于合同纠纷，建议通过诉讼解决")
    client.force_login(enterprise_user)
    html = client.get(detail(online)).content.decode()
    assert "不予受理：市场主体之间的矛盾纠纷。属于合同纠纷，建议通过诉讼解决。首问部门将与您联系说明情况。" in html
    assert "撤回诉求" not in html


def test_county_enterprise_reads_that_its_demand_went_to_the_city(client, county_office):
    user = EnterpriseUserFactory(enterprise=EnterpriseFactory(region=Region.objects.get(code="xixiu")))
    demand = register(user, channel="online")
    workflow.demand_escalate(actor=county_office, demand=demand, reason="涉及市级审批权限")
    client.force_login(user)
    assert "已提交安顺市“企业之家”办理" in client.get(detail(demand)).content.decode()


def test_internal_opinions_are_kept_from_the_enterprise(client, enterprise_user, online, office_clerk, lead_handler):
    workflow.demand_consult(actor=office_clerk, demand=online, departments=["anshun-scjg", "anshun-sw"])
    workflow.demand_give_opinion(actor=lead_handler, demand=online, content="建议由住建部门牵头，市场监管配合")
    client.force_login(enterprise_user)
    html = client.get(detail(online)).content.decode()
    assert "正在组织相关部门会商" in html and "建议由住建部门牵头" not in html
    client.force_login(office_clerk)
    html = client.get(detail(online)).content.decode()
    assert "建议由住建部门牵头，市场监管配合" in html  # in the opinions and in the full timeline
    assert "国家税务总局安顺市税务局" in html and "待回复" in html


@pytest.mark.parametrize("who", ["another_enterprise", "outsider", "other_handler"])
def test_people_without_business_get_404_everywhere(client, request, online, who):
    user = EnterpriseUserFactory() if who == "another_enterprise" else request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(detail(online)).status_code == 404
    assert client.post(supply(online), {"content": "x"}).status_code == 404
    assert client.post(withdraw(online), {}).status_code == 404
    assert reload(online).state == Demand.State.REGISTERED


def test_state_changes_are_post_only(client, enterprise_user, online):
    client.force_login(enterprise_user)
    assert client.get(supply(online)).status_code == 405
    assert client.get(withdraw(online)).status_code == 405


# --- the staff record -----------------------------------------------------------------------------------------------
def test_office_gets_the_full_record_with_the_triage_action(client, office_clerk, online):
    client.force_login(office_clerk)
    response = client.get(detail(online))
    assert [t.name for t in response.templates][0] == "tickets/demand_detail.html"
    assert response.context["can_triage"] is True and response.context["can_supply"] is False
    assert reverse("tickets:triage", args=[online.pk]) in response.content.decode()


def test_first_contact_department_supplies_materials_it_collected(client, lead_handler, office_clerk):
    demand = register(lead_handler, channel="department")
    workflow.demand_request_materials(actor=office_clerk, demand=demand, missing="企业授权委托书")
    client.force_login(lead_handler)
    response = client.get(detail(demand))
    assert response.context["can_supply"] and response.context["can_triage"] is False
    assert 'data-testid="supply-form"' in response.content.decode()
    client.post(supply(demand), {"content": "已收集授权委托书"})
    assert reload(demand).state == Demand.State.REGISTERED


def test_staff_see_the_linked_ticket(client, office_clerk, specialist):
    demand = register(specialist)
    demand = workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="complaint", lead_department="anshun-sw")
    client.force_login(specialist)
    html = client.get(detail(demand)).content.decode()
    assert demand.ticket.number in html and "国家税务总局安顺市税务局" in html and "投诉举报类" in html


def test_escalation_links_the_county_demand_and_the_city_transfer(client, county_office, office_clerk):
    user = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    demand = register(user, channel="department")
    workflow.demand_escalate(actor=county_office, demand=demand, reason="需市级协调用地指标")
    transfer = Demand.objects.get(source_demand=demand)
    client.force_login(office_clerk)
    html = client.get(detail(demand)).content.decode()
    assert detail(transfer) in html and "需市级协调用地指标" in html
    html = client.get(detail(transfer)).content.decode()
    assert detail(demand) in html and "原诉求" in html


# --- the demand list ------------------------------------------------------------------------------------------------
def test_office_lists_its_region_and_counties_sorted_by_triage_due(client, office_clerk, specialist, county_office):
    with time_machine.travel(datetime(2026, 9, 14, 9, 0, tzinfo=SH), tick=False):
        decided = register(specialist, title="已研判的诉求")
        workflow.demand_form_ticket(actor=office_clerk, demand=decided, category="consultation", lead_department="anshun-sw")
    with time_machine.travel(datetime(2026, 9, 16, 9, 0, tzinfo=SH), tick=False):
        later = register(specialist, title="后到的诉求")
    with time_machine.travel(datetime(2026, 9, 15, 9, 0, tzinfo=SH), tick=False):
        earlier = register(specialist, title="先到的诉求")
        county = register(UserFactory(role=Role.HANDLER, department=department("xixiu-scjg")), channel="department", title="县里的诉求")
    client.force_login(office_clerk)
    with time_machine.travel(datetime(2026, 9, 17, 9, 0, tzinfo=SH), tick=False):
        response = client.get(LIST)
    rows = [d.pk for d in response.context["page"]]
    assert rows[-1] == decided.pk and set(rows[:2]) == {earlier.pk, county.pk} and rows[2] == later.pk
    html = response.content.decode()
    assert "共 4 条" in html and "已超期" in html and "市发展和改革委员会" in html


def test_filters_by_state_channel_and_keyword(client, office_clerk, specialist):
    hotline = register(specialist, channel="hotline", title="用工招聘补贴", enterprise_name="黔中机械有限公司")
    hall = register(specialist, channel="hall", title="不动产登记", enterprise_uscc=hotline.enterprise.uscc)
    workflow.demand_request_materials(actor=office_clerk, demand=hall, missing="房产证复印件")
    client.force_login(office_clerk)

    def rows(**params):
        return [d.pk for d in client.get(LIST, params).context["page"]]

    assert rows(state="awaiting_materials") == [hall.pk]
    assert rows(channel="hotline") == [hotline.pk]
    assert rows(q="招聘") == [hotline.pk]
    assert rows(q=hall.number) == [hall.pk]
    assert set(rows(q="黔中机械")) == {hotline.pk, hall.pk}
    assert rows(state="registered", channel="hall") == []


def test_overdue_filter_keeps_demands_past_their_triage_due(client, office_clerk, specialist):
    with time_machine.travel(datetime(2026, 9, 14, 9, 0, tzinfo=SH), tick=False):
        late = register(specialist, title="超期的诉求")
    with time_machine.travel(datetime(2026, 9, 16, 9, 0, tzinfo=SH), tick=False):
        register(specialist, title="刚到的诉求")
        client.force_login(office_clerk)
        page = client.get(LIST, {"overdue": "on"}).context["page"]
    assert [d.pk for d in page] == [late.pk]


def test_bad_filter_values_are_ignored_with_a_notice(client, office_clerk, specialist):
    demand = register(specialist)
    client.force_login(office_clerk)
    response = client.get(LIST, {"state": "nonsense", "channel": "<script>", "page": "9999"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "已忽略无效的筛选条件“状态”" in html and "已忽略无效的筛选条件“渠道”" in html
    assert "<script>" not in html
    assert [d.pk for d in response.context["page"]] == [demand.pk]


def test_list_paginates_and_shows_the_total(client, office_clerk, specialist):
    for _ in range(21):
        register(specialist)
    client.force_login(office_clerk)
    response = client.get(LIST)
    assert len(response.context["page"]) == 20 and "共 21 条" in response.content.decode()
    second = client.get(LIST, {"page": 2})
    assert len(second.context["page"]) == 1


def test_each_role_lists_only_what_it_may_see(client, specialist, outsider, government_user):
    city = register(specialist)
    chamber = UserFactory(role=Role.CHAMBER, department=department("anshun-gsl"))
    own = register(chamber, channel="chamber")
    client.force_login(outsider)
    assert list(client.get(LIST).context["page"]) == []
    client.force_login(chamber)
    assert [d.pk for d in client.get(LIST).context["page"]] == [own.pk]
    client.force_login(government_user)
    assert {d.pk for d in client.get(LIST).context["page"]} == {city.pk, own.pk}


def test_enterprise_is_sent_to_its_own_list(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(LIST)
    assert response.status_code == 302 and response.url == reverse("tickets:my_demands")


def test_admin_has_no_demand_list(client, platform_admin):
    client.force_login(platform_admin)
    assert client.get(LIST).status_code == 403


# Session, user, department, child regions, count, top-bar region, page, plus room for the menu's queue counts.
LIST_QUERIES = 11


def test_list_query_count_does_not_grow_with_rows(client, office_clerk, specialist, django_assert_max_num_queries):
    for i in range(25):
        demand = register(specialist, anonymous=bool(i % 5 == 0))
        if i % 3 == 0:
            workflow.demand_request_materials(actor=office_clerk, demand=demand, missing="材料")
    client.force_login(office_clerk)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(LIST, {"q": "税控", "page": 2})
    assert len(response.context["page"]) == 5
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(LIST, {"overdue": "on", "state": "registered"})


def test_list_puts_waiting_demands_before_newer_decided_ones(client, office_clerk, specialist):
    waiting = register(specialist)
    decided = register(specialist)
    workflow.demand_form_ticket(actor=office_clerk, demand=decided, category="consultation", lead_department="anshun-sw")
    client.force_login(office_clerk)
    assert [d.pk for d in client.get(LIST).context["page"]] == [waiting.pk, decided.pk]


# --- sortable columns ----------------------------------------------------------------------------------------------
@pytest.fixture
def three_demands(specialist, office_clerk):
    """A (hall, Sept 14), B (hotline, Sept 16, ticketed), C (online-like department channel, Sept 15)."""
    with time_machine.travel(datetime(2026, 9, 14, 9, 0, tzinfo=SH), tick=False):
        a = register(specialist, channel="hall", title="甲")
    with time_machine.travel(datetime(2026, 9, 16, 9, 0, tzinfo=SH), tick=False):
        b = register(specialist, channel="hotline", title="乙")
        workflow.demand_form_ticket(actor=office_clerk, demand=b, category="consultation", lead_department="anshun-sw")
    with time_machine.travel(datetime(2026, 9, 15, 9, 0, tzinfo=SH), tick=False):
        c = register(specialist, channel="department", title="丙")
    return a, b, c


def test_demand_list_sorts_by_whitelisted_columns_both_ways(client, office_clerk, three_demands):
    a, b, c = three_demands
    client.force_login(office_clerk)

    def rows(sort):
        return [d.pk for d in client.get(LIST, {"sort": sort}).context["page"]]

    assert rows("registered") == [a.pk, c.pk, b.pk]
    assert rows("-registered") == [b.pk, c.pk, a.pk]
    by_number = sorted(three_demands, key=lambda d: d.number)
    assert rows("number") == [d.pk for d in by_number] and rows("-number") == [d.pk for d in reversed(by_number)]
    assert rows("channel") == [c.pk, a.pk, b.pk]  # department < hall < hotline
    assert rows("state") == [a.pk, c.pk, b.pk]  # registered < ticketed
    assert rows("-due") == [c.pk, a.pk, b.pk]  # the later triage due first, none last
    assert rows("due") == rows("") == [a.pk, c.pk, b.pk]


def test_demand_list_header_marks_the_order_and_keeps_the_filters(client, office_clerk, three_demands):
    client.force_login(office_clerk)
    html = client.get(LIST, {"sort": "-registered", "channel": "hall", "page": "1"}).content.decode()
    link = re.search(r'<th scope="col" aria-sort="descending"><a [^>]*href="([^"]+)"', html).group(1)
    assert "sort=registered" in link and "channel=hall" in link and "page=" not in link
    assert '<input type="hidden" name="sort" value="-registered">' in html  # the filter form keeps the order
    default = client.get(LIST).content.decode()
    assert re.search(r'aria-sort="ascending"><a [^>]*href="\?sort=-due"', default)


@pytest.mark.parametrize("bad", ["title", "--number", "number;drop", "<b>"])
def test_demand_list_ignores_an_unknown_sort_with_a_message(client, office_clerk, three_demands, bad):
    a, b, c = three_demands
    client.force_login(office_clerk)
    response = client.get(LIST, {"sort": bad})
    assert response.status_code == 200 and "排序方式无效，已按默认顺序显示。" in response.content.decode()
    assert [d.pk for d in response.context["page"]] == [a.pk, c.pk, b.pk]


def test_sorted_demand_list_query_count_does_not_grow(client, office_clerk, specialist, django_assert_max_num_queries):
    for _ in range(25):
        register(specialist)
    client.force_login(office_clerk)
    for sort in ("number", "-registered", "channel", "-state", "-due"):
        with django_assert_max_num_queries(LIST_QUERIES):
            assert len(client.get(LIST, {"sort": sort, "page": 2}).context["page"]) == 5


def test_enterprise_record_names_departments_never_staff(client, enterprise_user, online, office_clerk):
    workflow.demand_request_materials(actor=office_clerk, demand=online, missing="消防设计审查意见书")
    client.force_login(enterprise_user)
    html = client.get(detail(online)).content.decode()
    record = html[html.index('id="timeline-heading"'):]
    assert "· 您</div>" in record  # its own submission
    assert f"· {office_clerk.department.name}</div>" in record
    assert office_clerk.get_full_name() not in record and str(office_clerk) not in record
    client.force_login(office_clerk)
    html = client.get(detail(online)).content.decode()
    assert f"{office_clerk}（{office_clerk.department.name}）" in html  # staff read who acted
