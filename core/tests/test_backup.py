"""Backup and restore (SECURITY.md §7): the restore drill on PostgreSQL (a backup restored into a fresh database has
every ticket, demand and attachment file), and the refusals of both commands."""

import hashlib
import json
import os

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from core import backup as backup_module
from tickets.models import Attachment, Demand, Ticket
from tickets.tests.helpers import dispatched_ticket, handling_ticket

postgresql_only = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="the restore drill uses pg_dump/pg_restore: it runs on PostgreSQL (make test in CI sets DATABASE_URL)",
)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _drop(name: str) -> None:
    with connection.cursor() as cursor:  # from the test database: DROP DATABASE names another one
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rows(wrapper, sql: str) -> set[tuple]:
    with wrapper.cursor() as cursor:
        cursor.execute(sql)
        return {tuple(row) for row in cursor.fetchall()}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_restore_drill_finds_every_ticket_demand_and_attachment(settings, tmp_path, office_clerk, lead_handler):
    settings.MEDIA_ROOT = tmp_path / "media"
    tickets = [handling_ticket(office_clerk, lead_handler), dispatched_ticket(office_clerk), handling_ticket(office_clerk, lead_handler)]
    contents = {}
    for n, ticket in enumerate(tickets):
        for kind in (Attachment.Kind.MATERIAL, Attachment.Kind.EVIDENCE):
            data = f"附件 {n} {kind} ".encode() * 50
            attachment = Attachment(ticket=ticket, kind=kind, original_name=f"材料{n}.pdf", content_type="application/pdf",
                                    size=len(data), uploaded_by=office_clerk)
            attachment.file.save(f"材料{n}.pdf", ContentFile(data), save=True)
            contents[attachment.pk] = digest(data)
    numbers = set(Ticket.objects.values_list("number", flat=True))
    demands = set(Demand.objects.values_list("pk", "title"))
    assert len(numbers) == 3 and len(contents) == 6

    call_command("backup", "--to", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "postgresql" and manifest["counts"]["tickets"] == 3
    assert manifest["counts"]["attachments"] == 6 and len(manifest["media_files"]) == 6

    fresh = f"{connection.settings_dict['NAME']}_drill"
    url = f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}:" \
          f"{connection.settings_dict['PORT'] or 5432}/{fresh}"
    _drop(fresh)
    try:
        restored_media = tmp_path / "restored-media"
        call_command("restore", "--from", str(tmp_path / "backup"), "--database-url", url,
                     "--media-root", str(restored_media))

        drill = backup_module.connect({**connection.settings_dict, "NAME": fresh})
        try:
            assert _rows(drill, "SELECT number FROM tickets_ticket") == {(n,) for n in numbers}
            assert _rows(drill, "SELECT id, title FROM tickets_demand") == demands
            files = dict(_rows(drill, "SELECT id, file FROM tickets_attachment"))
            assert set(files) == set(contents)
            for pk, name in files.items():
                assert digest((restored_media / name).read_bytes()) == contents[pk]
        finally:
            drill.close()

        # A second restore over the now non-empty database is refused without --force.
        with pytest.raises(CommandError, match="不是空库"):
            call_command("restore", "--from", str(tmp_path / "backup"), "--database-url", url,
                         "--media-root", str(tmp_path / "other-media"))
    finally:
        _drop(fresh)


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="不是空目录"):
        call_command("backup", "--to", str(tmp_path))


def test_restore_refuses_a_folder_without_a_manifest(tmp_path):
    with pytest.raises(CommandError, match="没有备份清单"):
        call_command("restore", "--from", str(tmp_path), "--database-url", "sqlite:///" + str(tmp_path / "x.sqlite3"))


def test_restore_refuses_a_damaged_backup(tmp_path):
    (tmp_path / "database.sqlite3").write_bytes(b"db")
    (tmp_path / "media.tar.gz").write_bytes(b"media")
    (tmp_path / "manifest.json").write_text(json.dumps({
        "engine": "sqlite", "database": "database.sqlite3", "database_sha256": digest(b"db"),
        "media_sha256": digest(b"other"), "media_files": {}, "counts": {},
    }))
    with pytest.raises(CommandError, match="media.tar.gz 的校验和与清单不符"):
        call_command("restore", "--from", str(tmp_path), "--database-url", "sqlite:///" + str(tmp_path / "x.sqlite3"))


@pytest.mark.django_db
def test_a_client_older_than_the_server_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("PG_BIN_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backup_module.BackupError, match="postgresql-client-99"):
        backup_module.pg_program("pg_dump", 99)
