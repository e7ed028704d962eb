"""OWASP API1:2023 Broken Object Level Authorization.

Every route, by enumeration, is covered in ``tests/api/test_scope_every_route.py``: a route
added without an out-of-scope case fails there, and a federation user of another county is
refused each record. This module adds what that one does not show: a record outside the
caller's scope is answered *exactly* like a record that does not exist (same status, same
message but for the id), so ids cannot be probed; and callers of the same role but another
school, or a volunteer not paired with the child, are refused like the other county.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import CHILD, create, paired
from tests.api.test_scope_every_route import CASES
from tests.imports_support import CHILD_HEADER, child_row, workbook

READS = [path for (method, path) in CASES if method == "get" and "{" in path]
OUTSIDERS = {
    "federation of another county": ("federation", {"region_code": "4209"}),
    "another school": ("school", {"school": "冷水镇中心小学", "region_code": "420821"}),
}


def _ids(client: TestClient, admin: dict[str, str], tmp_path: Path) -> dict[str, str]:
    child_id, volunteer_id, pairing_id = paired(client, admin)
    report = client.post("/api/v1/reports", headers=admin, json={
        "kind": "quarterly", "region_code": "420821", "year": 2026, "quarter": 1}).json()
    activity = create(client, "/api/v1/activities", {
        "kind": "festival", "title": "端午节集体活动", "organiser": "石牌镇妇联",
        "child_ids": [child_id]}, admin)
    sheet = workbook(tmp_path / "花名册.xlsx", CHILD_HEADER, [child_row(1)])
    started = client.post("/api/v1/imports", headers=admin,
                          files={"file": ("花名册.xlsx", sheet.read_bytes())},
                          data={"kind": "children", "dry_run": "true"})
    assert started.status_code == 202, started.text
    return {"child_id": child_id, "volunteer_id": volunteer_id, "pairing_id": pairing_id,
            "import_id": started.json()["id"],
            "user_id": client.get("/api/v1/users/me", headers=admin).json()["id"],
            "report_id": report["id"], "name": "420821-2026Q1.xlsx",
            "activity_id": activity["id"]}


@pytest.mark.parametrize("path", READS)
def test_a_record_out_of_scope_reads_like_one_that_does_not_exist(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]],
        path: str, tmp_path: Path) -> None:
    ids = _ids(client, admin, tmp_path)
    unknown = {**ids, **{key: str(uuid4()) for key in ids if key.endswith("_id")}}
    outsider = user("federation", region_code="4209")
    hidden = client.get(path.format(**ids), headers=outsider)
    missing = client.get(path.format(**unknown), headers=outsider)
    assert hidden.status_code == missing.status_code
    assert _without_ids(hidden.text, ids) == _without_ids(missing.text, unknown)


def _without_ids(text: str, ids: dict[str, str]) -> str:
    for value in ids.values():
        text = text.replace(value, "<id>")
    return text


@pytest.mark.parametrize("who", list(OUTSIDERS))
def test_staff_of_the_same_role_elsewhere_cannot_read_the_child(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]],
        who: str) -> None:
    child_id, _, _ = paired(client, admin)
    role, scope = OUTSIDERS[who]
    response = client.get(f"/api/v1/children/{child_id}", headers=user(role, **scope))
    assert response.status_code == 404


def test_a_volunteer_reads_only_the_children_paired_with_them(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    mine, volunteer_id, _ = paired(client, admin)
    other = create(client, "/api/v1/children", {**CHILD, "name": "李小明"}, admin)["id"]
    volunteer = user("volunteer", volunteer_id=volunteer_id)
    assert client.get(f"/api/v1/children/{mine}", headers=volunteer).status_code == 200
    assert client.get(f"/api/v1/children/{other}", headers=volunteer).status_code == 404


def test_a_volunteer_cannot_record_a_contact_on_another_volunteers_pairing(
        client: TestClient, admin: dict[str, str], user: Callable[..., dict[str, str]]) -> None:
    _, _, pairing_id = paired(client, admin)
    _, someone_else, _ = paired(client, admin)
    response = client.post(f"/api/v1/pairings/{pairing_id}/contacts",
                           headers=user("volunteer", volunteer_id=someone_else),
                           json={"kind": "phone", "occurred_on": "2026-04-02", "notes": ""})
    assert response.status_code == 404
    pairing = client.get(f"/api/v1/pairings/{pairing_id}", headers=admin).json()
    assert pairing["contacts"] == []
