"""Department staff's policy screens: list, draft with eligibility, edit, attachments, publish, withdraw, the match
preview; outsiders 404, wrong roles 403, bad input saves nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import department
from policies.models import Policy, PolicyAttachment
from policies.tests.conftest import form_data
from policies.tests.factories import PolicyFactory, verified_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_push(monkeypatch):
    from policies import services

    monkeypatch.setattr(services, "schedule_push", lambda policy: None)


def test_list_shows_my_departments_policies_only(client, gxj_handler):
    mine = PolicyFactory(title="工信局的政策")
    PolicyFactory(title="发改委的政策", department=department("anshun-fgw"))
    client.force_login(gxj_handler)
    response = client.get(reverse("policies:staff_list"))
    assert response.status_code == 200
    assert mine.title in response.content.decode() and "发改委的政策" not in response.content.decode()


def test_office_lists_every_policy_of_its_region(client, office_clerk):
    PolicyFactory(title="工信局的政策")
    PolicyFactory(title="发改委的政策", department=department("anshun-fgw"))
    client.force_login(office_clerk)
    body = client.get(reverse("policies:staff_list")).content.decode()
    assert "工信局的政策" in body and "发改委的政策" in body


@pytest.mark.parametrize("url", ["policies:staff_list", "policies:staff_create"])
def test_wrong_role_gets_403(client, enterprise_user, leader, url):
    for user in (enterprise_user, leader):
        client.force_login(user)
        assert client.get(reverse(url)).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("policies:staff_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_create_a_draft_with_checkbox_eligibility(client, gxj_handler):
    client.force_login(gxj_handler)
    page = client.get(reverse("policies:staff_create")).content.decode()
    assert 'type="checkbox" name="industries" value="C"' in page and 'name="tags" value="gaoxin"' in page
    assert 'name="regions" value="xixiu"' in page
    response = client.post(reverse("policies:staff_create"), form_data(tags=["gaoxin"], regions=["xixiu"], min_years=2))
    policy = Policy.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("policies:staff_detail", args=[policy.pk])
    assert policy.state == "draft" and policy.tags == ["gaoxin"] and policy.regions == ["xixiu"]
    assert policy.min_years == 2 and policy.max_years is None and policy.effective_to is None


def test_bad_input_saves_nothing_and_says_why(client, gxj_handler):
    client.force_login(gxj_handler)
    response = client.post(reverse("policies:staff_create"),
                           form_data(apply_url="http://insecure.example", min_years=5, max_years=2))
    assert response.status_code == 200
    body = response.content.decode()
    assert "https://" in body and "成立年限上限不能小于下限" in body
    assert not Policy.objects.exists()


def test_unknown_checkbox_value_is_refused(client, gxj_handler):
    client.force_login(gxj_handler)
    response = client.post(reverse("policies:staff_create"), form_data(industries=["Z"]))
    assert "无效的选项" in response.content.decode() and not Policy.objects.exists()


def test_edit_a_draft(client, gxj_handler):
    policy = PolicyFactory(industries=["C"])
    client.force_login(gxj_handler)
    form = client.get(reverse("policies:staff_edit", args=[policy.pk]))
    assert form.context["form"]["industries"].value() == ["C"]
    response = client.post(reverse("policies:staff_edit", args=[policy.pk]),
                           form_data(title="改后的政策名称", industries=["C", "I"]))
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.title == "改后的政策名称" and policy.industries == ["C", "I"]


def test_other_departments_policy_is_404(client, fgw_handler, county_office):
    policy = PolicyFactory()
    for user in (fgw_handler, county_office):
        client.force_login(user)
        assert client.get(reverse("policies:staff_detail", args=[policy.pk])).status_code == 404
        assert client.post(reverse("policies:staff_edit", args=[policy.pk]), form_data()).status_code == 404
        assert client.post(reverse("policies:staff_publish", args=[policy.pk])).status_code == 404
    assert Policy.objects.get(pk=policy.pk).state == "draft"


def test_detail_shows_the_match_preview_in_one_query(client, gxj_handler, django_assert_num_queries):
    policy = PolicyFactory(industries=["C"], scales=["small"])
    verified_enterprise(industry="C", scale="small", users=0)
    verified_enterprise(industry="C", scale="small", region="xixiu", users=0)
    verified_enterprise(industry="A", scale="small", users=0)
    client.force_login(gxj_handler)
    response = client.get(reverse("policies:staff_detail", args=[policy.pk]))
    assert response.context["matched"] == 2
    assert "匹配预览" in response.content.decode()
    from policies.selectors import matched_count

    loaded = Policy.objects.select_related("region").get(pk=policy.pk)
    with django_assert_num_queries(1):
        assert matched_count(loaded) == 2


def test_publish_then_withdraw(client, gxj_handler):
    policy = PolicyFactory()
    client.force_login(gxj_handler)
    response = client.post(reverse("policies:staff_publish", args=[policy.pk]), follow=True)
    assert "政策已发布" in response.content.decode()
    assert Policy.objects.get(pk=policy.pk).state == "published"

    response = client.post(reverse("policies:staff_withdraw", args=[policy.pk]), {"reason": ""})
    assert response.status_code == 400 and "请填写撤回原因" in response.content.decode()
    assert Policy.objects.get(pk=policy.pk).state == "published"

    response = client.post(reverse("policies:staff_withdraw", args=[policy.pk]), {"reason": "被新政策替代"})
    assert response.status_code == 302
    assert Policy.objects.get(pk=policy.pk).state == "withdrawn"


def test_publishing_twice_says_why(client, gxj_handler):
    policy = PolicyFactory(state="published")
    client.force_login(gxj_handler)
    response = client.post(reverse("policies:staff_publish", args=[policy.pk]), follow=True)
    assert "只有草稿可以发布" in response.content.decode()


def test_publish_is_post_only(client, gxj_handler):
    policy = PolicyFactory()
    client.force_login(gxj_handler)
    assert client.get(reverse("policies:staff_publish", args=[policy.pk])).status_code == 405


def test_office_withdraws_another_departments_policy(client, office_clerk):
    policy = PolicyFactory(state="published", department=department("anshun-fgw"))
    client.force_login(office_clerk)
    client.post(reverse("policies:staff_withdraw", args=[policy.pk]), {"reason": "与上位政策冲突"})
    assert Policy.objects.get(pk=policy.pk).state == "withdrawn"


def test_attachment_upload_and_permission_checked_download(client, gxj_handler, fgw_handler):
    policy = PolicyFactory()
    client.force_login(gxj_handler)
    upload = SimpleUploadedFile("申报表.pdf", b"%PDF-1.4 form", content_type="application/pdf")
    response = client.post(reverse("policies:staff_attachment", args=[policy.pk]), {"file": upload})
    assert response.status_code == 302
    attachment = PolicyAttachment.objects.get()
    url = reverse("policies:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 200  # the editor reads the draft's file

    client.logout()
    assert client.get(url).status_code == 404  # the draft's file is not public
    client.force_login(fgw_handler)
    assert client.get(url).status_code == 404

    Policy.objects.filter(pk=policy.pk).update(state="published")
    client.logout()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 form"


def test_bad_attachment_saves_nothing(client, gxj_handler):
    policy = PolicyFactory()
    client.force_login(gxj_handler)
    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(reverse("policies:staff_attachment", args=[policy.pk]), {"file": upload})
    assert response.status_code == 400 and "不支持的文件类型" in response.content.decode()
    assert not PolicyAttachment.objects.exists()


def test_menu_lists_policy_management_and_tags_for_department_staff(client, gxj_handler, enterprise_user):
    client.force_login(gxj_handler)
    labels = [item["label"] for item in client.get(reverse("policies:staff_list")).context["menu"]]
    assert "政策管理" in labels and "企业标签认定" in labels and "为我匹配的政策" not in labels
    client.force_login(enterprise_user)
    labels = [item["label"] for item in client.get(reverse("policies:mine")).context["menu"]]
    assert "为我匹配的政策" in labels and "我的企业画像" in labels and "政策管理" not in labels


def test_office_drafts_in_the_name_of_a_department_of_its_region(client, office_clerk):
    client.force_login(office_clerk)
    assert 'name="department"' in client.get(reverse("policies:staff_create")).content.decode()
    client.post(reverse("policies:staff_create"), {**form_data(), "department": "anshun-fgw"})
    assert Policy.objects.get().department.code == "anshun-fgw"
    response = client.post(reverse("policies:staff_create"), {**form_data(), "department": "puding-scjg"})
    assert "请选择有效的发布部门" in response.content.decode() and Policy.objects.count() == 1


def test_department_staff_see_no_department_choice(client, gxj_handler):
    client.force_login(gxj_handler)
    assert 'name="department"' not in client.get(reverse("policies:staff_create")).content.decode()
