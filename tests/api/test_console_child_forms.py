"""The child's forms in the console: registering a child, keeping its record, and the page
as of a past date (历史回溯) showing only what stood on that date.

Every form is the API's own use case behind a CSRF-checked POST; a refusal is the API's
message beside the form, which keeps what was typed.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import paired
from tests.api.test_console import console_login


def _contact(client: TestClient, admin: dict[str, str], pairing_id: str, on: str) -> None:
    response = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin, json={
        "kind": "home_visit", "occurred_on": on, "notes": "家访"})
    assert response.status_code == 201, response.text


def test_the_page_as_of_a_day_before_the_pairing_does_not_show_it(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, pairing_id = paired(client, admin)  # the pairing starts on 2026-03-10
    _contact(client, admin, pairing_id, "2026-04-02")
    console_login(client)
    section = client.get(f"/console/children/{child_id}?as_of=2026-03-05").text.split(
        'id="pairings"')[1].split("</section>")[0]
    assert "尚未结对" in section and 'class="pairing"' not in section


def test_the_page_as_of_a_day_counts_the_contacts_made_by_that_day(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id, _, pairing_id = paired(client, admin)
    for day in ("2026-03-15", "2026-04-02", "2026-05-06"):
        _contact(client, admin, pairing_id, day)
    console_login(client)
    section = client.get(f"/console/children/{child_id}?as_of=2026-03-20").text.split(
        'id="pairings"')[1].split("</section>")[0]
    assert "联系 1 次，最近 2026-03-15" in section
    assert "2026-05-06" not in section and "至今" not in section

