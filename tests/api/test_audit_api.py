"""GET /audit/verify: auditors and administrators learn whether the event log is intact,
and if not, which event was changed, removed or inserted."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, approved_volunteer, create


def caught_up(client: TestClient) -> int:
    """Wait until every view, the hash chain among them, has the whole log; its length."""
    state: Any = client.app.state  # type: ignore[attr-defined]
    position = state.register.recorder.max_notification_id() or 0
    assert state.views.wait_for(position, timeout=10)
    return int(position)


def test_an_auditor_is_told_the_log_is_intact(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    create(client, "/api/v1/children", CHILD, admin)
    auditor = user("auditor")
    events = caught_up(client)
    response = client.get("/api/v1/audit/verify", headers=auditor)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["intact"], body["findings"], body["checked"], body["head"]["position"]) == (
        True, [], events, events)


def test_an_event_edited_in_the_database_is_named_to_the_auditor(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]],
        tmp_path: Path) -> None:
    child = create(client, "/api/v1/children", CHILD, admin)
    auditor = user("auditor")
    caught_up(client)
    with sqlite3.connect(tmp_path / "var" / "aixin.sqlite3") as database:
        [(position,)] = database.execute(
            "SELECT rowid FROM stored_events WHERE originator_id = ? AND originator_version = 1",
            (child["id"].replace("-", ""),)).fetchall()
        database.execute("UPDATE stored_events SET state = zeroblob(length(state))"
                         " WHERE rowid = ?", (position,))
    body = client.get("/api/v1/audit/verify", headers=auditor).json()
    assert body["intact"] is False
    assert [(f["position"], f["originator_id"], f["version"], f["kind"])
            for f in body["findings"]] == [(position, child["id"], 1, "changed")]


def test_a_volunteer_may_not_verify_the_log(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    mother = user("volunteer", volunteer_id=approved_volunteer(client, admin))
    response = client.get("/api/v1/audit/verify", headers=mother)
    assert response.status_code == 403
