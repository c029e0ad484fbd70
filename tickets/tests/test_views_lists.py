"""The ticket list as a place to work: sorting, the .xlsx export, saved views, bulk acts and department pickers."""

import re
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from core.models import SavedView
from qiyezhijia.testing import flashed
from supervision.models import Urge
from tickets import workflow
from tickets.models import Demand, Ticket
from tickets.tests.helpers import (
    closed_ticket,
    dispatched_ticket,
    good_callback,
    handling_ticket,
    register,
)
from tickets.views import lists

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
LIST = "/tickets/"


def numbers_in_order(body: str, tickets) -> list[str]:
    """The given tickets' numbers in the order the page shows them."""
    wanted = {t.number for t in tickets}
    seen = []
    for number in re.findall(r"<code>([^<]+)</code>", body):
        if number in wanted and number not in seen:
            seen.append(number)
    return seen


# --- sorting -------------------------------------------------------------------------------------------------------
@pytest.fixture
def three(office_clerk, lead_handler):
    with time_machine.travel(datetime(2026, 11, 16, 9, 0, tzinfo=SH), tick=False):
        a = dispatched_ticket(office_clerk, lead="anshun-sw", title="甲")
    with time_machine.travel(datetime(2026, 11, 18, 9, 0, tzinfo=SH), tick=False):
        b = handling_ticket(office_clerk, lead_handler, title="乙")
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=SH), tick=False):
        c = dispatched_ticket(office_clerk, title="丙")
    return a, b, c


def test_list_sorts_by_whitelisted_columns_both_ways(client, office_clerk, three):
    a, b, c = three
    client.force_login(office_clerk)
    by_number = sorted(three, key=lambda t: t.number)
    assert numbers_in_order(client.get(LIST, {"sort": "number"}).content.decode(), three) == [t.number for t in by_number]
    assert numbers_in_order(client.get(LIST, {"sort": "-number"}).content.decode(), three) == [
        t.number for t in reversed(by_number)]
    assert numbers_in_order(client.get(LIST, {"sort": "registered"}).content.decode(), three) == [a.number, b.number, c.number]
    assert numbers_in_order(client.get(LIST, {"sort": "-registered"}).content.decode(), three) == [c.number, b.number, a.number]
    # state codes: dispatched < handling
    state_order = numbers_in_order(client.get(LIST, {"sort": "state"}).content.decode(), three)
    assert state_order == [a.number, c.number, b.number]
    # sign due of a (Wed 18th) < sign due of c (Tue 24th) < handling due of b (15 working days after the 18th)
    assert numbers_in_order(client.get(LIST, {"sort": "due"}).content.decode(), three) == [a.number, c.number, b.number]
    assert numbers_in_order(client.get(LIST, {"sort": "-due"}).content.decode(), three) == [b.number, c.number, a.number]


def test_sorted_header_says_its_order_and_links_the_other_way(client, office_clerk, three):
    client.force_login(office_clerk)
    body = client.get(LIST, {"sort": "-number", "state": "dispatched", "page": "2"}).content.decode()
    header = re.search(r'<th scope="col" aria-sort="descending"><a [^>]*href="([^"]+)"', body)
    assert header is not None
    link = header.group(1).replace("&amp;", "&")
    assert "sort=number" in link and "state=dispatched" in link and "page=" not in link
    # the default order is the due's, announced on its header
    default = client.get(LIST).content.decode()
    assert re.search(r'aria-sort="ascending"><a [^>]*href="\?sort=-due"', default)


@pytest.mark.parametrize("bad", ["lost", "--number", "created_at", "-id", "number;drop"])
def test_unknown_sort_key_is_ignored_with_a_message(client, office_clerk, three, bad):
    client.force_login(office_clerk)
    response = client.get(LIST, {"sort": bad})
    assert response.status_code == 200
    body = response.content.decode()
    assert "排序方式无效，已按默认顺序显示。" in body
    assert numbers_in_order(body, three) == [three[0].number, three[2].number, three[1].number]


