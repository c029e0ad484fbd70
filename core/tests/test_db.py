"""core.db: parallel query off for the platform's reads, on within parallel_reads() (PostgreSQL only)."""

import pytest
from django.db import connection, transaction

from core.db import parallel_reads

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel query is a PostgreSQL setting"),
]


def workers() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return cursor.fetchone()[0]


def test_connections_start_with_parallel_query_off():
    assert workers() == "0"


def test_parallel_reads_allow_the_report_workers_within_the_block_only(settings):
    settings.DB_REPORT_PARALLEL_WORKERS = 3
    with parallel_reads():
        assert workers() == "3"
    assert workers() == "0"  # the test's own transaction goes on with the connection's setting


def test_the_setting_is_undone_when_the_block_fails(settings):
    settings.DB_REPORT_PARALLEL_WORKERS = 3
    with pytest.raises(ZeroDivisionError):
        with parallel_reads():
            assert workers() == "3"
            1 / 0
    assert workers() == "0"


def test_as_a_decorator_each_call_sets_it_anew(settings):
    settings.DB_REPORT_PARALLEL_WORKERS = 2

    @parallel_reads()
    def read():
        return workers()

    assert [read(), read(), workers()] == ["2", "2", "0"]


@pytest.mark.django_db(transaction=True)
def test_without_an_enclosing_transaction_it_ends_with_its_own(settings):
    settings.DB_REPORT_PARALLEL_WORKERS = 2
    assert not connection.in_atomic_block
    with parallel_reads():
        assert workers() == "2"
    assert workers() == "0"
    with transaction.atomic():
        assert workers() == "0"


def test_blocks_nest_without_statements_of_their_own(settings, django_assert_num_queries):
    settings.DB_REPORT_PARALLEL_WORKERS = 3
    with parallel_reads():
        with django_assert_num_queries(1):  # the SHOW only
            with parallel_reads():
                assert workers() == "3"
        assert workers() == "3"  # the inner block's end does not end the outer's setting
    assert workers() == "0"
