"""Factories for training sessions: a session in any state at any time (the state set through the queryset, as a
fixture: FSMField(protected=True))."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Department
from accounts.tests.factories import UserFactory
from trainings.models import Registration, TrainingSession


def later(**delta) -> datetime.datetime:
    """A moment relative to now (a test fixture, not a deadline)."""
    return timezone.now() + datetime.timedelta(**delta)


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = TrainingSession

    department = factory.LazyFunction(lambda: Department.objects.get(code="anshun-gxj"))
    region = factory.LazyAttribute(lambda o: o.department.region)
    topic = "policy"
    title = factory.Sequence(lambda n: f"测试宣讲培训{n}")
    description = "政策解读与现场答疑。"
    starts_at = factory.LazyFunction(lambda: later(days=5))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    signup_closes_at = factory.LazyAttribute(lambda o: o.starts_at - datetime.timedelta(days=1))
    venue = "安顺市政务服务中心会议室"
    capacity = 30
    created_by = factory.LazyAttribute(lambda o: UserFactory(department=o.department))

    @classmethod
    def _create(cls, model_class, *args, state="draft", **kwargs):
        session = super()._create(model_class, *args, **kwargs)
        if state != "draft":
            model_class.objects.filter(pk=session.pk).update(state=state, published_at=timezone.now())
            session = model_class.objects.get(pk=session.pk)
        return session


def register(session, user, *, attended=False) -> Registration:
    """A registration as a fixture (the seat counted), whatever the session's state."""
    registration = Registration.objects.create(session=session, user=user, enterprise_id=user.enterprise_id,
                                               attended=attended)
    TrainingSession.objects.filter(pk=session.pk).update(seats_taken=session.registrations.count())
    session.refresh_from_db()
    return registration
