"""A keyed command is recorded once even when its first answer is lost after the commit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aixin.settings import Settings
from api.app import create_app
from projections.runner import ViewRunner
from storage.idempotency import IdempotencyStore
from tests.api.conftest import ADMIN_PASSWORD, CHILD, login, paired


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The service in process, answering 500 (as a real server does) for an unexpected
    error instead of raising it in the test."""
    settings = Settings(data_dir=tmp_path / "var", admin_password=ADMIN_PASSWORD,  # type: ignore[arg-type]
                        secret_key="a-test-signing-key-of-enough-length-0123456789",  # type: ignore[arg-type]
                        projections_poll_interval=0.02, password_hashing="cheapest")
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def admin(client: TestClient) -> dict[str, str]:
    return login(client, "admin", ADMIN_PASSWORD)


def fail_read_back_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next read-your-writes wait fails after the command was committed (a pool error,
    a dropped connection): the first answer is a 500."""
    real = ViewRunner.wait_for
    failures = [RuntimeError("the connection to the views was lost")]

    def wait_for(self: ViewRunner, position: int, timeout: float = 2.0) -> bool:
        if failures:
            raise failures.pop()
        return real(self, position, timeout)

    monkeypatch.setattr(ViewRunner, "wait_for", wait_for)


def fail_keeping_the_answer_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next answer cannot be kept after its command was committed (the table of
    answers is out of reach for a moment)."""
    real = IdempotencyStore.complete
    failures = [RuntimeError("the table of answers is out of reach")]

    def complete(self: IdempotencyStore, *args: Any) -> None:
        if failures:
            raise failures.pop()
        real(self, *args)

    monkeypatch.setattr(IdempotencyStore, "complete", complete)


@pytest.fixture
def read_back_fails_once(monkeypatch: pytest.MonkeyPatch) -> None:
    fail_read_back_once(monkeypatch)


def _children(client: TestClient, admin: dict[str, str]) -> list[dict[str, Any]]:
    return client.get("/api/v1/children", headers=admin).json()["items"]  # type: ignore[no-any-return]


def test_a_retry_after_an_error_past_the_commit_records_the_child_once(
        client: TestClient, admin: dict[str, str], read_back_fails_once: None) -> None:
    headers = {**admin, "Idempotency-Key": "lost-answer-1"}
    first = client.post("/api/v1/children", json=CHILD, headers=headers)
    again = client.post("/api/v1/children", json=CHILD, headers=headers)
    assert first.status_code == 500
    assert again.status_code == 201, again.text
    children = _children(client, admin)
    assert [child["id"] for child in children] == [again.json()["id"]]


def test_the_answer_a_retry_gets_after_a_lost_answer_is_replayed_ever_after(
        client: TestClient, admin: dict[str, str], read_back_fails_once: None) -> None:
    headers = {**admin, "Idempotency-Key": "lost-answer-2"}
    client.post("/api/v1/children", json=CHILD, headers=headers)
    second = client.post("/api/v1/children", json=CHILD, headers=headers)
    third = client.post("/api/v1/children", json=CHILD, headers=headers)
    assert (third.status_code, third.json()) == (second.status_code, second.json())
    assert third.headers["Idempotent-Replayed"] == "true"


def test_a_retried_contact_whose_answer_could_not_be_kept_is_recorded_once(
        client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, pairing_id = paired(client, admin)
    fail_keeping_the_answer_once(monkeypatch)
    headers = {**admin, "Idempotency-Key": "contact-lost-answer"}
    body = {"kind": "phone", "occurred_on": "2026-04-02", "notes": "通话"}
    answers = [client.post(f"/api/v1/pairings/{pairing_id}/contacts", json=body,
                           headers=headers).status_code for _ in range(3)]
    contacts = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()["contacts"]
    assert answers == [503, 201, 201]
    assert len(contacts) == 1


def test_a_retry_of_a_recorded_command_that_can_no_longer_be_applied_says_it_was_recorded(
        client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    child_id = client.post("/api/v1/children", json=CHILD, headers=admin).json()["id"]
    fail_read_back_once(monkeypatch)
    headers = {**admin, "Idempotency-Key": "exit-lost-answer"}
    body = {"reason": "随父母外出就读", "on": "2026-04-01"}
    first = client.post(f"/api/v1/children/{child_id}/exit", json=body, headers=headers)
    again = client.post(f"/api/v1/children/{child_id}/exit", json=body, headers=headers)
    assert first.status_code == 500
    assert again.status_code == 200, again.text
    assert again.json()["id"] == child_id
    history = client.get(f"/api/v1/children/{child_id}/history", headers=admin).json()
    exits = [entry for entry in history["timeline"] if entry["type"] == "ChildExited"]
    assert len(exits) == 1
