"""Where one page's time goes, in-process, against a benchmark database (bench/web.py's, already built).

    .venv/bin/python bench/profile_page.py PATH [--user office] [--database qyzj_bench_web] [--repeat 20] [--sql]
                                          [--server postgres://postgres@127.0.0.1:5432] [--top 30] [--sort cumulative]
                                          [--explain N] [--templates]

Requests PATH with Django's test client as USER (a demo account; the second factor counted as passed, as after
/login/verify/), with DEBUG off, and prints the p50 of the whole request, the time spent in SQL (sum of the
statements' durations), the number of statements (with --sql each statement of the last request; with --explain the
plans of its N slowest, EXPLAIN ANALYZE; with --templates the time each template spends on its own, its includes
and extensions not counted, over REPEAT more requests), and then the TOP functions of one more request under cProfile.
It measures no budget (bench/web.py does, over HTTP): it shows what to make cheaper.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", help="the page, e.g. / or /reports/ledger/?department=anshun-scjg")
    parser.add_argument("--user", default="office", help="a demo account's username")
    parser.add_argument("--database", default="qyzj_bench_web")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    parser.add_argument("--sql", action="store_true", help="print the statements of the last request, slowest first")
    parser.add_argument("--explain", type=int, default=0, metavar="N",
                        help="EXPLAIN ANALYZE the N slowest SELECT statements of the last request")
    parser.add_argument("--templates", action="store_true",
                        help="the p50 request's time per template, its own (includes and extensions not counted)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.repeat < 1 or args.top < 0:
        sys.exit("--repeat 须至少为 1，--top 不能为负数。")
    os.environ["DATABASE_URL"] = f"{args.server.rstrip('/')}/{args.database}"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiyezhijia.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.models import User

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    try:
        user = User.objects.get(username=args.user)
    except User.DoesNotExist:
        sys.exit(f"数据库 {args.database} 中没有用户 {args.user}（先运行 bench/web.py 建立基准数据）。")
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = "bench"
    session.save()

    def fetch():
        response = client.get(args.path)
        if response.status_code != 200:
            sys.exit(f"{args.path} 返回 {response.status_code}（应为 200）。")
        return response

    for _ in range(3):
        fetch()
    totals, sql, counts = [], [], []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            fetch()
            totals.append((time.perf_counter() - started) * 1000)
        sql.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        counts.append(len(captured.captured_queries))
    print(f"{args.path} as {args.user}: p50 {statistics.median(totals):.1f} ms, SQL {statistics.median(sql):.1f} ms "
          f"in {statistics.median(counts):.0f} statements, the rest {statistics.median(totals) - statistics.median(sql):.1f} ms")
    if args.sql:
        for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"])):
            print(f"{float(query['time']) * 1000:8.1f} ms  {query['sql']}")
    for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:args.explain]:
        # The statement as sent (PostgreSQL's captured SQL has its parameters in place), read-only: EXPLAIN ANALYZE
        # runs it, so a statement that writes is not explained.
        if not query["sql"].lstrip().upper().startswith(("SELECT", "(SELECT")):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plan = "\n".join(line for (line,) in cursor.fetchall())
        print(f"\n{query['sql'][:300]}\n{plan}")
    if args.templates:
        template_times(fetch, args.repeat)
    if args.top:
        profiler = cProfile.Profile()
        profiler.enable()
        fetch()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())


def template_times(fetch, repeat: int) -> None:
    """Each template's own rendering time per request (mean over `repeat` requests), largest first. A form field's
    template (core/forms/field.html …) counts where the field is drawn; the time of the SQL a template's tags or
    variables run counts to that template."""
    from collections import defaultdict

    from django.template import base

    own: dict[str, float] = defaultdict(float)
    children: list[float] = []
    render = base.Template._render

    def timed(template, context):
        started = time.perf_counter()
        children.append(0.0)
        try:
            return render(template, context)
        finally:
            spent = time.perf_counter() - started
            own[template.origin.name.rsplit("templates/", 1)[-1]] += spent - children.pop()
            if children:
                children[-1] += spent

    base.Template._render = timed
    try:
        for _ in range(repeat):
            fetch()
    finally:
        base.Template._render = render
    print(f"\nTemplates, own time per request (mean of {repeat}):")
    for name, seconds in sorted(own.items(), key=lambda item: -item[1]):
        print(f"{seconds / repeat * 1000:8.2f} ms  {name}")


if __name__ == "__main__":
    main()
