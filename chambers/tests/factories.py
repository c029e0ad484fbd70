import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import Region
from accounts.tests.factories import UserFactory
from chambers.models import Activity, Chamber, RotationEntry, RotationPlan


class ChamberFactory(DjangoModelFactory):
    class Meta:
        model = Chamber

    region = factory.LazyFunction(lambda: Region.objects.get(code="anshun"))
    name = factory.Sequence(lambda n: f"测试商会{n}")
    kind = Chamber.Kind.CHAMBER
    contact = "张会长 0851-33210000"
    created_by = factory.SubFactory(UserFactory)


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = RotationPlan
        django_get_or_create = ("region", "year")

    region = factory.LazyFunction(lambda: Region.objects.get(code="anshun"))
    year = 2026


class EntryFactory(DjangoModelFactory):
    class Meta:
        model = RotationEntry

    plan = factory.SubFactory(PlanFactory)
    chamber = factory.SubFactory(ChamberFactory)
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2026, 3, 31)
    theme = "企业用工座谈"
    created_by = factory.SubFactory(UserFactory)


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    chamber = factory.SubFactory(ChamberFactory)
    region = factory.LazyAttribute(lambda o: o.chamber.region)
    kind = Activity.Kind.ROTATION
    held_on = datetime.date(2026, 2, 10)
    place = "商会会议室"
    summary = "座谈会，收集诉求。"
    enterprises_count = 10
    created_by = factory.SubFactory(UserFactory)
