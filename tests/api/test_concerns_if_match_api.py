"""Concerns (情况报告) are commands on the child's record like the others: sent with an
``If-Match`` the record no longer has, they are 412 and record nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create

Headers = dict[str, str]
CONCERN = {"kind": "absence", "description": "连续三天未到校", "occurred_on": "2026-05-10"}


def child_at_version_2(client: TestClient, admin: Headers) -> str:
    """A child whose record changed once since it was registered (version 1)."""
    child_id = str(create(client, "/api/v1/children", CHILD, admin)["id"])
    changed = client.post(f"/api/v1/children/{child_id}/profile", headers=admin,
                          json={"health": "良好"})
    assert changed.json()["version"] == 2, changed.text
    return child_id


def concerns(client: TestClient, admin: Headers, child_id: str) -> list[dict[str, Any]]:
    return client.get(f"/api/v1/children/{child_id}",  # type: ignore[no-any-return]
                      headers=admin).json()["concerns"]


def test_a_concern_reported_with_a_stale_if_match_is_412_and_not_recorded(
        client: TestClient, admin: Headers) -> None:
    child_id = child_at_version_2(client, admin)
    stale = client.post(f"/api/v1/children/{child_id}/concerns", json=CONCERN,
                        headers={**admin, "If-Match": '"1"'})
    assert stale.status_code == 412, stale.text
    assert concerns(client, admin, child_id) == []


def test_a_concern_reported_with_the_current_if_match_is_recorded(
        client: TestClient, admin: Headers) -> None:
    child_id = child_at_version_2(client, admin)
    reported = client.post(f"/api/v1/children/{child_id}/concerns", json=CONCERN,
                           headers={**admin, "If-Match": '"2"'})
    assert (reported.status_code, reported.json()["version"]) == (201, 3)


def test_a_resolution_with_a_stale_if_match_is_412_and_leaves_the_concern_open(
        client: TestClient, admin: Headers) -> None:
    child_id = child_at_version_2(client, admin)
    concern = create(client, f"/api/v1/children/{child_id}/concerns", CONCERN, admin)
    path = f"/api/v1/children/{child_id}/concerns/{concern['id']}/resolution"
    stale = client.post(path, json={"action": "家访后已返校", "on": "2026-05-12"},
                        headers={**admin, "If-Match": '"2"'})
    assert stale.status_code == 412, stale.text
    (still,) = concerns(client, admin, child_id)
    assert still["resolved_on"] is None
    resolved = client.post(path, json={"action": "家访后已返校", "on": "2026-05-12"},
                           headers={**admin, "If-Match": f'"{concern["version"]}"'})
    assert resolved.status_code == 200, resolved.text
