"""Human-readable numbers: `next_number` one at a time, `next_numbers` a consecutive block of today's sequence."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections, transaction

from core.models import NumberSequence, next_number, next_numbers

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_a_block_of_numbers_is_consecutive_and_continues_the_day_s_sequence():
    with time_machine.travel(datetime(2026, 12, 6, 9, 0, tzinfo=SH), tick=False):
        assert next_number("DB") == "DB20261206-0001"
        assert next_numbers("DB", 3) == ["DB20261206-0002", "DB20261206-0003", "DB20261206-0004"]
        assert next_number("DB") == "DB20261206-0005"
    assert NumberSequence.objects.get(key="DB20261206").last == 5


def test_a_block_starts_today_s_sequence_at_one_and_each_prefix_counts_alone():
    with time_machine.travel(datetime(2026, 12, 6, 23, 59, tzinfo=SH), tick=False):
        assert next_numbers("DB", 2) == ["DB20261206-0001", "DB20261206-0002"]
        assert next_numbers("GD", 1) == ["GD20261206-0001"]
    # Shanghai's next day starts a new sequence, whatever the UTC date.
    with time_machine.travel(datetime(2026, 12, 7, 0, 1, tzinfo=SH), tick=False):
        assert next_numbers("DB", 2) == ["DB20261207-0001", "DB20261207-0002"]


def test_asking_for_no_numbers_reserves_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert next_numbers("DB", 0) == []
    assert not NumberSequence.objects.exists()


def test_a_block_costs_the_same_queries_as_a_single_number(django_assert_max_num_queries):
    next_number("DB")  # the day's row exists
    with django_assert_max_num_queries(5):  # savepoint, read, lock, update, release
        numbers = next_numbers("DB", 500)
    assert len(set(numbers)) == 500 and numbers[-1].endswith("-0501")


def test_a_rolled_back_block_gives_its_numbers_back():
    with time_machine.travel(datetime(2026, 12, 6, 9, 0, tzinfo=SH), tick=False):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                next_numbers("DB", 4)
                raise RuntimeError("批量督办失败")
        assert next_numbers("DB", 1) == ["DB20261206-0001"]


@pytest.mark.django_db(transaction=True)
def test_two_callers_at_once_get_disjoint_blocks():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and two real connections")
    next_number("DB")  # both callers find the day's row and queue on its lock
    barrier = threading.Barrier(2)
    blocks, errors = [], []

    def reserve(n):
        try:
            barrier.wait(10)
            with transaction.atomic():
                blocks.append(next_numbers("DB", n))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reserve, args=(n,)) for n in (40, 60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    numbers = [number for block in blocks for number in block]
    assert len(numbers) == len(set(numbers)) == 100
    for block in blocks:
        counters = [int(number.rsplit("-", 1)[1]) for number in block]
        assert counters == list(range(counters[0], counters[0] + len(block)))  # each block is consecutive
    assert sorted(int(number.rsplit("-", 1)[1]) for number in numbers) == list(range(2, 102))  # and no gap
