"""Object-level authorization on every route, found by enumerating the OpenAPI document.

A caller outside a record's scope is told the record does not exist (404), or, where
the route creates or lists, is refused (403) or shown nothing. A route added without a
case here fails this test.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.conftest import CHILD, VOLUNTEER, create, paired

REPORT = {"kind": "quarterly", "region_code": "420821", "year": 2026, "quarter": 1}
ACTIVITY = {"kind": "festival", "title": "端午节集体活动", "organiser": "石牌镇妇联"}

# (method, path) → (body or None, expected status for a federation user of another county)
CASES: dict[tuple[str, str], tuple[dict[str, Any] | None, int]] = {
    ("post", "/api/v1/auth/token"): (None, 0),  # not a record: no scope to test
    ("get", "/api/v1/users/me"): (None, 0),  # the caller's own account
    ("post", "/api/v1/users"): ({"username": "x1", "password": "password-123",
                                 "role": "auditor"}, 403),
    ("get", "/api/v1/users/{user_id}"): (None, 403),
    ("post", "/api/v1/users/{user_id}/scope"): ({"role": "auditor"}, 403),
    ("post", "/api/v1/users/{user_id}/deactivation"): ({"reason": "调离"}, 403),
    ("post", "/api/v1/users/me/password"): (None, 0),  # the caller's own account
    ("get", "/api/v1/volunteers"): (None, 200),
    ("post", "/api/v1/volunteers"): (VOLUNTEER, 403),
    ("get", "/api/v1/volunteers/{volunteer_id}"): (None, 404),
    ("post", "/api/v1/volunteers/{volunteer_id}/reviews"): (
        {"level": "unit", "decision": "approve"}, 404),
    ("post", "/api/v1/volunteers/{volunteer_id}/suspension"): ({"reason": "外出"}, 404),
    ("post", "/api/v1/volunteers/{volunteer_id}/reinstatement"): ({"reason": "返回"}, 404),
    ("post", "/api/v1/volunteers/{volunteer_id}/disqualification"): ({"reason": "未履职"}, 404),
    ("post", "/api/v1/volunteers/{volunteer_id}/commendations"): ({"reason": "优秀"}, 404),
    ("get", "/api/v1/children"): (None, 200),
    ("post", "/api/v1/children"): (CHILD, 403),
    ("get", "/api/v1/children/{child_id}"): (None, 404),
    ("get", "/api/v1/children/{child_id}/history"): (None, 404),
    # The one way past scope, by design: stating a reason opens the record for a while (紧急调阅).
    ("post", "/api/v1/children/{child_id}/break-glass"): ({"reason": "接到走失通报需联系监护人"},
                                                          201),
    ("post", "/api/v1/children/{child_id}/parents/{role}"): ({"status": "home"}, 404),
    ("post", "/api/v1/children/{child_id}/guardian"): ({"name": "王", "relation": "姑姑"}, 404),
    ("post", "/api/v1/children/{child_id}/profile"): ({"health": "良好"}, 404),
    ("post", "/api/v1/children/{child_id}/categories"): ({"categories": []}, 404),
    ("post", "/api/v1/children/{child_id}/exit"): ({"reason": "迁出"}, 404),
    ("post", "/api/v1/children/{child_id}/schooling"): ({"school": "石牌镇初级中学"}, 404),
    ("post", "/api/v1/children/{child_id}/transfer"): (
        {"region_code": "420901100", "reason": "迁往孝感"}, 404),
    ("post", "/api/v1/children/{child_id}/corrections"): (
        {"field": "ethnicity", "value": "土家族", "reason": "录入错误"}, 404),
    ("post", "/api/v1/children/{child_id}/erasure"): ({"reason": "依法删除"}, 403),  # admin only
    ("post", "/api/v1/children/{child_id}/concerns"): (
        {"kind": "absence", "description": "缺课"}, 404),
    ("post", "/api/v1/children/{child_id}/concerns/{concern_id}/resolution"): (
        {"action": "已处理"}, 404),
    ("post", "/api/v1/children/{child_id}/contacts"): (
        {"kind": "talk", "occurred_on": "2026-04-02", "notes": ""}, 404),
    ("get", "/api/v1/children/{child_id}/contacts"): (None, 404),
    ("get", "/api/v1/children/{child_id}/duties"): (None, 404),
    ("get", "/api/v1/concerns"): (None, 200),
    ("get", "/api/v1/activities"): (None, 200),
    ("post", "/api/v1/activities"): (None, 404),  # body built from the ids below
    ("get", "/api/v1/activities/{activity_id}"): (None, 404),
    ("post", "/api/v1/activities/{activity_id}/cancellation"): ({"reason": "重复录入"}, 404),
    ("get", "/api/v1/pairings"): (None, 200),
    ("post", "/api/v1/pairings"): (None, 404),  # body built from the ids below
    ("get", "/api/v1/pairings/{pairing_id}"): (None, 404),
    ("get", "/api/v1/pairings/{pairing_id}/contacts"): (None, 404),
    ("post", "/api/v1/pairings/{pairing_id}/contacts"): (
        {"kind": "phone", "occurred_on": "2026-04-02", "notes": ""}, 404),
    ("post", "/api/v1/pairings/{pairing_id}/end"): ({"reason": "调整"}, 404),
    ("get", "/api/v1/pairings/{pairing_id}/duties"): (None, 404),
    ("get", "/api/v1/duty-sets"): (None, 0),  # the programme's rules: no record, no scope
    ("get", "/api/v1/places"): (None, 0),  # names of places: no record, no scope
    ("post", "/api/v1/places"): ({"places": [{"code": "420881100", "name": "洋梓镇"}]}, 403),
    ("get", "/api/v1/reminders"): (None, 200),
    ("get", "/api/v1/me/work"): (None, 403),  # a caring mother's or a teacher's own work
    ("post", "/api/v1/reminders/scan"): ({}, 403),  # admin only
    ("get", "/api/v1/audit/verify"): (None, 403),  # admin and auditors only
    ("get", "/api/v1/audit/break-glass"): (None, 403),  # admin and auditors only
    ("get", "/api/v1/audit/compliance"): (None, 403),  # admin and auditors only
    ("post", "/api/v1/reports"): (REPORT, 403),  # a region beyond the caller's
    ("get", "/api/v1/reports"): (None, 200),
    ("get", "/api/v1/reports/{report_id}"): (None, 404),
    ("get", "/api/v1/reports/{report_id}/files/{name}"): (None, 404),
    ("get", "/api/v1/imports/template"): (None, 0),  # the empty form: no record
    # Multipart; rows beyond the caller's region are refused row by row, and an import is
    # not there for staff of another county (tests/api/test_imports_api.py).
    ("post", "/api/v1/imports"): (None, 0),
    ("get", "/api/v1/imports/{import_id}"): (None, 0),
    # Registers as spreadsheets and the work-lists: outside the scope, no rows.
    ("get", "/api/v1/exports/children.xlsx"): (None, 200),
    ("get", "/api/v1/exports/volunteers.xlsx"): (None, 200),
    ("get", "/api/v1/exports/pairings.xlsx"): (None, 200),
    ("get", "/api/v1/worklists/{name}"): (None, 200),
    ("post", "/api/v1/schools/enrolment"): (  # a school of another county
        {"region_code": "420821101", "school": "石牌镇中心小学", "term": "2026春",
         "pupils": 848}, 403),
    ("get", "/api/v1/schools/enrolment"): (None, 200),
    # Likely duplicates of another county: none listed; its records are not merged (合并).
    ("get", "/api/v1/duplicates"): (None, 200),
    ("post", "/api/v1/children/{child_id}/merges"): (
        {"duplicate_id": "00000000-0000-4000-8000-000000000001", "reason": "重复登记"}, 404),
    ("post", "/api/v1/children/{child_id}/distinctions"): (
        {"other_id": "00000000-0000-4000-8000-000000000001", "reason": "双胞胎"}, 404),
}


def api_routes(client: TestClient) -> set[tuple[str, str]]:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return {(method, path) for path, operations in paths.items() if path.startswith("/api/v1")
            for method in operations}


def test_every_route_has_an_out_of_scope_case(client: TestClient) -> None:
    assert api_routes(client) == set(CASES)


@pytest.mark.parametrize(("method", "path"), [key for key, (_, status) in CASES.items()
                                              if status])
def test_a_caller_of_another_county_cannot_reach_the_record(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]],
        method: str, path: str) -> None:
    child_id, volunteer_id, pairing_id = paired(client, admin)
    concern = create(client, f"/api/v1/children/{child_id}/concerns",
                     {"kind": "absence", "description": "缺课"}, admin)
    ids = {"child_id": child_id, "volunteer_id": volunteer_id, "pairing_id": pairing_id,
           "concern_id": concern["id"], "role": "mother",
           "user_id": client.get("/api/v1/users/me", headers=admin).json()["id"],
           "report_id": client.post("/api/v1/reports", json=REPORT, headers=admin).json()["id"],
           "name": "unpaired_left_behind" if "worklists" in path else "420821-2026Q1.xlsx",
           "activity_id": create(client, "/api/v1/activities",
                                 {**ACTIVITY, "child_ids": [child_id]}, admin)["id"]}
    outsider = user("federation", region_code="4209")
    body, expected = CASES[(method, path)]
    if path == "/api/v1/pairings":
        body = {"child_ids": [child_id], "volunteer_ids": [volunteer_id], "principle": "kin"}
    if path == "/api/v1/activities":
        body = {**ACTIVITY, "child_ids": [child_id]}
    response = client.request(method.upper(), path.format(**ids), json=body, headers=outsider)
    assert response.status_code == expected, response.text
    if method == "get" and expected == 200 and path.endswith(".xlsx"):
        assert rows_of(response.content) == []
    elif method == "get" and expected == 200:
        assert response.json()["items"] == []


def rows_of(workbook: bytes) -> list[tuple[object, ...]]:
    """An exported register's rows below its title and header rows."""
    sheet = load_workbook(BytesIO(workbook), read_only=True).worksheets[0]
    return list(sheet.iter_rows(min_row=3, values_only=True))
