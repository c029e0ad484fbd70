import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PASSWORD, ENTERPRISES, USERS
from accounts.models import ApiToken, Enterprise, Role, User
from accounts.tokens import issue_token

pytestmark = pytest.mark.django_db

SPEC_USERS = {
    "admin": ("sysadmin", "anshun-zwfw"), "auditor": ("auditor", "anshun-zwfw"), "secadmin": ("secadmin", "anshun-zwfw"),
    "office": ("office", "anshun-zwfw"), "gov": ("government", "anshun-zfb"),
    "leader": ("leader", "anshun-zfb"), "spec_fgw": ("specialist", "anshun-fgw"), "spec_tcj": ("specialist", "anshun-tcj"),
    "spec_gsl": ("specialist", "anshun-gsl"), "handler_fgw": ("handler", "anshun-fgw"),
    "handler_tcj": ("handler", "anshun-tcj"), "handler_scjg": ("handler", "anshun-scjg"),
    "handler_sw": ("handler", "anshun-sw"), "handler_rsj": ("handler", "anshun-rsj"),
    "handler_zrzy": ("handler", "anshun-zrzy"), "handler_gxj": ("handler", "anshun-gxj"),
    "office_xixiu": ("office", "xixiu-zwfw"), "handler_xixiu_scjg": ("handler", "xixiu-scjg"),
    "supervisor": ("supervisor", "anshun-zwfw"), "chamber": ("chamber", "anshun-gsl"),
}


def test_seed_demo_creates_every_spec_user_and_is_safe_to_run_twice(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    for username, (role, dept) in SPEC_USERS.items():
        user = User.objects.get(username=username)
        assert (user.role, user.department.code) == (role, dept), username
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    for username in ["ent", "ent2"]:
        user = User.objects.get(username=username)
        assert user.role == Role.ENTERPRISE and user.enterprise is not None
        user.enterprise.full_clean()
    assert len(USERS) == len(SPEC_USERS) + 2
    # Plus the administrator of the self-registered enterprise waiting for verification (enterprises.demo).
    assert User.objects.count() == len(USERS) + 1
    # The two demo enterprises with accounts and the one waiting for verification; demo demands also name enterprises that have no account.
    assert Enterprise.objects.filter(users__isnull=False).distinct().count() == len(ENTERPRISES) + 1 == 3
    for enterprise in Enterprise.objects.all():
        enterprise.full_clean()
    out = capsys.readouterr().out
    assert "本次新建 0 个" in out and DEMO_PASSWORD in out


def test_seed_demo_keeps_a_changed_password():
    call_command("seed_demo")
    user = User.objects.get(username="office")
    user.set_password("Changed-Pass-2026")
    user.save()
    call_command("seed_demo")
    assert authenticate(username="office", password="Changed-Pass-2026") is not None


def test_demo_admin_can_manage_reference_data_but_is_not_superuser(client):
    call_command("seed_demo")
    admin = User.objects.get(username="admin")
    assert not admin.is_superuser and admin.is_staff
    assert admin.has_perm("accounts.change_department") and admin.has_perm("workcalendar.change_calendarexception")
    client.force_login(admin)
    assert client.get("/admin/workcalendar/deadlinepolicy/").status_code == 200


def test_issue_token_prints_a_new_usable_token_each_time_stored_only_as_a_digest(capsys, client, lead_handler):
    # API.md: `issue_token` prints a new token; tokens are stored hashed, so the printed value is the only copy.
    call_command("issue_token", lead_handler.username, "--name", "12345 热线对接")
    first = capsys.readouterr().out.strip()
    call_command("issue_token", lead_handler.username)
    second = capsys.readouterr().out.strip()
    assert first and second and first != second
    tokens = ApiToken.objects.filter(user=lead_handler)
    assert sorted(t.name for t in tokens) == ["12345 热线对接", "命令行签发"]
    for token in tokens:
        assert first not in (token.digest, token.token_key) and second not in (token.digest, token.token_key)
    for key in (first, second):
        assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").json()["username"] == lead_handler.username


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.SECADMIN, Role.OFFICE])
def test_issue_token_works_for_every_role(capsys, client, role):
    from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department

    user = EnterpriseUserFactory() if role == Role.ENTERPRISE else UserFactory(role=role, department=department("anshun-zwfw"))
    call_command("issue_token", user.username, "--days", "7")
    key = capsys.readouterr().out.strip()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").json()["role"] == role


@pytest.mark.parametrize("days", ["0", "-3", "99999"])
def test_issue_token_refuses_absurd_days(lead_handler, days):
    with pytest.raises(CommandError, match="--days"):
        call_command("issue_token", lead_handler.username, "--days", days)
    assert not ApiToken.objects.exists()


def test_issue_token_for_unknown_user_fails_clearly():
    with pytest.raises(CommandError, match="用户“ghost”不存在"):
        call_command("issue_token", "ghost")


def test_issue_token_refuses_inactive_users(lead_handler):
    lead_handler.is_active = False
    lead_handler.save()
    with pytest.raises(CommandError, match="已停用"):
        call_command("issue_token", lead_handler.username)
    assert not ApiToken.objects.exists()


def test_api_with_token_knows_the_caller(client, lead_handler):
    _, key = issue_token(user=lead_handler, name="测试")
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json() == {
        "username": lead_handler.username, "name": str(lead_handler), "role": "handler",
        "department": "anshun-scjg", "enterprise": None, "region": "anshun",
    }


@pytest.mark.parametrize("header", [None, "Token not-a-real-token"])
def test_api_without_valid_credentials_is_401(client, header):
    kwargs = {"HTTP_AUTHORIZATION": header} if header else {}
    assert client.get("/api/v1/me/", **kwargs).status_code == 401


def test_schema_and_docs_are_served_without_a_cdn(client, lead_handler):
    client.force_login(lead_handler)
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html


def test_schema_needs_authentication(client):
    assert client.get("/api/v1/schema/").status_code in (401, 403)
