import pytest

from core.masking import mask_phone


@pytest.mark.parametrize(("phone", "shown"), [
    ("13912341234", "139****1234"),
    ("139 1234 1234", "139****1234"),
    ("139-1234-1234", "139****1234"),
    ("+8613912341234", "+86****1234"),
    ("0851-3221234", "085****1234"),
    ("3221234", "****34"),
    ("12", "****"),
    ("", ""),
    (None, ""),
])
def test_only_the_ends_of_a_phone_are_shown(phone, shown):
    assert mask_phone(phone) == shown
