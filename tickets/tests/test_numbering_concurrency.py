"""Numbers stay unique when many registrations happen at once (row lock on the day's counter). PostgreSQL only:
SQLite serialises every writer anyway, so the race this guards against cannot happen there."""

import threading

import pytest
from django.db import connection, connections

from accounts.models import Role
from accounts.tests.factories import UserFactory, department
from tickets.models import Demand
from tickets.tests.helpers import register

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs a database with row locks"),
]


def test_concurrent_registrations_get_distinct_consecutive_numbers():
    from qiyezhijia.testing import load_reference_data

    load_reference_data()
    user = UserFactory(role=Role.SPECIALIST, department=department("anshun-fgw"))
    workers, per_worker = 6, 5
    barrier = threading.Barrier(workers)
    failures = []

    def work():
        try:
            barrier.wait()
            for _ in range(per_worker):
                register(user)
        except Exception as exc:  # reported below, a thread must not die silently
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    numbers = sorted(Demand.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == workers * per_worker
    assert [int(n[-4:]) for n in numbers] == list(range(1, workers * per_worker + 1))
