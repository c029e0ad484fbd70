"""The office's verification queue: only its own region's enterprises (404 for another region's office, 403 for other
roles); the licence beside the data through the checked download; approve, or reject with a reason sent by SMS."""

import pytest
from django.urls import reverse

from enterprises.models import Licence, Verification
from qiyezhijia.menu import menu_for

pytestmark = pytest.mark.django_db
QUEUE = reverse("enterprises:verification_queue")


def detail(user):
    return reverse("enterprises:verification_detail", args=[user.enterprise_id])


def licence_url(user):
    return reverse("enterprises:licence_file", args=[Licence.objects.get(enterprise_id=user.enterprise_id).pk])


def test_county_office_sees_its_county_enterprise_in_the_queue_with_a_menu_count(client, county_office, applicant):
    client.force_login(county_office)
    html = client.get(QUEUE).content.decode()
    assert "西秀新注册科技有限公司" in html and "待认证 1 家" in html
    entry = next(item for item in menu_for(county_office) if item["label"] == "企业认证")
    assert entry["count"] == "1"


def test_city_office_does_not_see_a_county_enterprise(client, office_clerk, applicant):
    client.force_login(office_clerk)
    assert "西秀新注册科技有限公司" not in client.get(QUEUE).content.decode()
    assert client.get(detail(applicant)).status_code == 404
    assert client.get(licence_url(applicant)).status_code == 404


def test_wrong_role_gets_403(client, lead_handler, applicant):
    client.force_login(lead_handler)
    assert client.get(QUEUE).status_code == 403
    assert client.get(detail(applicant)).status_code == 403


def test_detail_shows_the_licence_image_beside_the_data(client, county_office, applicant):
    client.force_login(county_office)
    html = client.get(detail(applicant)).content.decode()
    assert 'data-testid="licence-image"' in html and licence_url(applicant) in html
    assert "申请人（139****0021）" in html
    response = client.get(licence_url(applicant))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_enterprise_administrator_may_read_its_own_licence_and_nobody_else(client, applicant, enterprise_user):
    client.force_login(applicant)
    assert client.get(licence_url(applicant)).status_code == 200
    client.force_login(enterprise_user)
    assert client.get(licence_url(applicant)).status_code == 404


def test_approve(client, county_office, applicant, sms):
    client.force_login(county_office)
    response = client.post(detail(applicant), {"decision": "approve"})
    assert response.status_code == 302
    verification = Verification.objects.get(pk=applicant.enterprise_id)
    assert verification.status == Verification.Status.VERIFIED
    assert verification.verified_by == county_office and verification.verified_at is not None


def test_reject_needs_a_reason_and_sends_it_by_sms(client, county_office, applicant, sms, django_capture_on_commit_callbacks):
    client.force_login(county_office)
    page = client.post(detail(applicant), {"decision": "reject", "reason": ""})
    assert page.status_code == 200 and "请填写不通过原因" in page.content.decode()
    assert Verification.objects.get(pk=applicant.enterprise_id).status == Verification.Status.UNVERIFIED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(detail(applicant), {"decision": "reject", "reason": "营业执照照片不清晰"})
    verification = Verification.objects.get(pk=applicant.enterprise_id)
    assert verification.status == Verification.Status.REJECTED and verification.reason == "营业执照照片不清晰"
    assert any(to == "13985300021" and "营业执照照片不清晰" in text for to, text in sms)


def test_a_decided_enterprise_is_not_decided_again(client, county_office, applicant):
    client.force_login(county_office)
    client.post(detail(applicant), {"decision": "approve"})
    client.post(detail(applicant), {"decision": "reject", "reason": "重复"})
    assert Verification.objects.get(pk=applicant.enterprise_id).status == Verification.Status.VERIFIED


def test_rejected_administrator_uploads_a_new_licence_and_waits_again(client, county_office, applicant):
    from enterprises.tests.helpers import pdf

    client.force_login(county_office)
    client.post(detail(applicant), {"decision": "reject", "reason": "不清晰"})
    client.force_login(applicant)
    home = client.get(reverse("enterprises:home")).content.decode()
    assert "企业认证未通过：不清晰" in home
    bad = client.post(reverse("enterprises:licence_resubmit"), {"licence": pdf("执照.exe")})
    assert bad.status_code == 200 and "营业执照只能上传" in bad.content.decode()
    client.post(reverse("enterprises:licence_resubmit"), {"licence": pdf()})
    assert Verification.objects.get(pk=applicant.enterprise_id).status == Verification.Status.UNVERIFIED
    assert Licence.objects.filter(enterprise_id=applicant.enterprise_id).count() == 2


def test_get_of_the_licence_needs_login(client, applicant):
    assert client.get(licence_url(applicant)).status_code == 302
