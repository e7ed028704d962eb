"""OWASP API9:2023 Improper Inventory Management.

The inventory is ``/openapi.json``, compared here with the routes the application really
serves: every operation is in it, the API's and the people's console's alike, nothing is in
it that is not served, each API operation is under a versioned path (``/api/v1``; ``/health``
stands outside on purpose), says what it does and documents its errors. The console's pages
(``/console``, HTML with a session cookie) are tagged ``console`` and documented with what
they really answer: pages (``text/html``) and redirects (303). Outside the inventory stands
only the unversioned alias of ``/health``. An ``OPTIONS`` (or any method a path does not
serve) is answered with ``Allow`` naming every method the path serves. Generated requests
from this document run against the real service in ``tests/e2e/test_schemathesis.py``.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import routing
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

HEALTH_ALIAS = ("get", "/api/v1/health")
CONSOLE = "/console"
#: The field app's page, service worker and manifest: files for a phone, not the API.
FIELD_APP = "/app"
#: The session cookie's scheme, which every console page but the login's asks for.
SESSION = "consoleSession"


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


def document(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()  # type: ignore[no-any-return]


def documented(client: TestClient) -> dict[tuple[str, str], dict[str, Any]]:
    paths = document(client)["paths"]
    return {(method, path): operation for path, operations in paths.items()
            for method, operation in operations.items()}


def console(client: TestClient) -> dict[tuple[str, str], dict[str, Any]]:
    return {key: operation for key, operation in documented(client).items()
            if key[1] == CONSOLE or key[1].startswith(f"{CONSOLE}/")}


def test_every_served_operation_is_documented(client: TestClient) -> None:
    assert served(client) - set(documented(client)) == {HEALTH_ALIAS}


def test_every_documented_operation_is_served(client: TestClient) -> None:
    assert set(documented(client)) - served(client) == set()


def test_every_api_path_carries_its_version(client: TestClient) -> None:
    unversioned = {path for _, path in documented(client)
                   if not path.startswith("/api/v1/") and (_, path) not in console(client)
                   and not path.startswith(FIELD_APP)}
    assert unversioned == {"/health"}
    assert document(client)["info"]["version"]


def test_every_operation_says_what_it_does(client: TestClient) -> None:
    assert {key for key, operation in documented(client).items()
            if not operation.get("description") and not operation.get("summary")} == set()


def test_every_operation_behind_a_bearer_token_documents_401(client: TestClient) -> None:
    operations = documented(client)
    bearer = {key for key, operation in operations.items()
              if any("OAuth2PasswordBearer" in scheme for scheme in operation.get("security", []))}
    assert len(bearer) > 30
    assert {key for key in bearer if "401" not in operations[key]["responses"]} == set()


def test_the_console_pages_are_documented_under_their_own_tag(client: TestClient) -> None:
    pages = console(client)
    assert {("get", "/console"), ("get", "/console/children"), ("post", "/console/login"),
            ("post", "/console/logout"), ("post", "/console/reports")} <= set(pages)
    assert {key for key, operation in pages.items() if operation.get("tags") != ["console"]} \
        == set()
    assert {tag["name"] for tag in document(client).get("tags", [])} >= {"console"}


#: The console's downloads: a report's files, the registers' spreadsheets and the import
#: templates.
FILES = {"/console/reports/{report_id}/files/{name}", "/console/exports/children.xlsx",
         "/console/exports/volunteers.xlsx", "/console/exports/pairings.xlsx",
         "/console/imports/template"}


def test_the_console_pages_answer_html_or_a_redirect(client: TestClient) -> None:
    pages = console(client)
    for key, operation in pages.items():
        responses = operation["responses"]
        answers = {code: response.get("content", {}) for code, response in responses.items()
                   if code.startswith(("2", "3"))}
        assert answers, key
        for code, content in answers.items():
            if code == "303":
                assert "Location" in responses[code]["headers"], key
            elif key[1] not in FILES:
                assert list(content) == ["text/html"], (key, code)
    assert set(pages[("get", "/console")]["responses"]) & {"200", "303"} == {"303"}
    assert "303" in pages[("post", "/console/login")]["responses"]
    assert "303" in pages[("post", "/console/reports")]["responses"]


def test_the_console_pages_name_the_session_cookie(client: TestClient) -> None:
    schemes = document(client)["components"]["securitySchemes"]
    assert schemes[SESSION] == {"type": "apiKey", "in": "cookie", "name": "aixin_session",
                                "description": schemes[SESSION]["description"]}
    without = {key for key, operation in console(client).items()
               if {SESSION: []} not in operation.get("security", [])}
    assert without == {("get", "/console/login"), ("post", "/console/login"),
                       ("post", "/console/logout")}
    for key, operation in console(client).items():
        if key not in without:
            assert "303" in operation["responses"], key  # no session: to the login page


def concrete(path: str) -> str:
    """The path with each of its parameters filled in (routing matches any segment)."""
    return re.sub(r"\{[^}]+\}", "0f8fad5b-d9cb-469f-a165-70867728950e", path)


def test_options_allows_every_documented_method_of_each_path(client: TestClient) -> None:
    paths = document(client)["paths"]
    wrong = {}
    for path, operations in paths.items():
        response = client.options(concrete(path))
        allowed = {method.strip().lower()
                   for method in response.headers.get("allow", "").split(",") if method.strip()}
        if allowed - {"head", "options"} != set(operations):
            wrong[path] = (response.status_code, response.headers.get("allow"))
    assert len(paths) > 40
    assert wrong == {}


def test_a_method_a_path_does_not_serve_is_405_naming_every_method_it_serves(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.delete("/api/v1/children", headers=admin)
    assert response.status_code == 405
    assert {method.strip() for method in response.headers["allow"].split(",")} == {"GET", "POST"}
