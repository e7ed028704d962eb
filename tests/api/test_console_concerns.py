"""Concerns in the console (情况报告): recorded on a child's page, resolved there, listed open
or resolved within the caller's region, through the API's own routes and messages."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.console.forms import said
from tests.api.conftest import CHILD, create
from tests.api.test_console import console_login, console_user


def _concerns(client: TestClient, admin: dict[str, str], child_id: str) -> list[dict[str, Any]]:
    return client.get(f"/api/v1/children/{child_id}", headers=admin).json()[  # type: ignore[no-any-return]
        "concerns"]


def test_a_concern_recorded_on_the_childs_page_is_on_its_record(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    answer = client.post(f"/console/children/{child_id}/concerns", follow_redirects=False, data={
        "kind": "absence", "description": "连续三天未到校", "occurred_on": "2026-06-02",
        "csrf": console_login(client)})
    assert answer.status_code == 303
    assert [(c["kind"], c["description"]) for c in _concerns(client, admin, child_id)] == [
        ("absence", "连续三天未到校")]


def test_a_concern_without_a_description_is_refused_as_typed(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    answer = client.post(f"/console/children/{child_id}/concerns", data={
        "kind": "injury", "description": "", "occurred_on": "2026-06-02",
        "csrf": console_login(client)})
    assert answer.status_code == 422 and 'id="description-error"' in answer.text
    assert '<option value="injury" selected>' in answer.text
    assert _concerns(client, admin, child_id) == []


def test_a_concern_resolved_on_the_childs_page_is_closed_with_its_action(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    csrf = console_login(client)
    client.post(f"/console/children/{child_id}/concerns", data={
        "kind": "absence", "description": "连续三天未到校", "occurred_on": "2026-06-02",
        "csrf": csrf})
    concern = _concerns(client, admin, child_id)[0]
    answer = client.post(f"/console/children/{child_id}/concerns/{concern['id']}/resolution",
                         follow_redirects=False,
                         data={"action": "家访后已返校", "on": "2026-06-05", "csrf": csrf})
    assert answer.status_code == 303
    assert [(c["resolved_on"], c["action"]) for c in _concerns(client, admin, child_id)] == [
        ("2026-06-05", "家访后已返校")]


def test_a_resolution_before_the_concern_is_refused_with_the_rules_message(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    csrf = console_login(client)
    client.post(f"/console/children/{child_id}/concerns", data={
        "kind": "absence", "description": "连续三天未到校", "occurred_on": "2026-06-02",
        "csrf": csrf})
    concern = _concerns(client, admin, child_id)[0]
    path = f"/console/children/{child_id}/concerns/{concern['id']}/resolution"
    answer = client.post(path, data={"action": "家访", "on": "2026-05-01", "csrf": csrf})
    api = client.post(f"/api/v1/children/{child_id}/concerns/{concern['id']}/resolution",
                      headers=admin, json={"action": "家访", "on": "2026-05-01"})
    assert answer.status_code == api.status_code
    assert said(api.json()["detail"]) in answer.text and ">家访</textarea>" in answer.text
    assert _concerns(client, admin, child_id)[0]["resolved_on"] is None


def test_the_list_shows_the_open_concerns_of_the_callers_region_only(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    elsewhere = create(client, "/api/v1/children", {
        **CHILD, "name": "赵小雨", "region_code": "420902101"}, admin)["id"]
    for child in (child_id, elsewhere):
        client.post(f"/api/v1/children/{child}/concerns", headers=admin, json={
            "kind": "absence", "description": "未到校", "occurred_on": "2026-06-02"})
    console_login(client, console_user(client, admin, "federation", region_code="4208"),
                  "password-123")
    listed = client.get("/console/concerns?status=open").text
    assert "王小花" in listed and "赵小雨" not in listed
    assert "王小花" not in client.get("/console/concerns?status=resolved").text


def test_a_concern_without_its_csrf_token_records_nothing(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    console_login(client)
    answer = client.post(f"/console/children/{child_id}/concerns", data={
        "kind": "absence", "description": "未到校", "csrf": "forged"})
    assert answer.status_code == 403 and _concerns(client, admin, child_id) == []


def test_a_concern_about_a_child_outside_the_region_is_not_found(
        client: TestClient, admin: dict[str, str], child_id: str) -> None:
    csrf = console_login(client, console_user(client, admin, "federation", region_code="4209"),
                         "password-123")
    answer = client.post(f"/console/children/{child_id}/concerns", data={
        "kind": "absence", "description": "未到校", "csrf": csrf})
    assert answer.status_code == 404 and _concerns(client, admin, child_id) == []
