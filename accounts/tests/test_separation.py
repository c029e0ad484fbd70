"""三权分立 and least privilege (SECURITY.md §3): who may grant privileges, what the admin shows, and that no
administrator reads or acts on demands and tickets."""

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Role, User
from accounts.services import ADMIN_GROUP, ensure_admin_group
from accounts.tests.factories import EnterpriseFactory, UserFactory, department
from tickets.tests.api_helpers import api_as
from tickets.tests.helpers import dispatched_ticket

pytestmark = pytest.mark.django_db


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def change_post(user, **overrides):
    """What the admin's change form of `user` posts, with `overrides` on top."""
    data = {
        "username": user.username, "last_name": user.last_name, "first_name": user.first_name, "email": "",
        "role": user.role, "department": user.department_id or "", "enterprise": user.enterprise_id or "",
        "is_active": "on", "_save": "保存",
    }
    data.update(overrides)
    return data


# --- privileges only a superuser grants ---------------------------------------------------------------------------
def test_sysadmin_posting_superuser_and_staff_flags_changes_nothing(client, platform_admin, lead_handler):
    client.force_login(platform_admin)
    other_group = Group.objects.create(name="其他")
    response = client.post(change_url(lead_handler), change_post(
        lead_handler, is_superuser="on", is_staff="on", groups=[ensure_admin_group().pk, other_group.pk], last_name="改",
    ))
    assert response.status_code == 302
    lead_handler.refresh_from_db()
    assert lead_handler.last_name == "改"  # the form was saved …
    assert not lead_handler.is_superuser and not lead_handler.is_staff  # … without the privileges
    assert not lead_handler.groups.exists()


def test_the_flags_are_read_only_on_the_sysadmins_form(client, platform_admin, lead_handler):
    client.force_login(platform_admin)
    body = client.get(change_url(lead_handler)).content.decode()
    for name in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert f'name="{name}"' not in body


def test_a_superuser_may_grant_the_staff_flag(superuser_client, lead_handler):
    response = superuser_client.post(change_url(lead_handler), change_post(lead_handler, is_staff="on"))
    assert response.status_code == 302
    lead_handler.refresh_from_db()
    assert lead_handler.is_staff


def test_sysadmin_cannot_change_a_superuser(client, platform_admin):
    root = User.objects.create_superuser(username="root", password=None)
    client.force_login(platform_admin)
    response = client.post(change_url(root), change_post(root, last_name="改", is_active=""))
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.is_active and root.last_name == ""
    password_url = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.post(password_url, {"password1": "Qyzj-Strong-2026", "password2": "Qyzj-Strong-2026"}).status_code == 403
    assert client.post(reverse("admin:accounts_user_delete", args=[root.pk]), {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=root.pk).exists()


def test_sysadmin_cannot_change_another_administrator(client, platform_admin):
    auditor = UserFactory(role=Role.AUDITOR, department=None)
    client.force_login(platform_admin)
    response = client.post(change_url(auditor), change_post(auditor, is_active=""))
    assert response.status_code == 403
    auditor.refresh_from_db()
    assert auditor.is_active


def test_sysadmin_cannot_make_anyone_an_administrator(client, platform_admin, lead_handler):
    client.force_login(platform_admin)
    response = client.post(change_url(lead_handler), change_post(lead_handler, role=Role.SECADMIN, department=""))
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    lead_handler.refresh_from_db()
    assert lead_handler.role == Role.HANDLER


def test_sysadmin_group_manages_accounts_and_reference_data_only():
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in ensure_admin_group().permissions.select_related("content_type")}
    for expected in ("accounts.change_user", "accounts.change_department", "accounts.change_region",
                     "accounts.change_domain", "workcalendar.change_calendaryear", "workcalendar.change_deadlinepolicy",
                     "tickets.change_workflowsettings", "reports.change_rankingweights"):
        assert expected in perms
    apps = {p.split(".")[0] for p in perms}
    # SSO links are account management; no authtoken, no auth (groups), no audit log.
    assert apps == {"accounts", "workcalendar", "tickets", "reports", "sso"}
    assert not {p for p in perms if p.startswith("tickets.") and "workflowsettings" not in p}


def test_ensure_admin_group_takes_away_rights_beyond_the_list():
    from django.contrib.auth.models import Permission

    group = Group.objects.create(name=ADMIN_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="auth", codename="change_group"))
    assert not ensure_admin_group().permissions.filter(codename="change_group").exists()


def test_the_admin_never_shows_token_keys_to_the_sysadmin(client, platform_admin, lead_handler):
    from accounts.tokens import issue_token

    token, key = issue_token(user=lead_handler, name="12345 热线对接")
    client.force_login(platform_admin)
    listing = client.get("/admin/accounts/apitoken/")
    assert listing.status_code == 200 and "12345 热线对接" in listing.content.decode()
    for page in (listing, client.get(f"/admin/accounts/apitoken/{token.pk}/change/")):
        html = page.content.decode()
        assert key not in html and token.digest not in html and token.token_key not in html


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.SECADMIN])
def test_auditor_and_secadmin_do_not_reach_the_django_admin(client, role):
    from accounts.demo import seed_demo_accounts

    seed_demo_accounts()
    user = User.objects.get(role=role)
    assert not user.is_staff and not user.groups.exists()
    client.force_login(user)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- masked phones in the admin -------------------------------------------------------------------------------------
