"""Benchmark of matching and the precise push on PostgreSQL (not a test): N verified enterprises, one policy.

    .venv/bin/python bench/policy_push.py                        # 100,000 enterprises
    .venv/bin/python bench/policy_push.py --enterprises 5000     # a quick run
    .venv/bin/python bench/policy_push.py --reuse                # keep the data set of the previous run

1. (Re)creates its own database (default `qyzj_bench_push` on 127.0.0.1, never the application's) and migrates it.
2. Builds N verified enterprises with varied profiles (bulk_create in chunks): the city of Anshun and its counties, the
   GB/T 4754 sections (manufacturing and services most often), the four scales, founding dates from 1995 to this year,
   the tags 高新技术企业 / 专精特新 for some; active enterprise users for a share of them (`--with-users`, default 30%).
3. Times, with the number of SQL queries (django.test.utils.CaptureQueriesContext):
   (a) `matching.candidates(policy).count()` for a published policy that fits a sizeable part of them;
   (b) the push task's body run synchronously (`policies.push.push_policy(policy_id)`, called directly), then once more
       to show that a re-run tells nobody twice and what it costs;
   (c) publishing a draft the way the web request does (`policies.services.policy_publish` when it exists, else the
       transition + `schedule_push` in one transaction): it must only queue the task (the task is recorded, not run).
SMS go to a recording gateway (nothing leaves the machine).
"""

from __future__ import annotations

import argparse
import datetime
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
# Sections by weight: manufacturing (C), trade (F), software (I), services (L, M), agriculture (A), building (E), …
SECTIONS = "C" * 6 + "F" * 4 + "I" * 3 + "L" * 2 + "M" * 2 + "A" * 2 + "E" * 2 + "GHKNOR"
SCALES = ["micro"] * 5 + ["small"] * 3 + ["medium"] * 2 + ["large"]


def parse_args():
    parser = argparse.ArgumentParser(description="政策匹配与精准推送的性能测试（独立数据库）")
    parser.add_argument("--enterprises", type=int, default=100_000, help="已认证企业数量（默认 100000）")
    parser.add_argument("--with-users", type=float, default=0.3, help="有企业用户账号的企业比例（默认 0.3）")
    parser.add_argument("--database", default="qyzj_bench_push", help="测试用数据库名（会被删除重建）")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL 服务器地址")
    parser.add_argument("--repeat", type=int, default=5, help="(a) 的计时重复次数")
    parser.add_argument("--reuse", action="store_true", help="沿用已建好的数据库，不重建")
    args = parser.parse_args()
    if args.enterprises < 100:
        parser.error("--enterprises 至少为 100")
    if not 0 <= args.with_users <= 1:
        parser.error("--with-users 应在 0 到 1 之间")
    if not args.database.replace("_", "").isalnum():
        parser.error("--database 只能包含字母、数字和下划线")
    return args


def bench_user():
    from accounts.models import Department, Role, User

    user, _ = User.objects.get_or_create(
        username="bench_gxj", defaults={"role": Role.HANDLER, "department": Department.objects.get(code="anshun-gxj"),
                                        "first_name": "性能测试"})
    return user


def build(n: int, with_users: float) -> None:
    from django.db import connection, transaction
    from django.db.models import Q

    from accounts.models import Enterprise, Region, Role, User
    from accounts.tests.factories import valid_uscc
    from enterprises.models import EnterpriseTag, Tag, Verification

    started = time.perf_counter()
    rng = random.Random(20261207)
    granter = bench_user()
    regions = list(Region.objects.filter(Q(code="anshun") | Q(parent__code="anshun")).order_by("pk"))
    city = next(r for r in regions if r.code == "anshun")
    counties = [r for r in regions if r.pk != city.pk]
    tags = {t.code: t for t in Tag.objects.filter(code__in=["gaoxin", "zhuanjingtexin", "guishang"])}
    today = datetime.date.today()
    users = 0
    for start in range(0, n, CHUNK):
        size = min(CHUNK, n - start)
        with transaction.atomic():
            batch = Enterprise.objects.bulk_create([
                Enterprise(
                    name=f"性能测试企业{start + i:06d}有限公司", uscc=valid_uscc(3_000_000 + start + i),
                    region=city if rng.random() < 0.4 else rng.choice(counties),
                    industry_id=rng.choice(SECTIONS), scale=rng.choice(SCALES),
                    established_on=today - datetime.timedelta(days=rng.randint(30, 31 * 365)),
                )
                for i in range(size)
            ])
            Verification.objects.bulk_create(
                [Verification(enterprise=e, status=Verification.Status.VERIFIED) for e in batch])
            holdings = []
            for e in batch:
                if rng.random() < 0.15:
                    holdings.append(EnterpriseTag(enterprise=e, tag=tags["gaoxin"], granted_by=granter))
                if rng.random() < 0.08:
                    holdings.append(EnterpriseTag(enterprise=e, tag=tags["zhuanjingtexin"], granted_by=granter))
                if e.industry_id == "C" and rng.random() < 0.3:
                    holdings.append(EnterpriseTag(enterprise=e, tag=tags["guishang"], granted_by=granter))
            EnterpriseTag.objects.bulk_create(holdings)
            people = [
                User(username=f"bench_ent_{e.pk}", role=Role.ENTERPRISE, enterprise=e, password="!",
                     phone=f"139{e.pk % 100_000_000:08d}", first_name="企业用户")
                for e in batch if rng.random() < with_users
            ]
            User.objects.bulk_create(people)
            users += len(people)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"建库：{n} 家已认证企业、{users} 个企业用户，用时 {time.perf_counter() - started:.1f} 秒")


