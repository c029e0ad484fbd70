"""Capacity held exactly when many enterprise users sign up at the same instant (PostgreSQL: parallel connections)."""

import threading

import pytest
from django.db import connection, connections

from accounts.tests.factories import EnterpriseUserFactory
from core.errors import Conflict
from trainings import services
from trainings.models import Registration, TrainingSession
from trainings.tests.factories import SessionFactory

CAPACITY = 5


@pytest.mark.django_db(transaction=True)
def test_capacity_n_and_3n_sign_ups_at_once_give_exactly_n_seats():
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL：SQLite 不支持并发写入，无法验证行锁下的名额（设置 DATABASE_URL=postgres://… 运行）。")
    session = SessionFactory(state="published", capacity=CAPACITY)
    users = [EnterpriseUserFactory() for _ in range(3 * CAPACITY)]
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []
    lock = threading.Lock()

    def sign_up(user):
        try:
            barrier.wait(timeout=30)
            services.signup(actor=user, session=TrainingSession.objects.get(pk=session.pk))
            result = "seat"
        except Conflict as exc:
            result = exc.message
        finally:
            connections.close_all()  # each thread had its own connection
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=sign_up, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    session.refresh_from_db()
    assert outcomes.count("seat") == CAPACITY
    assert len(outcomes) == 3 * CAPACITY
    assert all("已满" in outcome for outcome in outcomes if outcome != "seat")
    assert Registration.objects.filter(session=session).count() == CAPACITY
    assert session.seats_taken == CAPACITY