def test_list_query_count_stays_the_same_with_more_rows(client, office_clerk, django_assert_max_num_queries):
    client.force_login(office_clerk)
    SavedView.objects.create(user=office_clerk, list_key="tickets", name="待签收", query="state=dispatched")
    for i in range(2):
        dispatched_ticket(office_clerk, co=("anshun-sw",), title=f"第{i}件")
    client.get(LIST, {"sort": "-registered"})  # warm the calendar and the session
    with django_assert_max_num_queries(16) as few:
        client.get(LIST, {"sort": "-registered"})
    for i in range(8):
        dispatched_ticket(office_clerk, co=("anshun-sw",), title=f"又一件{i}", enterprise_name=f"企业{i}有限公司")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST, {"sort": "-registered"})
    assert response.content.decode().count('name="ticket" value=') == 10


# --- export --------------------------------------------------------------------------------------------------------
def read_xlsx(response):
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    sheet = book.active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_export_holds_the_filtered_list_in_its_order_cell_by_cell(client, office_clerk, specialist, lead_handler):
    with time_machine.travel(datetime(2026, 11, 16, 9, 0, tzinfo=SH), tick=False):
        named = dispatched_ticket(office_clerk, title="厂房用电报装", enterprise_name="安顺云帆物流有限公司",
                                  co=("anshun-sw",))
        hidden = dispatched_ticket(office_clerk, registrar=specialist, title="=HYPERLINK(\"x\")", anonymous=True,
                                   enterprise_name="", enterprise_uscc="", category="complaint", complex_=True)
        handling_ticket(office_clerk, lead_handler, title="不在筛选内")
        client.force_login(office_clerk)
        before = AuditEvent.objects.filter(action="export.xlsx").count()
        response = client.get(reverse("tickets:ticket_list_xlsx"), {"state": "dispatched", "sort": "-number",
                                                                    "bogus": "x"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    rows = read_xlsx(response)
    assert rows[0] == lists.EXPORT_HEADERS
    first, second = sorted([named, hidden], key=lambda t: t.number, reverse=True)
    assert [r[0] for r in rows[1:]] == [first.number, second.number]
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number[named.number] == [
        named.number, "厂房用电报装", "安顺云帆物流有限公司", "协调类", "否", "市市场监督管理局", "国家税务总局安顺市税务局", "待签收",
        "签收剩余 2 个工作日", datetime(2026, 11, 18, 23, 59, 59), datetime(2026, 11, 16, 9, 0),
    ]
    assert by_number[hidden.number] == [
        hidden.number, '=HYPERLINK("x")', "匿名", "投诉举报类", "是", "市市场监督管理局", None, "待签收",
        "签收剩余 2 个工作日", datetime(2026, 11, 18, 23, 59, 59), datetime(2026, 11, 16, 9, 0),
    ]
    # a formula typed into a title stays text (core.xlsx)
    book = load_workbook(BytesIO(response.content))
    title_cell = next(row[1] for row in book.active.iter_rows(min_row=2) if row[0].value == hidden.number)
    assert title_cell.data_type == "s"
    # nothing personal: the requester's name and phone are not in the file
    assert not any("王先生" in str(v) or "13800000000" in str(v) for row in rows for v in row)
    events = AuditEvent.objects.filter(action="export.xlsx")
    assert events.count() == before + 1
    event = events.latest("id")
    assert event.actor == office_clerk
    assert event.detail == {"report": "ticket_list", "filters": "sort=-number&state=dispatched", "rows": 2}


def test_handler_exports_only_its_departments_tickets(client, office_clerk, lead_handler):
    mine = dispatched_ticket(office_clerk)
    theirs = dispatched_ticket(office_clerk, lead="anshun-sw")
    client.force_login(lead_handler)
    rows = read_xlsx(client.get(reverse("tickets:ticket_list_xlsx")))
    assert [r[0] for r in rows[1:]] == [mine.number]
    assert theirs.number not in str(rows)


def test_export_over_the_cap_says_so_and_exports_nothing(client, office_clerk, monkeypatch):
    monkeypatch.setattr(lists, "EXPORT_LIMIT", 1)
    dispatched_ticket(office_clerk)
    dispatched_ticket(office_clerk)
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:ticket_list_xlsx"), {"state": "dispatched"})
    assert response.status_code == 302 and response["Location"] == "/tickets/?state=dispatched"
    assert flashed(response) == ["符合条件的工单超过 1 条，不能一次导出，请先缩小筛选范围。"]
    assert not AuditEvent.objects.filter(action="export.xlsx").exists()


@pytest.mark.parametrize("who", ["enterprise_user", "platform_admin"])
def test_roles_without_the_list_cannot_export(client, request, office_clerk, who):
    dispatched_ticket(office_clerk)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("tickets:ticket_list_xlsx")).status_code == 403
    assert not AuditEvent.objects.filter(action="export.xlsx").exists()


# --- saved views ---------------------------------------------------------------------------------------------------
def save(client, name, **params):
    return client.post(reverse("tickets:saved_view_create"), {"name": name, **params})


def test_save_a_view_keeps_only_known_filters_and_lists_it(client, office_clerk):
    ticket = dispatched_ticket(office_clerk)
    client.force_login(office_clerk)
    response = save(client, "待签收投诉", state="dispatched", sort="-due", page="3", evil="<script>", next="//x")
    assert response.status_code == 302
    assert flashed(response) == ["已保存视图“待签收投诉”。"]
    view = SavedView.objects.get(user=office_clerk)
    assert (view.list_key, view.name, view.query) == ("tickets", "待签收投诉", "sort=-due&state=dispatched")
    body = client.get(LIST).content.decode()
    assert 'href="/tickets/?sort=-due&amp;state=dispatched">待签收投诉</a>' in body
    # opening it marks it as the current view
    body = client.get(LIST, {"state": "dispatched", "sort": "-due"}).content.decode()
    assert 'aria-current="page">待签收投诉</a>' in body and ticket.number in body


@pytest.mark.parametrize(("name", "message"), [
    ("", "未保存视图：请填写视图名称。"),
    ("   ", "未保存视图：请填写视图名称。"),
    ("视" * 31, "未保存视图：视图名称不能超过 30 个字。"),
])
def test_bad_view_names_save_nothing(client, office_clerk, name, message):
    client.force_login(office_clerk)
    response = save(client, name, state="handling")
    assert flashed(response) == [message]
    assert response["Location"] == "/tickets/?state=handling"
    assert not SavedView.objects.exists()


def test_view_names_are_unique_per_user_and_list(client, office_clerk, specialist):
    SavedView.objects.create(user=specialist, list_key="tickets", name="我的", query="")
    client.force_login(office_clerk)
    assert flashed(save(client, "我的", state="handling")) == ["已保存视图“我的”。"]
    assert flashed(save(client, "我的", state="closed"))[-1] == "未保存视图：您已有名为“我的”的视图，请换一个名称。"
    assert SavedView.objects.get(user=office_clerk).query == "state=handling"


def test_another_users_view_is_neither_listed_nor_deletable(client, office_clerk, specialist):
    theirs = SavedView.objects.create(user=specialist, list_key="tickets", name="专员的视图", query="state=closed")
    client.force_login(office_clerk)
    assert "专员的视图" not in client.get(LIST).content.decode()
    assert client.post(reverse("tickets:saved_view_delete", args=[theirs.pk])).status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()


def test_owner_deletes_own_view(client, office_clerk):
    mine = SavedView.objects.create(user=office_clerk, list_key="tickets", name="临时", query="state=closed")
    client.force_login(office_clerk)
    assert client.get(reverse("tickets:saved_view_delete", args=[mine.pk])).status_code == 405
    response = client.post(reverse("tickets:saved_view_delete", args=[mine.pk]))
    assert response.status_code == 302 and flashed(response) == ["已删除视图“临时”。"]
    assert not SavedView.objects.exists()


def test_enterprise_cannot_save_views(client, enterprise_user):
    client.force_login(enterprise_user)
    assert save(client, "x").status_code == 403
    assert not SavedView.objects.exists()


# --- bulk acts -----------------------------------------------------------------------------------------------------
def bulk(client, action, ids, **data):
    return client.post(reverse("tickets:ticket_bulk", args=[action]), {"ticket": [str(i) for i in ids], **data})


def test_bulk_sign_signs_each_permitted_ticket_and_reports_the_refused(client, office_clerk, lead_handler):
    first = dispatched_ticket(office_clerk)
    second = dispatched_ticket(office_clerk)
    signed = handling_ticket(office_clerk, lead_handler)
    co_only = dispatched_ticket(office_clerk, lead="anshun-sw", co=("anshun-scjg",))  # visible, not its to sign
    unseen = dispatched_ticket(office_clerk, lead="anshun-sw")
    client.force_login(lead_handler)
    response = bulk(client, "sign", [first.pk, signed.pk, co_only.pk, unseen.pk, second.pk, first.pk],
                    next="/tickets/?state=dispatched")
    assert response.status_code == 200
    body = response.content.decode()
    assert "已完成 <strong>2</strong> 件，未完成 <strong>3</strong> 件" in body
    assert f"<code>{signed.number}</code></a> 当前为办理中，不能签收" in body
    assert f"<code>{co_only.number}</code></a> 您没有权限签收该工单" in body
    assert f"<code>#{unseen.pk}</code> 工单不存在或无权查看" in body
    assert unseen.number not in body
    assert 'href="/tickets/?state=dispatched"' in body
    states = dict(Ticket.objects.values_list("pk", "state"))
    assert states[first.pk] == states[second.pk] == Ticket.State.HANDLING
    assert states[co_only.pk] == states[unseen.pk] == Ticket.State.DISPATCHED
    # the same timeline entry as the single act
    assert first.events.filter(action="sign").count() == 1


def test_bulk_urge_needs_its_note_and_urges_each_open_ticket(client, office_clerk, lead_handler, county_office):
    open_ticket = dispatched_ticket(office_clerk)
    archived = closed_ticket(office_clerk, lead_handler)
    good_callback(office_clerk, archived)
    county = dispatched_ticket(county_office, lead="xixiu-scjg")  # the city office reads it, the county's urges it
    client.force_login(office_clerk)
    ids = [open_ticket.pk, archived.pk, county.pk]
    response = bulk(client, "urge", ids)
    assert response.status_code == 302 and flashed(response) == ["未催办：请填写催办内容。"]
    assert not Urge.objects.exists()
    body = bulk(client, "urge", ids, **{"urge-note": "请加快办理"}).content.decode()
    assert "已完成 <strong>1</strong> 件，未完成 <strong>2</strong> 件" in body
    assert re.search(rf"<code>{archived.number}</code></a> 当前为[^，<]+，不能催办", body)
    assert f"<code>{county.number}</code></a> 您没有权限催办该工单" in body
    assert list(Urge.objects.values_list("ticket_id", "note")) == [(open_ticket.pk, "请加快办理")]


def test_handler_bulk_urge_is_refused_per_item(client, office_clerk, lead_handler):
    ticket = dispatched_ticket(office_clerk)
    client.force_login(lead_handler)
    body = bulk(client, "urge", [ticket.pk], **{"urge-note": "快"}).content.decode()
    assert f"<code>{ticket.number}</code></a> 您没有权限催办该工单" in body
    assert not Urge.objects.exists()


def test_bulk_acts_are_capped_and_need_a_selection(client, office_clerk, lead_handler, monkeypatch):
    monkeypatch.setattr(lists, "BULK_LIMIT", 2)
    tickets = [dispatched_ticket(office_clerk) for _ in range(3)]
    client.force_login(lead_handler)
    response = bulk(client, "sign", [t.pk for t in tickets])
    assert flashed(response) == ["一次最多签收 2 件工单，请减少勾选。"]
    assert flashed(bulk(client, "sign", []))[-1] == "请先勾选要签收的工单。"
    assert not Ticket.objects.filter(state=Ticket.State.HANDLING).exists()


def test_bulk_unknown_act_404_wrong_role_403_get_405(client, office_clerk, lead_handler, enterprise_user):
    ticket = dispatched_ticket(office_clerk)
    client.force_login(lead_handler)
    assert bulk(client, "close", [ticket.pk]).status_code == 404
    assert client.get(reverse("tickets:ticket_bulk", args=["sign"])).status_code == 405
    client.force_login(enterprise_user)
    assert bulk(client, "sign", [ticket.pk]).status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.DISPATCHED


def test_list_offers_bulk_acts_by_role(client, office_clerk, lead_handler, government_user):
    dispatched_ticket(office_clerk)
    client.force_login(lead_handler)
    body = client.get(LIST).content.decode()
    assert 'data-testid="bulk-sign"' in body and 'data-testid="bulk-urge"' not in body
    client.force_login(office_clerk)
    body = client.get(LIST).content.decode()
    assert 'data-testid="bulk-urge"' in body and 'data-testid="bulk-sign"' not in body
    client.force_login(government_user)
    assert 'data-testid="bulk-form"' not in client.get(LIST).content.decode()


# --- accepting triage suggestions ----------------------------------------------------------------------------------
def accept(client, ids, **data):
    return client.post(reverse("tickets:triage_accept"), {"demand": [str(i) for i in ids], **data})


def test_office_accepts_suggested_leads_for_several_demands(client, office_clerk, lead_handler):
    tax = register(office_clerk)  # domain tax: the region's tax bureau is suggested
    market = register(office_clerk, domain="market")
    done = register(office_clerk)
    workflow.demand_form_ticket(actor=office_clerk, demand=done, category="coordination", lead_department="anshun-sw")
    client.force_login(office_clerk)
    response = accept(client, [tax.pk, done.pk, market.pk], **{"accept-category": "consultation"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "已完成 <strong>2</strong> 件，未完成 <strong>1</strong> 件" in body
    assert f"<code>{done.number}</code></a> 当前为已形成工单，不能形成工单" in body
    for demand in (tax, market):
        demand = Demand.objects.select_related("ticket__lead_department").get(pk=demand.pk)
        assert demand.state == Demand.State.TICKETED
        assert demand.ticket.category == "consultation"
        assert demand.ticket.lead_department.domains.filter(code=demand.domain.code).exists()
        assert demand.ticket.state == Ticket.State.DISPATCHED


def test_accepting_needs_a_category_and_the_office(client, office_clerk, lead_handler):
    demand = register(office_clerk)
    client.force_login(office_clerk)
    response = accept(client, [demand.pk])
    assert response.status_code == 302 and flashed(response) == ["未研判：请选择诉求类别。"]
    client.force_login(lead_handler)
    assert accept(client, [demand.pk], **{"accept-category": "consultation"}).status_code == 403
    assert Demand.objects.get(pk=demand.pk).state == Demand.State.REGISTERED


def test_county_demand_is_refused_to_the_city_office(client, office_clerk, county_office):
    county = register(county_office)
    client.force_login(office_clerk)
    body = accept(client, [county.pk], **{"accept-category": "consultation"}).content.decode()
    assert "已完成 <strong>0</strong> 件" in body
    assert f"<code>{county.number}</code></a> 只有诉求所属区域的联合服务办公室可以研判该诉求" in body
    assert Demand.objects.get(pk=county.pk).state == Demand.State.REGISTERED


# --- pickers -------------------------------------------------------------------------------------------------------
def test_department_filter_is_grouped_by_region(client, office_clerk):
    client.force_login(office_clerk)
    body = client.get(LIST).content.decode()
    select = re.search(r'<select name="lead_department"[^>]*>(.*?)</select>', body, re.DOTALL)
    assert select is not None and 'data-picker="departments"' in select.group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">', select.group(1))
    assert groups[0] == "安顺市" and len(groups) > 1 and len(set(groups)) == len(groups)
    assert select.group(1).index('<option value="" selected>全部</option>') < select.group(1).index("<optgroup")
    assert 'vendor/tom-select/js/tom-select.complete.min.js' in body and "js/pickers.js" in body


def test_co_department_picker_on_triage_is_a_grouped_searchable_multi_select(client, office_clerk):
    demand = register(office_clerk)
    client.force_login(office_clerk)
    body = client.get(reverse("tickets:triage", args=[demand.pk])).content.decode()
    select = re.search(r'<select name="ticket-co_departments"[^>]*>(.*?)</select>', body, re.DOTALL)
    assert select is not None and "multiple" in select.group(0) and 'data-picker="departments"' in select.group(0)
    assert re.findall(r'<optgroup label="([^"]+)">', select.group(1)) == ["安顺市"]
    assert "Ctrl" not in body


def test_triage_queue_offers_the_accept_form_and_a_box_per_demand_with_a_suggestion(client, office_clerk):
    demand = register(office_clerk)
    client.force_login(office_clerk)
    body = client.get(reverse("tickets:triage_queue")).content.decode()
    assert 'data-testid="accept-form"' in body and 'name="accept-category"' in body
    assert f'name="demand" value="{demand.pk}" form="accept-form"' in body
