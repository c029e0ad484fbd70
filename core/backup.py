"""Backup and restore of the platform (SECURITY.md §7): the database and the uploaded files, with a manifest.

A backup folder holds:
- `database.dump` — PostgreSQL: `pg_dump --format=custom`; or `database.sqlite3` — SQLite: a copy by the backup API;
- `media.tar.gz` — every file under MEDIA_ROOT;
- `manifest.json` — when, which engine, the SHA-256 of both files and of every media file, and the counts of tickets,
  demands and attachments at the time of the backup.

`restore` checks the checksums first, loads the database into a fresh (or empty) database, extracts the files, then
counts the tickets, demands and attachments of the restored database and checks every file against the manifest.
The models are looked up by label (`tickets.Ticket`…): core sits below the apps it counts.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.utils import load_backend
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_ARCHIVE = "media.tar.gz"
COUNTED = {"tickets": "tickets.Ticket", "demands": "tickets.Demand", "attachments": "tickets.Attachment"}
FILE_MODELS = ("tickets.Attachment", "catalogue.ServiceAttachment", "policies.PolicyAttachment", "enterprises.Licence")


class BackupError(Exception):
    """A refusal or a failure, with the message (Chinese) the command prints."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def connect(database: dict):
    """A connection of its own to `database` (a settings dict, as dj_database_url.parse gives), outside Django's
    registry of aliases; the caller closes it."""
    settings_dict = {**connections["default"].settings_dict, "OPTIONS": {}, "TEST": {}, "CONN_MAX_AGE": 0, **database}
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias=f"backup-{id(settings_dict)}")


def counts(wrapper=None) -> dict[str, int]:
    """The tickets, demands and attachment rows, and the rows of every model holding a file, of a database (raw SQL
    on the models' tables: the restored database is not one of the platform's connections)."""
    wrapper = wrapper or connections["default"]
    quote = wrapper.ops.quote_name

    def count(label: str, where: str = "") -> int:
        meta = apps.get_model(label)._meta
        with wrapper.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(meta.db_table)}{where}")
            return cursor.fetchone()[0]

    figures = {name: count(label) for name, label in COUNTED.items()}
    figures["files"] = sum(
        count(label, f" WHERE {quote(apps.get_model(label)._meta.get_field('file').column)} <> ''")
        for label in FILE_MODELS if apps.is_installed(label.split(".")[0])
    )
    return figures


def _media_files(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256(path) for path in sorted(root.rglob("*")) if path.is_file()
    }


# --- PostgreSQL client programs ----------------------------------------------------------------------------------------
def _server_major(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def pg_program(name: str, server_major: int) -> str:
    """The client program (`pg_dump`, `pg_restore`) whose major version is at least the server's: PG_BIN_DIR if set,
    then Debian's /usr/lib/postgresql/<major>/bin, then the PATH. An older client cannot read a newer server: refused."""
    candidates = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(Path(os.environ["PG_BIN_DIR"]) / name)
    candidates.append(Path(f"/usr/lib/postgresql/{server_major}/bin") / name)
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if not candidate.is_file():
            continue
        version = subprocess.run([str(candidate), "--version"], capture_output=True, text=True, check=False).stdout
        match = re.search(r"(\d+)(?:\.\d+)?", version)
        if match and int(match.group(1)) >= server_major:
            return str(candidate)
    raise BackupError(
        f"找不到与数据库服务器（PostgreSQL {server_major}）版本相当的 {name}：请安装 postgresql-client-{server_major}，"
        f"或用环境变量 PG_BIN_DIR 指向其所在目录。"
    )


def _libpq_url(database: dict) -> tuple[str, dict]:
    """A connection string for the client programs and the environment carrying the password (never on the command
    line, where `ps` would show it)."""
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    user = quote(str(database.get("USER") or ""), safe="")
    host, port = str(database.get("HOST") or ""), str(database.get("PORT") or "")
    netloc = (f"{user}@" if user else "") + host + (f":{port}" if port else "")
    return f"postgresql://{netloc}/{quote(str(database['NAME']), safe='')}", env


# --- backup ------------------------------------------------------------------------------------------------------------
def backup(target: Path, *, alias: str = "default") -> dict:
    database = settings.DATABASES[alias]
    target = target.resolve()
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 不是空目录：请指定一个新目录。")
    target.mkdir(parents=True, exist_ok=True)
    manifest: dict = {"format": 1, "created_at": timezone.now().isoformat(), "counts": counts(connections[alias])}
    engine = database["ENGINE"]
    if engine == "django.db.backends.postgresql":
        major = _server_major(connections[alias])
        url, env = _libpq_url(database)
        dump = target / PG_DUMP
        result = subprocess.run(
            [pg_program("pg_dump", major), "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}",
             f"--dbname={url}"],
            capture_output=True, text=True, env=env, check=False,
        )
        if result.returncode:
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
        manifest.update(engine="postgresql", server_major=major, database=PG_DUMP)
    elif engine == "django.db.backends.sqlite3":
        copy = target / SQLITE_COPY
        source = sqlite3.connect(str(database["NAME"]))
        destination = sqlite3.connect(str(copy))
        with destination:
            source.backup(destination)
        source.close()
        destination.close()
        manifest.update(engine="sqlite", database=SQLITE_COPY)
    else:
        raise BackupError(f"不支持备份此数据库引擎：{engine}")
    manifest["database_sha256"] = sha256(target / manifest["database"])

    media_root = Path(settings.MEDIA_ROOT)
    with tarfile.open(target / MEDIA_ARCHIVE, "w:gz") as archive:
        if media_root.is_dir():
            archive.add(media_root, arcname=".")
    manifest["media_sha256"] = sha256(target / MEDIA_ARCHIVE)
    manifest["media_files"] = _media_files(media_root)
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


# --- restore -----------------------------------------------------------------------------------------------------------
def read_manifest(source: Path) -> dict:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} 中没有备份清单 {MANIFEST}：这不是本平台的备份目录。")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for name, key in ((manifest["database"], "database_sha256"), (MEDIA_ARCHIVE, "media_sha256")):
        if not (source / name).is_file():
            raise BackupError(f"备份文件 {name} 缺失。")
        if sha256(source / name) != manifest[key]:
            raise BackupError(f"备份文件 {name} 的校验和与清单不符：文件已损坏或被改动，拒绝恢复。")
    return manifest


