"""On PostgreSQL the database itself refuses two overlapping turns of one chamber (migration 0002), whatever the
code above it does; other databases rely on the locked check of the act."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from chambers.tests.factories import EntryFactory, PlanFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the exclusion constraint exists on PostgreSQL only"),
]


def test_database_refuses_an_overlap(zhejiang, fujian):
    plan = PlanFactory(year=2026)
    EntryFactory(plan=plan, chamber=zhejiang, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 3, 31))
    EntryFactory(plan=plan, chamber=fujian, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 3, 31))
    EntryFactory(plan=plan, chamber=zhejiang, starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2026, 4, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        EntryFactory(plan=plan, chamber=zhejiang, starts_on=datetime.date(2026, 3, 31),
                     ends_on=datetime.date(2026, 3, 31))
