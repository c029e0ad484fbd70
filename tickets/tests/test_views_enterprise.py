"""Enterprise screens: submitting a demand online and "我的诉求"."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import EnterpriseUserFactory
from enterprises.tests.helpers import PNG
from tickets import workflow
from tickets.models import Attachment, Demand
from tickets.tests.helpers import register

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
SUBMIT = reverse("tickets:submit")
MINE = reverse("tickets:my_demands")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _form(**overrides):
    data = {
        "title": "厂房消防验收排期过长",
        "content": "新建厂房已具备验收条件，申请消防验收两个月仍未排期。",
        "domain": "business_env",
        "requester_name": "刘晓燕",
        "requester_phone": "13985300001",
    }
    data.update(overrides)
    return data


def _pdf(name="消防验收申请.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


# --- submit ---------------------------------------------------------------------------------------------------------
def test_form_shows_own_enterprise_read_only_and_prefills_the_contact(client, enterprise_user):
    enterprise_user.enterprise.contact_phone = "0851-33220000"
    enterprise_user.enterprise.save()
    client.force_login(enterprise_user)
    response = client.get(SUBMIT)
    html = response.content.decode()
    assert response.status_code == 200
    assert enterprise_user.enterprise.name in html and enterprise_user.enterprise.uscc in html
    form = response.context["form"]
    assert form["requester_name"].value() == enterprise_user.get_full_name()
    assert form["requester_phone"].value() == "0851-33220000"
    assert 'type="file"' in html and "multiple" in html and "20 MB" in html
    assert "惠企政策兑现" in html  # domains by their Chinese names


def test_own_phone_is_preferred_to_the_enterprise_phone(client, enterprise_user):
    enterprise_user.phone = "13700000000"
    enterprise_user.save()
    client.force_login(enterprise_user)
    assert client.get(SUBMIT).context["form"]["requester_phone"].value() == "13700000000"


def test_submitting_registers_an_online_demand_and_shows_its_status_page(client, enterprise_user):
    client.force_login(enterprise_user)
    with time_machine.travel(datetime(2026, 9, 18, 10, 0, tzinfo=SH), tick=False):
        response = client.post(SUBMIT, {**_form(), "files": [_pdf(), SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")]}, follow=True)
    demand = Demand.objects.get()
    assert response.redirect_chain[-1][0] == reverse("tickets:demand_detail", args=[demand.pk])
    assert (demand.channel, demand.enterprise, demand.state) == ("online", enterprise_user.enterprise, "registered")
    assert demand.registered_by == enterprise_user and demand.domain.code == "business_env"
    assert sorted(a.original_name for a in demand.attachments.all()) == ["消防验收申请.pdf", "现场照片.png"]
    html = response.content.decode()
    assert f"编号 {demand.number}" in html and "1 个工作日内研判" in html
    assert "联合服务办公室正在研判，预计在9月20日（周日）前完成" in html


def test_missing_title_keeps_what_was_typed_and_saves_nothing(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(SUBMIT, {**_form(title=""), "files": [_pdf()]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写标题。" in html
    assert "新建厂房已具备验收条件" in html and 'value="13985300001"' in html
    assert "附件需要重新选择" in html
    assert not Demand.objects.exists() and not Attachment.objects.exists()


def test_bad_phone_and_file_type_are_explained_next_to_the_fields(client, enterprise_user):
    client.force_login(enterprise_user)
    bad_file = SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(SUBMIT, {**_form(requester_phone="abc"), "files": [bad_file]})
    errors = response.context["form"].errors
    assert "联系电话格式不正确" in errors["requester_phone"][0]
    assert "不支持的文件类型" in errors["files"][0]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Demand.objects.exists()


def test_unknown_domain_is_refused(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(SUBMIT, _form(domain="nope"))
    assert response.context["form"].errors["domain"] == ["请选择有效的业务领域。"]
    assert not Demand.objects.exists()


@pytest.mark.parametrize("persona", ["office_clerk", "lead_handler", "specialist", "platform_admin"])
def test_staff_cannot_submit_as_an_enterprise(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(SUBMIT).status_code == 403
    assert client.post(SUBMIT, _form()).status_code == 403
    assert not Demand.objects.exists()


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(SUBMIT)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


# --- my demands -----------------------------------------------------------------------------------------------------
def test_my_demands_lists_only_my_enterprise_newest_first(client, enterprise_user, office_clerk):
    with time_machine.travel(datetime(2026, 9, 14, 9, 0, tzinfo=SH), tick=False):
        older = register(enterprise_user, channel="online", title="较早的诉求")
    with time_machine.travel(datetime(2026, 9, 15, 9, 0, tzinfo=SH), tick=False):
        newer = register(enterprise_user, channel="online", title="较新的诉求")
        workflow.demand_request_materials(actor=office_clerk, demand=newer, missing="营业执照副本")
    stranger = EnterpriseUserFactory()
    register(stranger, channel="online", title="别家企业的诉求")
    client.force_login(enterprise_user)
    response = client.get(MINE)
    assert [d.pk for d in response.context["page"]] == [newer.pk, older.pk]
    html = response.content.decode()
    assert "别家企业的诉求" not in html
    assert "请补充以下材料：营业执照副本" in html and "待补充材料" in html
    assert older.number in html and reverse("tickets:demand_detail", args=[older.pk]) in html
    assert "共 2 条诉求" in html


def test_my_demands_paginates(client, enterprise_user):
    for i in range(23):
        register(enterprise_user, channel="online", title=f"诉求{i}")
    client.force_login(enterprise_user)
    first = client.get(MINE)
    assert len(first.context["page"]) == 20 and "第 1 / 2 页" in first.content.decode()
    assert len(client.get(MINE, {"page": 2}).context["page"]) == 3
    assert client.get(MINE, {"page": "abc"}).status_code == 200


# Session, user, count, page, enterprise (top bar), region (top bar), plus room for the menu's queue counts.
MY_DEMANDS_QUERIES = 9


def test_my_demands_query_count_does_not_grow_with_rows(client, enterprise_user, office_clerk, django_assert_max_num_queries):
    for _ in range(12):
        demand = register(enterprise_user, channel="online")
        workflow.demand_form_ticket(actor=office_clerk, demand=demand, category="consultation", lead_department="anshun-sw")
    client.force_login(enterprise_user)
    with django_assert_max_num_queries(MY_DEMANDS_QUERIES):
        response = client.get(MINE)
    assert response.content.decode().count("由国家税务总局安顺市税务局牵头办理") == 12


def test_my_demands_are_searched_by_number_title_or_content_word(client, enterprise_user):
    cold = register(enterprise_user, channel="online", title="食品生产许可延续", content="新建冷库已投用，需重新现场核查。")
    road = register(enterprise_user, channel="online", title="厂区道路破损", content="货车通行困难。")
    client.force_login(enterprise_user)
    for q, found in [("冷库", cold), ("许可", cold), ("道路", road), (road.number[-5:], road), (road.number.lower(), road)]:
        response = client.get(MINE, {"q": q})
        assert [d.pk for d in response.context["page"]] == [found.pk], q
    body = client.get(MINE, {"q": "冷库"}).content.decode()
    assert "找到 1 条与“冷库”有关的诉求" in body and road.number not in body


def test_my_demands_search_never_finds_another_enterprises_demands(client, enterprise_user):
    mine = register(enterprise_user, channel="online", title="我方冷库用电增容")
    stranger = EnterpriseUserFactory()
    theirs = register(stranger, channel="online", title="他方冷库用电增容")
    client.force_login(enterprise_user)
    response = client.get(MINE, {"q": "冷库"})
    assert [d.pk for d in response.context["page"]] == [mine.pk]
    response = client.get(MINE, {"q": theirs.number})
    body = response.content.decode()
    assert list(response.context["page"]) == [] and "本企业没有与" in body and "他方冷库用电增容" not in body


def test_my_demands_search_explains_a_one_character_keyword(client, enterprise_user):
    demand = register(enterprise_user, channel="online")
    client.force_login(enterprise_user)
    response = client.get(MINE, {"q": "税"})
    body = response.content.decode()
    assert "至少需要 2 个字符" in body and 'aria-invalid="true"' in body
    assert [d.pk for d in response.context["page"]] == [demand.pk]  # the list stays, unfiltered


def test_staff_have_no_my_demands_page(client, office_clerk):
    client.force_login(office_clerk)
    assert client.get(MINE).status_code == 403


def test_enterprise_sees_the_result_of_its_demand_and_a_way_to_rate_it(client, office_clerk, lead_handler, enterprise_user, specialist):
    from tickets import workflow
    from tickets.tests.helpers import register

    mine = register(enterprise_user, channel="online")
    mine = workflow.demand_form_ticket(actor=office_clerk, demand=mine, category="consultation", lead_department="anshun-scjg")
    merged = register(specialist, channel="hall", enterprise_name=enterprise_user.enterprise.name,
                      enterprise_uscc=enterprise_user.enterprise.uscc)
    from django.utils import timezone
    workflow.demand_merge(actor=office_clerk, demand=merged, into=mine.ticket_id,
                          consent={"by": "刘晓燕", "method": "phone", "at": timezone.now()})
    ticket = workflow.ticket_sign(actor=lead_handler, ticket=mine.ticket)
    workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="已答复企业技改资金申报条件")
    client.force_login(enterprise_user)
    for demand in (mine, merged):
        body = client.get(f"/demands/{demand.pk}/").content.decode()
        assert "已答复企业技改资金申报条件" in body and "查看办理结果并评价" in body
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="action-rate"' in page
