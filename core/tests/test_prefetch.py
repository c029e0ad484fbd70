"""prefetch_present: one question for which kinds of related record exist, a query only for those, and the empty
ones answering from Django's prefetch cache exactly as a prefetch that found nothing would."""

import pytest
from django.db.models import Prefetch

from core.prefetch import prefetch_present
from tickets.models import Rating, Ticket, TicketCoDepartment
from tickets.tests.helpers import dispatched_ticket

pytestmark = pytest.mark.django_db


def fresh(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def lookups():
    return [
        Prefetch("co_links", queryset=TicketCoDepartment.objects.select_related("department")),
        Prefetch("rating", queryset=Rating.objects.all()),
        Prefetch("co_links", queryset=TicketCoDepartment.objects.all(), to_attr="co_list"),
    ]


def test_a_ticket_with_none_of_them_costs_one_query_and_reads_as_empty(office_clerk, django_assert_num_queries):
    ticket = fresh(dispatched_ticket(office_clerk))
    with django_assert_num_queries(1):
        prefetch_present(ticket, *lookups())
    with django_assert_num_queries(0):
        assert list(ticket.co_links.all()) == []
        assert ticket.co_list == []
        assert not hasattr(ticket, "rating")  # a reverse one-to-one without a row: DoesNotExist, from the cache
        with pytest.raises(Rating.DoesNotExist):
            ticket.rating  # noqa: B018


def test_the_present_ones_are_prefetched_with_their_querysets(office_clerk, django_assert_num_queries):
    ticket = dispatched_ticket(office_clerk, co=["anshun-fgw", "anshun-gxj"])
    ticket = fresh(ticket)
    with django_assert_num_queries(3):  # the question, then co_links twice (as a relation and to_attr)
        prefetch_present(ticket, *lookups())
    with django_assert_num_queries(0):
        assert sorted(link.department.code for link in ticket.co_links.all()) == ["anshun-fgw", "anshun-gxj"]
        assert len(ticket.co_list) == 2
        assert not hasattr(ticket, "rating")


def test_no_lookups_no_query(office_clerk, django_assert_num_queries):
    ticket = fresh(dispatched_ticket(office_clerk))
    with django_assert_num_queries(0):
        prefetch_present(ticket)
