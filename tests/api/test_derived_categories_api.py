"""/children: both parents away (双亲外出) follows the parents, never what was typed; the
guardian's relation is one of the programme's, Chinese words accepted (on SQLite and
PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create
from tests.api.test_console import console_login


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    return client_on_each_store


def child(father: str, mother: str, **overrides: Any) -> dict[str, Any]:
    parents = [{**CHILD["parents"][0], "status": father}, {**CHILD["parents"][1], "status": mother}]
    return {**CHILD, "parents": parents, **overrides}


def listed(client: TestClient, admin: dict[str, str], **query: str) -> set[str]:
    response = client.get("/api/v1/children", params=query, headers=admin)
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def test_both_parents_away_typed_in_is_read_as_the_parents_say(
        client: TestClient, admin: dict[str, str]) -> None:
    registered = create(client, "/api/v1/children",
                        child("away", "home", categories=["both_parents_away", "disabled"]),
                        admin)
    read = client.get(f"/api/v1/children/{registered['id']}", headers=admin).json()
    assert read["categories"] == ["disabled"]


def test_the_register_filter_on_both_parents_away_follows_the_parents(
        client: TestClient, admin: dict[str, str]) -> None:
    both = create(client, "/api/v1/children", child("away", "away", categories=[]), admin)
    one = create(client, "/api/v1/children",
                 child("away", "home", categories=["both_parents_away"],
                       name="王小明"), admin)
    assert listed(client, admin, category="both_parents_away") == {both["id"]}
    moved = client.post(f"/api/v1/children/{one['id']}/parents/mother", headers=admin,
                        json={"status": "away", "on": "2026-05-01"})
    assert moved.status_code == 200, moved.text
    assert listed(client, admin, category="both_parents_away") == {both["id"], one["id"]}
    read = client.get(f"/api/v1/children/{one['id']}", headers=admin).json()
    assert "both_parents_away" in read["categories"]


def test_a_guardians_relation_in_chinese_is_recorded_as_its_relation(
        client: TestClient, admin: dict[str, str]) -> None:
    body = {**CHILD, "guardian": {**CHILD["guardian"], "relation": "外婆"}}
    registered = create(client, "/api/v1/children", body, admin)
    read = client.get(f"/api/v1/children/{registered['id']}", headers=admin).json()
    assert read["guardian"]["relation"] == "maternal_grandmother"


def test_a_guardians_relation_that_is_none_of_the_programmes_is_422_naming_it(
        client: TestClient, admin: dict[str, str]) -> None:
    body = {**CHILD, "guardian": {**CHILD["guardian"], "relation": "干妈的朋友"}}
    response = client.post("/api/v1/children", json=body, headers=admin)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "guardian", "relation"]
    assert "关系" in response.json()["detail"][0]["msg"]
    assert client.get("/api/v1/children", headers=admin).json()["items"] == []


def test_the_console_shows_the_guardians_relation_in_the_programmes_words(
        client: TestClient, admin: dict[str, str]) -> None:
    body = {**CHILD, "guardian": {**CHILD["guardian"], "relation": "姥姥"}}
    registered = create(client, "/api/v1/children", body, admin)
    console_login(client)
    page = client.get(f"/console/children/{registered['id']}").text
    assert '<dd id="guardian-relation">外祖母</dd>' in page
