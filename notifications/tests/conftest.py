import pytest

from notifications.tests import sms_doubles


@pytest.fixture
def sms(settings):
    """Route SMS through the recording gateway; returns the list of (phone, text) sent."""
    settings.SMS_SENDER = "notifications.tests.sms_doubles.RecordingSMSSender"
    sms_doubles.SENT.clear()
    yield sms_doubles.SENT
    sms_doubles.SENT.clear()
