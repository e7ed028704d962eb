"""OWASP API3:2023 Broken Object Property Level Authorization.

Writing: every request body of every route, found by enumeration, refuses a field it does
not declare (pydantic ``extra="forbid"``, nested models included), so a read-only property
(``id``, ``version``, ``status``, ``left_behind``, a volunteer's reviews…) cannot be slipped
into a command: the answer is 422 naming the field, and nothing is recorded.
Reading: what each role sees of a child is the response models' business (least privilege,
tested with the role-specific views of the child).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import routing
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api.app import create_app
from tests.api.conftest import CHILD, VOLUNTEER, create, paired


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The pydantic models inside an annotation (``list[ParentIn]``, ``GuardianIn | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
    elif isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for argument in typing.get_args(annotation):
            yield from _models(argument)


def request_models() -> dict[str, type[BaseModel]]:
    """Every model a request body of the service is read into, by name."""
    found: dict[str, type[BaseModel]] = {}
    app = create_app()
    # FastAPI from 0.12x walks included routers with iter_route_contexts (see api.errors)
    for context in getattr(routing, "iter_route_contexts", iter)(app.routes):
        route = getattr(context, "original_route", context)
        if isinstance(route, APIRoute):
            for param in route.dependant.body_params:
                for model in _models(param.field_info.annotation):
                    found[model.__name__] = model
    return found


def test_the_service_reads_request_bodies_into_models() -> None:
    assert {"ChildCreate", "ParentIn", "VolunteerCreate", "UserCreate",
            "ContactIn"} <= set(request_models())


@pytest.mark.parametrize("name", sorted(request_models()))
def test_every_request_model_refuses_unknown_fields(name: str) -> None:
    assert request_models()[name].model_config.get("extra") == "forbid"


READ_ONLY_CHILD = {"id": "6f1c0d4e-0000-4000-8000-000000000000", "version": 7,
                   "status": "exited", "left_behind": False, "paired": True,
                   "exited_on": "2026-04-01"}


@pytest.mark.parametrize("field", list(READ_ONLY_CHILD))
def test_a_read_only_field_of_the_child_is_refused_naming_it(
        client: TestClient, admin: dict[str, str], field: str) -> None:
    response = client.post("/api/v1/children", headers=admin,
                           json={**CHILD, field: READ_ONLY_CHILD[field]})
    assert response.status_code == 422
    assert [(e["loc"], e["type"]) for e in response.json()["detail"]] == [
        (["body", field], "extra_forbidden")]
    assert client.get("/api/v1/children", headers=admin).json()["items"] == []


def test_an_unknown_field_nested_in_a_parent_is_refused_naming_it(
        client: TestClient, admin: dict[str, str]) -> None:
    parents = [{**CHILD["parents"][0], "id_number": "420821198001010011"}, CHILD["parents"][1]]
    response = client.post("/api/v1/children", headers=admin, json={**CHILD, "parents": parents})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "parents", 0, "id_number"]


@pytest.mark.parametrize(("field", "value"), [
    ("status", "approved"), ("level_reached", "province"),
    ("reviews", [{"level": "province", "decision": "approve"}]), ("version", 3)])
def test_a_volunteer_cannot_be_registered_already_approved(
        client: TestClient, admin: dict[str, str], field: str, value: Any) -> None:
    response = client.post("/api/v1/volunteers", headers=admin, json={**VOLUNTEER, field: value})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


def test_an_account_cannot_be_created_with_a_scope_it_does_not_declare(
        client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v1/users", headers=admin, json={
        "username": "sneaky", "password": "password-123", "role": "auditor",
        "active": True, "region_code_prefix": ""})
    assert response.status_code == 422
    assert {e["loc"][-1] for e in response.json()["detail"]} == {"active", "region_code_prefix"}


def test_a_contact_cannot_carry_who_recorded_it(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    _, _, pairing_id = paired(client, admin)
    response = client.post(f"/api/v1/pairings/{pairing_id}/contacts", headers=admin, json={
        "kind": "phone", "occurred_on": "2026-04-02", "notes": "",
        "recorded_by": {"id": "someone-else", "role": "volunteer"}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "recorded_by"]
    assert client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()["contacts"] == []


def test_a_pairing_cannot_be_formed_already_ended(
        client: TestClient, admin: dict[str, str]) -> None:
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    response = client.post("/api/v1/pairings", headers=admin, json={
        "child_ids": [child_id], "volunteer_ids": [], "principle": "nearby",
        "status": "ended"})
    assert response.status_code == 422
    assert ["body", "status"] in [e["loc"] for e in response.json()["detail"]]
