"""The office's queues after signing, the co-department inbox, provincial escalations and the city's sampled callbacks."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Region, Role
from accounts.tests.factories import UserFactory, department
from qiyezhijia.testing import flashed
from tickets import workflow
from tickets.models import Callback, ProvincialEscalation, SamplingBatch, Ticket
from tickets.sampling import sample_callbacks
from tickets.tests.helpers import closed_ticket, dispatched_ticket, handling_ticket, register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")

QUEUES = ["extension_queue", "termination_queue", "callback_queue", "returned_queue", "review_queue", "co_inbox"]
OFFICE_ONLY = ["extension_queue", "termination_queue", "returned_queue", "review_queue"]


def rows(response) -> int:
    return response.content.decode().count('data-testid="queue-row"')


# --- builders: every ticket reaches its state through the workflow ----------------------------------------------------
def later_than_due(ticket, days=20):
    return timezone.localdate(ticket.handle_due_at) + timedelta(days=days)


def with_extension(office, handler, **kwargs):
    ticket = handling_ticket(office, handler, **kwargs)
    workflow.ticket_request_extension(actor=handler, ticket=ticket, due_date=later_than_due(ticket), reason="需现场核查")
    return ticket


def with_termination(office, handler, **kwargs):
    ticket = handling_ticket(office, handler, **kwargs)
    workflow.ticket_request_termination(actor=handler, ticket=ticket, reason="unreachable", note="三次电话均未接通")
    return ticket


def returned(office, handler, **kwargs):
    ticket = closed_ticket(office, handler, **kwargs)
    workflow.ticket_callback(actor=office, ticket=ticket, reached=True, satisfaction="unsatisfied", consistent=False,
                             meets_standard=True, note="企业称问题仍未解决")
    return Ticket.objects.get(pk=ticket.pk)


def in_review(office, handler, **kwargs):
    ticket = returned(office, handler, **kwargs)
    workflow.ticket_request_review(actor=handler, ticket=ticket, reason="已按政策答复，企业诉求超出政策范围")
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def xixiu_handler(db):
    return UserFactory(username="t_handler_xixiu_scjg", role=Role.HANDLER, department=department("xixiu-scjg"))


def county(builder, county_office, xixiu_handler, **kwargs):
    """The same state reached on a xixiu ticket (registered by the county department, led by xixiu-scjg)."""
    return builder(county_office, xixiu_handler, registrar=xixiu_handler, channel="department", domain="market", **kwargs)


# --- the office queues ---------------------------------------------------------------------------------------------
def test_extension_queue_lists_pending_requests_with_the_committed_date(client, office_clerk, lead_handler):
    ticket = with_extension(office_clerk, lead_handler, title="需延期的工单")
    committed = later_than_due(ticket)
    handling_ticket(office_clerk, lead_handler, title="没有申请延期")
    decided = with_extension(office_clerk, lead_handler, title="已审批的延期")
    workflow.ticket_decide_extension(actor=office_clerk, ticket=decided, approve=False, note="不同意")
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:extension_queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert rows(response) == 1
    assert ticket.number in body and f"{committed:%Y-%m-%d}" in body and "需现场核查" in body
    assert "没有申请延期" not in body and "已审批的延期" not in body
    assert "申请延期至" in body and "共 1 条" in body


def test_termination_queue_lists_pending_requests_with_the_reason(client, office_clerk, lead_handler):
    ticket = with_termination(office_clerk, lead_handler)
    handling_ticket(office_clerk, lead_handler, title="没有申请终止")
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:termination_queue"))
    body = response.content.decode()
    assert rows(response) == 1
    assert ticket.number in body and "无法联系诉求人" in body and "三次电话均未接通" in body
    assert "没有申请终止" not in body


def test_callback_queue_lists_closed_tickets_by_callback_due_for_office_and_specialist(
    client, office_clerk, lead_handler, specialist
):
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=SH), tick=False):
        later = closed_ticket(office_clerk, lead_handler, title="后办结的工单")
    with time_machine.travel(datetime(2026, 11, 16, 9, 0, tzinfo=SH), tick=False):
        sooner = closed_ticket(office_clerk, lead_handler, title="先办结的工单")
    workflow.ticket_callback(actor=office_clerk, ticket=sooner, reached=False, note="11月17日上午拨打无人接听")
    handling_ticket(office_clerk, lead_handler, title="还在办理的工单")
    for user in (office_clerk, specialist):
        client.force_login(user)
        response = client.get(reverse("tickets:callback_queue"))
        assert response.status_code == 200
        body = response.content.decode()
        assert rows(response) == 2
        assert body.index(sooner.number) < body.index(later.number)
        assert "已尝试 1 次，未联系上" in body and "尚未回访" in body
        assert "还在办理的工单" not in body


def test_callback_queue_counts_only_attempts_since_the_latest_closing(client, office_clerk, lead_handler):
    ticket = returned(office_clerk, lead_handler, title="重办后再次办结")
    workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="已重新办理完毕")
    client.force_login(office_clerk)
    body = client.get(reverse("tickets:callback_queue")).content.decode()
    assert ticket.number in body
    assert "尚未回访" in body and "已尝试" not in body  # the reached callback that returned it is history


def test_returned_queue_lists_tickets_back_in_handling_with_their_rework_count(client, office_clerk, lead_handler):
    ticket = returned(office_clerk, lead_handler, title="退回重办的工单")
    handling_ticket(office_clerk, lead_handler, title="首次办理的工单")
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:returned_queue"))
    body = response.content.decode()
    assert rows(response) == 1
    assert ticket.number in body and "第 1 次重办" in body and "首次办理的工单" not in body


def test_review_queue_lists_review_requests_with_the_leads_reason(client, office_clerk, lead_handler):
    ticket = in_review(office_clerk, lead_handler, title="申请复查复核的工单")
    returned(office_clerk, lead_handler, title="只是退回的工单")
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:review_queue"))
    body = response.content.decode()
    assert rows(response) == 1
    assert ticket.number in body and "企业诉求超出政策范围" in body and "复查复核中" in body
    assert "只是退回的工单" not in body


def test_co_inbox_lists_tickets_where_the_department_co_handles(client, office_clerk, lead_handler, other_handler):
    handling_ticket(office_clerk, lead_handler, co=("anshun-sw",), title="待确认的协办")
    confirmed = handling_ticket(office_clerk, lead_handler, co=("anshun-sw",), title="已确认的协办")
    workflow.ticket_co_confirm(actor=other_handler, ticket=confirmed)
    answered = handling_ticket(office_clerk, lead_handler, co=("anshun-sw",), title="已反馈的协办")
    workflow.ticket_co_feedback(actor=other_handler, ticket=answered, content="已配合核实")
    handling_ticket(office_clerk, lead_handler, co=("anshun-tcj",), title="别的部门协办")
    dispatched_ticket(office_clerk, co=("anshun-sw",), title="尚未签收的工单")
    client.force_login(other_handler)
    response = client.get(reverse("tickets:co_inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert rows(response) == 3
    assert "待确认" in body and "已确认，待反馈" in body and "已反馈" in body
    assert "别的部门协办" not in body and "尚未签收的工单" not in body
    assert "市市场监督管理局" in body  # the lead column
    # The lead's own tickets are not its co-handling.
    client.force_login(lead_handler)
    assert rows(client.get(reverse("tickets:co_inbox"))) == 0


def test_an_empty_queue_says_so(client, office_clerk):
    client.force_login(office_clerk)
    body = client.get(reverse("tickets:review_queue")).content.decode()
    assert "暂无需要处理的工单" in body and "共 0 条" in body


@pytest.mark.parametrize(
    ("queue", "who"),
    [
        *[(name, "lead_handler") for name in OFFICE_ONLY],
        *[(name, "specialist") for name in OFFICE_ONLY],
        *[(name, "government_user") for name in QUEUES],
        *[(name, "enterprise_user") for name in QUEUES],
        ("callback_queue", "lead_handler"),
        ("co_inbox", "office_clerk"),
        ("co_inbox", "specialist"),
    ],
)
def test_roles_without_the_queue_get_403(client, request, queue, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(f"tickets:{queue}")).status_code == 403


@pytest.mark.parametrize("queue", QUEUES)
def test_queues_are_get_only(client, office_clerk, other_handler, queue):
    client.force_login(other_handler if queue == "co_inbox" else office_clerk)
    assert client.post(reverse(f"tickets:{queue}")).status_code == 405


@pytest.mark.parametrize("queue", QUEUES)
def test_anonymous_users_are_sent_to_login(client, queue):
    response = client.get(reverse(f"tickets:{queue}"))
    assert response.status_code == 302 and "/login/" in response.url


@pytest.mark.parametrize(
    ("queue", "builder"),
    [
        ("extension_queue", with_extension),
        ("termination_queue", with_termination),
        ("callback_queue", closed_ticket),
        ("returned_queue", returned),
        ("review_queue", in_review),
    ],
)
def test_each_office_sees_only_its_own_regions_rows(client, office_clerk, lead_handler, county_office, xixiu_handler, queue, builder):
    city = builder(office_clerk, lead_handler)
    xixiu = county(builder, county_office, xixiu_handler)
    client.force_login(office_clerk)
    body = client.get(reverse(f"tickets:{queue}")).content.decode()
    assert city.number in body and xixiu.number not in body  # the county decides its own
    client.force_login(county_office)
    body = client.get(reverse(f"tickets:{queue}")).content.decode()
    assert xixiu.number in body and city.number not in body


def test_specialist_callback_queue_stays_in_its_region(client, office_clerk, lead_handler, specialist, county_office, xixiu_handler):
    city = closed_ticket(office_clerk, lead_handler)
    xixiu = county(closed_ticket, county_office, xixiu_handler)
    client.force_login(specialist)
    body = client.get(reverse("tickets:callback_queue")).content.decode()
    assert city.number in body and xixiu.number not in body


def test_outsider_co_inbox_lists_nothing_of_the_city(client, office_clerk, lead_handler, outsider):
    handling_ticket(office_clerk, lead_handler, co=("anshun-sw",))
    client.force_login(outsider)
    response = client.get(reverse("tickets:co_inbox"))
    assert response.status_code == 200 and rows(response) == 0


# Measured with 10 rows (and with 1): the count does not grow with rows. Pinned at the measured value.
QUEUE_QUERIES = {
    "extension_queue": 11,
    "termination_queue": 11,
    "callback_queue": 11,
    "returned_queue": 10,
    "review_queue": 11,
    "co_inbox": 10,
}


@pytest.mark.parametrize(
    ("queue", "builder", "who"),
    [
        ("extension_queue", with_extension, "office_clerk"),
        ("termination_queue", with_termination, "office_clerk"),
        ("callback_queue", closed_ticket, "office_clerk"),
        ("returned_queue", returned, "office_clerk"),
        ("review_queue", in_review, "office_clerk"),
        ("co_inbox", lambda office, handler, **kw: handling_ticket(office, handler, co=("anshun-sw", "anshun-tcj"), **kw),
         "other_handler"),
    ],
)
def test_queue_query_count_does_not_grow_with_rows(client, request, office_clerk, lead_handler, django_assert_max_num_queries,
                                                    queue, builder, who):
    for i in range(10):
        builder(office_clerk, lead_handler, title=f"第{i}件", enterprise_name=f"安顺第{i}测试有限公司")
    client.force_login(request.getfixturevalue(who))
    with django_assert_max_num_queries(QUEUE_QUERIES[queue]):
        response = client.get(reverse(f"tickets:{queue}"))
    assert rows(response) == 10
    assert "安顺第9测试有限公司" in response.content.decode()


# --- provincial escalations ----------------------------------------------------------------------------------------
@pytest.fixture
def escalation(office_clerk, lead_handler):
    ticket = handling_ticket(office_clerk, lead_handler, title="跨省物流审批事项")
    workflow.ticket_escalate(actor=office_clerk, ticket=ticket, reason="涉及省级审批权限")
    return ProvincialEscalation.objects.get(ticket=ticket)


def update_url(escalation):
    return reverse("tickets:escalation_update", args=[escalation.pk])


def test_escalations_list_the_regions_provincial_records_with_a_form_each(client, office_clerk, escalation):
    demand = register(office_clerk, title="需省级协调的用地指标")
    workflow.demand_escalate(actor=office_clerk, demand=demand, reason="用地指标需省级统筹", external_ref="GZ-2026-001")
    client.force_login(office_clerk)
    response = client.get(reverse("tickets:escalations"))
    assert response.status_code == 200
    body = response.content.decode()
    assert escalation.ticket.number in body and "涉及省级审批权限" in body
    assert demand.number in body and "用地指标需省级统筹" in body and 'value="GZ-2026-001"' in body
    assert body.count('action="/office/escalations/') == 2 and "共 2 条" in body


def test_escalation_update_records_the_provincial_progress(client, office_clerk, escalation):
    client.force_login(office_clerk)
    prefix = f"e{escalation.pk}"
    response = client.post(update_url(escalation), {f"{prefix}-status": "accepted", f"{prefix}-external_ref": "GZ-2026-088",
                                                    f"{prefix}-result": ""})
    assert response.status_code == 302 and response.url == reverse("tickets:escalations")
    assert "已更新省级提级记录。" in flashed(response)
    escalation.refresh_from_db()
    assert escalation.status == "accepted" and escalation.external_ref == "GZ-2026-088"
    assert escalation.ticket.events.filter(action="escalation_update").exists()
    response = client.post(update_url(escalation), {f"{prefix}-status": "resolved", f"{prefix}-external_ref": "GZ-2026-088",
                                                    f"{prefix}-result": "省发改委已协调解决"})
    escalation.refresh_from_db()
    assert escalation.status == "resolved" and escalation.result == "省发改委已协调解决"


def test_resolved_without_a_result_is_refused_and_nothing_changes(client, office_clerk, escalation):
    client.force_login(office_clerk)
    prefix = f"e{escalation.pk}"
    response = client.post(update_url(escalation), {f"{prefix}-status": "resolved", f"{prefix}-external_ref": "GZ-1",
                                                    f"{prefix}-result": ""})
    assert response.status_code == 302
    assert "提级记录未更新：省级已办结时请填写处理结果。" in flashed(response)
    escalation.refresh_from_db()
    assert escalation.status == "submitted" and escalation.external_ref == ""
    assert not escalation.ticket.events.filter(action="escalation_update").exists()


def test_escalation_update_with_an_unknown_status_says_so_in_chinese(client, office_clerk, escalation):
    client.force_login(office_clerk)
    prefix = f"e{escalation.pk}"
    response = client.post(update_url(escalation), {f"{prefix}-status": "lost"})
    messages = flashed(response)
    assert len(messages) == 1 and messages[0].startswith("提级记录未更新：")
    escalation.refresh_from_db()
    assert escalation.status == "submitted"


def test_another_regions_office_gets_404_on_the_citys_escalation_and_does_not_list_it(client, county_office, escalation):
    client.force_login(county_office)
    prefix = f"e{escalation.pk}"
    assert client.post(update_url(escalation), {f"{prefix}-status": "accepted"}).status_code == 404
    body = client.get(reverse("tickets:escalations")).content.decode()
    assert escalation.ticket.number not in body and "暂无提级记录" in body


@pytest.mark.parametrize("who", ["lead_handler", "specialist", "government_user", "enterprise_user"])
def test_non_office_roles_get_403_on_escalations(client, request, escalation, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("tickets:escalations")).status_code == 403
    assert client.post(update_url(escalation), {}).status_code == 403
    assert ProvincialEscalation.objects.get(pk=escalation.pk).status == "submitted"


def test_escalation_list_is_get_only_and_the_update_post_only(client, office_clerk, escalation):
    client.force_login(office_clerk)
    assert client.post(reverse("tickets:escalations")).status_code == 405
    assert client.get(update_url(escalation)).status_code == 405


def test_escalation_list_query_count_does_not_grow_with_rows(client, office_clerk, lead_handler, django_assert_max_num_queries):
    for i in range(10):
        ticket = handling_ticket(office_clerk, lead_handler, title=f"提级{i}")
        workflow.ticket_escalate(actor=office_clerk, ticket=ticket, reason=f"原因{i}")
    client.force_login(office_clerk)
    with django_assert_max_num_queries(ESCALATION_QUERIES):
        response = client.get(reverse("tickets:escalations"))
    assert response.content.decode().count('action="/office/escalations/') == 10


ESCALATION_QUERIES = 8


# --- sampled callbacks -----------------------------------------------------------------------------------------------
@pytest.fixture
def xixiu_october(county_office, xixiu_handler):
    """12 xixiu tickets first closed in October 2026: the city samples 2 of them."""
    tickets = []
    for day in range(8, 20):
        with time_machine.travel(datetime(2026, 10, day, 10, 0, tzinfo=SH), tick=False):
            tickets.append(county(closed_ticket, county_office, xixiu_handler, title=f"西秀10月{day}日办结"))
    return tickets


@pytest.fixture
def november():
    with time_machine.travel(datetime(2026, 11, 10, 9, 0, tzinfo=SH), tick=False):
        yield


@pytest.fixture
def xixiu_batch(xixiu_october):
    batches = sample_callbacks(region=Region.objects.get(code="anshun"), month=date(2026, 10, 1))
    return next(b for b in batches if b.region.code == "xixiu")


SAMPLING = "/office/sampling/"


def test_city_office_draws_a_month_and_the_batches_are_listed(client, office_clerk, xixiu_october, november):
    client.force_login(office_clerk)
    assert reverse("tickets:sampling_list") == SAMPLING
    response = client.post(SAMPLING, {"month": "2026-10"})
    assert response.status_code == 302 and response.url == SAMPLING
    assert "已抽取 2026-10 的抽访工单，共 2 件。" in flashed(response)
    assert SamplingBatch.objects.count() == 8  # one per county, empty ones included
    xixiu = SamplingBatch.objects.get(region__code="xixiu")
    assert xixiu.closed_count == 12 and xixiu.tickets.count() == 2
    body = client.get(SAMPLING).content.decode()
    assert "西秀区" in body and "2026-10" in body and "0 / 2" in body
    assert reverse("tickets:sampling_detail", args=[xixiu.pk]) in body


def test_drawing_the_same_month_again_picks_the_same_tickets(client, office_clerk, xixiu_october, november):
    client.force_login(office_clerk)
    client.post(SAMPLING, {"month": "2026-10"})
    picked = set(SamplingBatch.objects.get(region__code="xixiu").tickets.values_list("pk", flat=True))
    response = client.post(SAMPLING, {"month": "2026-10"})
    assert "共 2 件" in flashed(response)[0]
    assert SamplingBatch.objects.count() == 8
    assert set(SamplingBatch.objects.get(region__code="xixiu").tickets.values_list("pk", flat=True)) == picked
    # Even a fresh draw of the same inputs lands on the same tickets.
    SamplingBatch.objects.all().delete()
    client.post(SAMPLING, {"month": "2026-10"})
    assert set(SamplingBatch.objects.get(region__code="xixiu").tickets.values_list("pk", flat=True)) == picked


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("", "请选择月份。"),
        ("2026-13", "月份格式不正确，应为 YYYY-MM。"),
        ("十月", "月份格式不正确，应为 YYYY-MM。"),
        ("2026-10-01", "月份格式不正确，应为 YYYY-MM。"),
        ("2026-12", "不能抽取尚未开始的月份。"),
    ],
)
def test_a_bad_month_is_explained_and_nothing_is_drawn(client, office_clerk, november, month, message):
    client.force_login(office_clerk)
    response = client.post(SAMPLING, {"month": month})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<div class="invalid-feedback d-block">{message}</div>' in body
    assert f'value="{month}"' in body if month else True
    assert not SamplingBatch.objects.exists()


@pytest.mark.parametrize("who", ["county_office", "lead_handler", "specialist", "government_user", "enterprise_user"])
def test_only_an_office_with_regions_below_samples(client, request, who, xixiu_batch):
    client.force_login(request.getfixturevalue(who))
    assert client.get(SAMPLING).status_code == 403
    assert client.post(SAMPLING, {"month": "2026-10"}).status_code == 403
    assert client.get(reverse("tickets:sampling_detail", args=[xixiu_batch.pk])).status_code == 403
    assert SamplingBatch.objects.count() == 8


def test_sampling_screens_refuse_other_methods(client, office_clerk, xixiu_batch):
    client.force_login(office_clerk)
    assert client.put(SAMPLING).status_code == 405
    assert client.delete(reverse("tickets:sampling_detail", args=[xixiu_batch.pk])).status_code == 405


def detail(batch):
    return reverse("tickets:sampling_detail", args=[batch.pk])


def callback_data(ticket, **overrides):
    data = {"reached": "yes", "satisfaction": "unsatisfied", "consistent": "no", "meets_standard": "yes",
            "note": "企业反映问题仍未解决"}
    data.update(overrides)
    return {"ticket": ticket.pk, **{f"t{ticket.pk}-{k}": v for k, v in data.items()}}


def test_sampling_detail_lists_the_batchs_tickets_with_a_form_each(client, office_clerk, xixiu_batch):
    client.force_login(office_clerk)
    response = client.get(detail(xixiu_batch))
    assert response.status_code == 200
    body = response.content.decode()
    picked = list(xixiu_batch.tickets.all())
    assert len(picked) == 2
    for ticket in picked:
        assert ticket.number in body and f'name="ticket" value="{ticket.pk}"' in body
    assert "西秀区 2026-10 抽访" in body and "当月办结 12 件，抽访 2 件" in body and "已协调办结" in body


def test_a_sampled_callback_is_recorded_without_changing_the_ticket(client, office_clerk, xixiu_batch):
    ticket = xixiu_batch.tickets.order_by("number").first()
    client.force_login(office_clerk)
    response = client.post(detail(xixiu_batch), callback_data(ticket))
    assert response.status_code == 302 and response.url == detail(xixiu_batch)
    assert f"已记录工单 {ticket.number} 的抽访结果。" in flashed(response)
    record = Callback.objects.get(ticket=ticket)
    assert record.sampled and record.batch == xixiu_batch and record.failed and not record.consistent
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.CLOSED
    body = client.get(detail(xixiu_batch)).content.decode()
    assert "抽访不合格" in body and "企业反映问题仍未解决" in body
    assert "1 / 2" in client.get(SAMPLING).content.decode()


def test_an_incomplete_sampled_callback_shows_the_errors_and_saves_nothing(client, office_clerk, xixiu_batch):
    ticket = xixiu_batch.tickets.order_by("number").first()
    client.force_login(office_clerk)
    response = client.post(detail(xixiu_batch), callback_data(ticket, satisfaction="", consistent="", meets_standard="",
                                                              note="打通了但没说完"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_t{ticket.pk}-satisfaction_error">请选择满意度。</div>' in body
    assert "打通了但没说完" in body  # what was typed stays
    assert not Callback.objects.exists()


def test_unreached_sampled_callback_needs_a_note(client, office_clerk, xixiu_batch):
    ticket = xixiu_batch.tickets.order_by("number").first()
    client.force_login(office_clerk)
    response = client.post(detail(xixiu_batch), callback_data(ticket, reached="no", note=""))
    assert response.status_code == 200
    assert "未联系上时请记录联系情况" in response.content.decode()
    assert not Callback.objects.exists()


@pytest.mark.parametrize("which", ["not_picked", "city", "garbage", "missing"])
def test_a_ticket_outside_the_batch_gets_404(client, office_clerk, lead_handler, xixiu_october, xixiu_batch, which):
    picked = set(xixiu_batch.tickets.values_list("pk", flat=True))
    other = {
        "not_picked": lambda: next(t for t in xixiu_october if t.pk not in picked).pk,
        "city": lambda: closed_ticket(office_clerk, lead_handler).pk,
        "garbage": lambda: "abc",
        "missing": lambda: "",
    }[which]()
    client.force_login(office_clerk)
    data = {"ticket": other, f"t{other}-reached": "no", f"t{other}-note": "x"}
    assert client.post(detail(xixiu_batch), data).status_code == 404
    assert not Callback.objects.exists()


def test_sampling_list_query_count_does_not_grow_with_batches(client, office_clerk, xixiu_october, django_assert_max_num_queries):
    for month in range(1, 11):
        sample_callbacks(region=Region.objects.get(code="anshun"), month=date(2026, month, 1))
    client.force_login(office_clerk)
    with django_assert_max_num_queries(SAMPLING_LIST_QUERIES):
        response = client.get(SAMPLING)
    assert response.content.decode().count("<tr>") >= 20


def test_sampling_detail_query_count_does_not_grow_with_tickets(client, office_clerk, county_office, xixiu_handler,
                                                                 django_assert_max_num_queries):
    with time_machine.travel(datetime(2026, 10, 12, 10, 0, tzinfo=SH), tick=False):
        tickets = [county(closed_ticket, county_office, xixiu_handler, title=f"批量{i}") for i in range(10)]
    # A batch of ten (drawing ten takes 91 closed tickets; the draw itself is tested above).
    batch = SamplingBatch.objects.create(
        region=Region.objects.get(code="xixiu"), sampling_region=Region.objects.get(code="anshun"), month=date(2026, 10, 1),
        closed_count=100, created_at=timezone.now(),
    )
    batch.tickets.set(tickets)
    workflow.ticket_sampled_callback(actor=office_clerk, batch=batch, ticket=tickets[0], reached=False, note="未接通")
    client.force_login(office_clerk)
    with django_assert_max_num_queries(SAMPLING_DETAIL_QUERIES):
        response = client.get(detail(batch))
    assert response.content.decode().count('name="ticket"') == 10


SAMPLING_LIST_QUERIES = 11
SAMPLING_DETAIL_QUERIES = 12
