"""OWASP API9:2023 Improper Inventory Management.

The inventory is ``/openapi.json``, compared here with the routes the application really
serves: every API operation is in it, nothing is in it that is not served, each is under a
versioned path (``/api/v1``; ``/health`` stands outside on purpose), says what it does and
documents its errors. Outside the inventory stand only the people's console (HTML pages with
their own session, ``/console``) and the unversioned alias of ``/health``. Generated requests
from this document run against the real service in ``tests/e2e/test_schemathesis.py``.
"""

from __future__ import annotations

from typing import Any

from fastapi import routing
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

#: Served but not in the API's inventory, on purpose.
NOT_API = ("/console",)
HEALTH_ALIAS = ("get", "/api/v1/health")


def served(client: TestClient) -> set[tuple[str, str]]:
    """(method, path) of every operation the application serves."""
    contexts = getattr(routing, "iter_route_contexts", iter)(client.app.routes)  # type: ignore[attr-defined]
    found = set()
    for context in contexts:
        route = getattr(context, "original_route", context)
        if isinstance(route, APIRoute):
            path = getattr(context, "path_format", None) or route.path_format
            found |= {(method.lower(), path) for method in route.methods}
    return found


def documented(client: TestClient) -> dict[tuple[str, str], dict[str, Any]]:
    paths = client.get("/openapi.json").json()["paths"]
    return {(method, path): operation for path, operations in paths.items()
            for method, operation in operations.items()}


def test_every_served_api_operation_is_documented(client: TestClient) -> None:
    missing = {(method, path) for method, path in served(client) - set(documented(client))
               if not path.startswith(NOT_API)}
    assert missing == {HEALTH_ALIAS}


def test_every_documented_operation_is_served(client: TestClient) -> None:
    assert set(documented(client)) - served(client) == set()


def test_every_api_path_carries_its_version(client: TestClient) -> None:
    unversioned = {path for _, path in documented(client)
                   if not path.startswith(("/api/v1/", *NOT_API))}
    assert unversioned == {"/health"}
    assert client.get("/openapi.json").json()["info"]["version"]


def test_every_operation_says_what_it_does(client: TestClient) -> None:
    assert {key for key, operation in documented(client).items()
            if not operation.get("description") and not operation.get("summary")} == set()


def test_every_authenticated_operation_documents_401(client: TestClient) -> None:
    operations = documented(client)
    authenticated = {key for key, operation in operations.items() if operation.get("security")}
    assert len(authenticated) > 30
    assert {key for key in authenticated if "401" not in operations[key]["responses"]} == set()
