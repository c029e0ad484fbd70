"""Benchmark of the public service-item search on PostgreSQL (not a test): N service items, the `/services/` page.

    .venv/bin/python bench/catalogue_search.py                  # 100,000 items
    .venv/bin/python bench/catalogue_search.py --items 5000     # a quick run
    .venv/bin/python bench/catalogue_search.py --reuse          # keep the items of the previous run

1. (Re)creates its own database (default `qyzj_bench_catalogue` on 127.0.0.1, never the application's) and migrates it.
2. Builds N service items over every department of the city and its counties (bulk_create in chunks; names, conditions
   and materials composed from the vocabulary of real guides), 90 % published, with their `search_text`.
3. Times the public list `/services/?q=…` in-process (Django's test client: query, count, page of 20, template) for a
   rare two-character word (社保), a four-character phrase inside longer names (营业执照), a word found in a large share
   (登记) and no word, with filters; prints the median and maximum of `--repeat` requests, the SQL queries per request,
   and whether PostgreSQL's plan for the keyword condition uses the bigram index.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _database import recreate_database  # bench/ is the script's own folder on sys.path

CHUNK = 5000
ACTS = ["办理", "申请", "变更", "注销", "备案", "核发", "延续", "补办", "年检", "认定", "审批", "登记"]
OBJECTS = [
    "营业执照", "食品经营许可证", "单位社保", "医保参保", "住房公积金", "税务", "排污许可证", "建设工程规划许可证",
    "施工许可证", "药品经营许可证", "道路运输经营许可证", "消防安全检查", "特种设备使用", "出口退税", "高新技术企业",
    "安全生产许可证", "招聘备案", "劳务派遣经营许可", "工伤认定", "不动产", "林木采伐许可证", "取水许可", "广告发布",
    "人力资源服务许可", "危险化学品经营许可证", "烟草专卖零售许可证", "户外广告设置", "外商投资企业",
]
SUFFIXES = ["", "登记", "（告知承诺制）", "（跨省通办）", "事项", "业务", "（企业）", "（个体工商户）"]
MATERIALS = ["申请书", "营业执照复印件", "法定代表人身份证明", "授权委托书", "场所证明", "章程", "验资报告", "承诺书",
             "参保人员名单", "社保缴费证明", "检测报告", "平面图"]


def parse_args():
    parser = argparse.ArgumentParser(description="服务事项检索的性能测试（独立数据库）")
    parser.add_argument("--items", type=int, default=100_000, help="服务事项数量（默认 100000）")
    parser.add_argument("--database", default="qyzj_bench_catalogue", help="测试用数据库名（会被删除重建）")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL 服务器地址")
    parser.add_argument("--repeat", type=int, default=20, help="每个请求的计时次数")
    parser.add_argument("--reuse", action="store_true", help="沿用已建好的数据库，不重建")
    args = parser.parse_args()
    if args.items < 100:
        parser.error("--items 至少为 100")
    if args.repeat < 1:
        parser.error("--repeat 至少为 1")
    if not args.database.replace("_", "").isalnum():
        parser.error("--database 只能包含字母、数字和下划线")
    return args


def build(n: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Department, Domain
    from catalogue.models import ServiceItem

    started = time.perf_counter()
    rng = random.Random(20261206)
    departments = list(Department.objects.filter(active=True).select_related("region").order_by("pk"))
    domains = list(Domain.objects.order_by("pk"))
    kinds = [choice for choice, _ in ServiceItem._meta.get_field("kind").choices]
    numbers: dict[int, int] = {}
    now = timezone.now()
    for start in range(0, n, CHUNK):
        rows = []
        for _ in range(min(CHUNK, n - start)):
            department = rng.choice(departments)
            numbers[department.pk] = numbers.get(department.pk, 0) + 1
            name = f"{rng.choice(ACTS)}{rng.choice(OBJECTS)}{rng.choice(SUFFIXES)}"
            materials = [{"name": m, "original": rng.random() < 0.5, "copies": 1, "note": ""}
                         for m in rng.sample(MATERIALS, 3)]
            conditions = f"在本{department.region.name}依法设立的企业，{rng.choice(OBJECTS)}相关手续齐全。"
            published = rng.random() < 0.9
            item = ServiceItem(
                code=f"{department.code}-{numbers[department.pk]:04d}", department=department, region=department.region,
                name=name, domain=rng.choice(domains), kind=rng.choice(kinds), conditions=conditions, materials=materials,
                legal_days=20, promised_days=rng.randint(1, 20), published_at=now if published else None,
            )
            item.search_text = item.search_document()
            rows.append((item, published))
        with transaction.atomic():
            ServiceItem.objects.bulk_create([item for item, _ in rows])
        # FSMField(protected=True): the states of bulk-created rows are set in SQL.
        codes = [item.code for item, published in rows if published]
        ServiceItem.objects.filter(code__in=codes).update(state="published")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE catalogue_serviceitem")
    print(f"建库：{n} 个服务事项，用时 {time.perf_counter() - started:.1f} 秒")


def timed(client, url: str, repeat: int, expect: str) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up
    samples = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
        if response.status_code != 200 or expect not in response.content.decode():
            raise SystemExit(f"{url} 应答异常：{response.status_code}")
    return statistics.median(samples), max(samples), queries, response.content.decode().count('class="list-group-item')


def uses_bigram_index(keyword: str) -> bool:
    from django.db import connection

    from catalogue.selectors import search_published

    sql, params = search_published(q=keyword).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return "service_item_search_bigrams" in plan


def main() -> None:
    args = parse_args()
    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiyezhijia.settings")
    if not args.reuse:
        recreate_database(args.server, args.database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from catalogue.models import ServiceItem

    if not args.reuse or not ServiceItem.objects.exists():
        build(args.items)
    published = ServiceItem.objects.filter(state="published").count()
    print(f"已发布服务事项 {published} 个（共 {ServiceItem.objects.count()} 个）；每个请求计时 {args.repeat} 次\n")

    client = Client()
    cases = [
        ("社保（两个字）", "/services/?q=社保", "社保"),
        ("营业执照（词在更长的名称中）", "/services/?q=营业执照", "营业执照"),
        ("出口退税 + 类型", "/services/?q=出口退税&kind=licence", "服务事项"),
        ("登记（大量命中）", "/services/?q=登记", "登记"),
        ("无关键词，第 1 页", "/services/", "服务事项"),
        ("无关键词，第 200 页", "/services/?page=200", "服务事项"),
    ]
    print(f"{'请求':<28}{'中位数 ms':>10}{'最大 ms':>10}{'查询数':>8}")
    for label, url, expect in cases:
        median, worst, queries, _ = timed(client, url, args.repeat, expect)
        print(f"{label:<28}{median:>10.1f}{worst:>10.1f}{queries:>8}")
    for keyword in ("社保", "营业执照", "登记"):
        print(f"“{keyword}”的检索条件走二元字索引（service_item_search_bigrams）：{'是' if uses_bigram_index(keyword) else '否'}")


if __name__ == "__main__":
    main()
