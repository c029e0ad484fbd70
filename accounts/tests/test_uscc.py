import pytest
from django.core.exceptions import ValidationError

from accounts.demo import ENTERPRISES
from accounts.models import Enterprise
from accounts.uscc import check_character, normalize, validate_uscc


@pytest.mark.parametrize("code", ["91350100M000100Y43"] + [e.uscc for e in ENTERPRISES])
def test_valid_codes_pass(code):
    validate_uscc(code)


def test_lower_case_and_spaces_are_normalised(db):
    assert normalize(" 91350100m000100y43 ") == "91350100M000100Y43"
    validate_uscc(" 91350100m000100y43 ")  # accepted as typed: the check runs on the normalised code
    with pytest.raises(ValidationError, match="校验位不正确"):
        validate_uscc(" 91350100m000100y44 ")  # normalising does not hide a wrong check character
    enterprise = Enterprise.objects.create(name="小写代码测试企业", uscc=" 91350100m000100y43 ")
    enterprise.refresh_from_db()
    assert enterprise.uscc == "91350100M000100Y43"  # stored as the register writes it


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "应为 18 位，当前为 17 位"),
        ("", "应为 18 位，当前为 0 位"),
        ("91350100M000100I43", "不允许的字符：I"),
        ("01350100M000100Y43", "登记管理部门代码"),
        ("9135A100M000100Y43", "行政区划代码"),
        ("91350100M000100Y44", "校验位不正确"),
    ],
)
def test_bad_codes_get_a_chinese_reason(code, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_uscc(code)
    assert message in excinfo.value.messages[0]


def test_every_single_character_change_is_caught():
    good = "91350100M000100Y43"
    body, check = good[:17], good[17]
    assert check_character(body) == check
    for alternative in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if alternative != check:
            with pytest.raises(ValidationError):
                validate_uscc(body + alternative)


@pytest.mark.django_db
def test_enterprise_model_refuses_bad_code_and_saves_nothing():
    enterprise = Enterprise(name="坏代码企业", uscc="91350100M000100Y44")
    with pytest.raises(ValidationError) as excinfo:
        enterprise.full_clean()
    assert "校验位不正确" in str(excinfo.value.message_dict["uscc"])
    assert not Enterprise.objects.filter(name="坏代码企业").exists()


@pytest.mark.django_db
def test_admin_form_shows_uscc_error_and_saves_nothing(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(
        "/admin/accounts/enterprise/add/", {"name": "录入错误企业", "uscc": "91350100M000100Y44"}
    )
    assert response.status_code == 200
    assert "统一社会信用代码校验位不正确" in response.content.decode()
    assert not Enterprise.objects.filter(name="录入错误企业").exists()


@pytest.mark.django_db
def test_admin_form_accepts_a_valid_code(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post("/admin/accounts/enterprise/add/", {"name": "正确企业", "uscc": "91350100m000100y43"})
    assert response.status_code == 302
    assert Enterprise.objects.get(name="正确企业").uscc == "91350100M000100Y43"
