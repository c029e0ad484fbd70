"""Public screens without an account (SECURITY.md §1): a visitor's demand at /demands/new/ — with a verified phone or
anonymously — its number and query code shown once, and /track/; their rate limits."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import Department
from accounts.tests.factories import valid_uscc
from core.hashing import keyed_digest
from enterprises.models import PhoneCode
from notifications.models import Delivery
from qiyezhijia.testing import committed, flashed
from tickets import workflow
from tickets.models import Demand, DemandEvent
from tickets.models.demand import Channel
from tickets.tests.helpers import register
from tickets.tracking import ALPHABET, LENGTH, demand_for_tracking
from tickets.views import public

pytestmark = pytest.mark.django_db
NEW = reverse("tickets:public_submit")
DONE = reverse("tickets:public_done")
TRACK = reverse("tickets:track")
PHONE = "13985300001"
WRONG = "编号或查询码不正确"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _form(**overrides):
    data = {
        "action": "submit",
        "mode": "phone",
        "requester_phone": PHONE,
        "phone_code": "",
        "requester_name": "刘女士",
        "region": "xixiu",
        "title": "开办餐饮店办证进度慢",
        "content": "三周前提交食品经营许可申请，至今没有答复，店面租金一直在付。",
        "domain": "market",
        "enterprise_name": "西秀区好味道餐饮店",
        "enterprise_uscc": valid_uscc(4242),
    }
    data.update(overrides)
    return data


def _anonymous(**overrides):
    return _form(**{"mode": "anonymous", "requester_phone": "", "requester_name": "", "enterprise_name": "",
                    "enterprise_uscc": "", **overrides})


def _pdf(name="受理回执.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def _code_sent(sms, phone=PHONE) -> str:
    texts = [text for to, text in sms if to == phone and "验证码" in text]
    return re.search(r"\d{6}", texts[-1]).group()


def _request_code(client, sms, **overrides) -> str:
    with committed():
        response = client.post(NEW, _form(action="send_code", **overrides))
    assert response.status_code == 200
    return _code_sent(sms)


def _done(client):
    page = client.get(DONE)
    assert page.status_code == 200
    text = page.content.decode()
    number = re.search(r'data-testid="public-number">([^<]+)<', text).group(1)
    code = re.search(r'data-testid="public-code">([^<]+)<', text).group(1)
    return page, number, code


# --- the form -------------------------------------------------------------------------------------------------------
def test_form_opens_without_login_and_the_login_page_links_both_pages(client):
    page = client.get(NEW)
    assert page.status_code == 200
    for label in ("获取验证码", "匿名提交", "诉求所在区域", "统一社会信用代码", "提交诉求"):
        assert label in page.content.decode()
    login = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{NEW}"' in login and "无需注册，在线反映问题" in login
    assert f'href="{TRACK}"' in login and "查询办理进度" in login


def test_getting_a_code_keeps_what_was_typed_and_saves_no_demand(client, sms):
    with committed():
        response = client.post(NEW, _form(action="send_code", title="我先写好的标题"))
    assert response.status_code == 200
    assert "验证码已发送至 139****0001" in " ".join(flashed(response))
    assert 'value="我先写好的标题"' in response.content.decode()
    assert "请填写短信验证码" not in response.content.decode()  # the unfinished form is not an error yet
    assert len(_code_sent(sms)) == 6
    assert PhoneCode.objects.get().purpose == PhoneCode.Purpose.PUBLIC_SUBMIT
    assert not Demand.objects.exists()


def test_a_bad_phone_gets_no_code(client, sms):
    with committed():
        response = client.post(NEW, _form(action="send_code", requester_phone="12345"))
    assert "请输入 11 位手机号码" in response.content.decode()
    assert sms == [] and not PhoneCode.objects.exists()


def test_no_code_is_sent_while_anonymous_is_chosen(client, sms):
    with committed():
        response = client.post(NEW, _form(action="send_code", mode="anonymous"))
    assert "匿名提交不需要验证码" in response.content.decode()
    assert sms == []


def test_logged_in_enterprise_user_is_sent_to_its_own_form(client, enterprise_user):
    client.force_login(enterprise_user)
    assert client.get(NEW).url == reverse("tickets:submit")


# --- happy paths ----------------------------------------------------------------------------------------------------
def test_visitor_with_a_verified_phone_submits_and_gets_number_and_code_once(
    client, sms, county_office, django_capture_on_commit_callbacks
):
    code = _request_code(client, sms)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, {**_form(phone_code=code), "files": [_pdf()]})
    assert response.status_code == 302 and response.url == DONE

    demand = Demand.objects.get()
    assert demand.channel == Channel.ONLINE and demand.state == Demand.State.REGISTERED
    assert demand.registered_by is None and not demand.anonymous
    assert (demand.requester_name, demand.requester_phone) == ("刘女士", PHONE)
    assert demand.region.code == "xixiu" and demand.first_contact_department.code == "xixiu-zwfw"
    assert demand.enterprise.uscc == valid_uscc(4242) and demand.triage_due_at is not None
    attachment = demand.attachments.get()
    assert attachment.original_name == "受理回执.pdf" and attachment.uploaded_by is None

    page, number, query_code = _done(client)
    assert number == demand.number
    assert len(query_code) == LENGTH and set(query_code) <= set(ALPHABET)
    assert "只显示这一次" in page.content.decode() and 'data-testid="public-sms-sent"' in page.content.decode()
    # Shown once: the page cannot be opened again.
    again = client.get(DONE)
    assert again.status_code == 302 and again.url == TRACK
    # The verified phone also receives both.
    assert any(to == PHONE and demand.number in text and query_code in text for to, text in sms)

    # The county office triages it like any online demand; its timeline names the visitor.
    client.force_login(county_office)
    assert demand.number in client.get(reverse("tickets:triage_queue")).content.decode()
    detail = client.get(reverse("tickets:demand_detail", args=[demand.pk])).content.decode()
    assert "访客（网上提交）" in detail
    assert DemandEvent.objects.get(demand=demand, action="register").actor is None


def test_a_failing_sms_gateway_leaves_the_demand_and_logs_no_phone_or_code(
    client, sms, settings, caplog, django_capture_on_commit_callbacks
):
    code = _request_code(client, sms)
    settings.SMS_SENDER = "notifications.tests.sms_doubles.FailingSMSSender"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(NEW, _form(phone_code=code)).status_code == 302
    _, number, query_code = _done(client)
    assert Demand.objects.get().number == number
    # The SMS waits in the outbox for its retry (SECURITY §7); the log names the row, never the phone or the code.
    waiting = Delivery.objects.get(event="query_code")
    assert waiting.status == Delivery.Status.PENDING and waiting.attempts == 1 and waiting.next_attempt_at is not None
    assert f"delivery {waiting.pk} (sms" in caplog.text
    assert PHONE not in caplog.text and query_code not in caplog.text
    assert PHONE not in waiting.error and query_code not in waiting.error


def test_the_query_code_text_is_blanked_in_the_outbox_once_sent(client, sms, django_capture_on_commit_callbacks):
    code = _request_code(client, sms)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(NEW, _form(phone_code=code))
    _, _number, query_code = _done(client)
    assert any(query_code in text for _to, text in sms)
    sent = Delivery.objects.get(event="query_code")
    assert sent.status == Delivery.Status.SENT and sent.body == ""


def test_visitor_submits_anonymously_without_phone_or_name(client, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, _anonymous(requester_phone="13985300009", requester_name="不该保存"))
    assert response.status_code == 302

    demand = Demand.objects.get()
    assert demand.anonymous and demand.enterprise is None and demand.enterprise_name == ""
    assert demand.requester_name == "" and demand.requester_phone == ""
    assert demand.registered_by is None and demand.query_code_digest
    _, number, query_code = _done(client)
    assert number == demand.number and len(query_code) == LENGTH
    assert sms == []  # no phone, no SMS


def test_anonymous_visitor_may_name_the_enterprise(client):
    client.post(NEW, _anonymous(enterprise_name="西秀区好味道餐饮店", enterprise_uscc=valid_uscc(4242)))
    demand = Demand.objects.get()
    assert demand.anonymous and demand.enterprise.uscc == valid_uscc(4242) and demand.requester_phone == ""


def test_query_code_is_stored_only_as_a_keyed_digest(client):
    client.post(NEW, _anonymous())
    _, number, query_code = _done(client)
    demand = Demand.objects.get()
    assert demand.query_code_digest == keyed_digest("demand-query-code", f"{number}:{query_code}")
    stored = [str(value) for value in Demand.objects.values().get().values()]
    stored += [str(value) for row in Demand.history.values() for value in row.values()]
    assert not any(query_code in value for value in stored)


# --- bad input: Chinese errors, nothing saved -----------------------------------------------------------------------
def test_wrong_code_is_refused_and_counts_a_try(client, sms):
    code = _request_code(client, sms)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(NEW, _form(phone_code=wrong))
    assert response.status_code == 200
    assert "验证码不正确，还可尝试 4 次。" in response.content.decode()
    assert 'value="开办餐饮店办证进度慢"' in response.content.decode()
    assert not Demand.objects.exists()
    assert PhoneCode.objects.get().tries == 1


def test_a_code_is_needed_for_a_phone_submission(client, sms):
    response = client.post(NEW, _form(phone_code=""))
    assert "请填写短信验证码" in response.content.decode()
    assert not Demand.objects.exists()


def test_a_mistake_elsewhere_does_not_use_the_code_up(client, sms):
    code = _request_code(client, sms)
    response = client.post(NEW, _form(phone_code=code, title=""))
    assert "请填写标题。" in response.content.decode() and not Demand.objects.exists()
    assert client.post(NEW, _form(phone_code=code)).status_code == 302
    assert Demand.objects.count() == 1


def test_missing_title_keeps_what_was_typed_and_saves_nothing(client):
    response = client.post(NEW, _anonymous(title=""))
    assert response.status_code == 200
    body = response.content.decode()
    assert "请填写标题。" in body and "三周前提交食品经营许可申请" in body
    assert "提交未成功" in " ".join(flashed(response))
    assert not Demand.objects.exists()


def test_bad_uscc_is_explained_and_nothing_saved(client):
    response = client.post(NEW, _anonymous(enterprise_name="某公司", enterprise_uscc="91520400MA6H00000X"))
    assert "统一社会信用代码" in response.content.decode() and "不正确" in response.content.decode()
    assert not Demand.objects.exists()


def test_a_phone_submission_names_its_enterprise(client, sms):
    code = _request_code(client, sms)
    response = client.post(NEW, _form(phone_code=code, enterprise_name="", enterprise_uscc=""))
    assert "请填写企业名称。" in response.content.decode()
    assert not Demand.objects.exists()


def test_bad_file_is_refused_and_nothing_saved(client):
    bad = SimpleUploadedFile("setup.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(NEW, {**_anonymous(), "files": [bad]})
    assert "不支持的文件类型“.exe”" in response.content.decode()
    assert "附件需要重新选择" in " ".join(flashed(response))
    assert not Demand.objects.exists()


def test_no_region_no_demand(client):
    response = client.post(NEW, _anonymous(region=""))
    assert "请选择诉求所在的区域。" in response.content.decode()
    assert not Demand.objects.exists()


def test_a_demand_without_registrar_must_be_a_visitors_online_demand(office_clerk):
    demand = register(office_clerk)
    with pytest.raises(IntegrityError):
        Demand.objects.filter(pk=demand.pk).update(registered_by=None)


# --- tracking -------------------------------------------------------------------------------------------------------
def _submitted(client):
    client.post(NEW, _anonymous())
    _, number, code = _done(client)
    return Demand.objects.get(number=number), code


def test_tracking_shows_the_sentence_only(client):
    demand, code = _submitted(client)
    response = client.post(TRACK, {"number": demand.number, "code": code.lower()})
    body = response.content.decode()
    assert response.status_code == 200
    assert "待研判：</span>联合服务办公室正在研判" in body
    assert demand.content not in body and WRONG not in body


def test_wrong_number_and_wrong_code_read_alike(client, office_clerk):
    demand, code = _submitted(client)
    other_code = "A" * LENGTH if code != "A" * LENGTH else "B" * LENGTH
    staff_demand = register(office_clerk)  # registered by staff: it has no query code at all
    answers = [
        client.post(TRACK, {"number": demand.number, "code": other_code}),
        client.post(TRACK, {"number": "SQ20990101-0001", "code": code}),
        client.post(TRACK, {"number": staff_demand.number, "code": code}),
    ]
    for response in answers:
        body = response.content.decode()
        assert response.status_code == 200
        assert "编号或查询码不正确，请核对后重新输入。" in body and 'data-testid="track-result"' not in body
    assert demand_for_tracking(demand.number, code) == demand


def test_tracking_a_closed_demand_shows_the_result_and_nothing_internal(client, office_clerk, lead_handler):
    client.post(NEW, _anonymous(region="anshun"))
    _, number, code = _done(client)
    demand = workflow.demand_form_ticket(
        actor=office_clerk, demand=Demand.objects.get(number=number), category="coordination", complex=False,
        lead_department="anshun-scjg", co_departments=[],
    )
    ticket = workflow.ticket_sign(actor=lead_handler, ticket=demand.ticket)
    workflow.ticket_close(actor=lead_handler, ticket=ticket, standard="resolved", result="已协调窗口加快办理，许可证已发放",
                          explanation="如仍有问题可拨打 12345")
    body = client.post(TRACK, {"number": number, "code": code}).content.decode()
    assert "已办结，联合服务办公室将回访听取您的意见" in body
    assert "已协调窗口加快办理，许可证已发放" in body and "如仍有问题可拨打 12345" in body
    assert lead_handler.username not in body and office_clerk.username not in body
    assert str(lead_handler) not in body and demand.ticket.number in body  # the sentence names the ticket only


def test_tracking_before_closing_shows_no_result(client, office_clerk):
    client.post(NEW, _anonymous(region="anshun"))
    _, number, code = _done(client)
    workflow.demand_form_ticket(
        actor=office_clerk, demand=Demand.objects.get(number=number), category="coordination", complex=False,
        lead_department="anshun-scjg", co_departments=[],
    )
    body = client.post(TRACK, {"number": number, "code": code}).content.decode()
    assert "已派至牵头部门，等待签收" in body and 'data-testid="track-outcome"' not in body


def test_tracking_a_phone_demand_shows_nobody_and_nothing_of_what_was_asked(client, sms):
    code = _request_code(client, sms)
    client.post(NEW, _form(phone_code=code))
    _, number, query_code = _done(client)
    body = client.post(TRACK, {"number": number, "code": query_code}).content.decode()
    assert 'data-testid="track-standing"' in body
    for private in (PHONE, "139****0001", "刘女士", "西秀区好味道餐饮店", "三周前提交食品经营许可申请", "西秀区政务服务中心"):
        assert private not in body


def test_a_visitor_is_told_where_to_bring_missing_materials(client, office_clerk):
    client.post(NEW, _anonymous(region="anshun"))
    _, number, code = _done(client)
    workflow.demand_request_materials(actor=office_clerk, demand=Demand.objects.get(number=number), missing="门店租赁合同")
    body = client.post(TRACK, {"number": number, "code": code}).content.decode()
    assert "请补充以下材料：门店租赁合同。请将材料送至安顺市“企业之家”联合服务工作机制办公室" in body


def test_an_anonymous_visitor_is_not_promised_a_call_after_rejection(client, office_clerk):
    client.post(NEW, _anonymous(region="anshun"))
    _, number, code = _done(client)
    workflow.demand_reject(actor=office_clerk, demand=Demand.objects.get(number=number), reason="market_dispute", note="属于合同纠纷，建议通过调解解决")
    body = client.post(TRACK, {"number": number, "code": code}).content.decode()
    assert "不予受理：市场主体之间的矛盾纠纷。属于合同纠纷，建议通过调解解决。" in body
    assert "首问部门将与您联系" not in body


# --- rate limits ----------------------------------------------------------------------------------------------------
def test_submissions_are_limited_per_address(client, one_rate_window):
    for _ in range(public.SUBMIT_PER_IP.limit):
        assert client.post(NEW, _anonymous(title="")).status_code == 200
    response = client.post(NEW, _anonymous())
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "操作过于频繁" in response.content.decode()
    assert not Demand.objects.exists()


def test_submissions_are_limited_per_phone(client, one_rate_window):
    for n in range(public.SUBMIT_PER_PHONE.limit):
        assert client.post(NEW, _form(phone_code="123456"), REMOTE_ADDR=f"10.0.0.{n + 1}").status_code == 200
    response = client.post(NEW, _form(requester_phone="139 8530 0001"), REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429
    # Another phone from that address is still welcome.
    assert client.post(NEW, _form(requester_phone="13985300002"), REMOTE_ADDR="10.0.1.1").status_code == 200


def test_code_requests_are_limited_per_address(client, sms, one_rate_window):
    for n in range(public.CODE_PER_IP.limit):
        client.post(NEW, _form(action="send_code", requester_phone=f"139853000{n:02d}"))
    response = client.post(NEW, _form(action="send_code", requester_phone="13985300099"))
    assert response.status_code == 429
    assert not any(to == "13985300099" for to, _ in sms)


def test_tracking_look_ups_are_limited_per_address(client, one_rate_window):
    for _ in range(public.TRACK_PER_IP.limit):
        assert client.post(TRACK, {"number": "SQ20990101-0001", "code": "ABCDEFGH"}).status_code == 200
    response = client.post(TRACK, {"number": "SQ20990101-0001", "code": "ABCDEFGH"})
    assert response.status_code == 429 and response["Retry-After"]
    assert client.get(TRACK).status_code == 200  # reading the empty form costs nothing


def test_track_form_needs_both_fields(client):
    body = client.post(TRACK, {"number": "", "code": ""}).content.decode()
    assert "请填写诉求编号。" in body and "请填写查询码。" in body


def test_county_office_host_exists_for_every_region_offered(client):
    # Every region in the form can receive a demand (the act refuses a region whose office host is missing).
    host = Department.objects.get(code="xixiu-zwfw")
    Department.objects.filter(pk=host.pk).update(active=False)
    response = client.post(NEW, _anonymous())
    assert "尚未配置联合服务办公室承载单位" in response.content.decode()
    assert not Demand.objects.exists()
