"""免申即享 beneficiary lists (OUTREACH §2): importing a file all or nothing, telling each enterprise once, and
marking disbursement one by one or in bulk."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.tests.factories import (
    EnterpriseFactory,
    EnterpriseUserFactory,
    valid_uscc,
)
from core.errors import Conflict
from notifications.models import Notification
from policies.beneficiaries import (
    FileRejected,
    beneficiaries_disburse,
    beneficiaries_import,
    parse_amount,
)
from policies.models import Beneficiary
from policies.tests.factories import PolicyFactory
from policies.tests.reach_helpers import gxj_handler, xlsx

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 12, 7, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def handler():
    return gxj_handler()


@pytest.fixture
def policy():
    return PolicyFactory(mode="no_apply", state="published", title="稳岗补贴免申即享")


@pytest.fixture
def firms():
    firms = [EnterpriseFactory(name=f"受益企业{i}") for i in range(3)]
    for firm in firms:
        EnterpriseUserFactory(enterprise=firm, phone=f"1398530{firm.pk:04d}")
    return firms


def rejected(**kwargs) -> FileRejected:
    with pytest.raises(FileRejected) as info:
        beneficiaries_import(**kwargs)
    return info.value


def test_a_good_file_is_saved_and_each_enterprise_told_once(handler, policy, firms, django_capture_on_commit_callbacks,
                                                             sms):
    upload = xlsx([(firms[0].uscc, 1200, "第一批"), (firms[1].uscc, "3500.5", ""), (firms[2].uscc.lower(), 88.88, None)])
    with django_capture_on_commit_callbacks(execute=True):
        assert beneficiaries_import(actor=handler, policy=policy, upload=upload) == 3
    rows = {b.enterprise_id: b for b in Beneficiary.objects.filter(policy=policy)}
    assert rows[firms[0].pk].amount == Decimal("1200.00") and rows[firms[0].pk].note == "第一批"
    assert rows[firms[1].pk].amount == Decimal("3500.50") and rows[firms[2].pk].amount == Decimal("88.88")
    assert all(b.state == "pending" and b.imported_by == handler for b in rows.values())
    notices = Notification.objects.filter(event="policy_benefit")
    assert sorted(n.recipient.enterprise_id for n in notices) == sorted(f.pk for f in firms)
    assert "稳岗补贴免申即享" in notices.first().title
    assert len(sms) == 3

    # The same enterprises again: refused, nobody told twice.
    again = rejected(actor=handler, policy=policy, upload=xlsx([(firms[0].uscc, 10, "")]))
    assert again.rows == [(2, ["受益企业0已在本政策的受益企业名单中。"])]
    assert notices.count() == 3 and len(sms) == 3


def test_every_bad_row_is_listed_and_nothing_saved(handler, policy, firms):
    Beneficiary.objects.create(policy=policy, enterprise=firms[2], amount=5, imported_by=handler)
    bad_check = valid_uscc(4242)[:17] + ("0" if valid_uscc(4242)[17] != "0" else "1")
    stranger = valid_uscc(987654)
    upload = xlsx([
        (firms[0].uscc, 100, "好的一行"),     # row 2: fine
        (bad_check, 100, ""),                  # row 3: check character
        (stranger, 100, ""),                   # row 4: not on the platform
        (firms[1].uscc, 0, ""),                # row 5: zero
        (firms[1].uscc, -5, ""),               # row 6: negative, and a duplicate of row 5
        (firms[0].uscc, "12.345", ""),         # row 7: three decimals, duplicate of row 2
        (firms[2].uscc, "abc", ""),            # row 8: already listed, not a number
        ("", 10, "x" * 201),                   # row 9: no code, note too long
    ])
    errors = dict(rejected(actor=handler, policy=policy, upload=upload).rows)
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9}
    assert any("校验位" in m for m in errors[3])
    assert any("不是平台上登记的企业" in m for m in errors[4])
    assert errors[5] == ["金额必须大于 0。"]
    assert "与第 5 行的企业重复。" in errors[6] and "金额必须大于 0。" in errors[6]
    assert "与第 2 行的企业重复。" in errors[7] and "金额最多保留两位小数（精确到分）。" in errors[7]
    assert "受益企业2已在本政策的受益企业名单中。" in errors[8] and "金额“abc”不是数字。" in errors[8]
    assert "请填写统一社会信用代码。" in errors[9] and "备注不能超过 200 字。" in errors[9]
    assert Beneficiary.objects.filter(policy=policy).count() == 1


@pytest.mark.parametrize(("upload", "message"), [
    (lambda f: xlsx([(f.uscc, 1, "")], name="名单.xls"), "请上传 .xlsx 格式"),
    (lambda f: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile("a.xlsx", b"not a zip"),
     "不是有效的 .xlsx"),
    (lambda f: xlsx([], header=None), "没有标题行"),
    (lambda f: xlsx([]), "没有受益企业"),
    (lambda f: xlsx([(f.uscc, 1)], header=("企业名称", "amount")), "不认识的列“企业名称”"),
    (lambda f: xlsx([(f.uscc, 1)], header=("uscc", "note")), "缺少列 amount"),
])
def test_file_level_errors(handler, policy, firms, upload, message):
    error = rejected(actor=handler, policy=policy, upload=upload(firms[0]))
    assert any(message in m for m in error.file), error.file
    assert not Beneficiary.objects.exists()


def test_more_than_ten_thousand_rows_is_refused(handler, policy, firms):
    error = rejected(actor=handler, policy=policy, upload=xlsx([(firms[0].uscc, 1, "")] * 10_001))
    assert error.file == ["每个文件最多 10000 行，本文件超过了，请分成几个文件导入。"]


def test_chinese_headers_in_any_order_are_read(handler, policy, firms):
    upload = xlsx([("备注一", 50, firms[0].uscc)], header=("备注", "金额（元）", "统一社会信用代码"))
    assert beneficiaries_import(actor=handler, policy=policy, upload=upload) == 1
    assert Beneficiary.objects.get().note == "备注一"


@pytest.mark.parametrize(("value", "expected"), [
    (100, Decimal("100.00")), (0.1, Decimal("0.10")), ("1,234.5", Decimal("1234.50")), ("2.500", Decimal("2.50")),
    (True, None), ("1e3", Decimal("1000.00")), ("NaN", None), ("1e20", None),
])
def test_amounts(value, expected):
    assert parse_amount(value)[0] == expected


def test_wrong_role_mode_and_state_are_refused(policy, firms, other_handler, office_clerk, county_office, handler):
    upload = xlsx([(firms[0].uscc, 1, "")])
    with pytest.raises(PermissionDenied):
        beneficiaries_import(actor=other_handler, policy=policy, upload=upload)
    with pytest.raises(PermissionDenied):
        beneficiaries_import(actor=county_office, policy=policy, upload=upload)
    assert beneficiaries_import(actor=office_clerk, policy=policy, upload=upload) == 1
    with pytest.raises(Conflict, match="不是免申即享或直达快享"):
        beneficiaries_import(actor=handler, policy=PolicyFactory(mode="apply", state="published"), upload=upload)
    with pytest.raises(Conflict, match="只有已发布的政策"):
        beneficiaries_import(actor=handler, policy=PolicyFactory(mode="direct"), upload=upload)


# --- disbursement ----------------------------------------------------------------------------------------------------
@pytest.fixture
def listed(handler, policy, firms):
    return [Beneficiary.objects.create(policy=policy, enterprise=f, amount=100 * (i + 1), imported_by=handler)
            for i, f in enumerate(firms)]


def test_disburse_one_and_then_the_rest(handler, policy, firms, listed, django_capture_on_commit_callbacks, sms):
    with django_capture_on_commit_callbacks(execute=True):
        assert beneficiaries_disburse(actor=handler, policy=policy, usccs=[firms[0].uscc], on="2026-12-01") == 1
    first = Beneficiary.objects.get(pk=listed[0].pk)
    assert first.state == "disbursed" and first.disbursed_on == datetime.date(2026, 12, 1) and first.disbursed_by == handler
    assert Notification.objects.filter(event="policy_benefit", recipient__enterprise=firms[0]).count() == 1
    assert "已兑付" in sms[-1][1]

    with django_capture_on_commit_callbacks(execute=True):
        assert beneficiaries_disburse(actor=handler, policy=policy, usccs=[f.uscc for f in firms[1:]],
                                      on=datetime.date(2026, 12, 7)) == 2
    assert set(Beneficiary.objects.values_list("state", flat=True)) == {"disbursed"}


def test_disbursing_again_is_a_conflict_and_saves_nothing(handler, policy, firms, listed):
    beneficiaries_disburse(actor=handler, policy=policy, usccs=[firms[0].uscc], on="2026-12-01")
    with pytest.raises(Conflict, match="受益企业0"):
        beneficiaries_disburse(actor=handler, policy=policy, usccs=[firms[0].uscc, firms[1].uscc], on="2026-12-02")
    assert Beneficiary.objects.get(pk=listed[1].pk).state == "pending"
    assert Beneficiary.objects.get(pk=listed[0].pk).disbursed_on == datetime.date(2026, 12, 1)


@pytest.mark.parametrize(("on", "message"), [
    (None, "请填写兑付日期"), ("2026-12-08", "不能晚于今天"), ("2026-02-28", "不能早于政策生效日期"),
    ("1999-12-31", "不能早于 2000 年"), ("12/01/2026", "格式不正确"),
])
def test_bad_dates(handler, policy, firms, listed, on, message):
    with pytest.raises(ValidationError) as info:
        beneficiaries_disburse(actor=handler, policy=policy, usccs=[firms[0].uscc], on=on)
    assert message in info.value.message_dict["on"][0]
    assert not Beneficiary.objects.filter(state="disbursed").exists()


def test_codes_not_on_the_list_or_none_are_bad_input(handler, policy, firms, listed):
    with pytest.raises(ValidationError, match="不在本政策的受益企业名单中"):
        beneficiaries_disburse(actor=handler, policy=policy, usccs=[firms[0].uscc, valid_uscc(5555)], on="2026-12-01")
    with pytest.raises(ValidationError, match="请选择要登记兑付的企业"):
        beneficiaries_disburse(actor=handler, policy=policy, usccs=[], on="2026-12-01")
    assert not Beneficiary.objects.filter(state="disbursed").exists()


def test_another_department_may_not_disburse(other_handler, policy, firms, listed):
    with pytest.raises(PermissionDenied):
        beneficiaries_disburse(actor=other_handler, policy=policy, usccs=[firms[0].uscc], on="2026-12-01")
