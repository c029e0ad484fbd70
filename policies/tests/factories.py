"""Factories for policies and for verified enterprises with a profile."""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import Department, Region
from accounts.tests.factories import (
    EnterpriseFactory,
    EnterpriseUserFactory,
    UserFactory,
)
from core.search import document
from enterprises.models import EnterpriseTag, Tag, Verification
from policies.models import Policy


def verified_enterprise(*, region="anshun", industry="C", scale="small", established_on=datetime.date(2018, 4, 16),
                        tags=(), users=1, **fields):
    """An enterprise the office verified, with its profile, its tags and `users` active enterprise users."""
    enterprise = EnterpriseFactory(region=Region.objects.get(code=region), industry_id=industry, scale=scale,
                                   established_on=established_on, **fields)
    Verification.objects.create(enterprise=enterprise, status=Verification.Status.VERIFIED)
    granter = UserFactory(role="office", department=Department.objects.get(code="anshun-zwfw"))
    for code in tags:
        EnterpriseTag.objects.create(enterprise=enterprise, tag=Tag.objects.get(code=code), granted_by=granter)
    for _ in range(users):
        EnterpriseUserFactory(enterprise=enterprise, phone=factory.Faker._get_faker().numerify("139########"))
    return enterprise


class PolicyFactory(DjangoModelFactory):
    class Meta:
        model = Policy

    department = factory.LazyFunction(lambda: Department.objects.get(code="anshun-gxj"))
    region = factory.LazyAttribute(lambda o: o.department.region)
    title = factory.Sequence(lambda n: f"测试惠企政策{n}号")
    doc_number = factory.Sequence(lambda n: f"安工信发〔2026〕{n}号")
    issued_on = datetime.date(2026, 3, 1)
    effective_from = datetime.date(2026, 3, 1)
    summary = "符合条件的企业可享受补助。"
    created_by = factory.LazyAttribute(lambda o: UserFactory(department=o.department))
    search_text = factory.LazyAttribute(lambda o: document(o.title, o.doc_number, o.summary))

    @classmethod
    def _create(cls, model_class, *args, state="draft", **kwargs):
        policy = super()._create(model_class, *args, **kwargs)
        if state != "draft":
            # FSMField(protected=True): set the state through the queryset, as a fixture.
            model_class.objects.filter(pk=policy.pk).update(
                state=state, published_at=datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
            )
            policy = model_class.objects.get(pk=policy.pk)
        return policy