def make_policy(*, title: str, publish: bool):
    from django.utils import timezone

    from accounts.models import Department
    from policies.models import Policy

    gxj = Department.objects.get(code="anshun-gxj")
    policy = Policy.objects.create(
        department=gxj, region=gxj.region, title=title, issued_on=datetime.date(2026, 1, 5),
        effective_from=datetime.date(2026, 1, 5), summary="性能测试政策", mode="apply",
        # Manufacturing, software and R&D services, not large, founded a year ago or more: about a fifth of them.
        industries=["C", "I", "M"], scales=["micro", "small", "medium"], min_years=1, created_by=bench_user(),
    )
    if publish:
        Policy.objects.filter(pk=policy.pk).update(state=Policy.State.PUBLISHED, published_at=timezone.now())
        policy = Policy.objects.select_related("region").get(pk=policy.pk)
    return policy


def measured(fn):
    """(result, milliseconds, queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = fn()
        elapsed = (time.perf_counter() - started) * 1000
    return result, elapsed, len(captured.captured_queries)


def publish_like_the_web(policy, actor):
    """The publishing service when it exists; otherwise what it must do: the transition and `schedule_push`."""
    from django.db import transaction

    from policies.models import Policy
    from policies.push import schedule_push

    try:
        from policies.services import policy_publish
    except ImportError:
        policy_publish = None
    if policy_publish is not None:
        return "policies.services.policy_publish", policy_publish(actor=actor, policy=policy)
    with transaction.atomic():
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        locked.publish()
        locked.save(update_fields=["state", "published_at", "updated_at"])
        schedule_push(locked)
    return "publish() + schedule_push()（policies.services 尚无 policy_publish）", locked


def main() -> None:
    args = parse_args()
    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiyezhijia.settings")
    os.environ["SMS_SENDER"] = "notifications.tests.sms_doubles.RecordingSMSSender"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    if not args.reuse:
        recreate_database(args.server, args.database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from accounts.models import Enterprise

    if not args.reuse or not Enterprise.objects.exists():
        build(args.enterprises, args.with_users)

    from django.utils import timezone

    from notifications.models import Notification
    from notifications.tests import sms_doubles
    from policies import matching, push
    from policies.models import Reach

    total = matching.verified_enterprises().count()
    policy = make_policy(title=f"性能测试政策 {timezone.now():%H%M%S}", publish=True)
    today = timezone.localdate()

    # (a) counting the candidates
    samples, queries, count = [], 0, 0
    for _ in range(args.repeat + 1):
        count, ms, queries = measured(lambda: matching.candidates(policy, today).count())
        samples.append(ms)
    samples = samples[1:]  # the first warms the connection and the planner's cache
    print(f"\n已认证企业 {total} 家；政策“{policy.title}”符合条件 {count} 家（{count / max(total, 1):.0%}）")
    print(f"(a) candidates(policy).count()：中位数 {statistics.median(samples):.1f} ms，最大 {max(samples):.1f} ms，"
          f"{queries} 条查询")

    # (b) the task body, synchronously
    sms_doubles.SENT.clear()
    told, ms, queries = measured(lambda: push.push_policy(policy.pk))
    reached = Reach.objects.filter(policy=policy, notified_at__isnull=False).count()
    notices = Notification.objects.filter(event="policy_push", key__startswith=f"policy:{policy.pk}:").count()
    print(f"(b) push_policy 同步执行：告知 {told} 家企业（Reach.notified_at {reached} 条，站内通知 {notices} 条，"
          f"短信 {len(sms_doubles.SENT)} 条），用时 {ms / 1000:.2f} s，{queries} 条查询"
          f"（每批 {push.BATCH} 家）")
    again, ms, queries = measured(lambda: push.push_policy(policy.pk))
    print(f"    再次执行（重试）：告知 {again} 家，用时 {ms / 1000:.2f} s，{queries} 条查询")

    # (c) publishing only queues
    draft = make_policy(title=f"性能测试政策（发布）{timezone.now():%H%M%S}", publish=False)
    queued = []
    original_delay = push.push_policy.delay
    push.push_policy.delay = lambda *a, **k: queued.append(a)
    try:
        (how, _published), ms, queries = measured(lambda: publish_like_the_web(draft, bench_user()))
    finally:
        push.push_policy.delay = original_delay
    untouched = not Reach.objects.filter(policy=draft).exists()
    print(f"(c) 发布（{how}）：用时 {ms:.1f} ms，{queries} 条查询；排队推送任务 {len(queued)} 个，"
          f"请求内未推送任何企业：{'是' if untouched else '否'}")


if __name__ == "__main__":
    main()
