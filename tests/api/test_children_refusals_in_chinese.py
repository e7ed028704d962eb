"""The children's routes refuse a role or a scope in Chinese (the English kept after, in
brackets, for clients): a registration outside the caller's scope, a change by a role that
only reads, a concern reported by an auditor."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, login

Headers = dict[str, str]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _account(client: TestClient, admin: Headers, name: str, role: str, **scope: str) -> Headers:
    body = {"username": name, "password": "password-123", "role": role, **scope}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    return login(client, name, "password-123")


def test_a_registration_outside_the_callers_scope_is_refused_in_chinese(
        client: TestClient, admin: Headers) -> None:
    clerk = _account(client, admin, "clerk", "federation", region_code="4209")
    refused = client.post("/api/v1/children", headers=clerk, json=CHILD)
    assert refused.status_code == 403 and "管辖范围" in refused.json()["detail"]


def test_a_change_by_an_auditor_is_refused_in_chinese(
        client: TestClient, admin: Headers, child_id: str) -> None:
    auditor = _account(client, admin, "auditor", "auditor")
    refused = client.post(f"/api/v1/children/{child_id}/profile", headers=auditor,
                          json={"health": "良好"})
    assert refused.status_code == 403 and CHINESE.search(refused.json()["detail"])


def test_a_concern_reported_by_an_auditor_is_refused_in_chinese(
        client: TestClient, admin: Headers, child_id: str) -> None:
    auditor = _account(client, admin, "auditor", "auditor")
    refused = client.post(f"/api/v1/children/{child_id}/concerns", headers=auditor, json={
        "kind": "absence", "description": "未到校", "occurred_on": "2026-06-02"})
    assert refused.status_code == 403 and CHINESE.search(refused.json()["detail"])
