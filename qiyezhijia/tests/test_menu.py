"""The left menu is a registry each app contributes to: entries by role in one order, queue counts in one query."""

import pytest
from django.urls import reverse

from accounts.tests.factories import EnterpriseUserFactory
from qiyezhijia.menu import menu_counts, menu_for
from tickets import workflow
from tickets.tests.helpers import dispatched_ticket, register

pytestmark = pytest.mark.django_db


def labels(user) -> list[str]:
    return [item["label"] for item in menu_for(user)]


def test_queue_counts_per_role(office_clerk, lead_handler, specialist, government_user):
    dispatched_ticket(office_clerk, registrar=specialist, lead="anshun-scjg", co=["anshun-tcj"])
    register(specialist)
    assert menu_counts(office_clerk) == {
        "triage": 1, "disputes": 0, "extensions": 0, "terminations": 0, "returned": 0, "reviews": 0, "callbacks": 0,
        "supervision_open": 0, "supervision_inbox": 0, "verification": 0, "meeting_follow_ups": 0,
    }
    assert menu_counts(lead_handler) == {
        "to_sign": 1, "handling": 0, "co": 0, "consult": 0, "supervision_inbox": 0, "meeting_follow_ups": 0,
    }
    assert menu_counts(government_user) == {"government": 0}
    assert menu_counts(specialist) == {"callbacks": 0, "consult": 0, "meeting_follow_ups": 0}


def test_counts_follow_the_queues(office_clerk, lead_handler, other_handler):
    ticket = dispatched_ticket(office_clerk, lead="anshun-scjg", co=["anshun-sw"])
    workflow.ticket_sign(actor=lead_handler, ticket=ticket)
    assert menu_counts(lead_handler)["handling"] == 1 and menu_counts(lead_handler)["to_sign"] == 0
    assert menu_counts(other_handler)["co"] == 1
    workflow.ticket_co_feedback(actor=other_handler, ticket=ticket, content="已核实")
    assert menu_counts(other_handler)["co"] == 0  # fed back: nothing waits for the co-department any more


def test_every_count_of_a_menu_is_read_in_one_query(office_clerk, django_assert_num_queries):
    register(office_clerk)
    with django_assert_num_queries(1):
        counts = menu_counts(office_clerk)
    assert counts["triage"] == 1


def test_entries_come_from_every_app_in_one_order(office_clerk, lead_handler, enterprise_user):
    assert labels(office_clerk) == [
        "首页", "企业认证", "待研判", "办理异议", "延期申请", "终止申请", "待回访", "退回重办", "复查复核", "提级记录", "抽访",
        "服务事项", "会议", "督办管理", "督办回复", "登记诉求", "政策管理", "政策触达", "企业标签认定", "宣讲培训", "诉求列表", "商会轮值",
        "工单列表", "运行看板", "台账", "运行报告", "我的账号", "API 文档",
    ]
    assert labels(lead_handler) == [
        "首页", "待签收", "办理中", "我的工单", "协办工单", "服务事项", "会议", "督办回复", "会商意见", "登记诉求", "政策管理", "政策触达", "企业标签认定",
        "宣讲培训", "诉求列表", "商会轮值", "工单列表", "台账", "我的账号", "API 文档",
    ]
    assert labels(enterprise_user) == [
        "首页", "我的企业", "提交诉求", "我的诉求", "为我匹配的政策", "我的惠企红利", "我的企业画像", "我的培训", "我的账号",
    ]


def test_counts_show_beside_their_entries(office_clerk):
    register(office_clerk)
    items = {item["label"]: item for item in menu_for(office_clerk)}
    assert items["待研判"]["count"] == "1" and items["待研判"]["url"] == reverse("tickets:triage_queue")
    assert items["提级记录"]["count"] is None  # a screen without a queue shows no number


def test_an_enterprise_user_has_no_counts(enterprise_user):
    assert menu_counts(EnterpriseUserFactory(username="t_ent2")) == {}


def test_a_long_queue_reads_as_99_plus_and_is_counted_no_further(office_clerk, monkeypatch):
    """Counting stops at the cap (100): a queue of a million costs what a queue of a hundred does."""
    from core import menu

    monkeypatch.setattr(menu, "COUNT_CAP", 3)
    for _ in range(4):
        register(office_clerk)
    assert menu_counts(office_clerk)["triage"] == 3
    items = {item["label"]: item for item in menu_for(office_clerk)}
    assert items["待研判"]["count"] == "2+"
    assert menu.badge(2) == "2" and menu.badge(None) is None


def test_the_statement_is_built_once_per_user_and_counts_what_is_there_now(office_clerk, monkeypatch):
    from core import menu  # where the compiled statements are kept (core.menu.kept_count_query)

    built = []
    original = menu.count_query
    monkeypatch.setattr(menu, "count_query", lambda user, queues: built.append(user.pk) or original(user, queues))
    menu._STATEMENTS.clear()
    assert menu_counts(office_clerk)["triage"] == 0
    register(office_clerk)
    register(office_clerk)
    assert menu_counts(office_clerk)["triage"] == 2  # the kept statement reads the rows of now
    assert built == [office_clerk.pk]


def test_a_user_moved_to_another_office_counts_that_offices_queues(office_clerk, county_office, monkeypatch):
    from accounts.models import Department
    from core import menu

    menu._STATEMENTS.clear()
    register(county_office)  # a demand for the county's office, none for the city's
    assert menu_counts(office_clerk)["triage"] == 0
    office_clerk.department = Department.objects.get(pk=county_office.department_id)
    office_clerk.save(update_fields=["department"])
    assert menu_counts(office_clerk)["triage"] == 1
