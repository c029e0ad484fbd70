"""The system administrator's staff-account screen (SECURITY.md §1): list, create, reset, import from an .xlsx."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import Role, User
from accounts.staff import generate_password
from accounts.staff_xlsx import HEADERS
from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department

pytestmark = pytest.mark.django_db
LIST = reverse("accounts:staff_list")
NEW = reverse("accounts:staff_new")
IMPORT = reverse("accounts:staff_import")


def one_time_passwords(response) -> dict[str, str]:
    return dict(re.findall(r'data-testid="password-([^"]+)">([^<]+)</code>', response.content.decode()))


def new_account(**overrides):
    return {"username": "wang_fgw", "name": "王小明", "phone": "13912345678", "role": Role.HANDLER,
            "department": "anshun-fgw", **overrides}


# --- who may use it -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.AUDITOR, Role.SECADMIN, Role.OFFICE, Role.HANDLER])
def test_other_roles_get_403(client, role):
    user = UserFactory(role=role, department=department("anshun-zwfw"))
    client.force_login(user)
    assert client.get(LIST).status_code == 403
    assert client.post(NEW, new_account()).status_code == 403
    assert client.post(reverse("accounts:staff_reset", args=[user.pk])).status_code == 403
    assert client.get(reverse("accounts:staff_import_template")).status_code == 403
    assert not User.objects.filter(username="wang_fgw").exists()


def test_the_screen_needs_a_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_reset_is_post_only(client, platform_admin, lead_handler):
    client.force_login(platform_admin)
    assert client.get(reverse("accounts:staff_reset", args=[lead_handler.pk])).status_code == 405


# --- the list ---------------------------------------------------------------------------------------------------------
def test_the_list_shows_staff_with_masked_phones_and_searches(client, platform_admin, lead_handler, other_handler,
                                                             enterprise_user):
    lead_handler.phone = "13912341234"
    lead_handler.save(update_fields=["phone"])
    client.force_login(platform_admin)
    body = client.get(LIST).content.decode()
    assert lead_handler.username in body and other_handler.username in body
    assert "139****1234" in body and "13912341234" not in body
    assert enterprise_user.username not in body and platform_admin.username not in body
    assert "只能由安装时创建的超级管理员设置" in body
    found = client.get(LIST, {"q": "市场监督"}).content.decode()  # lead_handler's department
    assert lead_handler.username in found and other_handler.username not in found


def test_the_list_is_paginated(client, platform_admin):
    for n in range(25):
        UserFactory(username=f"bulk{n:02d}")
    client.force_login(platform_admin)
    response = client.get(LIST)
    assert len(response.context["page"].object_list) == 20
    assert "共 25 条" in response.content.decode()
    assert len(client.get(LIST, {"page": 2}).context["page"].object_list) == 5


# --- creating one -----------------------------------------------------------------------------------------------------
def test_sysadmin_creates_an_account_and_sees_its_password_once(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(NEW, new_account())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = one_time_passwords(response)["wang_fgw"]
    user = User.objects.get(username="wang_fgw")
    assert (user.role, user.department.code, user.get_full_name(), user.phone) == (
        Role.HANDLER, "anshun-fgw", "王小明", "13912345678")
    assert user.must_change_password and not user.is_staff and not user.is_superuser
    assert user.check_password(password) and password not in user.password
    assert "139****5678" in response.content.decode()
    # Its owner logs in with it and is sent to change it first.
    client.logout()
    client.post(reverse("accounts:login"), {"username": "wang_fgw", "password": password})
    assert client.get(reverse("accounts:home"))["Location"] == reverse("accounts:password_change")


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"username": ""}, "username", "请填写用户名。"),
    ({"username": "bad name!"}, "username", "用户名只能包含"),
    ({"name": ""}, "name", "请填写姓名。"),
    ({"phone": "1391234"}, "phone", "11 位"),
    ({"role": Role.SYSADMIN}, "role", "请选择列表中的角色。"),
    ({"role": Role.ENTERPRISE}, "role", "请选择列表中的角色。"),
    ({"department": "nowhere-x"}, "department", "请选择列表中的部门。"),
])
def test_bad_input_stays_in_the_form_and_saves_nothing(client, platform_admin, overrides, field, message):
    client.force_login(platform_admin)
    response = client.post(NEW, new_account(**overrides))
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert 'value="王小明"' in response.content.decode() or field == "name"
    assert not User.objects.filter(role=Role.HANDLER, department__code="anshun-fgw").exists()


def test_an_office_account_belongs_to_the_office_host(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(NEW, new_account(role=Role.OFFICE, department="anshun-fgw"))
    assert "只能属于联合服务办公室承载单位" in response.context["form"].errors["department"][0]
    assert not User.objects.filter(username="wang_fgw").exists()
    assert client.post(NEW, new_account(role=Role.OFFICE, department="anshun-zwfw")).status_code == 200
    assert User.objects.get(username="wang_fgw").role == Role.OFFICE


def test_a_taken_username_is_refused(client, platform_admin, lead_handler):
    client.force_login(platform_admin)
    response = client.post(NEW, new_account(username=lead_handler.username.upper()))
    assert "已被使用" in response.context["form"].errors["username"][0]
    assert User.objects.filter(username__iexact=lead_handler.username).count() == 1


def test_generated_passwords_meet_the_policy():
    from django.contrib.auth.password_validation import validate_password

    seen = {generate_password() for _ in range(20)}
    assert len(seen) == 20
    for password in seen:
        validate_password(password)


# --- resetting one ----------------------------------------------------------------------------------------------------
def test_sysadmin_resets_a_password(client, platform_admin, lead_handler):
    client.force_login(platform_admin)
    response = client.post(reverse("accounts:staff_reset", args=[lead_handler.pk]))
    password = one_time_passwords(response)[lead_handler.username]
    user = User.objects.get(pk=lead_handler.pk)
    assert user.check_password(password) and user.must_change_password
    assert user.password_history.count() == 1


@pytest.mark.parametrize("kind", ["enterprise", "auditor", "superuser"])
def test_reset_of_an_account_outside_the_screen_is_404(client, platform_admin, kind):
    target = {
        "enterprise": lambda: EnterpriseUserFactory(),
        "auditor": lambda: UserFactory(role=Role.AUDITOR, department=None),
        "superuser": lambda: User.objects.create_superuser(username="root", password="Root-Passw0rd-x"),
    }[kind]()
    before = target.password
    client.force_login(platform_admin)
    assert client.post(reverse("accounts:staff_reset", args=[target.pk])).status_code == 404
    target.refresh_from_db()
    assert target.password == before and not target.must_change_password


# --- importing from an .xlsx ------------------------------------------------------------------------------------------
def xlsx(rows, headers=HEADERS, name="账号.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


GOOD = [
    ["li_fgw", "李四", "13900000001", "涉企服务工作人员", "anshun-fgw"],
    ["zhao_sw", "赵五", 13900000002, "企业服务专员", "anshun-sw"],
]


def test_the_template_downloads_with_headers_and_department_codes(client, platform_admin):
    client.force_login(platform_admin)
    response = client.get(reverse("accounts:staff_import_template"))
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    assert [c.value for c in workbook["账号"][1]] == HEADERS
    codes = [row[0] for row in workbook["说明"].iter_rows(values_only=True)]
    assert "anshun-fgw" in codes


def test_import_creates_every_account_and_shows_the_passwords_once(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(IMPORT, {"file": xlsx(GOOD)})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    passwords = one_time_passwords(response)
    assert set(passwords) == {"li_fgw", "zhao_sw"}
    zhao = User.objects.get(username="zhao_sw")
    assert (zhao.role, zhao.department.code, zhao.phone, zhao.must_change_password) == (
        Role.SPECIALIST, "anshun-sw", "13900000002", True)
    assert zhao.check_password(passwords["zhao_sw"])


def test_import_lists_every_bad_row_and_saves_nothing(client, platform_admin, lead_handler):
    client.force_login(platform_admin)
    rows = [
        GOOD[0],
        ["x1", "钱六", "13900000003", "涉企服务工作人员", "anshun-nowhere"],
        [lead_handler.username, "孙七", "13900000004", "涉企服务工作人员", "anshun-fgw"],
        ["x3", "周八", "13900000005", "系统管理员", "anshun-fgw"],
        ["x4", "吴九", "13900000006", "厨师", "anshun-fgw"],
        ["x5", "郑十", "1234", "领导", "anshun-zfb"],
        ["li_fgw", "李四二", "13900000007", "领导", "anshun-zfb"],
        [None, None, None, None, None],
        ["x6", "", "13900000008", "领导", ""],
        ["x7", "冯十一", "13900000009", "政府办公室", "anshun-fgw"],
    ]
    response = client.post(IMPORT, {"file": xlsx(rows)})
    body = response.content.decode()
    assert response.status_code == 200
    errors = {e.line: e.message for e in response.context["row_errors"]}
    assert set(errors) == {3, 4, 5, 6, 7, 8, 10, 11}
    assert "部门编码“anshun-nowhere”不存在" in errors[3]
    assert "已被使用" in errors[4]
    assert "不能在此创建" in errors[5]
    assert "角色“厨师”无效" in errors[6]
    assert "11 位" in errors[7]
    assert "与第 2 行重复" in errors[8]
    assert "请填写姓名" in errors[10] and "请填写部门编码" in errors[10]
    assert "只能属于政府办公室" in errors[11]
    assert "第 3 行：" in body and "未创建任何账号" in body
    assert not User.objects.filter(username__in=["li_fgw", "x1", "x3", "x4", "x5", "x6"]).exists()


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("账号.csv", b"a,b", content_type="text/csv"), ".xlsx 格式"),
    (SimpleUploadedFile("账号.xlsx", b"not a zip at all", content_type="application/octet-stream"), "不是有效的 .xlsx"),
    (xlsx(GOOD, headers=["名字", "电话"]), "第 1 行应为标题"),
    (xlsx([]), "没有账号"),
])
def test_a_bad_file_is_explained(client, platform_admin, upload, message):
    client.force_login(platform_admin)
    response = client.post(IMPORT, {"file": upload})
    assert any(message in e.message for e in response.context["row_errors"])
    assert not User.objects.filter(username__in=["li_fgw", "zhao_sw"]).exists()


def test_no_file_is_a_form_error(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(IMPORT, {})
    assert response.context["form"].errors["file"] == ["请选择要导入的 .xlsx 文件。"]


def test_too_many_rows_are_refused(client, platform_admin, settings):
    from accounts import staff_xlsx

    client.force_login(platform_admin)
    rows = [[f"u{n}", "某人", "13900000001", "领导", "anshun-zfb"] for n in range(staff_xlsx.MAX_ROWS + 1)]
    response = client.post(IMPORT, {"file": xlsx(rows)})
    assert any("最多" in e.message for e in response.context["row_errors"])
    assert not User.objects.filter(username="u0").exists()
