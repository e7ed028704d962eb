"""The volunteer's e-mail (for reminders): optional, checked, absent from old records."""

from __future__ import annotations

import json

import pytest

from domain.errors import InvalidRecord
from domain.transcodings import AixinTranscoder
from tests.builders import volunteer_form


def test_a_form_recorded_before_the_email_field_existed_loads_with_no_email() -> None:
    transcoder = AixinTranscoder()
    stored = json.loads(transcoder.encode(volunteer_form(email="liu@example.cn")))
    del stored["_data_"]["email"]
    assert transcoder.decode(json.dumps(stored).encode()) == volunteer_form()
    assert volunteer_form().email == ""


def test_an_email_address_is_checked_and_trimmed() -> None:
    assert volunteer_form(email=" liu@example.cn ").email == "liu@example.cn"
    with pytest.raises(InvalidRecord, match="email"):
        volunteer_form(email="not an address")
