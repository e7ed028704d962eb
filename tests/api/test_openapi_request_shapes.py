"""/openapi.json says what a request may hold, and the service takes what it says.

Texts hold no control, invisible or direction-changing character (a text of one line no tab
or line break either, a required one more than spaces), dates are from 1900, If-Match is an
ETag, division codes, usernames, e-mail addresses, categories and duty sets are written as the
service knows them, each role's scope names what the role needs, a parameter that may be left
out is never null, and a boolean or an instant is never a number. Generated requests check the
whole document against the real service in ``tests/e2e/test_schemathesis.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, VOLUNTEER, create

Schema = dict[str, Any]


@pytest.fixture
def document(client: TestClient) -> Schema:
    return client.get("/openapi.json").json()  # type: ignore[no-any-return]


def component(document: Schema, name: str) -> Schema:
    return document["components"]["schemas"][name]  # type: ignore[no-any-return]


def leaves(schema: Schema) -> Iterator[Schema]:
    """The schemas of single values ``schema`` holds (through unions and lists)."""
    for member in schema.get("anyOf", []):
        yield from leaves(member)
    if schema.get("type") == "array":
        yield from leaves(schema.get("items", {}))
    if schema.get("type") in ("string", "integer", "boolean", "number"):
        yield schema


def request_models(document: Schema) -> set[str]:
    """The components the API's request bodies are made of, however deep."""
    found: set[str] = set()
    pending = [content["schema"] for path, operations in document["paths"].items()
               if path.startswith("/api/") for operation in operations.values()
               for content in operation.get("requestBody", {}).get("content", {}).values()]
    while pending:
        schema = pending.pop()
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            if name not in found:
                found.add(name)
                pending.append(component(document, name))
        for key in ("anyOf", "allOf", "oneOf"):
            pending.extend(schema.get(key, []))
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                pending.append(schema[key])
        pending.extend(schema.get("properties", {}).values())
    return found


def accepts(schema: Schema, text: str) -> bool:
    return re.search(schema["pattern"], text) is not None


def test_every_text_of_a_request_states_what_it_may_hold(document: Schema) -> None:
    unstated = []
    for name in request_models(document) - {"Body_issue_token_api_v1_auth_token_post"}:
        for field, schema in component(document, name).get("properties", {}).items():
            for leaf in leaves(schema):
                if leaf["type"] == "string" and not {"pattern", "enum", "const"} & set(leaf) \
                        and leaf.get("format") not in ("uuid", "date-time") \
                        and "contentMediaType" not in leaf:  # an uploaded file, not text
                    unstated.append(f"{name}.{field}")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                for leaf in leaves(parameter["schema"]):
                    if parameter["in"] == "query" and leaf["type"] == "string" \
                            and not {"pattern", "enum"} & set(leaf) \
                            and leaf.get("format") not in ("uuid", "date-time"):
                        unstated.append(f"{method} {path} ?{parameter['name']}")
    assert len(request_models(document)) > 20
    assert unstated == []


def test_a_text_is_refused_as_the_document_says(client: TestClient, admin: dict[str, str],
                                                document: Schema) -> None:
    name = component(document, "ChildCreate")["properties"]["name"]
    reason = component(document, "ExitIn")["properties"]["reason"]
    assert accepts(name, "王小花") and accepts(reason, "随父母\n迁往城市")
    assert not accepts(name, "王\u202e花") and not accepts(name, "王\n花")
    assert not accepts(name, "   ") and not accepts(reason, "\t\n")
    for refused in ("王\u202e花", "王\n花", "   "):
        response = client.post("/api/v1/children", json={**CHILD, "name": refused},
                               headers=admin)
        assert (response.status_code, response.json()["detail"][0]["loc"]) == (
            422, ["body", "name"]), refused