def _create_if_missing(database: dict) -> None:
    admin = connect({**database, "NAME": "postgres"})
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {admin.ops.quote_name(database['NAME'])}")
    finally:
        admin.close()


def restore(source: Path, database_url: str, *, media_root: Path, force: bool = False) -> dict:
    source = source.resolve()
    manifest = read_manifest(source)
    database = dj_database_url.parse(database_url)
    if manifest["engine"] == "postgresql":
        if database["ENGINE"] != "django.db.backends.postgresql":
            raise BackupError("这是 PostgreSQL 的备份，只能恢复到 PostgreSQL 数据库（--database-url postgres://…）。")
        _create_if_missing(database)
        target = connect(database)
        try:
            with target.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
                tables = cursor.fetchone()[0]
            major = _server_major(target)
        finally:
            target.close()
        if tables and not force:
            raise BackupError(
                f"目标数据库 {database['NAME']} 不是空库（已有 {tables} 张表）：拒绝覆盖。确需覆盖请加 --force。"
            )
        url, env = _libpq_url(database)
        command = [pg_program("pg_restore", major), "--no-owner", "--no-privileges", "--exit-on-error",
                   f"--dbname={url}"]
        if tables:
            command += ["--clean", "--if-exists"]
        result = subprocess.run(command + [str(source / PG_DUMP)], capture_output=True, text=True, env=env,
                                check=False)
        if result.returncode:
            raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")
    elif manifest["engine"] == "sqlite":
        if database["ENGINE"] != "django.db.backends.sqlite3":
            raise BackupError("这是 SQLite 的备份，只能恢复为 SQLite 数据库文件（--database-url sqlite:///路径）。")
        path = Path(database["NAME"])
        if path.exists() and path.stat().st_size and not force:
            raise BackupError(f"目标数据库文件 {path} 已存在且不为空：拒绝覆盖。确需覆盖请加 --force。")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / SQLITE_COPY, path)
    else:
        raise BackupError(f"无法识别的备份数据库类型：{manifest['engine']}")

    media_root = media_root.resolve()
    if media_root.is_dir() and any(media_root.iterdir()) and not force:
        raise BackupError(f"附件目录 {media_root} 不是空目录：拒绝覆盖。确需覆盖请加 --force。")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA_ARCHIVE, "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    restored_files = _media_files(media_root)
    damaged = [name for name, digest in manifest["media_files"].items() if restored_files.get(name) != digest]
    if damaged:
        raise BackupError(f"{len(damaged)} 个附件文件缺失或与清单不符，例如 {damaged[0]}。")
    target = connect(database)
    try:
        found = counts(target)
    finally:
        target.close()
    if found != manifest["counts"]:
        raise BackupError(f"恢复后的记录数与备份清单不符：清单 {manifest['counts']}，恢复后 {found}。")
    return {"counts": found, "files": len(restored_files)}


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
