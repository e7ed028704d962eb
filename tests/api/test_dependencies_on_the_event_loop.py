"""A request's dependencies run on the event loop: FastAPI runs a dependency that is a plain
function in its thread pool, a hop to a worker thread and back on every request, for what
only reads the request and the app's state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.dependencies import utils as fastapi_dependencies
from fastapi.security import OAuth2PasswordRequestForm
from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN_PASSWORD, paired
from tests.api.test_console import console_login


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The dependencies run in the thread pool from now on, by name."""
    made: list[str] = []
    run = fastapi_dependencies.run_in_threadpool

    async def counted(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        made.append(getattr(call, "__qualname__", repr(call)))
        return await run(call, *args, **kwargs)

    monkeypatch.setattr(fastapi_dependencies, "run_in_threadpool", counted)
    return made


def test_a_plain_function_as_a_dependency_is_seen_to_run_on_a_worker_thread(
        hops: list[str]) -> None:
    def plain() -> int:
        return 1

    app = FastAPI()

    @app.get("/")
    async def answer(value: int = Depends(plain)) -> int:
        return value

    with TestClient(app) as client:
        assert client.get("/").json() == 1
    assert hops == [plain.__qualname__]


def test_recording_a_contact_runs_none_of_its_dependencies_on_a_worker_thread(
        client: TestClient, admin: dict[str, str], hops: list[str]) -> None:
    _, _, pairing_id = paired(client, admin)
    hops.clear()
    response = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin, json={
        "kind": "phone", "occurred_on": "2026-04-02", "notes": "电话"})
    assert response.status_code == 201, response.text
    assert hops == []


def test_a_console_page_runs_none_of_its_dependencies_on_a_worker_thread(
        client: TestClient, hops: list[str]) -> None:
    console_login(client)
    hops.clear()
    response = client.get("/console/dashboard")
    assert response.status_code == 200, response.text
    assert hops == []


def test_requesting_and_reading_a_report_run_none_of_their_dependencies_on_a_worker_thread(
        client: TestClient, admin: dict[str, str], hops: list[str]) -> None:
    response = client.post("/api/v1/reports", headers=admin, json={
        "kind": "quarterly", "region_code": "420821", "year": 2026, "quarter": 1})
    assert response.status_code == 202, response.text
    assert client.get(response.headers["Location"], headers=admin).status_code == 200
    assert hops == []


def test_logging_in_hops_to_a_worker_thread_for_the_form_alone(
        client: TestClient, hops: list[str]) -> None:
    response = client.post("/api/v1/auth/token",
                           data={"username": "admin", "password": ADMIN_PASSWORD})
    assert response.status_code == 200, response.text
    assert hops == [OAuth2PasswordRequestForm.__qualname__]  # FastAPI's own, a class
