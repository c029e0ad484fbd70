"""archive_audit: rows older than 184 days go to a verified gzip JSON-lines file, then leave the table (through the
trigger on PostgreSQL); a date inside the retention period, an existing file or a bad date are refused."""

import datetime as dt
import gzip
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit import archive as archive_module
from audit.models import AuditEvent
from audit.services import record

pytestmark = pytest.mark.django_db


def _days_ago(days):
    return timezone.now() - dt.timedelta(days=days)


def _date_ago(days):
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def _write_old(office_clerk, n, days):
    return AuditEvent.objects.bulk_create([
        AuditEvent(at=_days_ago(days), actor=office_clerk, actor_name=office_clerk.username, action="account.login",
                   detail={"n": i})
        for i in range(n)
    ])


def test_older_rows_are_archived_verified_and_removed(office_clerk, tmp_path):
    old = _write_old(office_clerk, 3, 400)
    kept = _write_old(office_clerk, 1, 190)  # older than 184 days, but after the chosen date
    recent = record("account.logout", actor=office_clerk)
    before = (timezone.localdate() - dt.timedelta(days=300)).isoformat()
    target = tmp_path / "audit-2025.jsonl.gz"
    call_command("archive_audit", "--before", before, "--to", str(target))
    with gzip.open(target, "rt", encoding="utf-8") as archived:
        lines = [json.loads(line) for line in archived]
    assert [line["id"] for line in lines] == [row.pk for row in old]
    assert lines[0]["actor_name"] == office_clerk.username and lines[0]["action"] == "account.login"
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {kept[0].pk, recent.pk}


def test_a_date_inside_the_retention_period_is_refused(office_clerk, tmp_path):
    _write_old(office_clerk, 2, 100)
    too_recent = (timezone.localdate() - dt.timedelta(days=183)).isoformat()
    with pytest.raises(CommandError, match="至少保存 184 天"):
        call_command("archive_audit", "--before", too_recent, "--to", str(tmp_path / "a.jsonl.gz"))
    assert AuditEvent.objects.count() == 2 and not (tmp_path / "a.jsonl.gz").exists()


def test_exactly_184_days_is_accepted(office_clerk, tmp_path):
    _write_old(office_clerk, 1, 200)
    limit = (timezone.localdate() - dt.timedelta(days=184)).isoformat()
    call_command("archive_audit", "--before", limit, "--to", str(tmp_path / "a.jsonl.gz"))
    assert not AuditEvent.objects.exists()


def test_an_existing_file_is_never_overwritten(office_clerk, tmp_path):
    _write_old(office_clerk, 1, 400)
    target = tmp_path / "a.jsonl.gz"
    target.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="已存在"):
        call_command("archive_audit", "--before", "2020-01-01", "--to", str(target))
    assert target.read_bytes() == b"keep me" and AuditEvent.objects.count() == 1


def test_a_bad_date_is_refused(tmp_path):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("archive_audit", "--before", "01/01/2020", "--to", str(tmp_path / "a.jsonl.gz"))


def test_a_file_that_does_not_read_back_deletes_nothing(office_clerk, tmp_path, monkeypatch):
    _write_old(office_clerk, 2, 400)
    real_dumps = json.dumps
    monkeypatch.setattr(archive_module.json, "dumps", lambda row, **kw: real_dumps({**row, "id": 0}, **kw))
    with pytest.raises(CommandError, match="校验失败"):
        call_command("archive_audit", "--before", _date_ago(300), "--to", str(tmp_path / "a.jsonl.gz"))
    assert AuditEvent.objects.count() == 2
    assert not list(tmp_path.iterdir())
