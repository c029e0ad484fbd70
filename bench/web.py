"""The platform's pages over HTTP at scale: N tickets on PostgreSQL in a database of its own, served by gunicorn.

    .venv/bin/python bench/web.py [--tickets 1000000] [--database qyzj_bench_web] [--server postgres://…:5432]
                                  [--repeat 30] [--warmup 3] [--reuse] [--fail-over-budget] [--only 文字 …]

1. (Re)create the database and migrate it; with --reuse keep its rows and only migrate it (so a changed application's
   migrations apply). The data set is bench/dashboard.py's (set-based SQL: N tickets over three years, 40 % in the
   city, one demand per ticket, callbacks and the history of reworked tickets), reshaped here by set-based SQL too:
   a. enterprise names that read like real ones, 0.5 % of demands from enterprises whose names hold 屯堡 (the keyword
      the lists are timed with), ticket and demand titles that read like real ones;
   b. about 30 % of tickets open, more of them the newer they are, in every open state (待签收, 异议, 待政府确定,
      办理中, 已办结待回访, 复查复核) with their dates and due columns (sign, handling, callback) set;
   c. co-departments for 8 % of tickets, the timelines of tickets and demands (dispatch, sign, object, close,
      rework, callback, …), demands waiting for triage (one per 1,000 tickets), automatic supervisions of 5 % of the
      handling tickets past their due;
   d. the columns a newer application derives from others, when its migrations have added them (current_due_at,
      search_text — the latter by the statements of tickets/migrations/0009_search_text.py);
   e. the daily figures (tickets.figures.rebuild), the demo accounts (accounts.demo.seed_demo_accounts, as
      `manage.py seed_demo` creates them), VACUUM FULL of the tables rewritten, then VACUUM ANALYZE of the database
      (also after --reuse: what autovacuum would have done after the migrations, since it is off on these machines).
2. Serve the platform with gunicorn (2 sync workers on a free port of 127.0.0.1) with DJANGO_SETTINGS_MODULE=
   web_settings (bench/web_settings.py: the platform's settings plus core.middleware.QueryCountHeaderMiddleware),
   DJANGO_DEBUG=0, QYZJ_QUERY_COUNT_HEADER=1, cache and Celery messages in a temporary directory (never the
   developers' var/ or Redis). Check that DEBUG is off (a 404 page without Django's debug text).
3. Log in over HTTP as handler_scjg, office, leader and ent (GET /login/ for the CSRF token, POST the demo password;
   office and leader then give the current code of their demo TOTP device at /login/verify/),
   each with its own cookie jar and keep-alive connection (http.client; gunicorn's sync workers close the connection
   after each response, so every request opens a new TCP connection on the loopback).
4. For each page (with --only, each whose label holds one of the texts): --warmup requests, then --repeat timed ones
   (request sent → body read). Every response, warm-up
   included, is checked: status (200, or 302 to the new demand for the POST) and content (rows in lists, the ticket
   number on the ticket page …), so an error or an empty page is never timed as fast. Queries per request come from
   the X-Query-Count header.
5. Print page, p50 ms, p95 ms, queries per request, size, the page's p50 budget and 达标/超出, then one line with how
   many pages kept their budget (lists 50 ms, search 100 ms, see LIST_MS …); list the pages that answered an error
   (exit status 1); with --fail-over-budget a page over its budget exits with status 2. Add a page with one line in
   SIMPLE_PAGES (label, user, path, budget, texts it must show), or as a `Page` in pages() when it needs a finer check.
   gunicorn is stopped at the end, also on Ctrl+C or an error.
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode
from uuid import uuid4

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

WORKERS = 2
OPEN_EXPONENT = 2.4  # a ticket of relative age x (0 oldest … 1 newest) is open with probability x ** 2.4: ~30 % open
CO_SHARE = 8  # % of tickets with a co-department
TRIAGE_PER_TICKETS = 1000  # one demand waiting for triage per 1,000 tickets
SUPERVISED_MODULO = 20  # one overdue handling ticket in 20 has an automatic supervision

TOPICS = [
    "食品经营许可证办理进度咨询", "厂房用地规划调整申请", "企业招工难问题协调", "增值税留抵退税办理咨询", "中小企业融资贷款对接",
    "高新技术企业认定政策咨询", "项目环评审批进度协调", "园区道路及配套设施建设", "惠企政策资金兑现", "企业用电报装提速",
    "商标注册及知识产权保护", "拖欠中小企业账款协调", "消防验收办理咨询", "施工许可证办理", "社保补贴申领",
    "稳岗返还政策咨询", "出口退税办理进度", "营业执照变更登记", "特种设备检验预约", "食品生产许可延续",
    "农产品品牌认证", "旅游景区经营审批", "建设工程竣工验收", "企业技术改造补助申报", "科技创新项目申报",
    "创业担保贷款申请", "用水用气报装", "不动产登记办理", "企业年报公示问题", "行政处罚信用修复",
    "招商引资承诺事项兑现", "物流通道及交通管制协调", "排污许可证办理", "人才引进落户及住房补贴", "产品质量检验检测",
    "政府采购付款进度", "市场监管执法投诉", "电商企业孵化支持", "茶叶加工厂房租赁", "民营企业发展环境反映",
]
PLACES = ["安顺", "西秀", "平坝", "普定", "镇宁", "关岭", "紫云", "黄果树", "旧州", "七眼桥", "幺铺", "夏云", "白岩",
          "宁谷", "蔡官", "大西桥", "鸡场", "岩腊", "轿子山", "黔中"]
CORES = ["山泉", "金秋", "宏达", "瀑乡", "云峰", "黔诚", "兴旺", "恒信", "华鑫", "绿源", "鑫盛", "同心", "远航", "德润",
         "锦程", "鼎盛", "安达", "天成", "益康", "聚力"]
TRADES = ["食品", "装备制造", "农产品加工", "商贸", "建材", "物流", "电子科技", "茶业", "酒业", "医药", "旅游开发",
          "新能源", "纺织", "化工", "文化传媒", "餐饮管理", "建筑工程", "生态农业", "信息技术", "汽车销售"]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司", "专业合作社"]
KEYWORD = "屯堡"
KEYWORD_ENTERPRISES = [  # 10 of the 2,000 enterprises: 0.5 % of demands
    "安顺屯堡食品有限公司", "安顺屯堡文化旅游开发有限公司", "西秀区屯堡人家餐饮管理有限公司", "平坝屯堡农业发展有限公司",
    "天龙屯堡古镇旅游有限公司", "安顺市屯堡地戏文化传播有限公司", "云峰屯堡茶业有限公司", "贵州屯堡酒业有限公司",
    "安顺屯堡建材有限公司", "旧州屯堡商贸有限公司",
]
REQUESTERS = ["王建华", "李红梅", "张国强", "刘晓燕", "陈志刚", "杨丽", "赵永明", "黄静", "周磊", "吴芳"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000, help="工单数量（默认 1000000）")
    parser.add_argument("--database", default="qyzj_bench_web", help="测试用数据库名（会被删除重建）")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL 服务器地址")
    parser.add_argument("--repeat", type=int, default=30, help="每个页面计时的请求次数（默认 30）")
    parser.add_argument("--warmup", type=int, default=3, help="每个页面计时前的预热请求次数（默认 3）")
    parser.add_argument("--reuse", action="store_true", help="沿用已建好的数据库，不重建（仍执行迁移）")
    parser.add_argument("--fail-over-budget", action="store_true", help="有页面的 p50 超出预算时以状态 2 退出")
    parser.add_argument("--only", action="append", default=[], metavar="文字",
                        help="只计时名称含该文字的页面（可重复；例如 --only 工作台 --only 企业首页）")
    args = parser.parse_args()
    if args.tickets < 10_000:
        parser.error("--tickets 至少为 10000")
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat 至少为 1，--warmup 不能为负")
    if not args.database.replace("_", "").isalnum() or args.database in ("postgres", "template0", "template1"):
        parser.error("--database 只能包含字母、数字和下划线，且不能是系统数据库")
    return args


# --- 1. the data set ---------------------------------------------------------------------------------------------
def step(cursor, label: str, statement: str, params=None) -> None:
    started = time.perf_counter()
    cursor.execute(statement, params)
    rows = f"，{cursor.rowcount} 行" if cursor.rowcount and cursor.rowcount > 0 else ""
    print(f"  {label}{rows}，{time.perf_counter() - started:.1f} 秒", flush=True)


def insert(cursor, label: str, table: str, columns: dict[str, str], source: str) -> None:
    """INSERT INTO table (columns) SELECT expressions FROM source, neutral values for any other NOT NULL column."""
    from dashboard import fill_defaults

    extra_names, extra_values = fill_defaults(cursor, table, list(columns))
    names = list(columns) + extra_names
    values = list(columns.values()) + extra_values
    step(cursor, label, f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} FROM {source}")


def enterprise_names(count: int) -> list[str]:
    """`count` distinct names that read like real ones; every 200th one holds the keyword 屯堡."""
    rng = random.Random(2026)
    combos = [(p, c, t) for p in PLACES for c in CORES for t in TRADES]
    rng.shuffle(combos)
    names = [f"{p}{c}{t}{SUFFIXES[i % len(SUFFIXES)]}" for i, (p, c, t) in enumerate(combos[:count])]
    assert not any(KEYWORD in name for name in names)
    for slot, name in enumerate(KEYWORD_ENTERPRISES):
        names[37 + slot * (count // len(KEYWORD_ENTERPRISES))] = name
    return names


def sql_text_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def build(n: int) -> None:
    """bench/dashboard.py's data set, reshaped for the pages (see the docstring, step 1)."""
    import dashboard
    from django.db import connection

    from accounts.models import User
    from tickets.models import (
        Demand,
        DemandEvent,
        Ticket,
        TicketCoDepartment,
        TicketEvent,
    )
    from tickets.models.demand import Channel

    dashboard.build(n)
    actor = User.objects.get(username="bench_office").pk
    tables = {
        "ticket": Ticket._meta.db_table, "demand": Demand._meta.db_table, "ticket_event": TicketEvent._meta.db_table,
        "demand_event": DemandEvent._meta.db_table, "co": TicketCoDepartment._meta.db_table,
    }
    started = time.perf_counter()
    with connection.cursor() as c:
        c.execute("SELECT setseed(0.2026)")
        # a. Names and titles.
        c.execute("SELECT id, uscc FROM accounts_enterprise WHERE name LIKE '性能测试企业%%' ORDER BY id")
        enterprises = c.fetchall()
        names = enterprise_names(len(enterprises))
        c.execute(
            "UPDATE accounts_enterprise e SET name = v.name FROM unnest(%s::bigint[], %s::text[]) "
            "AS v(id, name) WHERE e.id = v.id",
            [[row[0] for row in enterprises], names],
        )
        step(c, "工单标题", f"UPDATE {tables['ticket']} SET title = ({sql_text_array(TOPICS)})"
                          f"[1 + (id * 7919) % {len(TOPICS)}]")
        requesters = sql_text_array(REQUESTERS)
        step(c, "诉求的企业名称、标题和内容", f"""
            UPDATE {tables['demand']} d SET enterprise_name = e.name, title = t.title,
              content = '企业反映：' || t.title || '。希望有关部门尽快协调解决，并及时告知办理进度。',
              requester_name = ({requesters})[1 + d.id % {len(REQUESTERS)}],
              requester_phone = '139' || lpad((d.id % 100000000)::text, 8, '0')
            FROM accounts_enterprise e, {tables['ticket']} t WHERE e.id = d.enterprise_id AND t.id = d.ticket_id
        """)

        # b. About 30 % open, the newer the likelier, in every open state; the dates and dues that go with the state.
        c.execute("DROP TABLE IF EXISTS bench_open")
        step(c, "挑选未办结工单", f"""
            CREATE UNLOGGED TABLE bench_open AS
            WITH picked AS (
              SELECT id, state AS old_state, created_at, greatest(now() - created_at, INTERVAL '1 hour') AS age,
                     random() AS r, random() AS r2, random() AS r3, random() AS pick, (id - 1)::float8 / {n} AS x
              FROM {tables['ticket']}
            ), shaped AS (
              SELECT id, created_at, age, r2, r3, CASE
                WHEN age <= INTERVAL '14 days' THEN CASE WHEN r < 0.35 THEN 'dispatched' WHEN r < 0.40 THEN 'disputed'
                  WHEN r < 0.42 THEN 'government_decision' WHEN r < 0.87 THEN 'handling' ELSE 'closed' END
                WHEN age <= INTERVAL '90 days' THEN CASE WHEN r < 0.03 THEN 'disputed'
                  WHEN r < 0.05 THEN 'government_decision' WHEN r < 0.70 THEN 'handling' WHEN r < 0.92 THEN 'closed'
                  ELSE 'review' END
                ELSE CASE WHEN r < 0.01 THEN 'disputed' WHEN r < 0.02 THEN 'government_decision'
                  WHEN r < 0.87 THEN 'handling' WHEN r < 0.92 THEN 'closed' ELSE 'review' END
              END AS state
              FROM picked
              WHERE old_state NOT IN ('archived', 'terminated', 'escalated') OR pick < power(x, {OPEN_EXPONENT})
            ), signed AS (
              SELECT shaped.*, CASE WHEN state IN ('handling', 'closed', 'review')
                THEN created_at + least(INTERVAL '2 days', age / 3) * r2 END AS signed_at
              FROM shaped
            )
            SELECT id, state, r2, signed_at,
              CASE WHEN state = 'closed'
                     THEN greatest(signed_at + INTERVAL '1 hour', now() - r3 * least(INTERVAL '12 days', (now() - signed_at) / 2))
                   WHEN state = 'review' OR (state = 'handling' AND r3 < 0.06) THEN signed_at + (now() - signed_at) * 0.4
              END AS closed_at,
              CASE WHEN state = 'review' OR (state = 'handling' AND r3 < 0.06) THEN 1 ELSE 0 END AS rework_count,
              CASE WHEN state IN ('disputed', 'government_decision') THEN created_at + least(INTERVAL '1 day', age / 2)
              END AS disputed_at
            FROM signed
        """)
        c.execute("CREATE UNIQUE INDEX ON bench_open (id)")
        step(c, "未办结工单的状态与期限", f"""
            UPDATE {tables['ticket']} t SET
              state = o.state, signed_at = o.signed_at, first_signed_at = o.signed_at, auto_signed = false,
              handle_started_at = o.signed_at,
              handle_due_at = CASE WHEN o.rework_count > 0 THEN o.closed_at + INTERVAL '10 days'
                                   ELSE o.signed_at + INTERVAL '14 days' END,
              first_closed_at = o.closed_at, closed_at = o.closed_at,
              callback_due_at = CASE WHEN o.state = 'closed' THEN o.closed_at + INTERVAL '7 days' END,
              archived_at = NULL, terminated_at = NULL, escalation_reason = '', rework_count = o.rework_count,
              closure_standard = CASE WHEN o.closed_at IS NULL THEN ''
                WHEN o.r2 < 0.8 THEN 'resolved' WHEN o.r2 < 0.95 THEN 'partial' ELSE 'legal_route' END,
              closure_result = CASE WHEN o.closed_at IS NULL THEN '' ELSE '已按企业诉求办理，结果已电话告知企业。' END,
              disputed_at = o.disputed_at,
              disputed_by_department_id = CASE WHEN o.disputed_at IS NOT NULL THEN t.lead_department_id END,
              dispute_reason = CASE WHEN o.disputed_at IS NULL THEN '' ELSE '该事项不属于本部门职责范围，建议改派。' END,
              referral_note = CASE WHEN o.state = 'government_decision' THEN '部门间职责存在争议，报请政府确定牵头部门。'
                                   ELSE '' END
            FROM bench_open o WHERE o.id = t.id
        """)
        step(c, "删除其回访记录", "DELETE FROM tickets_callback WHERE ticket_id IN (SELECT id FROM bench_open)")
        step(c, "删除其历史记录", "DELETE FROM tickets_historicalticket WHERE id IN (SELECT id FROM bench_open)")

        # c. Co-departments, timelines, demands awaiting triage, supervisions.
        other = "(t.id / 100) % (d.n - 1)"  # another department of the lead's region: never the lead itself
        insert(c, "协办部门", tables["co"], {
            "ticket_id": "t.id", "department_id": f"d.ids[1 + (array_position(d.ids, t.lead_department_id) + {other}) % d.n]",
            "added_at": "t.created_at", "added_by_id": str(actor),
            "confirmed_at": "t.first_signed_at", "feedback": "CASE WHEN t.first_closed_at IS NULL THEN '' ELSE '已配合牵头部门完成相关工作。' END",
            "feedback_at": "t.first_closed_at",
        }, f"""{tables['ticket']} t JOIN (
                 SELECT region_id, array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM accounts_department
                 WHERE active AND kind IN ('service', 'member') GROUP BY region_id HAVING count(*) > 1
               ) d ON d.region_id = t.region_id
               WHERE t.id % 100 < {CO_SHARE} AND array_position(d.ids, t.lead_department_id) IS NOT NULL""")
        events = """(VALUES
            ('dispatch', t.created_at, '', 'dispatched', '牵头部门：' || dep.name, false),
            (CASE WHEN t.auto_signed THEN 'auto_sign' ELSE 'sign' END, t.first_signed_at, 'dispatched', 'handling', '', false),
            ('object', t.disputed_at, 'dispatched', 'disputed', t.dispute_reason, true),
            ('refer_to_government', CASE WHEN t.state = 'government_decision' THEN t.disputed_at + INTERVAL '1 day' END,
             'disputed', 'government_decision', t.referral_note, true),
            ('close', t.first_closed_at, 'handling', 'closed', '企业需求得到解决。已按企业诉求办理，结果已电话告知企业。', false),
            ('return_for_rework', CASE WHEN t.rework_count > 0 THEN t.first_closed_at + INTERVAL '3 days' END, 'closed',
             'handling', '回访不满意，退回牵头部门重新办理。', false),
            ('close', CASE WHEN t.closed_at > t.first_closed_at THEN t.closed_at END, 'handling', 'closed', '重新办理后办结。', false),
            ('request_review', CASE WHEN t.state = 'review' THEN t.first_closed_at + INTERVAL '5 days' END, 'handling',
             'review', '认为已按标准办结，申请复查复核。', false),
            ('callback', t.archived_at, 'closed', 'archived', '回访满意，办结信息一致且符合标准，归档。', false),
            ('decide_termination', t.terminated_at, 'handling', 'terminated', '同意终止办理', false),
            ('escalate', CASE WHEN t.state = 'escalated' THEN t.created_at + INTERVAL '5 days' END, 'handling',
             'escalated', '提级办理。', false)
          ) AS e(action, at, from_state, to_state, note, internal)"""
        insert(c, "工单时间线", tables["ticket_event"], {
            "ticket_id": "t.id", "at": "e.at", "actor_id": f"CASE WHEN e.action = 'auto_sign' THEN NULL ELSE {actor} END",
            "action": "e.action", "from_state": "e.from_state", "to_state": "e.to_state", "note": "e.note",
            "internal": "e.internal",
        }, f"{tables['ticket']} t JOIN accounts_department dep ON dep.id = t.lead_department_id CROSS JOIN LATERAL "
           f"{events} WHERE e.at IS NOT NULL")
        channel_label = "CASE d.channel " + " ".join(f"WHEN '{code}' THEN '{label}'" for code, label in Channel.choices) + " END"
        insert(c, "诉求时间线", tables["demand_event"], {
            "demand_id": "d.id", "at": "e.at", "actor_id": str(actor), "action": "e.action", "from_state": "e.from_state",
            "to_state": "e.to_state", "note": "e.note", "internal": "false",
        }, f"""{tables['demand']} d JOIN {tables['ticket']} t ON t.id = d.ticket_id CROSS JOIN LATERAL (VALUES
                 ('register', d.registered_at, '', 'registered', '渠道：' || {channel_label}),
                 ('ticket', d.decided_at, 'registered', 'ticketed', '形成工单 ' || t.number)
               ) AS e(action, at, from_state, to_state, note)""")

        waiting = max(50, n // TRIAGE_PER_TICKETS)
        c.execute(f"SELECT max(id) FROM {tables['demand']}")
        base = c.fetchone()[0]
        c.execute("SELECT id FROM accounts_domain ORDER BY id")
        domains = [row[0] for row in c.fetchall()]
        c.execute("DROP TABLE IF EXISTS bench_triage")
        step(c, "待研判诉求（准备）", f"""
            CREATE UNLOGGED TABLE bench_triage AS
            WITH hosts AS (
              SELECT DISTINCT ON (r.id) r.id AS region_id, d.id AS host_id, r.parent_id
              FROM accounts_region r JOIN accounts_department d ON d.region_id = r.id AND d.kind = 'office_host' AND d.active
              ORDER BY r.id, d.id
            ), regions AS (
              SELECT *, (row_number() OVER (ORDER BY parent_id IS NOT NULL, region_id) - 1)::int AS ridx,
                     count(*) OVER () - 1 AS counties FROM hosts
            ), g AS (
              SELECT ({base} + s)::bigint AS id, random() AS rr, random() AS rs, random() AS rt, random() AS rd,
                     now() - random() * INTERVAL '5 days' AS received_at
              FROM generate_series(1, {waiting}) s
            )
            SELECT g.*, r.region_id, r.host_id,
              CASE WHEN g.rs < 0.7 THEN 'registered' WHEN g.rs < 0.8 THEN 'consulting' ELSE 'awaiting_materials' END AS state
            FROM g JOIN regions r ON r.ridx = CASE WHEN g.rr < 0.4 THEN 0
                 ELSE 1 + least(floor((g.rr - 0.4) / 0.6 * r.counties)::int, r.counties::int - 1) END
        """)
        c.execute("SELECT array_agg(id ORDER BY id), array_agg(name ORDER BY id) FROM accounts_enterprise "
                  "WHERE id = ANY(%s)", [[row[0] for row in enterprises]])
        pool_ids, pool_names = c.fetchone()
        insert(c, "待研判诉求", tables["demand"], {
            "id": "b.id", "number": "'BQ' || lpad(b.id::text, 9, '0')", "state": "b.state",
            "channel": f"(ARRAY{[code for code, _ in Channel.choices]})[1 + (b.id % {len(Channel.choices)})::int]",
            "enterprise_id": f"(ARRAY{pool_ids})[1 + (b.id % {len(pool_ids)})::int]",
            "enterprise_name": f"({sql_text_array(pool_names)})[1 + (b.id % {len(pool_names)})::int]",
            "requester_name": f"({requesters})[1 + b.id % {len(REQUESTERS)}]", "requester_phone": "'13985300000'",
            "anonymous": "false", "title": f"({sql_text_array(TOPICS)})[1 + (b.id * 7919) % {len(TOPICS)}]",
            "content": "'企业反映的问题，请联合服务办公室研判后派单办理。'",
            "domain_id": f"(ARRAY{domains})[1 + floor(b.rd * {len(domains)})::int]",
            "received_at": "b.received_at", "registered_at": "b.received_at + INTERVAL '10 minutes'",
            "first_contact_department_id": "b.host_id", "region_id": "b.region_id", "registered_by_id": str(actor),
            "self_handle": "false",
            "triage_due_at": "CASE WHEN b.state = 'awaiting_materials' THEN NULL ELSE b.received_at + INTERVAL '1 day 10 minutes' END",
            "triage_due_provisional": "false",
            "missing_materials": "CASE WHEN b.state = 'awaiting_materials' THEN '营业执照复印件及相关证明材料' ELSE '' END",
            "materials_requested_at": "CASE WHEN b.state = 'awaiting_materials' THEN b.received_at + INTERVAL '2 hours' END",
        }, "bench_triage b")
        c.execute(f"SELECT setval(pg_get_serial_sequence('{tables['demand']}', 'id'), (SELECT max(id) FROM {tables['demand']}))")
        insert(c, "待研判诉求的时间线", tables["demand_event"], {
            "demand_id": "b.id", "at": "e.at", "actor_id": str(actor), "action": "e.action", "from_state": "e.from_state",
            "to_state": "e.to_state", "note": "e.note", "internal": "false",
        }, """bench_triage b CROSS JOIN LATERAL (VALUES
                ('register', b.received_at + INTERVAL '10 minutes', '', 'registered', '渠道：线上平台/门户网站'),
                ('supplement_requested', CASE WHEN b.state = 'awaiting_materials' THEN b.received_at + INTERVAL '2 hours' END,
                 'registered', 'awaiting_materials', '需补充：营业执照复印件及相关证明材料'),
                ('consult', CASE WHEN b.state = 'consulting' THEN b.received_at + INTERVAL '3 hours' END,
                 'registered', 'consulting', '会商部门：市发展和改革委员会')
              ) AS e(action, at, from_state, to_state, note) WHERE e.at IS NOT NULL""")
        c.execute("DROP TABLE bench_triage")
        insert(c, "自动督办", "tickets_supervision", {
            "number": "'DB' || lpad(s.rn::text, 9, '0')", "region_id": "s.region_id", "ticket_id": "s.id",
            "department_id": "s.lead_department_id", "trigger": "'overdue'", "form": "'system'",
            "content": "'工单已超过办理期限，请加快办理，并于 2 个工作日内回复办理进展。'", "automatic": "true",
            "issued_at": "s.handle_due_at + INTERVAL '1 day'", "due_at": "s.handle_due_at + INTERVAL '4 days'",
            "due_provisional": "false",
            "answer": "CASE WHEN s.answered THEN '已加快办理，预计本周内办结。' ELSE '' END",
            "answered_at": "CASE WHEN s.answered THEN s.handle_due_at + INTERVAL '2 days' END",
            "key": "'bench-overdue-' || s.id",
        }, f"""(SELECT t.*, row_number() OVER (ORDER BY t.id) AS rn,
                       (t.id / {SUPERVISED_MODULO}) % 5 < 3 AND t.handle_due_at + INTERVAL '2 days' < now() AS answered
                FROM {tables['ticket']} t
                WHERE t.state = 'handling' AND t.handle_due_at < now() - INTERVAL '1 day'
                  AND t.id % {SUPERVISED_MODULO} = 0) s""")
        c.execute("DROP TABLE bench_open")

        # d. Columns a newer application derives (added by its migrations, filled there for the rows they found).
        c.execute("SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'current_due_at'",
                  [tables["ticket"]])
        if c.fetchone():
            step(c, "current_due_at（按状态取当前计时的期限）", f"""
                UPDATE {tables['ticket']} SET current_due_at = CASE state WHEN 'dispatched' THEN sign_due_at
                  WHEN 'handling' THEN handle_due_at WHEN 'closed' THEN callback_due_at END
                WHERE current_due_at IS DISTINCT FROM CASE state WHEN 'dispatched' THEN sign_due_at
                  WHEN 'handling' THEN handle_due_at WHEN 'closed' THEN callback_due_at END
            """)
        c.execute("SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'search_text'",
                  [tables["ticket"]])
        if c.fetchone():  # the keyword search's text, by the very statements of the migration that added it
            search = importlib.import_module("tickets.migrations.0009_search_text")
            step(c, "诉求检索文本（search_text）", search.DEMANDS)
            step(c, "工单检索文本（search_text）", search.TICKETS.format(aggregate=search.AGGREGATE["postgresql"]))
        for table in (tables["ticket"], tables["demand"], "tickets_callback", "tickets_historicalticket"):
            step(c, f"VACUUM FULL {table}", f"VACUUM FULL {table}")
    print(f"重塑数据用时 {time.perf_counter() - started:.1f} 秒")


def prepare(args) -> None:
    """Step 1: the database, its rows, the day figures and the demo accounts."""
    import django

    started = time.perf_counter()
    if not args.reuse:
        from dashboard import recreate_database

        recreate_database(args.server, args.database)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.demo import seed_demo_accounts
    from tickets.figures import rebuild
    from tickets.models import Ticket, TicketDay

    call_command("migrate", verbosity=0)
    if not args.reuse:
        build(args.tickets)
    elif not Ticket.objects.exists():
        raise SystemExit(f"数据库 {args.database} 中没有工单：去掉 --reuse 重建。")
    if not args.reuse or not TicketDay.objects.exists():
        step_started = time.perf_counter()
        tickets, demands = rebuild()
        print(f"日统计重建：{tickets} + {demands} 行，用时 {time.perf_counter() - step_started:.1f} 秒")
    seed_demo_accounts()
    with connection.cursor() as c:
        # What autovacuum does on a running server (it is off on these machines): statistics for the planner, and the
        # visibility map that lets counts over an index skip the table after migrations rewrote rows.
        c.execute("VACUUM ANALYZE")
    if not args.reuse:
        print(f"建库总用时 {time.perf_counter() - started:.1f} 秒（{args.tickets} 张工单）")
    describe()


def describe() -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT state, count(*) FROM tickets_ticket GROUP BY state ORDER BY count(*) DESC")
        states = c.fetchall()
        total = sum(count for _, count in states)
        c.execute("SELECT count(*) FILTER (WHERE enterprise_name LIKE %s), count(*) FROM tickets_demand", [f"%{KEYWORD}%"])
        keyword, demands = c.fetchone()
        c.execute("SELECT min(created_at)::date, max(created_at)::date FROM tickets_ticket")
        first, last = c.fetchone()
        c.execute("SELECT (SELECT count(*) FROM tickets_ticketevent), (SELECT count(*) FROM tickets_demandevent), "
                  "(SELECT count(*) FROM tickets_supervision), (SELECT count(*) FROM tickets_ticketcodepartment), "
                  "(SELECT count(*) FROM tickets_demand WHERE state IN ('registered', 'consulting', 'awaiting_materials'))")
        ticket_events, demand_events, supervisions, co_links, waiting = c.fetchone()
        c.execute("SELECT t.state, count(*) FROM tickets_ticket t JOIN accounts_department d ON d.id = t.lead_department_id "
                  "WHERE d.code = 'anshun-scjg' GROUP BY t.state ORDER BY t.state")
        scjg = ", ".join(f"{state} {count}" for state, count in c.fetchall())
    open_count = sum(count for state, count in states if state not in ("archived", "terminated", "escalated"))
    print(f"工单 {total} 张（{first} 至 {last}），未办结 {open_count}（{100 * open_count / total:.1f} %）：" +
          ", ".join(f"{state} {count}" for state, count in states))
    print(f"诉求 {demands} 件，企业名称含“{KEYWORD}”的 {keyword} 件（{100 * keyword / demands:.2f} %），待研判 {waiting} 件；"
          f"工单时间线 {ticket_events} 条，诉求时间线 {demand_events} 条，督办 {supervisions} 件，协办 {co_links} 条")
    print(f"anshun-scjg 牵头：{scjg}")


# --- 2. the server ------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with WORKERS sync workers on 127.0.0.1:<free port>; stop() ends it (SIGTERM, then SIGKILL)."""

    def __init__(self, database_url: str):
        self.port = free_port()
        self.var_dir = Path(tempfile.mkdtemp(prefix="qyzj_bench_web_"))
        self.log_path = self.var_dir / "gunicorn.log"
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "REDIS_URL_FILE", "DATABASE_URL_FILE")}
        env.update({
            "DJANGO_SETTINGS_MODULE": "web_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(BENCH)]),
            "DATABASE_URL": database_url,
            "DJANGO_ENV": "development",
            "DJANGO_DEBUG": "0",
            "QYZJ_QUERY_COUNT_HEADER": "1",
            "QYZJ_VAR_DIR": str(self.var_dir),
            "LOG_LEVEL": "warning",
        })
        command = [
            sys.executable, "-m", "gunicorn", "qiyezhijia.wsgi:application", "--workers", str(WORKERS),
            "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}", "--timeout", "600", "--log-level", "warning",
        ]
        with open(self.log_path, "wb") as log:  # the child keeps its own descriptor
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        print(f"gunicorn（pid {self.process.pid}，{WORKERS} 个 sync worker）：http://127.0.0.1:{self.port}/，日志 {self.log_path}")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn 启动失败（退出码 {self.process.returncode}）：\n{self.log_tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/login/")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn 在 {timeout:.0f} 秒内没有应答：\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # the arbiter stops its workers gracefully
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.var_dir, ignore_errors=True)