def test_admin_masks_user_phones_in_list_and_form(client, platform_admin, lead_handler):
    lead_handler.phone = "13912341234"
    lead_handler.save(update_fields=["phone"])
    client.force_login(platform_admin)
    listing = client.get("/admin/accounts/user/").content.decode()
    detail = client.get(change_url(lead_handler)).content.decode()
    for body in (listing, detail):
        assert "139****1234" in body
        assert "13912341234" not in body


def test_admin_masks_enterprise_phones_in_list_and_form(client, platform_admin):
    enterprise = EnterpriseFactory(contact_phone="13812345678")
    client.force_login(platform_admin)
    listing = client.get("/admin/accounts/enterprise/").content.decode()
    detail = client.get(reverse("admin:accounts_enterprise_change", args=[enterprise.pk])).content.decode()
    for body in (listing, detail):
        assert "138****5678" in body
        assert "13812345678" not in body


def test_editing_an_enterprise_keeps_its_phone(client, platform_admin):
    enterprise = EnterpriseFactory(contact_phone="13812345678")
    client.force_login(platform_admin)
    response = client.post(reverse("admin:accounts_enterprise_change", args=[enterprise.pk]), {
        "name": "改名后的企业有限公司", "uscc": enterprise.uscc, "region": enterprise.region_id, "industry": "",
        "address": "", "contact_name": "", "_save": "保存",
    })
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name == "改名后的企业有限公司" and enterprise.contact_phone == "13812345678"


# --- no administrator reads or acts on tickets -------------------------------------------------------------------
ADMINISTRATORS = [Role.SYSADMIN, Role.AUDITOR, Role.SECADMIN]


@pytest.fixture
def city_ticket(office_clerk):
    return dispatched_ticket(office_clerk)


@pytest.mark.parametrize("role", ADMINISTRATORS)
def test_administrators_get_no_ticket_or_demand_pages(client, city_ticket, role):
    user = UserFactory(role=role, department=department("anshun-zwfw"))
    client.force_login(user)
    demand = city_ticket.demands.first()
    assert client.get(reverse("tickets:ticket_list")).status_code == 403
    assert client.get(reverse("tickets:ticket_detail", args=[city_ticket.pk])).status_code == 404
    assert client.post(reverse("tickets:ticket_action", args=[city_ticket.pk, "sign"])).status_code in (403, 404)
    assert client.get(reverse("tickets:demand_list")).status_code == 403
    assert client.get(reverse("tickets:demand_detail", args=[demand.pk])).status_code == 404
    assert client.get(reverse("supervision:board")).status_code == 403


@pytest.mark.parametrize("role", ADMINISTRATORS)
def test_administrators_get_403_from_the_ticket_api(city_ticket, role):
    api = api_as(UserFactory(role=role, department=department("anshun-zwfw")))
    for url in ("/api/v1/tickets/", f"/api/v1/tickets/{city_ticket.pk}/", "/api/v1/demands/", "/api/v1/supervisions/",
                "/api/v1/stats/"):
        response = api.get(url)
        assert response.status_code == 403, url
        assert "管理员" in json.loads(response.content)["error"]
    assert api.post(f"/api/v1/tickets/{city_ticket.pk}/actions/sign/", {}, format="json").status_code == 403


def test_the_api_still_tells_an_administrator_who_it_is(platform_admin):
    assert api_as(platform_admin).get("/api/v1/me/").json()["role"] == "sysadmin"


def test_department_staff_still_read_the_ticket_api(city_ticket, lead_handler):
    assert api_as(lead_handler).get(f"/api/v1/tickets/{city_ticket.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        (Role.SYSADMIN, ["首页", "工作人员账号", "平台管理"], ["API 文档", "工单", "诉求"]),
        (Role.AUDITOR, ["首页"], ["工作人员账号", "平台管理", "API 文档", "工单", "诉求"]),
        (Role.SECADMIN, ["首页"], ["工作人员账号", "平台管理", "API 文档", "工单", "诉求"]),
    ],
)
def test_each_administrator_sees_only_its_menu(client, role, sees, does_not_see):
    client.force_login(UserFactory(role=role, department=None, is_staff=role == Role.SYSADMIN))
    body = client.get(reverse("accounts:home")).content.decode()
    menu = body.split('data-testid="main-menu"')[1].split("</ul>")[0]
    for label in sees:
        assert label in menu
    for label in does_not_see:
        assert label not in menu


def test_the_change_history_in_the_admin_masks_phones_too(client, platform_admin, lead_handler):
    lead_handler.phone = "13912341234"
    lead_handler.save(update_fields=["phone"])
    record = lead_handler.history.first()
    client.force_login(platform_admin)
    for url in (reverse("admin:accounts_user_history", args=[lead_handler.pk]),
                reverse("admin:accounts_user_simple_history", args=[lead_handler.pk, record.history_id])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "13912341234" not in response.content.decode(), url


def test_the_enterprise_history_in_the_admin_masks_phones(client, platform_admin):
    enterprise = EnterpriseFactory(contact_phone="13812345678")
    enterprise.contact_phone = "13812340000"
    enterprise.save()
    client.force_login(platform_admin)
    body = client.get(reverse("admin:accounts_enterprise_history", args=[enterprise.pk])).content.decode()
    assert "138****5678" in body and "138****0000" in body
    assert "13812345678" not in body and "13812340000" not in body