def test_a_date_is_from_1900_as_the_document_says(client: TestClient, admin: dict[str, str],
                                                  document: Schema) -> None:
    on = component(document, "ExitIn")["properties"]["on"]["anyOf"][0]
    assert accepts(on, "1900-01-01") and accepts(on, "2026-03-31")
    assert not accepts(on, "1899-12-31") and not accepts(on, "0001-01-01")
    since = {p["name"]: p["schema"] for p in
             document["paths"]["/api/v1/audit/break-glass"]["get"]["parameters"]}["from"]
    assert not accepts(since, "1899-12-31")
    child = create(client, "/api/v1/children", CHILD, admin)
    response = client.post(f"/api/v1/children/{child['id']}/exit", headers=admin,
                           json={"reason": "随父母迁往城市", "on": "1899-12-31"})
    assert response.status_code == 422


def test_a_malformed_if_match_is_422_naming_the_header(
        client: TestClient, admin: dict[str, str], document: Schema) -> None:
    header = {p["name"]: p["schema"] for p in document["paths"][
        "/api/v1/children/{child_id}/exit"]["post"]["parameters"]}["if-match"]
    assert accepts(header, '"1"') and accepts(header, 'W/"1"') and accepts(header, "*")
    assert not accepts(header, "null") and not accepts(header, "")
    child = create(client, "/api/v1/children", CHILD, admin)
    response = client.post(f"/api/v1/children/{child['id']}/exit", json={
        "reason": "随父母迁往城市"}, headers={**admin, "If-Match": "null"})
    assert (response.status_code, response.json()["detail"][0]["loc"]) == (
        422, ["header", "if-match"])
    stale = client.post(f"/api/v1/children/{child['id']}/exit", json={
        "reason": "随父母迁往城市"}, headers={**admin, "If-Match": '"7"'})
    assert stale.status_code == 412


def test_a_parameter_that_may_be_left_out_is_never_null(document: Schema) -> None:
    nullable = [(path, parameter["name"]) for path, operations in document["paths"].items()
                for operation in operations.values()
                for parameter in operation.get("parameters", [])
                if {"type": "null"} in parameter["schema"].get("anyOf", [])]
    assert nullable == []


def test_codes_names_and_addresses_are_written_as_the_service_knows_them(
        document: Schema) -> None:
    child = component(document, "ChildCreate")["properties"]
    assert accepts(child["region_code"], "420821101")
    assert not accepts(child["region_code"], "4208211")
    assert "both_parents_away" in child["categories"]["items"]["enum"]
    volunteer = component(document, "VolunteerCreate")["properties"]
    assert accepts(volunteer["email"], "") and accepts(volunteer["email"], "liu@example.cn")
    assert not accepts(volunteer["email"], "0000")
    assert not accepts(volunteer["region_code"], "42")
    username = component(document, "UserCreate")["properties"]["username"]
    assert accepts(username, "xian_fulian_01") and not accepts(username, "刘爱华")
    pairing = component(document, "PairingCreate")["properties"]
    assert "five_ones" in pairing["duty_sets"]["anyOf"][0]["items"]["enum"]
    assert pairing["child_ids"]["uniqueItems"] is True


def test_each_roles_scope_states_what_the_role_needs(document: Schema) -> None:
    for name in ("UserCreate", "ScopeChange"):
        needs = {rule["if"]["properties"]["role"]["const"]: rule["then"]["required"]
                 for rule in component(document, name)["allOf"]}
        assert needs == {"federation": ["region_code"], "school": ["region_code", "school"],
                         "volunteer": ["volunteer_id"]}


def test_a_boolean_or_an_instant_given_as_a_number_is_422(
        client: TestClient, admin: dict[str, str]) -> None:
    boarding = client.post("/api/v1/children", json={**CHILD, "boarding": 0}, headers=admin)
    known_at = client.post("/api/v1/reports", headers=admin, json={
        "kind": "quarterly", "region_code": VOLUNTEER["region_code"], "year": 2026,
        "quarter": 1, "known_at": 0})
    assert (boarding.status_code, boarding.json()["detail"][0]["loc"]) == (
        422, ["body", "boarding"])
    assert (known_at.status_code, known_at.json()["detail"][0]["loc"]) == (
        422, ["body", "known_at"])
