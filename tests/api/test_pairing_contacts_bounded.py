"""A pairing shows its latest contacts and how many it has; all of them are listed a page
at a time (``GET /pairings/{id}/contacts``), like every list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.schemas.pairings import CONTACTS_SHOWN
from tests.api.conftest import create, paired

FIRST = date(2026, 3, 10)


def record(client: TestClient, headers: dict[str, str], pairing_id: str, count: int) -> list[str]:
    """``count`` contacts, one a day from the pairing's start: their ids, in date order."""
    return [create(client, f"/api/v1/pairings/{pairing_id}/contacts", {
        "kind": "phone", "occurred_on": (FIRST + timedelta(days=n)).isoformat(),
        "notes": f"第{n + 1}次电话"}, headers)["id"] for n in range(count)]


def pages(client: TestClient, headers: dict[str, str], pairing_id: str,
          limit: int) -> list[list[dict[str, Any]]]:
    found, after = [], None
    while True:
        params: dict[str, Any] = {"limit": limit, **({"after": after} if after else {})}
        response = client.get(f"/api/v1/pairings/{pairing_id}/contacts", headers=headers,
                              params=params)
        assert response.status_code == 200, response.text
        found.append(response.json()["items"])
        after = response.json()["next"]
        if after is None:
            return found


@pytest.fixture
def busy(client: TestClient, admin: dict[str, str]) -> tuple[str, list[str]]:
    """A pairing with three contacts more than it shows: its id and its contacts' ids."""
    _, _, pairing_id = paired(client, admin)
    return pairing_id, record(client, admin, pairing_id, CONTACTS_SHOWN + 3)


def test_a_pairing_shows_its_latest_contacts_and_how_many_it_has(
        client: TestClient, admin: dict[str, str], busy: tuple[str, list[str]]) -> None:
    pairing_id, ids = busy
    pairing = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()
    assert [c["id"] for c in pairing["contacts"]] == ids[-CONTACTS_SHOWN:]
    assert pairing["contacts_total"] == CONTACTS_SHOWN + 3


def test_every_contact_is_listed_once_a_page_at_a_time(
        client: TestClient, admin: dict[str, str], busy: tuple[str, list[str]]) -> None:
    pairing_id, ids = busy
    found = pages(client, admin, pairing_id, limit=20)
    assert [len(page) for page in found] == [20, 20, 13]
    assert [c["id"] for page in found for c in page] == ids


def test_a_listed_contact_carries_the_pairings_version(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    record(client, admin, pairing_id, 2)
    response = client.get(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin)
    assert [(c["notes"], c["version"]) for c in response.json()["items"]] == [
        ("第1次电话", 3), ("第2次电话", 3)]
    assert (response.headers["ETag"], response.json()["next"]) == ('"3"', None)


def test_a_cursor_that_names_no_contact_of_the_pairing_is_422(
        client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    response = client.get(f"/api/v1/pairings/{pairing_id}/contacts?after=nothing",
                          headers=admin)
    assert (response.status_code, response.json()["detail"][0]["loc"]) == (
        422, ["query", "after"])


def test_the_contacts_of_a_pairing_outside_the_callers_scope_are_404(
        client: TestClient, admin: dict[str, str],
        user: Callable[..., dict[str, str]]) -> None:
    _, volunteer_id, own = paired(client, admin)
    _, _, other = paired(client, admin, name="李明")
    mother = user("volunteer", volunteer_id=volunteer_id)
    assert client.get(f"/api/v1/pairings/{own}/contacts", headers=mother).status_code == 200
    assert client.get(f"/api/v1/pairings/{other}/contacts", headers=mother).status_code == 404
