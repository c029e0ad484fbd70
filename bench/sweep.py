"""Benchmark of the deadline sweep on PostgreSQL (not a test): how long one sweep takes, and how many SQL queries.

    .venv/bin/python bench/sweep.py                      # 1,000,000 tickets, 100,000 open, about 1,000 newly due
    .venv/bin/python bench/sweep.py --tickets 200000     # a smaller data set on a small machine
    BENCH_DATABASE_URL=postgres://user@host:5432/mydb .venv/bin/python bench/sweep.py

1. (Re)creates its own database (default `qyzj_bench` on 127.0.0.1, never the application's) and migrates it.
2. Builds the data set with set-based SQL (one INSERT … SELECT FROM generate_series per table, not the ORM row by row):
   archived tickets with old due instants, and open tickets (dispatched / handling / closed) whose running clocks fall
   due over the next weeks; about 1,000 of them fall in the window of the sweep: sign and handling clocks that expired
   since the previous sweep (auto-sign and automatic supervision) and clocks entering their warning day.
3. Remembers a previous sweep 5 minutes earlier, runs `deadlines.sweep.sweep(now)` once and prints the elapsed time
   and the number of SQL queries (including the notifications written after each batch commits), then runs the same
   `now` again to show what an idempotent re-run costs.

The sweep works a batch (up to 500 due items) at a time in a fixed number of statements, so its query count follows
the number of batches, not of items: measured here (2 cores, PostgreSQL 15, 1,000,000 tickets) the ~1,000 newly due
items cost 89 queries and 1.0–1.1 s on an idle machine (up to 1.9 s beside other work), where the sweep that acted item
by item had cost 15,284 queries and 12–15 s. The elapsed time includes loading the URL configuration on the first
`reverse()` (about 0.35 s), which a long-running worker pays once.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 10, 0, 10, tzinfo=SH)  # a Tuesday, just after midnight: yesterday's clocks have expired


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets in total (default 1,000,000)")
    parser.add_argument("--open", type=int, default=None, help="open tickets (default a tenth of --tickets)")
    parser.add_argument("--due", type=int, default=1000, help="open tickets due in the sweep's window (default 1,000)")
    parser.add_argument("--profile", action="store_true", help="also print the most frequent query shapes of the sweep")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qyzj_bench"),
        help="database to (re)create; default $BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/qyzj_bench",
    )
    args = parser.parse_args()
    args.open = args.tickets // 10 if args.open is None else args.open
    if args.tickets < 1 or not 0 <= args.open <= args.tickets or not 0 <= args.due <= args.open:
        parser.error("需要 1 ≤ --tickets，0 ≤ --open ≤ --tickets，0 ≤ --due ≤ --open。")
    return args


def recreate_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not name or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"拒绝重建数据库“{name}”：请指定专用的基准测试数据库。")
    admin = psycopg2.connect(
        dbname="postgres", user=parsed.username, password=parsed.password, host=parsed.hostname, port=parsed.port or 5432
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def column_defaults(model, explicit: dict[str, str]) -> tuple[list[str], list[str]]:
    """Columns and SQL expressions for an INSERT … SELECT: ours where given, a neutral value for any other NOT NULL."""
    from django.db import models

    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in explicit:
            continue
        if field.column in explicit:
            expression = explicit[field.column]
        elif field.null:
            continue
        elif isinstance(field, models.BooleanField):
            expression = "false"
        elif isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField)):
            expression = "0"
        elif isinstance(field, (models.CharField, models.TextField)):
            expression = "''"
        else:
            raise SystemExit(f"基准脚本不知道如何填充 {model.__name__}.{field.name}，请补充。")
        columns.append(field.column)
        expressions.append(expression)
    return columns, expressions


def build(args) -> dict:
    from django.db import connection
    from django.db.models import Count

    from accounts.models import Department, Domain, Region, Role, User
    from deadlines.models import SweepState
    from tickets.models import Ticket

    region = Region.objects.get(code="anshun")
    domain = Domain.objects.order_by("id").first()
    departments = list(
        Department.objects.filter(region=region, active=True).exclude(kind__in=["office_host", "government_office"])
        .order_by("code")[:10]
    )
    office_host = Department.objects.get(region=region, kind="office_host")
    office = User.objects.create(username="bench_office", role=Role.OFFICE, department=office_host)
    for number, department in enumerate(departments):
        User.objects.create(username=f"bench_handler_{number}", role=Role.HANDLER, department=department)

    archived = args.tickets - args.open
    due = args.due
    # The ~1,000 clocks in the window: expired sign clocks (auto-sign), expired handling clocks (supervision), and
    # sign / handling / callback clocks entering their last working day.
    bands = [
        ("dispatched", "sign_due_at", NOW.replace(hour=0, minute=0) - timedelta(seconds=1), due * 25 // 100),
        ("dispatched", "sign_due_at", NOW.replace(hour=23, minute=59, second=59), due * 10 // 100),
        ("handling", "handle_due_at", NOW.replace(hour=0, minute=0) - timedelta(seconds=1), due * 25 // 100),
        ("handling", "handle_due_at", NOW.replace(hour=23, minute=59, second=59) + timedelta(days=1), due * 25 // 100),
    ]
    bands.append(("closed", "callback_due_at", NOW.replace(hour=23, minute=59, second=59), due - sum(b[3] for b in bands)))
    later = NOW.replace(hour=23, minute=59, second=59) + timedelta(days=2)  # beyond the warning horizon
    old = datetime(2025, 3, 3, 23, 59, 59, tzinfo=SH)

    # State and due columns of ticket i (1-based): archived first, then the window bands, then the other open ones.
    state_cases, due_cases = [], {"sign_due_at": [], "handle_due_at": [], "callback_due_at": []}
    start = archived
    for state, column, instant, count in bands:
        if count <= 0:
            continue
        condition = f"i > {start} AND i <= {start + count}"
        state_cases.append(f"WHEN {condition} THEN '{state}'")
        due_cases[column].append(f"WHEN {condition} THEN '{instant.isoformat()}'::timestamptz")
        start += count
    rest = f"i > {start}"
    state_cases.append(f"WHEN {rest} AND i % 10 < 2 THEN 'dispatched'")
    state_cases.append(f"WHEN {rest} AND i % 10 < 8 THEN 'handling'")
    state_cases.append(f"WHEN {rest} THEN 'closed'")
    due_cases["sign_due_at"].append(f"WHEN {rest} AND i % 10 < 2 THEN '{later.isoformat()}'::timestamptz + (i % 40) * interval '1 day'")
    due_cases["handle_due_at"].append(f"WHEN {rest} AND i % 10 BETWEEN 2 AND 7 THEN '{later.isoformat()}'::timestamptz + (i % 50) * interval '1 day'")
    due_cases["callback_due_at"].append(f"WHEN {rest} AND i % 10 >= 8 THEN '{later.isoformat()}'::timestamptz + (i % 20) * interval '1 day'")
    old_sql = f"'{old.isoformat()}'::timestamptz - (i % 400) * interval '1 day'"

    def case(parts: list[str], default: str) -> str:
        return "CASE " + " ".join(parts) + f" ELSE {default} END"

    department_ids = "ARRAY[" + ",".join(str(d.pk) for d in departments) + "]"
    # Archived tickets keep their old due instants, like real ones (they are never cleared).
    state = case(state_cases, "'archived'")
    sign_due = case(due_cases["sign_due_at"], old_sql)
    handle_due = case(due_cases["handle_due_at"], f"{old_sql} + interval '14 days'")
    callback_due = case(due_cases["callback_due_at"], f"{old_sql} + interval '21 days'")
    explicit = {
        "number": "'GD' || lpad(i::text, 9, '0')",
        "state": state,
        "region_id": str(region.pk),
        "title": "'基准工单 ' || i",
        "category": "(ARRAY['consultation','coordination','complaint'])[1 + i % 3]",
        "complex": "false",
        "domain_id": str(domain.pk),
        "lead_department_id": f"({department_ids})[1 + i % {len(departments)}]",
        "created_by_id": str(office.pk),
        "created_at": f"{old_sql} - interval '3 days'",
        "dispatched_at": f"{old_sql} - interval '3 days'",
        "sign_due_at": sign_due,
        "handle_due_at": handle_due,
        "callback_due_at": callback_due,
        # The due of the running clock, as the acts keep it: sign while dispatched, handling, callback once closed.
        "current_due_at": (
            f"CASE {state} WHEN 'dispatched' THEN {sign_due} WHEN 'handling' THEN {handle_due} "
            f"WHEN 'closed' THEN {callback_due} END"
        ),
        "handle_started_at": f"{old_sql} - interval '2 days'",
        "signed_at": f"{old_sql} - interval '2 days'",
        "closed_at": f"CASE WHEN i <= {archived} THEN {old_sql} + interval '10 days' END",
        "archived_at": f"CASE WHEN i <= {archived} THEN {old_sql} + interval '20 days' END",
    }
    columns, expressions = column_defaults(Ticket, explicit)
    table = Ticket._meta.db_table
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {', '.join(expressions)} FROM generate_series(1, {int(args.tickets)}) AS i"
        )
        cursor.execute(f"ANALYZE {table}")
    built = time.perf_counter() - started
    SweepState.objects.update_or_create(pk=1, defaults={"last_now": NOW - timedelta(minutes=5)})
    counts = dict(Ticket.objects.values_list("state").order_by().annotate(n=Count("id")))
    return {"seconds": built, "states": counts}


def measure(now, shapes=None):
    import re

    from django.db import connection

    from deadlines.sweep import sweep

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        if shapes is not None:
            shape = re.sub(r"\s+", " ", re.sub(r"'[^']*'|\b\d+\b", "?", sql))[:90]
            shapes[shape] = shapes.get(shape, 0) + 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = sweep(now)
        elapsed = time.perf_counter() - started
    return result, elapsed, queries


def main() -> None:
    args = parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiyezhijia.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    print(f"数据库 {urlparse(args.database_url).path.lstrip('/')}：重建并迁移……", flush=True)
    recreate_database(args.database_url)

    import django

    django.setup()
    import logging

    logging.disable(logging.INFO)  # the SMS logger would print one line per message
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"迁移用时 {time.perf_counter() - started:.1f} s", flush=True)

    built = build(args)
    print(
        f"生成工单 {args.tickets:,} 件（未结 {args.open:,} 件，窗口内到期约 {args.due:,} 件），"
        f"用时 {built['seconds']:.1f} s；各状态：{built['states']}",
        flush=True,
    )

    shapes = {} if args.profile else None
    result, elapsed, queries = measure(NOW, shapes)
    print(f"巡检（{NOW.isoformat()}）：{result.summary()}；用时 {elapsed:.2f} s，SQL 查询 {queries} 条", flush=True)
    if shapes:
        for shape, number in sorted(shapes.items(), key=lambda item: -item[1])[:25]:
            print(f"{number:7d}  {shape}")
    again, elapsed, queries = measure(NOW)
    print(f"同一时点再次巡检：{again.summary()}；用时 {elapsed:.2f} s，SQL 查询 {queries} 条", flush=True)


if __name__ == "__main__":
    main()
