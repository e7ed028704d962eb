"""The console names duty periods in words (2026年4月), never by their codes (2026-04)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.conftest import paired
from tests.api.test_console import console_login


def test_the_childs_duties_name_their_period_in_words(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, _ = paired(client, admin)  # the pairing starts on 2026-03-10
    console_login(client)
    page = client.get(f"/console/children/{child_id}?as_of=2026-04-15").text
    assert '<td data-label="周期">2026年4月</td>' in page
    assert '<td data-label="周期">2026-04</td>' not in page


def test_the_pairings_duties_name_their_period_in_words(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    console_login(client)
    page = client.get(f"/console/pairings/{pairing_id}").text
    assert re.search(r"</strong> · \d{4}年\d{1,2}月<br>", page)
    assert not re.search(r"</strong> · \d{4}-\d{2}<br>", page)
