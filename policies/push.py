"""Precise push (精准推送, OUTREACH §2): every verified enterprise a published policy fits is told once — in the app and
by SMS — by a Celery task working in batches, never by the web request that published.

`schedule_push(policy)` queues the task after the caller's transaction commits. The task walks the candidates
(`matching.candidates`, narrowed in SQL) in primary-key order, a batch at a time; `matching.match` decides each one and
gives the reasons; the enterprises it tells are claimed first on their `Reach` row (`notified_at` set only where it was
empty, with RETURNING), so two tasks for the same policy, a retried task or a later widening never tell an enterprise
twice. An enterprise without an active user is not claimed: it is told once somebody can read it (the next push).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Role, User
from notifications.services import Message, notify_many
from policies import matching
from policies.models import Policy, Reach

logger = logging.getLogger("policies")

BATCH = 1000


def schedule_push(policy: Policy) -> None:
    """Queue the push of `policy` once the current transaction commits (nothing is queued if it rolls back)."""
    policy_id = policy.pk
    transaction.on_commit(lambda: push_policy.delay(policy_id), robust=True)


@shared_task(acks_late=True)
def push_policy(policy_id: int) -> int:
    """Tell every fitting verified enterprise not told before; returns how many enterprises were told now."""
    policy = Policy.objects.select_related("region", "department").filter(pk=policy_id).first()
    if policy is None:
        return 0
    return Push(policy).run()


class Push:
    def __init__(self, policy: Policy, *, today=None, batch: int = BATCH):
        self.policy = policy
        self.today = today or timezone.localdate()
        self.batch = batch
        self.criteria = matching.criteria_of(policy)
        self.regions = matching.regions_by_id()
        self.region_names = {region.code: region.name for region in self.regions.values()}
        self.tag_names = matching.tag_names()
        self.url = _policy_url(policy)

    def pending(self):
        """Candidates with somebody to tell and not told before, in primary-key order."""
        told = Reach.objects.filter(policy=self.policy, enterprise=OuterRef("pk"), notified_at__isnull=False)
        people = User.objects.filter(enterprise=OuterRef("pk"), role=Role.ENTERPRISE, is_active=True)
        return (
            matching.candidates(self.policy, self.today)
            .filter(Exists(people))
            .exclude(Exists(told))
            .only("pk", "name", "industry_id", "scale", "region_id", "established_on")
            .order_by("pk")
        )

    def run(self) -> int:
        record_match_count(self.policy, self.today)
        if not self.policy.is_active(self.today):
            return 0
        told, last = 0, 0
        pending = self.pending()
        while True:
            batch = list(pending.filter(pk__gt=last)[: self.batch])
            if not batch:
                break
            last = batch[-1].pk
            told += self._tell(batch)
        if told:
            logger.info("policy %s pushed to %s enterprises", self.policy.pk, told)
        return told

    def _tell(self, enterprises) -> int:
        profiles = matching.profiles_of(enterprises, regions=self.regions)
        reasons = {}
        for enterprise in enterprises:
            result = matching.match(self.criteria, profiles[enterprise.pk], self.today, tag_names=self.tag_names,
                                    region_names=self.region_names)
            if result:
                reasons[enterprise.pk] = result.reasons
        if not reasons:
            return 0
        with transaction.atomic():
            claimed = _claim(self.policy.pk, sorted(reasons))
            people: dict[int, list[User]] = {}
            for user in User.objects.filter(enterprise_id__in=claimed, role=Role.ENTERPRISE, is_active=True).only(
                "pk", "enterprise_id", "is_active"
            ):
                people.setdefault(user.enterprise_id, []).append(user)
            notify_many(
                Message(
                    recipients=people.get(enterprise_id, []),
                    event="policy_push",
                    key=f"policy:{self.policy.pk}:push:{enterprise_id}",
                    title=f"惠企政策推送：{self.policy.title}",
                    body="贵企业符合条件（" + "；".join(reasons[enterprise_id]) + "），请登录企业之家查看“为我匹配的政策”",
                    url=self.url,
                )
                for enterprise_id in sorted(claimed)
            )
        return len(claimed)


def record_match_count(policy: Policy, today=None) -> int:
    """Count the verified enterprises the policy fits now (one query) and keep the figure on the policy."""
    today = today or timezone.localdate()
    count = matching.candidates(policy, today).count()
    now = timezone.now()
    Policy.objects.filter(pk=policy.pk).update(matched_count=count, matched_counted_at=now)
    policy.matched_count, policy.matched_counted_at = count, now
    return count


@shared_task
def recount_matches() -> int:
    """Nightly (beat): profiles, tags and verifications change, and policies expire; recount every published policy
    whose figure is older than today. Returns how many policies were recounted."""
    today = timezone.localdate()
    recounted = 0
    for policy in Policy.objects.filter(state=Policy.State.PUBLISHED).select_related("region"):
        record_match_count(policy, today)
        recounted += 1
    return recounted


def _claim(policy_id: int, enterprise_ids: list[int]) -> set[int]:
    """Mark these enterprises told of the policy where nobody had; return those this call marked. The row is created
    when missing; the UPDATE … WHERE notified_at IS NULL RETURNING decides, row by row, who tells (a concurrent push
    waits on the row lock and then finds it set)."""
    now = timezone.now()
    Reach.objects.bulk_create(
        [Reach(policy_id=policy_id, enterprise_id=pk) for pk in enterprise_ids], ignore_conflicts=True
    )
    table = connection.ops.quote_name(Reach._meta.db_table)
    placeholders = ", ".join(["%s"] * len(enterprise_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET notified_at = %s WHERE policy_id = %s AND notified_at IS NULL "
            f"AND enterprise_id IN ({placeholders}) RETURNING enterprise_id",
            [Reach._meta.get_field("notified_at").get_db_prep_save(now, connection), policy_id, *enterprise_ids],
        )
        return {row[0] for row in cursor.fetchall()}


def _policy_url(policy: Policy) -> str:
    try:
        return reverse("policies:public_detail", args=[policy.pk])
    except NoReverseMatch:  # the policies screens are not routed (a deployment serving the API only)
        return ""