# --- 3. the client ------------------------------------------------------------------------------------------------
@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    ms: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def queries(self) -> int | None:
        value = self.headers.get("x-query-count")
        return int(value) if value is not None else None


class Browser:
    """One user's session: its cookies, over one keep-alive connection (reopened when the server closes it)."""

    def __init__(self, port: int, username: str, second_factor_key: str | None = None):
        self.port = port
        self.username = username
        self.second_factor_key = second_factor_key  # the demo TOTP key (hex) of a role with a second factor
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None) -> Reply:
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "qyzj-bench-web", "Accept-Encoding": "identity",
                   "Accept": "text/html,application/json"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()  # a kept-alive connection the server had closed: open a new one, once
                if attempt == 2 or method != "GET":
                    raise
                continue
            ms = (time.perf_counter() - started) * 1000
            break
        for header in response.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data, ms)

    def csrf_token(self, path: str) -> str:
        reply = self.send("GET", path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', reply.text)
        if reply.status != 200 or not match:
            raise SystemExit(f"{self.username}：{path} 没有给出 CSRF 令牌（HTTP {reply.status}）")
        return match.group(1)

    def login(self, password: str) -> None:
        token = self.csrf_token("/login/")
        body = urlencode({"csrfmiddlewaretoken": token, "username": self.username, "password": password}).encode()
        reply = self.send("POST", "/login/", body, "application/x-www-form-urlencoded")
        if reply.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{self.username} 登录失败（HTTP {reply.status}）：演示账号的密码是否被改过？")
        if self.second_factor_key:
            # The roles with a second factor give the current code of their demo device, as a person would.
            from django_otp.oath import totp

            # A code is accepted once: a run started within 30 s of the last one waits for the next code.
            for attempt in range(2):
                code = f"{totp(bytes.fromhex(self.second_factor_key)):06d}"
                token = self.csrf_token("/login/verify/")
                body = urlencode({"csrfmiddlewaretoken": token, "code": code, "next": "/"}).encode()
                reply = self.send("POST", "/login/verify/", body, "application/x-www-form-urlencoded")
                if reply.status == 302:
                    break
                if attempt == 0:
                    time.sleep(30 - time.time() % 30 + 1)
            else:
                raise SystemExit(f"{self.username} 的动态口令未通过（HTTP {reply.status}）")


def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    """A form as a browser posts it (multipart, with the empty file input)."""
    boundary = "----qyzjbench" + uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename=""\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n\r\n")
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


# --- 4. the pages -------------------------------------------------------------------------------------------------
TICKET_NUMBER = re.compile(r"BG\d{9}")


# The budgets of the scale issue (p50 over HTTP at 1,000,000 tickets): a list page 50 ms, a search 100 ms; the ticket
# page 30 ms and the dashboard 300 ms as the README's table states them. A page without a budget is timed, not judged.
LIST_MS = 50
SEARCH_MS = 100
TICKET_PAGE_MS = 30
DASHBOARD_MS = 300


@dataclass
class Page:
    label: str
    user: str
    path: str
    check: object  # (Reply) -> str | None: what is wrong with the reply, or None
    budget: float | None = None  # p50 target in ms
    method: str = "GET"
    body: object = None  # (iteration, CSRF token) -> (bytes, content type), for a POST
    samples: list = field(default_factory=list)
    queries: list = field(default_factory=list)
    sizes: list = field(default_factory=list)
    error: str | None = None


def html(status: int = 200, *, contains=(), pattern: re.Pattern | None = None, any_of=()):
    def check(reply: Reply) -> str | None:
        if reply.status != status:
            return f"HTTP {reply.status}（应为 {status}）"
        text = reply.text
        for needle in contains:
            if needle not in text:
                return f"页面中没有“{needle}”"
        if pattern is not None and not pattern.search(text):
            return f"页面中没有匹配 {pattern.pattern} 的内容（列表为空？）"
        if any_of and not any(needle in text for needle in any_of):
            return f"页面中没有以下任何一项：{'、'.join(any_of[:3])}…"
        return None
    return check


def api_handling(reply: Reply) -> str | None:
    if reply.status != 200:
        return f"HTTP {reply.status}"
    data = json.loads(reply.body)
    rows = data.get("results") if isinstance(data, dict) else data
    if not rows:
        return "没有返回任何工单"
    if any(row.get("state") != "handling" for row in rows):
        return "返回了不是办理中的工单"
    return None


def submitted(reply: Reply) -> str | None:
    if reply.status != 302 or not re.fullmatch(r"/demands/\d+/", reply.headers.get("location", "")):
        return f"HTTP {reply.status}，Location {reply.headers.get('location')!r}（应为 302 到新诉求页面）"
    return None


def xlsx_or_capped(reply: Reply) -> str | None:
    """The list's export: a workbook, or (more rows than the cap) the redirect back to the list with the message."""
    if reply.status == 200 and reply.body[:2] == b"PK":
        return None
    if reply.status == 302 and reply.headers.get("location", "").startswith("/tickets/"):
        return None
    return f"HTTP {reply.status}（应为 200 的 .xlsx 或超过上限时 302 回列表）"


def rows_or_empty(has_rows: bool, rows_check, empty_sentence: str):
    """A list must show rows when the database holds some for it (a small data set may hold none: then it says so)."""
    return rows_check if has_rows else html(contains=[empty_sentence])


# More pages, one line each: (label, user, path, p50 budget in ms or None, texts the page must show). A helper adding
# a screen (the workbench, the global search, "my tickets" …) appends an entry here; a page that needs a finer check
# (rows present, a POST) is written as a `Page` in `pages()` instead.
SIMPLE_PAGES: list[tuple[str, str, str, float | None, tuple[str, ...]]] = [
    ("台账 领导查看 市市场监管局", "leader", "/reports/ledger/?department=anshun-scjg", LIST_MS, ("企业诉求台账",)),
    ("我的工单（承办人）", "handler_scjg", "/tickets/mine/", LIST_MS, ("我的工单",)),
    ("台账 领导 各部门概览（未选部门）", "leader", "/reports/ledger/", LIST_MS, ("各部门工单数",)),
    ("诉求列表（联合服务办公室）", "office", "/demands/", LIST_MS, ("诉求列表", "共 ")),
    ("诉求列表 按登记时间倒序", "office", "/demands/?sort=-registered", LIST_MS, ('aria-sort="descending"',)),
    ("诉求列表 按渠道", "office", "/demands/?sort=channel", LIST_MS, ('aria-sort="ascending"',)),
    ("诉求列表 按状态倒序", "office", "/demands/?sort=-state", LIST_MS, ('aria-sort="descending"',)),
    (f"诉求列表 q={KEYWORD}", "office", "/demands/?" + urlencode({"q": KEYWORD}), SEARCH_MS, ("诉求列表",)),
    # A final state of one department: the queue indexes are partial over the open states and do not serve it.
    ("工单列表 已归档·市市场监管局", "office", "/tickets/?state=archived&lead_department=anshun-scjg", LIST_MS,
     ("工单列表", "已归档")),
]


def simple_pages() -> list[Page]:
    return [Page(label, user, path, html(contains=list(contains)), budget=budget)
            for label, user, path, budget, contains in SIMPLE_PAGES]


def pages() -> list[Page]:
    from django.db.models import Max
    from django.utils.timezone import localtime

    from supervision.models import Supervision
    from tickets.models import Demand, Ticket

    scjg_tickets = Ticket.objects.filter(lead_department__code="anshun-scjg")
    ticket = (scjg_tickets.filter(state="handling", region__code="anshun").order_by("-created_at", "-id")
              .values("id", "number", "title").first())
    if ticket is None:
        raise SystemExit("没有 anshun-scjg 牵头、办理中的工单可供计时工单页面。")
    # The ledger of the quarter of the newest ticket (today's default quarter when the data set was built), so that a
    # later run on the same data set reads the same rows.
    newest = localtime(Ticket.objects.aggregate(newest=Max("created_at"))["newest"])
    quarter = f"{newest.year}Q{(newest.month - 1) // 3 + 1}"
    waiting = Demand.objects.filter(region__code="anshun", state="registered").values("id", "number").first()
    keyword = Demand.objects.filter(enterprise_name__contains=KEYWORD)
    scjg = {"state": "handling", "lead_department": "anshun-scjg"}
    keyword_rows = html(pattern=TICKET_NUMBER, any_of=KEYWORD_ENTERPRISES)
    submit_fields = {"content": "企业在线提交的性能测试诉求：厂房周边道路破损，影响货车通行，希望尽快维修。",
                     "domain": "market", "requester_name": "刘晓燕", "requester_phone": "13985300001"}
    return [
        # The workbench (issue 15): what waits for the department / the office, by due; the enterprise's home.
        Page("工作台（部门）/", "handler_scjg", "/", html(contains=["工作台", "本部门待办工单"]), budget=LIST_MS),
        Page("工作台（联合服务办公室）/", "office", "/", html(contains=["工作台", "待研判诉求", "待办工单"]), budget=LIST_MS),
        Page("企业首页 /", "ent", "/", html(contains=["我要反映诉求", "需要您处理"]), budget=LIST_MS),
        # ent2's enterprise has no demands (the bench's POST adds demands to ent's): the newest five of none.
        Page("企业首页（尚无诉求的企业）/", "ent2", "/", html(contains=["我要反映诉求"]), budget=LIST_MS),
        Page("部门收件箱 /inbox/", "handler_scjg", "/inbox/", rows_or_empty(
            scjg_tickets.filter(state="dispatched").exists(),
            html(contains=["本部门工单 · 待签收"], pattern=TICKET_NUMBER), "没有待签收的工单"), budget=LIST_MS),
        Page("工单列表 办理中·市市场监管局", "office", "/tickets/?" + urlencode(scjg),
             html(contains=["工单列表", "办理中"], pattern=TICKET_NUMBER), budget=LIST_MS),
        Page(f"工单列表 同上 + q={KEYWORD}", "office", "/tickets/?" + urlencode({**scjg, "q": KEYWORD}), rows_or_empty(
            keyword.filter(ticket__state="handling", ticket__lead_department__code="anshun-scjg").exists(),
            keyword_rows, "没有符合条件的工单"), budget=SEARCH_MS),
        Page(f"工单列表 q={KEYWORD}（全部）", "office", "/tickets/?" + urlencode({"q": KEYWORD}), rows_or_empty(
            keyword.filter(ticket__isnull=False).exists(), keyword_rows, "没有符合条件的工单"), budget=SEARCH_MS),
        Page("工单列表 办理中·市市场监管局 按编号倒序", "office", "/tickets/?" + urlencode({**scjg, "sort": "-number"}),
             html(contains=["工单列表", 'aria-sort="descending"'], pattern=TICKET_NUMBER), budget=LIST_MS),
        Page("工单列表 全部 按期限倒序", "office", "/tickets/?sort=-due",
             html(contains=["工单列表", 'aria-sort="descending"'], pattern=TICKET_NUMBER), budget=LIST_MS),
        Page("工单列表 全部 按派单时间", "office", "/tickets/?sort=registered",
             html(contains=["工单列表"], pattern=TICKET_NUMBER), budget=LIST_MS),
        Page(f"导出工单列表 办理中·市市场监管局 + q={KEYWORD}", "office",
             "/tickets/export.xlsx?" + urlencode({**scjg, "q": KEYWORD, "sort": "-due"}), xlsx_or_capped),
        Page(f"工单页面 /tickets/{ticket['id']}/", "office", f"/tickets/{ticket['id']}/",
             html(contains=[ticket["number"], ticket["title"], "派单"]), budget=TICKET_PAGE_MS),
        Page("运行看板（市本级 2025）", "leader", "/reports/dashboard/?region=anshun&from=2025-01-01&to=2025-12-31",
             html(contains=["运行看板", "部门排名", "当前超期未办结"]), budget=DASHBOARD_MS),
        Page("API 工单列表 state=handling", "office", "/api/v1/tickets/?state=handling", api_handling, budget=LIST_MS),
        Page("企业在线提交（POST）", "ent", "/demands/submit/", submitted, method="POST",
             body=lambda i, token: multipart({"csrfmiddlewaretoken": token, **submit_fields,
                                              "title": f"性能测试在线提交 {uuid4().hex[:8]} 第 {i} 次"})),
        Page("督办管理 /supervisions/", "office", "/supervisions/", rows_or_empty(
            Supervision.objects.filter(region__code="anshun", answered_at__isnull=True).exists(),
            html(contains=["督办管理"], pattern=re.compile(r"DB\d{9}|DB\d{8}-\d{4}")), "暂无督办"), budget=LIST_MS),
        Page("待研判 /office/triage/", "office", "/office/triage/", rows_or_empty(
            Demand.objects.filter(region__code="anshun", state__in=["registered", "consulting"]).exists(),
            html(contains=["待研判诉求"], pattern=re.compile(r"BQ\d{9}|SQ\d{8}-\d{4}")), "没有待研判的诉求"), budget=LIST_MS),
        Page(f"台账 /reports/ledger/?quarter={quarter}", "handler_scjg", f"/reports/ledger/?quarter={quarter}",
             html(contains=["企业诉求台账"], pattern=re.compile(r"共 [1-9]\d* 条")), budget=LIST_MS),
        # The global search of the top bar (tickets.search): a rare word of enterprise names, a piece of a number
        # seen by the lead department, a word of 2.5 % of titles and contents, and a word of every demand's content
        # (the worst case: every row matches, the groups are counted up to their cap).
        Page(f"全局检索 q={KEYWORD}", "office", "/staff/search/?" + urlencode({"q": KEYWORD}),
             html(contains=["检索"], pattern=TICKET_NUMBER, any_of=KEYWORD_ENTERPRISES), budget=SEARCH_MS),
        Page(f"全局检索 q={ticket['number'][-7:]}（编号片段）", "handler_scjg",
             "/staff/search/?" + urlencode({"q": ticket["number"][-7:]}), html(contains=[ticket["number"]]), budget=SEARCH_MS),
        Page("全局检索 q=环评（标题和内容）", "office", "/staff/search/?" + urlencode({"q": "环评"}),
             html(contains=["项目环评审批进度协调"], pattern=TICKET_NUMBER), budget=SEARCH_MS),
        Page("全局检索 诉求组全部结果 q=环评", "office", "/staff/search/?" + urlencode({"q": "环评", "group": "demands"}),
             html(contains=["项目环评审批进度协调"], pattern=re.compile(r"BQ\d{9}|SQ\d{8}-\d{4}")), budget=SEARCH_MS),
        Page("全局检索 q=协调（每件诉求的内容都有）", "office", "/staff/search/?" + urlencode({"q": "协调"}),
             html(contains=["100+"], pattern=TICKET_NUMBER), budget=SEARCH_MS),
        *simple_pages(),
        # The triage of one demand: the merge select lists the likely tickets, never the region's open ones.
        *([Page(f"研判页面 /demands/{waiting['id']}/triage/", "office", f"/demands/{waiting['id']}/triage/",
                html(contains=[waiting["number"], "研判结论"]), budget=LIST_MS)] if waiting else []),
    ]


def measure(port: int, repeat: int, warmup: int, only: list[str]) -> list[Page]:
    from accounts.demo import DEMO_PASSWORD
    from accounts.models import User
    from accounts.twofactor import demo_key, required_for

    todo = [page for page in pages() if not only or any(text in page.label for text in only)]
    if not todo:
        raise SystemExit(f"没有名称含“{'”或“'.join(only)}”的页面。")
    browsers: dict[str, Browser] = {}
    for page in todo:
        if page.user not in browsers:
            key = demo_key(page.user) if required_for(User.objects.get(username=page.user)) else None
            browsers[page.user] = Browser(port, page.user, key)
            browsers[page.user].login(DEMO_PASSWORD)
    print(f"已登录：{'、'.join(browsers)}；每个页面预热 {warmup} 次、计时 {repeat} 次")
    for page in todo:
        browser = browsers[page.user]
        token = browser.csrf_token("/demands/submit/") if page.method == "POST" else None
        for i in range(warmup + repeat):
            body, content_type = page.body(i, token) if page.method == "POST" else (None, None)
            reply = browser.send(page.method, page.path, body, content_type)
            problem = page.check(reply)
            if problem is None and reply.queries is None:
                problem = "响应中没有 X-Query-Count（计数中间件未启用？）"
            if problem:
                page.error = problem
                break
            if i >= warmup:
                page.samples.append(reply.ms)
                page.queries.append(reply.queries)
                page.sizes.append(len(reply.body))
        status = f"出错：{page.error}" if page.error else f"p50 {statistics.median(page.samples):.0f} ms"
        print(f"  {page.label}：{status}", flush=True)
    return todo


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def pad(text: str, size: int) -> str:
    return text + " " * max(0, size - width(text))


def verdict(page: Page) -> str:
    """达标 / 超出 against the page's p50 budget; — for a page without one."""
    if page.budget is None or page.error:
        return "—"
    return "达标" if statistics.median(page.samples) <= page.budget else "超出"


def report(results: list[Page]) -> list[Page]:
    """Print the table (with each page's budget and its verdict) and the budget line; return the pages over budget."""
    label_width = max(width(page.label) for page in results) + 2
    print(f"\n{pad('页面', label_width)}{'p50 ms':>9}{'p95 ms':>9}{'查询/请求':>10}{'KB':>8}{'目标 ms':>9}  {'结论':<4}  用户")
    for page in results:
        target = f"≤ {page.budget:.0f}" if page.budget is not None else "—"
        if page.error:
            print(f"{pad(page.label, label_width)}{'出错':>9}{'':>9}{'':>10}{'':>8}{target:>9}  {'出错':<4}  {page.user}")
            continue
        low, high = min(page.queries), max(page.queries)
        queries = str(low) if low == high else f"{low}–{high}"
        print(f"{pad(page.label, label_width)}{statistics.median(page.samples):>9.0f}{percentile(page.samples, 0.95):>9.0f}"
              f"{queries:>11}{statistics.median(page.sizes) / 1024:>8.0f}{target:>9}  {verdict(page):<4}  {page.user}")
    judged = [page for page in results if page.budget is not None and not page.error]
    over = [page for page in judged if verdict(page) == "超出"]
    print(f"\n预算（p50；列表 ≤ {LIST_MS} ms，搜索 ≤ {SEARCH_MS} ms）：{len(judged) - len(over)} / {len(judged)} 个页面达标"
          + (f"，超出：{'、'.join(f'{p.label}（{statistics.median(p.samples):.0f} ms > {p.budget:.0f} ms）' for p in over)}"
             if over else "。"))
    return over


def main() -> None:
    args = parse_args()
    database_url = f"{args.server}/{args.database}"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "qiyezhijia.settings"
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("REDIS_URL_FILE", None)
    os.environ.pop("DATABASE_URL_FILE", None)
    scratch = tempfile.mkdtemp(prefix="qyzj_bench_build_")
    os.environ["QYZJ_VAR_DIR"] = scratch  # the file cache of this process, never the developers' var/
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops gunicorn
    server = None
    try:
        prepare(args)
        from django.db import connections

        connections.close_all()
        server = Server(database_url)
        server.wait_ready()
        probe = Browser(server.port, "-").send("GET", "/bench-no-such-page/")
        if probe.status != 404 or "URLconf" in probe.text:
            raise SystemExit("服务器开着 DEBUG（或 404 页面异常）：计时不具代表性。")
        load_before = os.getloadavg()[0]
        results = measure(server.port, args.repeat, args.warmup, args.only)
        over_budget = report(results)
        # Other work on the machine slows every page: the figures are comparable only between quiet runs.
        print(f"\n机器负载（1 分钟平均，{os.cpu_count()} 核）：计时开始时 {load_before:.2f}，结束时 {os.getloadavg()[0]:.2f}"
              "（本脚本计时时约占 1；明显更高说明有其他任务在跑，计时偏慢）")
        failed = [page for page in results if page.error]
        if failed:
            print("\n出错的页面：")
            for page in failed:
                print(f"  {page.label}（{page.user} {page.method} {page.path}）：{page.error}")
            print(f"\ngunicorn 日志（最后 40 行）：\n{server.log_tail()}")
            sys.exit(1)
        if over_budget and args.fail_over_budget:
            sys.exit(2)
    except KeyboardInterrupt:
        print("\n已中断。")
        sys.exit(130)
    finally:
        if server is not None:
            server.stop()
            print("gunicorn 已停止。")
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
