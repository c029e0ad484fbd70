import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role, User
from accounts.tests.factories import EnterpriseFactory, department

pytestmark = pytest.mark.django_db


def test_enterprise_user_without_enterprise_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", role=Role.ENTERPRISE)


def test_staff_role_without_department_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", role=Role.HANDLER)


def test_clean_explains_the_affiliation_rules_in_chinese():
    user = User(username="x", role=Role.ENTERPRISE, department=department("anshun-fgw"))
    with pytest.raises(ValidationError) as excinfo:
        user.clean()
    assert excinfo.value.message_dict["enterprise"] == ["企业用户必须选择所属企业。"]
    assert excinfo.value.message_dict["department"] == ["企业用户不属于任何部门，请清空所属部门。"]

    user = User(username="y", role=Role.OFFICE)
    with pytest.raises(ValidationError) as excinfo:
        user.clean()
    assert excinfo.value.message_dict["department"] == ["该角色必须选择所属部门。"]


def test_region_follows_department_or_enterprise():
    handler = User(username="h", role=Role.HANDLER, department=department("xixiu-scjg"))
    assert handler.region.code == "xixiu"
    ent = User(username="e", role=Role.ENTERPRISE, enterprise=EnterpriseFactory())
    assert ent.region.code == "anshun"


def test_createsuperuser_makes_an_admin():
    user = User.objects.create_superuser("root2", "root@example.com", "A-strong-Passw0rd")
    assert user.role == Role.SYSADMIN and user.is_superuser


def test_admin_adding_a_user_with_a_weak_password_saves_nothing(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "newbie", "password1": "12345678", "password2": "12345678", "role": "handler",
         "department": department("anshun-fgw").pk},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "密码" in body and ("太常见" in body or "太短" in body or "全部为数字" in body)
    assert not User.objects.filter(username="newbie").exists()


def test_admin_adding_a_handler_without_department_saves_nothing(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "newbie", "password1": "Qyzj-Strong-2026", "password2": "Qyzj-Strong-2026", "role": "handler"},
    )
    assert response.status_code == 200
    assert "该角色必须选择所属部门。" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_admin_adds_a_handler(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "newbie", "password1": "Qyzj-Strong-2026", "password2": "Qyzj-Strong-2026", "role": "handler",
         "department": department("anshun-fgw").pk, "last_name": "新", "first_name": "人"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="newbie").department.code == "anshun-fgw"


def test_non_admin_roles_cannot_open_the_admin(client, office_clerk):
    client.force_login(office_clerk)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_pages_speak_chinese(client, platform_admin):
    client.force_login(platform_admin)
    body = client.get("/admin/").content.decode()
    for label in ["组织与账号", "区域", "部门", "企业", "用户", "业务领域"]:
        assert label in body
