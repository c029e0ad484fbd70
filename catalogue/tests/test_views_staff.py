"""Department staff and the office: list, draft, the guide form (materials as rows), publish, retire, files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.models import ServiceItem
from catalogue.tests.helpers import GUIDE, make_item
from qiyezhijia.testing import flashed

pytestmark = pytest.mark.django_db


def form_data(materials=(), **overrides) -> dict:
    data = {k: v for k, v in GUIDE.items() if k != "materials"}
    data.update(overrides)
    rows = list(materials)
    data.update({"materials-TOTAL_FORMS": str(len(rows) + 1), "materials-INITIAL_FORMS": "0",
                 "materials-MIN_NUM_FORMS": "0", "materials-MAX_NUM_FORMS": "100"})
    for i, (name, original, copies, note) in enumerate(rows):
        data.update({f"materials-{i}-name": name, f"materials-{i}-original": "yes" if original else "no",
                     f"materials-{i}-copies": str(copies), f"materials-{i}-note": note})
    n = len(rows)  # one empty row, as the page offers: it is no material
    data.update({f"materials-{n}-name": "", f"materials-{n}-original": "no", f"materials-{n}-copies": "1",
                 f"materials-{n}-note": ""})
    return data


MATERIALS = [("变更登记申请书", True, 1, ""), ("营业执照正副本", True, 1, "换发新照时交回")]


def test_staff_create_a_draft_through_the_form(client, lead_handler):
    client.force_login(lead_handler)
    assert client.get(reverse("catalogue:staff_create")).status_code == 200
    response = client.post(reverse("catalogue:staff_create"), form_data(MATERIALS))
    item = ServiceItem.objects.get()
    assert response.status_code == 302 and response.url == reverse("catalogue:staff_detail", args=[item.code])
    assert item.state == "draft" and item.department.code == "anshun-scjg"
    assert item.materials == [
        {"name": "变更登记申请书", "original": True, "copies": 1, "note": ""},
        {"name": "营业执照正副本", "original": True, "copies": 1, "note": "换发新照时交回"},
    ]
    page = client.get(response.url).content.decode()
    assert "变更登记申请书" in page and item.code in page


def test_more_rows_posts_back_with_three_more_empty_rows_and_saves_nothing(client, lead_handler):
    client.force_login(lead_handler)
    data = form_data(MATERIALS, name="")
    data["more_materials"] = "1"
    response = client.post(reverse("catalogue:staff_create"), data)
    assert response.status_code == 200 and not ServiceItem.objects.exists()
    formset = response.context["formset"]
    assert len(formset.forms) == 6
    body = response.content.decode()
    assert "营业执照正副本" in body and "请填写事项名称" not in body


@pytest.mark.parametrize(
    ("overrides", "materials", "message"),
    [
        ({"online_url": "http://zwfw.guizhou.gov.cn/"}, MATERIALS, "https://"),
        ({"promised_days": "20"}, MATERIALS, "不能超过法定办结时限"),
        ({}, [("", False, 1, "只有备注")], "请填写材料名称"),
        ({}, [("申请书", False, 0, "")], "份数至少 1 份"),
        ({"name": ""}, MATERIALS, "请填写事项名称"),
    ],
)
def test_bad_input_saves_nothing(client, lead_handler, overrides, materials, message):
    client.force_login(lead_handler)
    response = client.post(reverse("catalogue:staff_create"), form_data(materials, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ServiceItem.objects.exists()
    assert "保存未成功，请按提示修改标红的内容。" in flashed(response)


def test_edit_a_published_item_keeps_the_public_page_until_published_again(client, lead_handler):
    item = make_item(lead_handler, publish=True)
    client.force_login(lead_handler)
    edit = reverse("catalogue:staff_edit", args=[item.code])
    assert "办理营业执照变更登记" in client.get(edit).content.decode()
    response = client.post(edit, form_data(MATERIALS, name="办理营业执照变更登记（含备案）"))
    assert response.status_code == 302
    assert "尚未公开" in flashed(response)[0]
    public = client.get(reverse("catalogue:detail", args=[item.code])).content.decode()
    assert "（含备案）" not in public
    detail = client.get(reverse("catalogue:staff_detail", args=[item.code])).content.decode()
    assert "待发布的修改" in detail and "（含备案）" in detail

    response = client.post(reverse("catalogue:staff_publish", args=[item.code]))
    assert response.status_code == 302
    assert "（含备案）" in client.get(reverse("catalogue:detail", args=[item.code])).content.decode()
    item.refresh_from_db()
    detail = client.get(reverse("catalogue:staff_detail", args=[item.code]))
    versions = detail.context["versions"]
    assert len(versions) == 2
    old = client.get(reverse("catalogue:staff_version", args=[item.code, versions[1].history_id])).content.decode()
    assert "办理营业执照变更登记" in old and "（含备案）" not in old


def test_publish_and_retire_from_the_page(client, lead_handler):
    item = make_item(lead_handler)
    client.force_login(lead_handler)
    client.post(reverse("catalogue:staff_publish", args=[item.code]))
    item.refresh_from_db()
    assert item.state == "published"
    response = client.post(reverse("catalogue:staff_publish", args=[item.code]))
    assert "该服务事项已发布，且没有待发布的修改。" in flashed(response)
    client.post(reverse("catalogue:staff_retire", args=[item.code]))
    item.refresh_from_db()
    assert item.state == "retired"
    response = client.get(reverse("catalogue:staff_edit", args=[item.code]))
    assert response.status_code == 302 and "该服务事项已停用，不能再修改。" in flashed(response)


def test_the_list_shows_own_items_only_and_the_office_sees_its_region(client, lead_handler, other_handler,
                                                                      office_clerk):
    own = make_item(lead_handler)
    theirs = make_item(other_handler, name="办理涉税事项", domain="tax")
    client.force_login(lead_handler)
    body = client.get(reverse("catalogue:staff_list")).content.decode()
    assert own.code in body and theirs.code not in body
    client.force_login(office_clerk)
    body = client.get(reverse("catalogue:staff_list")).content.decode()
    assert own.code in body and theirs.code in body


def test_the_office_may_retire_any_item_of_its_region(client, lead_handler, office_clerk):
    item = make_item(lead_handler, publish=True)
    client.force_login(office_clerk)
    client.post(reverse("catalogue:staff_retire", args=[item.code]))
    item.refresh_from_db()
    assert item.state == "retired"


@pytest.mark.parametrize("name", ["staff_detail", "staff_edit"])
def test_another_departments_item_is_not_found(client, lead_handler, other_handler, county_office, name):
    item = make_item(lead_handler, publish=True)
    for outsider in (other_handler, county_office):
        client.force_login(outsider)
        assert client.get(reverse(f"catalogue:{name}", args=[item.code])).status_code == 404
    client.force_login(other_handler)
    assert client.post(reverse("catalogue:staff_retire", args=[item.code])).status_code == 404
    item.refresh_from_db()
    assert item.state == "published"


def test_a_role_that_manages_no_items_is_refused(client, enterprise_user, government_clerk, lead_handler):
    item = make_item(lead_handler)
    for user in (enterprise_user, government_clerk):
        client.force_login(user)
        assert client.get(reverse("catalogue:staff_list")).status_code == 403
        assert client.get(reverse("catalogue:staff_create")).status_code == 403
        assert client.post(reverse("catalogue:staff_publish", args=[item.code])).status_code == 403
    item.refresh_from_db()
    assert item.state == "draft"


def test_a_visitor_is_asked_to_log_in(client):
    response = client.get(reverse("catalogue:staff_list"))
    assert response.status_code == 302 and "/login/" in response.url


def test_files_are_checked_and_served_to_staff_and_publicly_once_published(client, lead_handler):
    item = make_item(lead_handler)
    client.force_login(lead_handler)
    bad = SimpleUploadedFile("表格.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(reverse("catalogue:staff_attach", args=[item.code]), {"kind": "form", "file": bad})
    assert "不支持的文件类型" in flashed(response)[0] and not item.attachments.exists()
    good = SimpleUploadedFile("变更登记申请书.pdf", b"%PDF-1.4 form", content_type="application/pdf")
    client.post(reverse("catalogue:staff_attach", args=[item.code]), {"kind": "form", "file": good})
    attachment = item.attachments.get()
    staff_url = reverse("catalogue:staff_download", args=[item.code, attachment.pk])
    assert b"".join(client.get(staff_url).streaming_content) == b"%PDF-1.4 form"
    client.logout()
    public_url = reverse("catalogue:file", args=[item.code, attachment.pk])
    assert client.get(public_url).status_code == 404  # a draft's files are not public
    client.force_login(lead_handler)
    client.post(reverse("catalogue:staff_publish", args=[item.code]))
    client.logout()
    response = client.get(public_url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert "变更登记申请书.pdf" in client.get(reverse("catalogue:detail", args=[item.code])).content.decode()


def test_the_menu_offers_the_catalogue_to_staff(client, lead_handler, enterprise_user):
    client.force_login(lead_handler)
    assert reverse("catalogue:staff_list") in client.get(reverse("catalogue:staff_list")).content.decode()
    client.force_login(enterprise_user)
    body = client.get(reverse("catalogue:list")).content.decode()
    assert f'href="{reverse("catalogue:staff_list")}"' not in body
