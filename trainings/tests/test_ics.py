"""The .ics calendar file of a public session, read back by the icalendar package; drafts have none."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from trainings import ics
from trainings.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_ics_download_parses_back(client):
    session = SessionFactory(state="published", title="融资贷款政策宣讲；第一期，含答疑", venue="安顺市政务服务中心")
    response = client.get(reverse("trainings:ics", args=[session.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["SUMMARY"]) == "融资贷款政策宣讲；第一期，含答疑"
    assert str(event["LOCATION"]) == "安顺市政务服务中心"
    assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") == session.ends_at.replace(microsecond=0)


def test_ics_text_is_escaped_and_folded():
    session = SessionFactory(state="published", title="税费减免；研发费用加计扣除，政策" * 5,
                             description="第一行\n第二行，含逗号；分号\\反斜杠")
    text = ics.session_ics(session, url="https://example.cn/trainings/1/")
    raw = text.split("\r\n")
    assert raw[0] == "BEGIN:VCALENDAR" and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in raw)
    lines = _unfolded(text)
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    # Full-width Chinese punctuation needs no escaping (only the ASCII ; , \\ and newlines do).
    assert summary == "SUMMARY:" + "税费减免；研发费用加计扣除，政策" * 5
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "第一行\\n第二行，含逗号；分号\\\\反斜杠" in description
    start = next(line for line in lines if line.startswith("DTSTART:"))
    assert start == "DTSTART:" + session.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def test_ascii_separators_are_escaped():
    session = SessionFactory(state="published", title="A;B,C")
    assert "SUMMARY:A\\;B\\,C" in _unfolded(ics.session_ics(session))


@pytest.mark.parametrize("state", ["draft", "cancelled"])
def test_no_ics_for_a_session_not_public(client, state):
    session = SessionFactory(state=state)
    assert client.get(reverse("trainings:ics", args=[session.pk])).status_code == 404
    assert client.get(f"/api/v1/trainings/{session.pk}/ics/").status_code == 404


def test_api_ics(client):
    session = SessionFactory(state="published")
    response = client.get(f"/api/v1/trainings/{session.pk}/ics/")
    assert response.status_code == 200 and b"BEGIN:VEVENT" in response.content
