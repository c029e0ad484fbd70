"""A SQLite database given as DATABASE_URL takes simultaneous writes: no request answers 500 "database is locked".

The suite's own database is in memory and shared by one process, so this runs a real file database in a process of its
own: `manage.py migrate`, then 20 threads that register a demand each through the REST API at the same moment.
"""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THREADS = 20

# Only the HTTP API (../shared/spec/API.md) and the accounts models, so that moving code between apps does not matter.
REGISTER_AT_ONCE = textwrap.dedent(
    f"""
    import json
    import threading

    import django

    django.setup()

    from django.db import connections
    from rest_framework.test import APIClient

    from accounts.models import Department, Role, User
    from accounts.tests.factories import valid_uscc

    THREADS = {THREADS}
    office = User.objects.create_user(
        username="concurrency_office", password="Concurrency@2026", role=Role.OFFICE,
        department=Department.objects.get(code="anshun-zwfw"), last_name="并", first_name="发",
    )
    connections.close_all()
    barrier = threading.Barrier(THREADS)
    answers = [None] * THREADS


    def register(i):
        client = APIClient(raise_request_exception=False)  # a view's exception becomes the 500 a caller would get
        client.force_authenticate(user=office)
        body = {{
            "channel": "hotline",
            "title": f"并发登记的诉求 {{i}}",
            "content": f"第 {{i}} 家企业反映：厂房消防验收迟迟未办。",
            "domain": "market",
            "enterprise": {{"name": f"安顺并发测试{{i}}有限公司", "uscc": valid_uscc(500 + i)}},
            "requester": {{"name": "李女士", "phone": "13900000001"}},
            "anonymous": False,
            "external_ref": f"12345-2026-9{{i:05d}}",
        }}
        try:
            barrier.wait(timeout=30)
            response = client.post("/api/v1/demands/", body, format="json")
            exc_info = getattr(response, "exc_info", None)
            detail = repr(exc_info[1]) if exc_info else response.content.decode(errors="replace")[:300]
            answers[i] = [response.status_code, detail]
        except Exception as exc:
            answers[i] = [None, repr(exc)]
        finally:
            connections.close_all()


    threads = [threading.Thread(target=register, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reader = APIClient()
    reader.force_authenticate(user=office)
    listing = reader.get("/api/v1/demands/")
    print(json.dumps({{"answers": answers, "list_status": listing.status_code, "count": listing.json().get("count")}}))
    """
)


def sqlite_env(tmp_path: Path) -> dict[str, str]:
    drop = {"DATABASE_URL", "DATABASE_URL_FILE", "REDIS_URL", "REDIS_URL_FILE", "DJANGO_ENV", "DJANGO_DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "qiyezhijia.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrency.db'}",
            "QYZJ_VAR_DIR": str(tmp_path / "var"),
            "LOG_LEVEL": "error",
        }
    )
    return env


def test_twenty_simultaneous_api_registrations_on_a_sqlite_database_url_all_succeed(tmp_path):
    env = sqlite_env(tmp_path)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]

    result = subprocess.run(
        [sys.executable, "-c", REGISTER_AT_ONCE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    statuses = [status for status, _ in outcome["answers"]]
    failures = [answer for answer in outcome["answers"] if answer[0] != 201]
    assert statuses == [201] * THREADS, f"{len(failures)} of {THREADS} not created, e.g. {failures[:3]}"
    assert outcome["list_status"] == 200
    assert outcome["count"] == THREADS
    # The journal mode is stored in the database file: the connections really ran the WAL pragma.
    with closing(sqlite3.connect(tmp_path / "concurrency.db")) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
