import pytest

from accounts.demo import seed_demo_accounts
from tickets.demo_trainings import seed_demo_training_demands
from trainings.demo import HELD, UPCOMING, seed_demo_trainings
from trainings.models import TrainingSession

pytestmark = pytest.mark.django_db


def test_the_demo_trainings_are_realistic_and_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_demo_accounts()
    assert seed_demo_trainings()["created"] == 3
    assert seed_demo_training_demands() == 1
    assert seed_demo_trainings()["created"] == 0 and seed_demo_training_demands() == 0
    upcoming = TrainingSession.objects.get(title=UPCOMING)
    assert upcoming.state == "published" and upcoming.seats_taken == 2
    assert set(upcoming.registrations.values_list("user__username", flat=True)) == {"ent", "ent2"}
    held = TrainingSession.objects.get(title=HELD)
    assert held.state == "held" and held.registrations.filter(attended=True).count() == 2
    assert held.registrations.filter(feedback__score=5).exists()
    assert held.demands.get().channel == "department"
