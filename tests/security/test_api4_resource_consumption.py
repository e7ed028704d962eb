"""OWASP API4:2023 Unrestricted Resource Consumption.

- A request body over 1 MiB is refused (413) before it is read further, whether its
  ``Content-Length`` says so or it streams without one.
- Every list, found by enumeration, pages with a ``limit`` that has a maximum; one above
  it is 422 naming ``limit``.
- Writes are limited per account (``AIXIN_WRITE_RATE_LIMIT`` a minute): the next is 429 with
  ``Retry-After`` and records nothing; other accounts are not affected.
- Logins are throttled (see the API2 module); history and audit pages are bounded too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aixin.settings import Settings
from api.middleware import MAX_BODY
from tests.api.conftest import CHILD, login

CONCERN = {"kind": "absence", "description": "缺课"}


def test_a_body_declared_over_the_limit_is_413(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/children", headers={
        **admin, "Content-Type": "application/json", "Content-Length": str(MAX_BODY + 1)},
        content=b"{}")
    assert response.status_code == 413


def test_a_body_streamed_over_the_limit_is_413_and_records_nothing(
        client: TestClient, admin: dict[str, str]) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(MAX_BODY // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    response = client.post("/api/v1/children", headers={
        **admin, "Content-Type": "application/json"}, content=chunks())
    assert response.status_code == 413
    assert client.get("/api/v1/children", headers=admin).json()["items"] == []


def list_routes(client: TestClient) -> dict[str, dict[str, Any]]:
    """Every GET route with a ``limit`` query parameter: its schema."""
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return {path: param["schema"] for path, operations in paths.items()
            for param in operations.get("get", {}).get("parameters", [])
            if param["name"] == "limit" and param["in"] == "query"}


def test_every_list_has_a_page_size_maximum(client: TestClient) -> None:
    routes = list_routes(client)
    assert {"/api/v1/children", "/api/v1/volunteers", "/api/v1/reminders"} <= set(routes)
    assert {path for path, schema in routes.items() if "maximum" not in schema} == set()


def test_a_page_size_above_the_maximum_is_422_naming_limit(
        client: TestClient, admin: dict[str, str]) -> None:
    refused = {}
    for path, schema in list_routes(client).items():
        if "{" in path:
            continue  # a record's pages (history): below, with a record
        response = client.get(path, params={"limit": schema["maximum"] + 1}, headers=admin)
        refused[path] = (response.status_code,
                         tuple(response.json()["detail"][0]["loc"])
                         if response.status_code == 422 else None)
    assert set(refused.values()) == {(422, ("query", "limit"))}


def test_a_history_page_above_the_maximum_is_422(
        client: TestClient, admin: dict[str, str]) -> None:
    child = client.post("/api/v1/children", json=CHILD, headers=admin).json()
    response = client.get(f"/api/v1/children/{child['id']}/history", headers=admin,
                          params={"limit": 501})
    assert (response.status_code, response.json()["detail"][0]["loc"]) == (
        422, ["query", "limit"])


@pytest.fixture
def limited(service: Callable[..., AbstractContextManager[TestClient]]) -> Iterator[TestClient]:
    with service(write_rate_limit=3) as client:
        yield client


def test_writes_over_the_rate_limit_are_429_with_retry_after(limited: TestClient) -> None:
    admin = login(limited, "admin", "admin-password-for-tests")
    child = limited.post("/api/v1/children", json=CHILD, headers=admin).json()
    path = f"/api/v1/children/{child['id']}/concerns"
    statuses = [limited.post(path, json=CONCERN, headers=admin).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    refused = limited.post(path, json=CONCERN, headers=admin)
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert len(limited.get(f"/api/v1/children/{child['id']}", headers=admin)
               .json()["concerns"]) == 2


def test_the_write_limit_is_per_account(limited: TestClient) -> None:
    admin = login(limited, "admin", "admin-password-for-tests")
    limited.post("/api/v1/users", headers=admin, json={
        "username": "fed", "password": "password-123", "role": "federation",
        "region_code": "4208"})
    limited.post("/api/v1/children", json=CHILD, headers=admin)
    limited.post("/api/v1/children", json=CHILD, headers=admin)  # admin's third write
    federation = login(limited, "fed", "password-123")
    assert limited.post("/api/v1/children", json=CHILD, headers=federation).status_code == 201
    assert limited.post("/api/v1/children", json=CHILD, headers=admin).status_code == 429


def test_reads_are_not_counted_as_writes(limited: TestClient) -> None:
    admin = login(limited, "admin", "admin-password-for-tests")
    for _ in range(5):
        limited.get("/api/v1/children", headers=admin)
    assert limited.post("/api/v1/children", json=CHILD, headers=admin).status_code == 201


def test_writes_are_limited_without_any_setting(
        service: Callable[..., AbstractContextManager[TestClient]]) -> None:
    with service() as client:
        admin = login(client, "admin", "admin-password-for-tests")
        per_minute = Settings().write_rate_limit
        statuses = {client.post("/api/v1/children", json={}, headers=admin).status_code
                    for _ in range(per_minute)}
        over = client.post("/api/v1/children", json={}, headers=admin)
    assert statuses == {422} and over.status_code == 429
