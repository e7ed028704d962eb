"""Idempotency-Key: a retry replays the first response and records nothing new."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, paired


def test_a_retry_with_the_same_key_replays_and_records_one_child(
        client: TestClient, admin: dict[str, str]) -> None:
    headers = {**admin, "Idempotency-Key": "k-1"}
    first = client.post("/api/v1/children", json=CHILD, headers=headers)
    again = client.post("/api/v1/children", json=CHILD, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(client.get("/api/v1/children", headers=admin).json()["items"]) == 1


def test_the_same_key_with_a_different_body_is_422(
        client: TestClient, admin: dict[str, str]) -> None:
    headers = {**admin, "Idempotency-Key": "k-2"}
    assert client.post("/api/v1/children", json=CHILD, headers=headers).status_code == 201
    other = client.post("/api/v1/children", json={**CHILD, "name": "李明"}, headers=headers)
    assert other.status_code == 422


def test_a_retried_contact_is_recorded_once(client: TestClient, admin: dict[str, str]) -> None:
    _, _, pairing_id = paired(client, admin)
    headers = {**admin, "Idempotency-Key": "contact-from-phone-42"}
    body = {"kind": "phone", "occurred_on": "2026-04-02", "notes": "通话"}
    for _ in range(3):
        assert client.post(f"/api/v1/pairings/{pairing_id}/contacts", json=body,
                           headers=headers).status_code == 201
    pairing = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()
    assert len(pairing["contacts"]) == 1


def test_keys_belong_to_the_caller(client: TestClient, admin: dict[str, str],
                                   user: object) -> None:
    other = user("federation", region_code="4208")  # type: ignore[operator]
    key = {"Idempotency-Key": "shared-key"}
    assert client.post("/api/v1/children", json=CHILD, headers={**admin, **key}).status_code \
        == 201
    assert client.post("/api/v1/children", json=CHILD, headers={**other, **key}).status_code \
        == 201
    assert len(client.get("/api/v1/children", headers=admin).json()["items"]) == 2


def test_a_rule_refusal_is_replayed_too(client: TestClient, admin: dict[str, str]) -> None:
    headers = {**admin, "Idempotency-Key": "no-consent"}
    body = {k: v for k, v in CHILD.items() if k != "consent"}
    first = client.post("/api/v1/children", json=body, headers=headers)
    again = client.post("/api/v1/children", json=body, headers=headers)
    assert (first.status_code, again.status_code, again.json()) == (422, 422, first.json())


def test_an_oversized_body_is_413(client: TestClient, admin: dict[str, str]) -> None:
    huge = {**CHILD, "address": "村" * (1024 * 1024)}
    assert client.post("/api/v1/children", json=huge, headers=admin).status_code == 413
