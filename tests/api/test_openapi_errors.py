"""Every operation in /openapi.json documents the errors it answers with, as ``{"detail"}``.

The expectations are read from the document itself (a bearer token, a record in the path,
a command, an If-Match header), so a route added later is held to them too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

Operation = tuple[str, str, dict[str, Any]]


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, methods in document["paths"].items():
        if path.startswith("/api/v1"):
            for method, operation in methods.items():
                yield method.upper(), path, operation


def errors(operation: dict[str, Any]) -> set[int]:
    return {int(code) for code in operation["responses"] if code.startswith("4")}


def resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_error_response_has_the_detail_model_and_a_one_line_description(
        document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        assert errors(operation), f"{method} {path} documents no error"
        for code in errors(operation):
            response = operation["responses"][str(code)]
            schema = resolved(document, response["content"]["application/json"]["schema"])
            assert "detail" in schema["properties"], f"{method} {path} {code}"
            assert response["description"].strip(), f"{method} {path} {code}"
            assert "\n" not in response["description"], f"{method} {path} {code}"


def test_every_operation_behind_a_bearer_token_documents_401(document: dict[str, Any]) -> None:
    missing = [(method, path) for method, path, operation in operations(document)
               if operation.get("security") and 401 not in errors(operation)]
    assert missing == []


def test_every_operation_on_a_record_in_its_path_documents_404(
        document: dict[str, Any]) -> None:
    missing = [(method, path) for method, path, operation in operations(document)
               if "{" in path and 404 not in errors(operation)]
    assert missing == []


def test_every_command_documents_409_413_and_422(document: dict[str, Any]) -> None:
    missing = [(method, path) for method, path, operation in operations(document)
               if method == "POST" and not {409, 413, 422} <= errors(operation)]
    assert missing == []


def test_every_operation_taking_if_match_documents_412(document: dict[str, Any]) -> None:
    missing = [(method, path) for method, path, operation in operations(document)
               if any(p["name"].lower() == "if-match" for p in operation.get("parameters", []))
               and 412 not in errors(operation)]
    assert missing == []


def test_every_operation_with_parameters_documents_422(document: dict[str, Any]) -> None:
    missing = [(method, path) for method, path, operation in operations(document)
               if (operation.get("parameters") or operation.get("requestBody"))
               and 422 not in errors(operation)]
    assert missing == []


def test_a_role_limited_read_names_the_roles_in_its_403(document: dict[str, Any]) -> None:
    responses = document["paths"]["/api/v1/children/{child_id}/history"]["get"]["responses"]
    assert "admin, federation, school, auditor" in responses["403"]["description"]


def test_an_operation_that_cannot_fail_so_is_not_said_to(document: dict[str, Any]) -> None:
    assert errors(document["paths"]["/api/v1/users/me"]["get"]) == {401}


def test_every_operation_reading_a_body_documents_400_for_one_that_cannot_be_parsed(
        client: TestClient, admin: dict[str, str], document: dict[str, Any]) -> None:
    reading = [(method, path) for method, path, operation in operations(document)
               if "requestBody" in operation]
    assert len(reading) > 20
    assert [(method, path) for method, path in reading
            if 400 not in errors(document["paths"][path][method.lower()])] == []
    unparsable = client.post("/api/v1/volunteers", content=b"\xff\xfe{", headers={
        **admin, "Content-Type": "application/json"})
    assert unparsable.status_code == 400
    assert set(unparsable.json()) == {"detail"}
