"""Phones encrypted at rest (SECURITY.md §5): the raw columns — of the models and of their history — hold no digits of
the phone; look-ups by phone go through the keyed hash and still work; production refuses to start without keys."""

import base64
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from accounts.models import User
from accounts.tests.factories import EnterpriseUserFactory
from core import crypto
from core.crypto_keys import decode_key, development_key
from tickets.tests.helpers import register

PHONE = "13985326644"


def _raw(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def _holds_digits_of_phone(value: str) -> bool:
    return any(PHONE[i:i + 4] in value for i in range(len(PHONE) - 3))


def test_a_token_round_trips_and_differs_each_time():
    first, second = crypto.encrypt(PHONE), crypto.encrypt(PHONE)
    assert first != second and first.startswith("pii1:")
    assert crypto.decrypt(first) == crypto.decrypt(second) == PHONE


def test_a_plain_value_from_before_encryption_reads_as_it_is():
    assert crypto.decrypt(PHONE) == PHONE


def test_a_damaged_token_is_refused(settings):
    token = crypto.encrypt(PHONE)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    settings.PII_KEY = b"\x01" * 32  # another deployment's key
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_the_hash_ignores_how_the_phone_was_typed_and_is_keyed(settings):
    assert crypto.pii_hash("139 8532-6644") == crypto.pii_hash("+86 13985326644") == crypto.pii_hash(PHONE)
    assert crypto.pii_hash("") == "" and crypto.pii_hash(None) == ""
    assert crypto.pii_hash(PHONE) != crypto.pii_hash(PHONE, namespace="id_number")
    before = crypto.pii_hash(PHONE)
    settings.PII_HASH_KEY = b"\x02" * 32
    assert crypto.pii_hash(PHONE) != before


@pytest.mark.django_db
def test_raw_columns_hold_no_digit_of_the_phone(office_clerk, specialist):
    user = EnterpriseUserFactory(username="t_pii_ent", phone=PHONE)
    user.enterprise.contact_phone = PHONE
    user.enterprise.save()
    register(specialist, channel="hotline", requester_name="来电人", requester_phone=PHONE)
    columns = {
        "accounts_user": "phone", "accounts_historicaluser": "phone",
        "accounts_enterprise": "contact_phone", "accounts_historicalenterprise": "contact_phone",
        "tickets_demand": "requester_phone", "tickets_historicaldemand": "requester_phone",
    }
    for table, column in columns.items():
        values = [value for value in _raw(f"SELECT {column} FROM {table}") if value]
        assert values, table  # the row (and its history row) is there …
        assert all(value.startswith("pii1:") for value in values), table  # … encrypted …
        assert not any(_holds_digits_of_phone(value) for value in values), table  # … with no digit run of the phone
    # and the digest column is a keyed hash, not the number
    assert _raw("SELECT phone_digest FROM accounts_user WHERE username = 't_pii_ent'") == [crypto.pii_hash(PHONE)]


@pytest.mark.django_db
def test_look_ups_by_phone_use_the_hash():
    user = EnterpriseUserFactory(username="t_pii_lookup", phone=PHONE)
    assert list(User.objects.with_phone("139-8532-6644")) == [user]
    assert not User.objects.with_phone("13985326645").exists() and not User.objects.with_phone("").exists()
    user.phone = "13985326645"
    user.save(update_fields=["phone"])  # the digest follows the phone even when only the phone is saved
    assert list(User.objects.with_phone("13985326645")) == [user]
    assert User.objects.filter(phone="").exclude(pk=user.pk).count() == User.objects.exclude(pk=user.pk).filter(
        phone_digest=""
    ).count()
    with pytest.raises(TypeError):
        list(User.objects.filter(phone=PHONE))  # a plain comparison would silently find nothing


@pytest.mark.parametrize("value", ["", "short", "A" * 44, "!!!!"])
def test_a_malformed_key_stops_the_process(value):
    with pytest.raises(ImproperlyConfigured):
        decode_key(value, "QYZJ_PII_KEY")


def test_a_well_formed_key_is_read_in_either_alphabet():
    assert len(decode_key(development_key("x"), "QYZJ_PII_KEY")) == 32
    key = bytes(range(200, 232))  # encodes with both + and / (- and _ in the URL-safe alphabet)
    standard, url_safe = base64.b64encode(key).decode(), base64.urlsafe_b64encode(key).decode().rstrip("=")
    assert "+" in standard or "/" in standard
    assert decode_key(standard, "K") == decode_key(url_safe, "K") == key


def _settings_in_production(**env):
    base = {key: value for key, value in os.environ.items() if not key.startswith(("QYZJ_PII", "DJANGO_"))}
    base.update(DJANGO_ENV="production", DJANGO_SECRET_KEY="s" * 50, **env)
    return subprocess.run(
        [sys.executable, "-c", "import qiyezhijia.settings"], check=False, env=base, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_the_keys():
    result = _settings_in_production()
    assert result.returncode != 0 and "QYZJ_PII_KEY" in result.stderr
    result = _settings_in_production(QYZJ_PII_KEY=development_key("a"))
    assert result.returncode != 0 and "QYZJ_PII_HASH_KEY" in result.stderr
    result = _settings_in_production(QYZJ_PII_KEY=development_key("a"), QYZJ_PII_HASH_KEY=development_key("a"))
    assert result.returncode != 0 and "必须不同" in result.stderr
