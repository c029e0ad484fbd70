"""Dashboard and stats API at scale: build N tickets on PostgreSQL in a database of its own, time the reads.

    .venv/bin/python bench/dashboard.py [--tickets 1000000] [--database qyzj_bench_dashboard] [--repeat 15] [--reuse]

1. (Re)create the database, migrate it, and fill it with set-based SQL (generate_series; no ORM loops): N tickets over
   three years (40% in the city, the rest spread over the counties), one demand per ticket, a callback per archived
   ticket, and for reworked tickets the history row of their first close (as django-simple-history writes it).
2. Fill the day rows (tickets.figures.rebuild; the SQL bypasses the workflow that keeps them in step).
3. Time, for one year of one region (anshun, 2025), the dashboard's query set (kpis.compute, the monthly trend, the
   overdue list), the whole dashboard page and GET /api/v1/stats/, plus for reference the same figures counted from
   the tickets, first as migrated, then with the indexes this script recommends for the tickets tables (created
   here, in the bench database only), and print median and p90.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _database import recreate_database  # bench/ is the script's own folder on sys.path

RECOMMENDED_INDEXES = [
    "CREATE INDEX IF NOT EXISTS bench_ticket_region_created ON tickets_ticket (region_id, created_at)",
    "CREATE INDEX IF NOT EXISTS bench_ticket_region_signed ON tickets_ticket (region_id, first_signed_at)",
    "CREATE INDEX IF NOT EXISTS bench_ticket_region_first_closed ON tickets_ticket (region_id, first_closed_at)",
    "CREATE INDEX IF NOT EXISTS bench_ticket_region_closed ON tickets_ticket (region_id, closed_at)",
    "CREATE INDEX IF NOT EXISTS bench_ticket_region_archived ON tickets_ticket (region_id, archived_at)",
    "CREATE INDEX IF NOT EXISTS bench_demand_region_received ON tickets_demand (region_id, received_at)",
    "CREATE INDEX IF NOT EXISTS bench_callback_at ON tickets_callback (at) WHERE reached AND NOT sampled",
]


def parse_args():
    parser = argparse.ArgumentParser(description="运行看板与统计接口的性能测试（独立数据库）")
    parser.add_argument("--tickets", type=int, default=1_000_000, help="工单数量（默认 1000000）")
    parser.add_argument("--database", default="qyzj_bench_dashboard", help="测试用数据库名（会被删除重建）")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL 服务器地址")
    parser.add_argument("--repeat", type=int, default=15, help="每项计时重复次数")
    parser.add_argument("--reuse", action="store_true", help="沿用已建好的数据库，不重建")
    args = parser.parse_args()
    if args.tickets < 1000:
        parser.error("--tickets 至少为 1000")
    if not args.database.replace("_", "").isalnum():
        parser.error("--database 只能包含字母、数字和下划线")
    return args


def fill_defaults(cursor, table: str, given: list[str]) -> tuple[list[str], list[str]]:
    """Columns another change may have added (NOT NULL, no default): give them a neutral value by type."""
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s AND is_nullable = 'NO' "
        "AND column_default IS NULL",
        [table],
    )
    neutral = {"boolean": "false", "text": "''", "character varying": "''", "smallint": "0", "integer": "0",
               "bigint": "0", "jsonb": "'{}'::jsonb"}
    names, values = [], []
    for column, data_type in cursor.fetchall():
        if column in given or column in ("id", "history_id"):
            continue
        if data_type not in neutral:
            raise SystemExit(f"{table}.{column}（{data_type}）没有默认值，性能测试脚本需要补充。")
        names.append(column)
        values.append(neutral[data_type])
    return names, values


def build(n: int) -> None:
    from django.db import connection

    from accounts.models import Department, Region, Role, User

    office = Department.objects.get(code="anshun-zwfw")
    user, _ = User.objects.get_or_create(
        username="bench_office", defaults={"role": Role.OFFICE, "department": office, "first_name": "性能测试"}
    )
    city = Region.objects.get(code="anshun")
    started = time.perf_counter()
    from accounts.models import Enterprise
    from accounts.tests.factories import valid_uscc

    Enterprise.objects.bulk_create(
        [Enterprise(name=f"性能测试企业{i}", uscc=valid_uscc(900000 + i)) for i in range(2000)], ignore_conflicts=True
    )
    enterprises = list(Enterprise.objects.filter(name__startswith="性能测试企业").values_list("id", flat=True))
    with connection.cursor() as c:
        c.execute("DROP TABLE IF EXISTS bench_dept, bench_region, bench_gen")
        c.execute(
            "CREATE UNLOGGED TABLE bench_dept AS SELECT region_id, (row_number() OVER (PARTITION BY region_id ORDER BY id)"
            " - 1)::int AS idx, id FROM accounts_department WHERE active AND kind IN ('service', 'member')"
        )
        c.execute(
            "CREATE UNLOGGED TABLE bench_region AS SELECT (row_number() OVER (ORDER BY region_id <> %s, region_id) - 1)::int"
            " AS ridx, region_id, count(*)::int AS cnt FROM bench_dept GROUP BY region_id",
            [city.pk],
        )
        c.execute("SELECT count(*) - 1 FROM bench_region")
        counties = c.fetchone()[0]
        c.execute(f"""
            CREATE UNLOGGED TABLE bench_gen AS
            WITH g AS (
              SELECT s AS n,
                TIMESTAMPTZ '2023-12-01 08:00+08' + ((s - 1)::float8 / {n}) * INTERVAL '1095 days'
                  + random() * INTERVAL '9 hours' AS t0,
                random() AS r_region, random() AS r_dept, random() AS r_state, random() AS r_sign,
                random() AS r_close, random() AS r_sat, random() AS r_std, random() AS r_chan, random() AS r_dom,
                random() AS r_cat
              FROM generate_series(1, {n}) s
            )
            SELECT g.*, r.region_id, d.id AS dept_id,
              CASE WHEN g.t0 > TIMESTAMPTZ '2026-10-01 00:00+08' THEN
                     (ARRAY['dispatched','handling','handling','handling','closed','archived'])[1 + floor(g.r_state * 6)::int]
                   WHEN g.r_state < 0.02 THEN 'terminated' WHEN g.r_state < 0.03 THEN 'escalated'
                   ELSE 'archived' END AS state
            FROM g
            JOIN bench_region r ON r.ridx = CASE WHEN g.r_region < 0.4 THEN 0
                 ELSE 1 + least(floor((g.r_region - 0.4) / 0.6 * {counties})::int, {counties} - 1) END
            JOIN bench_dept d ON d.region_id = r.region_id AND d.idx = floor(g.r_dept * r.cnt)::int
        """)
        c.execute("SELECT id FROM accounts_domain ORDER BY id")
        domains = [row[0] for row in c.fetchall()]

        ticket_columns = {
            "id": "n", "number": "'BG' || lpad(n::text, 9, '0')", "state": "state",
            "title": "'性能测试工单 ' || n", "category": "(ARRAY['consultation','coordination','complaint'])[1 + floor(r_cat * 3)::int]",
            "complex": "false", "self_handled": "false", "created_at": "t0", "dispatched_at": "t0",
            "sign_due_at": "t0 + INTERVAL '2 days'", "sign_due_provisional": "false",
            "signed_at": "CASE WHEN state = 'dispatched' THEN NULL WHEN r_sign < 0.05 THEN t0 + INTERVAL '2 days' ELSE t0 + r_sign * INTERVAL '2 days' END",
            "first_signed_at": "CASE WHEN state = 'dispatched' THEN NULL WHEN r_sign < 0.05 THEN t0 + INTERVAL '2 days' ELSE t0 + r_sign * INTERVAL '2 days' END",
            "auto_signed": "state <> 'dispatched' AND r_sign < 0.05",
            "handle_started_at": "CASE WHEN state = 'dispatched' THEN NULL ELSE t0 + INTERVAL '2 days' END",
            "handle_due_at": "CASE WHEN state = 'dispatched' THEN NULL WHEN state = 'archived' AND r_sat > 0.95 THEN t0 + r_close * INTERVAL '20 days' + INTERVAL '15 days' ELSE t0 + INTERVAL '16 days' END",
            "handle_due_provisional": "false",
            "first_closed_at": "CASE WHEN state IN ('closed','archived') THEN t0 + INTERVAL '2 days' + r_close * INTERVAL '20 days' END",
            "closed_at": "CASE WHEN state IN ('closed','archived') THEN t0 + INTERVAL '2 days' + r_close * INTERVAL '20 days' + CASE WHEN r_sat > 0.95 THEN INTERVAL '7 days' ELSE INTERVAL '0' END END",
            "callback_due_at": "CASE WHEN state = 'closed' THEN t0 + INTERVAL '30 days' END",
            "callback_due_provisional": "false",
            "archived_at": "CASE WHEN state = 'archived' THEN t0 + INTERVAL '4 days' + r_close * INTERVAL '20 days' + CASE WHEN r_sat > 0.95 THEN INTERVAL '7 days' ELSE INTERVAL '0' END END",
            "rework_count": "CASE WHEN state = 'archived' AND r_sat > 0.95 THEN 1 ELSE 0 END",
            "closure_standard": "CASE WHEN state IN ('closed','archived') THEN (CASE WHEN r_std < 0.8 THEN 'resolved' WHEN r_std < 0.95 THEN 'partial' ELSE 'legal_route' END) ELSE '' END",
            "closure_result": "''", "closure_explanation": "''", "escalation_reason": "''",
            "dispute_reason": "''", "referral_note": "''",
            "terminated_at": "CASE WHEN state = 'terminated' THEN t0 + INTERVAL '5 days' END",
            "created_by_id": str(user.pk), "domain_id": f"(ARRAY{domains})[1 + floor(r_dom * {len(domains)})::int]",
            "lead_department_id": "dept_id", "region_id": "region_id",
        }
        extra_names, extra_values = fill_defaults(c, "tickets_ticket", list(ticket_columns))
        names = list(ticket_columns) + extra_names
        values = list(ticket_columns.values()) + extra_values
        c.execute(f"INSERT INTO tickets_ticket ({', '.join(names)}) SELECT {', '.join(values)} FROM bench_gen")
        c.execute("SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), (SELECT max(id) FROM tickets_ticket))")

        channels = "ARRAY['online','hotline','hall','transfer','department','chamber','supervisor','other','assigned']"
        demand_columns = {
            "id": "t.id", "number": "'BQ' || lpad(t.id::text, 9, '0')", "state": "'ticketed'",
            "channel": f"({channels})[1 + floor(g.r_chan * 9)::int]",
            "enterprise_id": f"(ARRAY{enterprises})[1 + (t.id % {len(enterprises)})::int]",
            "enterprise_name": "'性能测试企业' || (t.id % 2000)", "requester_name": "'测试'", "requester_phone": "'13800000000'",
            "anonymous": "false", "title": "t.title", "content": "'性能测试诉求内容'",
            "received_at": "t.created_at - INTERVAL '1 hour'", "registered_at": "t.created_at - INTERVAL '30 minutes'",
            "self_handle": "false", "triage_due_provisional": "false", "missing_materials": "''", "reject_reason": "''",
            "reject_note": "''", "consent_by": "''", "consent_method": "''", "escalation_reason": "''",
            "decided_at": "t.created_at", "domain_id": "t.domain_id", "first_contact_department_id": "t.lead_department_id",
            "region_id": "t.region_id", "registered_by_id": str(user.pk), "ticket_id": "t.id",
        }
        extra_names, extra_values = fill_defaults(c, "tickets_demand", list(demand_columns))
        names = list(demand_columns) + extra_names
        values = list(demand_columns.values()) + extra_values
        c.execute(
            f"INSERT INTO tickets_demand ({', '.join(names)}) SELECT {', '.join(values)} "
            "FROM tickets_ticket t JOIN bench_gen g ON g.n = t.id"
        )
        c.execute("SELECT setval(pg_get_serial_sequence('tickets_demand', 'id'), (SELECT max(id) FROM tickets_demand))")

        c.execute(f"""
            INSERT INTO tickets_callback (at, reached, satisfaction, consistent, meets_standard, note, sampled, returned, by_id, ticket_id)
            SELECT t.archived_at, true,
                   CASE WHEN g.r_sat < 0.85 THEN 'satisfied' WHEN g.r_sat < 0.93 THEN 'basically_satisfied' ELSE 'unsatisfied' END,
                   true, true, '', false, false, {user.pk}, t.id
            FROM tickets_ticket t JOIN bench_gen g ON g.n = t.id WHERE t.state = 'archived'
        """)
        # The first close of a reworked ticket, as django-simple-history records it: the due then in force.
        c.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'tickets_ticket'")
        columns = [row[0] for row in c.fetchall()]
        at_first_close = {
            "state": "'closed'", "closed_at": "first_closed_at", "archived_at": "NULL", "rework_count": "0",
            "handle_due_at": "first_signed_at + INTERVAL '14 days'",
        }
        c.execute(
            f"INSERT INTO tickets_historicalticket ({', '.join(columns)}, history_date, history_type) "
            f"SELECT {', '.join(at_first_close.get(col, col) for col in columns)}, first_closed_at, '~' "
            "FROM tickets_ticket WHERE rework_count > 0"
        )
        c.execute("DROP TABLE bench_dept, bench_region, bench_gen")
        c.execute("ANALYZE")
    print(f"建库：{n} 张工单（及诉求、回访、重办工单的历史记录）用时 {time.perf_counter() - started:.1f} 秒")


def timed(label: str, fn, repeat: int) -> tuple[str, float, float]:
    fn()  # warm: the working-day calendar and the connection
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p90 = samples[min(len(samples) - 1, int(round(0.9 * (len(samples) - 1))))]
    return label, statistics.median(samples), p90


def measure(repeat: int) -> list[tuple[str, float, float]]:
    from datetime import date

    from django.test import Client

    from accounts.models import Region, User
    from reports import kpis

    city = Region.objects.get(code="anshun")
    year = kpis.Scope(region=city, start=date(2025, 1, 1), end=date(2025, 12, 31))
    whole = kpis.Scope(region=city, start=date(2025, 1, 1), end=date(2025, 12, 31), include_children=True)
    client = Client()
    client.force_login(User.objects.get(username="bench_office"))
    query = "?region=anshun&from=2025-01-01&to=2025-12-31"

    def overdue_list():
        list(kpis.drill_queryset(year, "overdue_open").order_by("current_due_at", "id")[:20])

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return [
        timed("kpis.compute（市本级 2025 全年）", lambda: kpis.compute(year), repeat),
        timed("kpis.trend 按月", lambda: kpis.trend(year, "month"), repeat),
        timed("超期清单（前 20 条）", overdue_list, repeat),
        timed("GET /api/v1/stats/（市本级 2025）", lambda: get("/api/v1/stats/" + query), repeat),
        timed("运行看板整页（市本级 2025）", lambda: get("/reports/dashboard/" + query), repeat),
        timed("运行报告整页（市本级 2025，含各县区对比）", lambda: get("/reports/operations/" + query), max(3, repeat // 3)),
        timed("kpis.compute（含所辖县区 2025）", lambda: kpis.compute(whole), repeat),
        timed("对照：kpis.compute 逐单计算（不用日统计）", lambda: kpis.compute(year, source="live"), 3),
        timed("对照：按渠道筛选（只能逐单计算）", lambda: kpis.compute(
            kpis.Scope(region=city, start=date(2025, 1, 1), end=date(2025, 12, 31), channel="hotline")), 3),
    ]


def report(title: str, rows) -> None:
    print(f"\n{title}")
    print(f"{'项目':<34}{'中位数(ms)':>12}{'P90(ms)':>12}")
    for label, median, p90 in rows:
        print(f"{label:<34}{median:>12.1f}{p90:>12.1f}")


def main() -> None:
    args = parse_args()
    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiyezhijia.settings")
    if not args.reuse:
        recreate_database(args.server, args.database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    if not args.reuse:
        build(args.tickets)
    from tickets.figures import rebuild
    from tickets.models import TicketDay

    if not TicketDay.objects.exists():
        # The SQL above bypasses the workflow's signals: fill the day rows the way a deployment would.
        started = time.perf_counter()
        tickets, demands = rebuild()
        print(f"日统计重建：{tickets} + {demands} 行，用时 {time.perf_counter() - started:.1f} 秒")
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM tickets_ticket")
        total = c.fetchone()[0]
        c.execute("SELECT count(*) FROM tickets_ticket t JOIN accounts_region r ON r.id = t.region_id "
                  "WHERE r.code = 'anshun' AND t.created_at >= '2025-01-01 00:00+08' AND t.created_at < '2026-01-01 00:00+08'")
        year_count = c.fetchone()[0]
        for statement in RECOMMENDED_INDEXES:
            c.execute(statement.replace("CREATE INDEX IF NOT EXISTS", "DROP INDEX IF EXISTS").split(" ON ")[0])
    print(f"数据库 {args.database}：工单 {total} 张；市本级 2025 年派发 {year_count} 张")
    report("迁移自带的索引：", measure(args.repeat))
    with connection.cursor() as c:
        for statement in RECOMMENDED_INDEXES:
            c.execute(statement)
        c.execute("ANALYZE")
    report("加上推荐索引后：", measure(args.repeat))
    print("\n推荐索引（工单表，由 tickets 应用的迁移添加）：")
    for statement in RECOMMENDED_INDEXES:
        print("  " + statement.replace("IF NOT EXISTS bench_", ""))


if __name__ == "__main__":
    main()
