"""Sign-up (/signup/): a new uscc creates an unverified enterprise with this person as its administrator; a known uscc
sends a join request instead; bad input re-renders with the Chinese error and saves nothing; rate limits."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.login_names import GENERATED
from accounts.models import Enterprise, Region, User
from accounts.tests.factories import (
    EnterpriseFactory,
    EnterpriseUserFactory,
    valid_uscc,
)
from enterprises import limits
from enterprises.models import (
    Consent,
    EnterpriseAdmin,
    JoinRequest,
    Licence,
    PhoneCode,
    Verification,
)
from enterprises.privacy import PRIVACY_VERSION
from enterprises.tests.helpers import last_code, pdf, png
from qiyezhijia.testing import committed

pytestmark = pytest.mark.django_db
URL = reverse("enterprises:signup")
PHONE = "13985300011"
PASSWORD = "Qyzj-2026-secure"
USCC = valid_uscc(77)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def send_code(client, phone=PHONE, **extra):
    with committed():
        return client.post(URL, {"action": "send_code", "phone": phone, **extra})


def form(code, **overrides):
    data = {
        "action": "signup", "enterprise_name": "安顺测试新材料有限公司", "uscc": USCC.lower(), "region": "xixiu",
        "person_name": "王小明", "phone": PHONE, "code": code, "password1": PASSWORD, "password2": PASSWORD,
        "licence": pdf(), "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_new_uscc_creates_an_unverified_enterprise_with_the_person_as_administrator(client, sms):
    page = send_code(client)
    assert page.status_code == 200 and "验证码已发送至 139****0011" in page.content.decode()
    response = client.post(URL, form(last_code(sms)))
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:home")
    enterprise = Enterprise.objects.get(uscc=USCC)  # normalised to upper case
    assert enterprise.region == Region.objects.get(code="xixiu")
    user = User.objects.with_phone(PHONE).get()
    assert user.is_active and user.enterprise == enterprise and user.check_password(PASSWORD)
    # The username is generated and says nothing about the person (SECURITY.md §5); the phone logs in.
    assert GENERATED.match(user.username) and PHONE[-4:] not in user.username
    assert Client().login(username=PHONE, password=PASSWORD) and Client().login(username=user.username, password=PASSWORD)
    assert Verification.objects.get(enterprise=enterprise).status == Verification.Status.UNVERIFIED
    assert EnterpriseAdmin.objects.get(enterprise=enterprise).user == user
    assert Licence.objects.get(enterprise=enterprise).content_type == "application/pdf"
    consent = Consent.objects.get(user=user)
    assert consent.version == PRIVACY_VERSION and consent.consented_at is not None
    # The first screen says what to do next.
    home = client.get(response["Location"]).content.decode()
    assert "企业认证审核中" in home and "认证期间不影响反映诉求" in home and reverse("tickets:submit") in home


def test_an_unverified_enterprise_can_submit_and_track_a_demand_at_once(client, sms):
    from tickets.models import Demand

    send_code(client)
    client.post(URL, form(last_code(sms)))
    assert Verification.objects.get().status == Verification.Status.UNVERIFIED
    response = client.post(reverse("tickets:submit"), {
        "title": "厂房用电增容", "content": "新厂房需要增容 800 千伏安，申请两个月未答复。", "domain": "financing",
        "requester_name": "王小明", "requester_phone": PHONE,
    })
    demand = Demand.objects.get(title="厂房用电增容")
    assert response.status_code == 302 and demand.enterprise.uscc == USCC
    assert demand.number in client.get(reverse("tickets:my_demands")).content.decode()


def test_known_uscc_sends_a_join_request_and_creates_nothing_else(client, sms):
    enterprise = EnterpriseFactory(uscc=USCC)
    admin = EnterpriseUserFactory(enterprise=enterprise, phone="13985300099")
    EnterpriseAdmin.objects.create(enterprise=enterprise, user=admin)
    send_code(client)
    response = client.post(URL, form(last_code(sms), licence=None, enterprise_name="别的名字"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "加入申请已提交" in html and "该企业的管理员同意后" in html
    assert Enterprise.objects.count() == 1 and Enterprise.objects.get().name == enterprise.name
    assert not Licence.objects.exists() and not Verification.objects.exists()
    person = User.objects.with_phone(PHONE).get()
    assert not person.is_active and GENERATED.match(person.username)
    join = JoinRequest.objects.get()
    assert join.user == person and join.status == JoinRequest.Status.PENDING and join.phone_masked == "139****0011"
    assert not client.login(username=PHONE, password=PASSWORD)


def bad(client, sms, expected: str, **overrides):
    send_code(client)
    code = last_code(sms)
    before = (Enterprise.objects.count(), User.objects.count())
    response = client.post(URL, form(overrides.pop("code", code), **overrides))
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert (Enterprise.objects.count(), User.objects.count()) == before
    assert not Licence.objects.exists()
    return response


def test_bad_check_character_is_refused(client, sms):
    wrong = USCC[:17] + ("0" if USCC[17] != "0" else "1")
    response = bad(client, sms, "统一社会信用代码校验位不正确", uscc=wrong)
    assert 'value="安顺测试新材料有限公司"' in response.content.decode()  # what was typed is kept


def test_wrong_code_is_refused(client, sms):
    bad(client, sms, "验证码不正确，还可尝试 4 次", code="000000")


def test_missing_consent_is_refused(client, sms):
    bad(client, sms, "请阅读并同意《个人信息保护告知》后再注册", consent=None)


def test_licence_of_another_type_is_refused(client, sms):
    bad(client, sms, "营业执照只能上传 JPG、PNG 图片或 PDF 文件", licence=pdf("执照.docx"))


def test_licence_whose_content_does_not_match_is_refused(client, sms):
    bad(client, sms, "内容与扩展名不符", licence=pdf("执照.png"))


def test_a_new_enterprise_needs_a_licence(client, sms):
    bad(client, sms, "首次注册本企业，请上传营业执照", licence=None)


def test_passwords_must_match_and_follow_the_rules(client, sms):
    bad(client, sms, "两次输入的密码不一致", password2="Other-2026-secure")
    bad(client, sms, "id=\"id_password1_error\"", password1="short", password2="short")  # AUTH_PASSWORD_VALIDATORS


def test_a_failed_form_does_not_use_up_the_code(client, sms):
    send_code(client)
    code = last_code(sms)
    client.post(URL, form(code, consent=None))
    response = client.post(URL, form(code, licence=png()))
    assert response.status_code == 302
    assert Licence.objects.get().content_type == "image/png"


def test_a_phone_that_has_an_account_is_told_to_log_in(client, sms):
    EnterpriseUserFactory(phone=PHONE)  # its username is not the phone: the phone is found by its keyed hash
    response = send_code(client)
    assert "该手机号已注册，请直接登录" in response.content.decode()
    assert sms == []


def test_the_code_is_for_sign_up_only(client, sms):
    from enterprises.phonecodes import phone_code_send

    with committed():
        phone_code_send(phone=PHONE, purpose=PhoneCode.Purpose.RESET_PASSWORD)
    bad(client, sms, "验证码不正确", code=last_code(sms))


def test_sign_up_posts_are_rate_limited_per_address(client, sms, one_rate_window):
    for _ in range(limits.SIGNUP.limit):
        client.post(URL, {"action": "signup"})
    response = client.post(URL, {"action": "signup"})
    assert response.status_code == 429 and "操作过于频繁" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_code_requests_are_rate_limited_per_phone(client, sms, one_rate_window):
    for n in range(limits.CODE.limit):
        client.post(URL, {"action": "send_code", "phone": PHONE}, REMOTE_ADDR=f"10.0.0.{n}")
    response = client.post(URL, {"action": "send_code", "phone": PHONE}, REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429


def test_the_form_and_the_privacy_notice_are_public(client):
    page = client.get(URL).content.decode()
    assert "获取验证码" in page and "营业执照" in page and reverse("enterprises:privacy") in page
    assert page.count("<option value=\"") == 1 + 9 and "黄果树旅游区" in page  # the prompt and the nine regions
    notice = client.get(reverse("enterprises:privacy")).content.decode()
    assert PRIVACY_VERSION in notice and "个人信息保护告知" in notice


def test_the_send_code_script_gets_json_and_the_page_stays(client, sms):
    with committed():
        ok = client.post(URL, {"action": "send_code", "phone": PHONE}, HTTP_X_REQUESTED_WITH="fetch")
    assert ok.status_code == 200 and ok.json() == {"ok": True, "message": "验证码已发送至 139****0011，10 分钟内有效。"}
    assert sms[-1][0] == PHONE
    again = client.post(URL, {"action": "send_code", "phone": PHONE}, HTTP_X_REQUESTED_WITH="fetch")
    assert again.status_code == 400 and "秒后再重新获取" in again.json()["message"]
    bad = client.post(URL, {"action": "send_code", "phone": "12345"}, HTTP_X_REQUESTED_WITH="fetch")
    assert bad.status_code == 400 and bad.json()["message"].startswith("请输入 11 位手机号码")
    assert "验证码已发送" not in client.get(URL).content.decode()  # no flashed message left for the next page
