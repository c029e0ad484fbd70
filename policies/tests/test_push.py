"""Precise push (OUTREACH §2): each matched verified enterprise's users told once, in the app and by SMS, from the task."""

import datetime

import pytest

from accounts.models import Department, Region
from enterprises.models import Verification
from notifications.models import Delivery, Notification
from policies.models import Policy, Reach
from policies.push import Push, push_policy, schedule_push
from policies.tests.factories import PolicyFactory, verified_enterprise

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


def run(policy, callbacks):
    with callbacks(execute=True):
        return Push(Policy.objects.get(pk=policy.pk), today=TODAY, batch=2).run()


def test_each_matched_enterprise_is_told_once_in_app_and_by_sms(django_capture_on_commit_callbacks, sms):
    fits = [verified_enterprise(industry="C") for _ in range(3)]  # three batches of two and one
    other = verified_enterprise(industry="A")
    policy = PolicyFactory(industries=["C"], state="published")

    assert run(policy, django_capture_on_commit_callbacks) == 3

    told = set(Reach.objects.filter(policy=policy, notified_at__isnull=False).values_list("enterprise", flat=True))
    assert told == {e.pk for e in fits}
    notices = Notification.objects.filter(event="policy_push")
    assert {n.recipient.enterprise_id for n in notices} == told
    assert all("行业：制造业（C）" in n.body for n in notices)
    assert len(sms) == 3 and all(text.startswith("【企业之家】惠企政策推送") for _, text in sms)
    assert Delivery.objects.filter(channel="sms", status="sent").count() == 3
    assert not Reach.objects.filter(enterprise=other).exists()

    # Run again (a retried task): nobody is told twice.
    assert run(policy, django_capture_on_commit_callbacks) == 0
    assert Notification.objects.filter(event="policy_push").count() == 3 and len(sms) == 3


def test_widening_reaches_only_the_enterprises_not_told_before(django_capture_on_commit_callbacks, sms):
    manufacturer = verified_enterprise(industry="C")
    farm = verified_enterprise(industry="A")
    policy = PolicyFactory(industries=["C"], state="published")
    run(policy, django_capture_on_commit_callbacks)
    sms.clear()

    Policy.objects.filter(pk=policy.pk).update(industries=["C", "A"])
    assert run(policy, django_capture_on_commit_callbacks) == 1

    assert [n.recipient.enterprise_id for n in Notification.objects.filter(event="policy_push").order_by("id")] == [
        manufacturer.pk, farm.pk
    ]
    assert len(sms) == 1


def test_unverified_and_userless_enterprises_are_not_claimed(django_capture_on_commit_callbacks, sms):
    pending = verified_enterprise()
    Verification.objects.filter(enterprise=pending).update(status=Verification.Status.UNVERIFIED)
    nobody = verified_enterprise(users=0)
    policy = PolicyFactory(state="published")

    assert run(policy, django_capture_on_commit_callbacks) == 0
    assert not Reach.objects.filter(enterprise__in=[pending, nobody], notified_at__isnull=False).exists()


def test_a_county_enterprise_is_told_of_a_city_policy_and_not_the_reverse(django_capture_on_commit_callbacks, sms):
    county = verified_enterprise(region="xixiu")
    city = verified_enterprise(region="anshun")
    city_policy = PolicyFactory(state="published")
    assert run(city_policy, django_capture_on_commit_callbacks) == 2

    county_policy = PolicyFactory(state="published", regions=["xixiu"])
    assert run(county_policy, django_capture_on_commit_callbacks) == 1
    assert Reach.objects.get(policy=county_policy).enterprise == county
    assert not Reach.objects.filter(policy=county_policy, enterprise=city).exists()


@pytest.mark.parametrize("state", ["draft", "withdrawn"])
def test_nothing_is_pushed_for_a_policy_that_is_not_published(django_capture_on_commit_callbacks, sms, state):
    verified_enterprise()
    policy = PolicyFactory(state=state)
    assert run(policy, django_capture_on_commit_callbacks) == 0
    assert not sms


def test_an_expired_policy_is_not_pushed(django_capture_on_commit_callbacks, sms):
    verified_enterprise()
    policy = PolicyFactory(state="published", effective_to=datetime.date(2026, 12, 6))
    assert run(policy, django_capture_on_commit_callbacks) == 0


def test_an_enterprise_that_opened_the_policy_before_is_still_told_once(django_capture_on_commit_callbacks, sms):
    enterprise = verified_enterprise()
    policy = PolicyFactory(state="published")
    Reach.objects.create(policy=policy, enterprise=enterprise, status="read")
    assert run(policy, django_capture_on_commit_callbacks) == 1
    reach = Reach.objects.get(policy=policy, enterprise=enterprise)
    assert reach.notified_at is not None and reach.status == "read"


def test_schedule_push_queues_the_task_only_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr(push_policy, "delay", lambda pk: queued.append(pk))
    policy = PolicyFactory(state="published")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        schedule_push(policy)
    assert queued == [] and len(callbacks) == 1
    callbacks[0]()
    assert queued == [policy.pk]


def test_the_task_reads_the_policy_and_ignores_one_that_is_gone(django_capture_on_commit_callbacks, sms):
    verified_enterprise(region="xixiu")
    policy = PolicyFactory(state="published", department=Department.objects.get(code="xixiu-scjg"))
    assert policy.region == Region.objects.get(code="xixiu")
    with django_capture_on_commit_callbacks(execute=True):
        assert push_policy(policy.pk) == 1
    assert push_policy(10**9) == 0


def test_the_push_keeps_the_match_count_and_the_nightly_recount_refreshes_it(django_capture_on_commit_callbacks, sms):
    from policies.push import recount_matches

    verified_enterprise(industry="C")
    verified_enterprise(industry="C", users=0)  # fits, though nobody can be told
    policy = PolicyFactory(industries=["C"], state="published")
    run(policy, django_capture_on_commit_callbacks)
    policy.refresh_from_db()
    assert policy.matched_count == 2 and policy.matched_counted_at is not None

    verified_enterprise(industry="C")
    assert recount_matches() == 1
    policy.refresh_from_db()
    assert policy.matched_count == 3


def test_a_draft_is_not_recounted(sms):
    from policies.push import recount_matches

    PolicyFactory()
    assert recount_matches() == 0
