"""Who sees which demands and tickets (SPEC §1): one helper decides, outsiders get 404."""

import pytest
from django.http import Http404

from accounts.models import Role
from accounts.tests.factories import EnterpriseUserFactory, UserFactory, department
from tickets import workflow
from tickets.selectors import demand_for_user, demands_visible_to, ticket_for_user, tickets_visible_to
from tickets.tests.helpers import dispatched_ticket, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_ticket(office_clerk, specialist):
    return dispatched_ticket(office_clerk, registrar=specialist, lead="anshun-scjg", co=["anshun-tcj"])


@pytest.fixture
def county_demand(db):
    registrar = UserFactory(role=Role.HANDLER, department=department("xixiu-scjg"))
    return register(registrar, channel="department", domain="market")


def test_lead_and_co_department_handlers_see_the_ticket(city_ticket, lead_handler):
    co_handler = UserFactory(role=Role.HANDLER, department=department("anshun-tcj"))
    assert ticket_for_user(lead_handler, city_ticket.pk) == city_ticket
    assert ticket_for_user(co_handler, city_ticket.pk) == city_ticket
    assert city_ticket.demands.get() in demands_visible_to(co_handler)


@pytest.mark.parametrize("who", ["other_handler", "outsider", "county_office"])
def test_handlers_of_other_departments_and_counties_get_404(request, city_ticket, who):
    user = request.getfixturevalue(who)
    with pytest.raises(Http404):
        ticket_for_user(user, city_ticket.pk)
    with pytest.raises(Http404):
        demand_for_user(user, city_ticket.demands.get().pk)


def test_city_office_government_and_leader_read_their_counties(county_demand, office_clerk, government_user):
    leader = UserFactory(role=Role.LEADER, department=department("anshun-zfb"))
    for user in (office_clerk, government_user, leader):
        assert demand_for_user(user, county_demand.pk) == county_demand


def test_county_office_does_not_read_the_city_or_other_counties(county_demand, city_ticket, county_office):
    assert demand_for_user(county_office, county_demand.pk) == county_demand
    other_county_office = UserFactory(role=Role.OFFICE, department=department("puding-zwfw"))
    with pytest.raises(Http404):
        demand_for_user(other_county_office, county_demand.pk)
    assert not tickets_visible_to(county_office).filter(pk=city_ticket.pk).exists()


def test_specialist_reads_its_own_region_only(city_ticket, county_demand, specialist):
    assert ticket_for_user(specialist, city_ticket.pk) == city_ticket
    with pytest.raises(Http404):
        demand_for_user(specialist, county_demand.pk)


def test_enterprise_sees_only_its_own_enterprise(enterprise_user, office_clerk, specialist):
    mine = register(enterprise_user, channel="online")
    about_me = register(specialist, enterprise_name=enterprise_user.enterprise.name, enterprise_uscc=enterprise_user.enterprise.uscc)
    someone_else = register(specialist)
    visible = set(demands_visible_to(enterprise_user))
    assert {mine, about_me} <= visible and someone_else not in visible
    mine = workflow.demand_form_ticket(actor=office_clerk, demand=mine, category="consultation", lead_department="anshun-sw")
    assert ticket_for_user(enterprise_user, mine.ticket_id) == mine.ticket
    with pytest.raises(Http404):
        ticket_for_user(EnterpriseUserFactory(), mine.ticket_id)


def test_chamber_and_supervisor_read_only_their_own_registrations(specialist):
    chamber = UserFactory(role=Role.CHAMBER, department=department("anshun-gsl"))
    other_chamber = UserFactory(role=Role.CHAMBER, department=department("anshun-gsl"))
    own = register(chamber, channel="chamber")
    assert list(demands_visible_to(chamber)) == [own]
    assert not demands_visible_to(other_chamber).exists()
    register(specialist)
    assert demands_visible_to(chamber).count() == 1


def test_admin_and_anonymous_see_nothing(city_ticket, platform_admin):
    from django.contrib.auth.models import AnonymousUser

    assert not tickets_visible_to(platform_admin).exists()
    assert not demands_visible_to(AnonymousUser()).exists()


def test_bad_ids_are_404_not_500(lead_handler):
    for bad in ["abc", None, -1]:
        with pytest.raises(Http404):
            ticket_for_user(lead_handler, bad)
