"""After a transfer (迁出) the old region's staff no longer meet the child anywhere: not in the
register's export, the work-lists, the likely duplicates, the reminders, the console's
dashboard or its search; the new region's staff meet it in each."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.conftest import CHILD, create, paired
from tests.api.test_console import console_login
from tests.api.test_reminders_api import scanned

Headers = dict[str, str]
OLD, NEW = "420821", "420822"


@dataclass(frozen=True)
class Moved:
    """A child transferred from 钟祥市 to 沙洋县 after its pairing ended, with an open
    concern, reminders issued to its caring mother, and a likely duplicate in 沙洋县."""

    child_id: str
    old: Headers
    new: Headers


def staff(client: TestClient, admin: Headers, name: str, region_code: str) -> Headers:
    body = {"username": name, "password": "password-123", "role": "federation",
            "region_code": region_code}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    token = client.post("/api/v1/auth/token", data={"username": name,
                                                    "password": "password-123"})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


@pytest.fixture
def moved(client: TestClient, admin: Headers) -> Iterator[Moved]:
    assert client.post("/api/v1/places", headers=admin, json={"places": [
        {"code": "420822100", "name": "沙洋镇"}]}).status_code == 200
    child_id, _, pairing_id = paired(client, admin)
    scanned(client)
    assert client.post(f"/api/v1/pairings/{pairing_id}/end", headers=admin, json={
        "reason": "儿童随家人迁往沙洋县", "on": "2026-08-30"}).status_code == 200
    create(client, f"/api/v1/children/{child_id}/concerns", {
        "kind": "absence", "description": "连续三天未到校", "occurred_on": "2026-08-20"}, admin)
    create(client, "/api/v1/children", {**CHILD, "region_code": "420822100",
                                        "school": "沙洋县实验小学"}, admin)
    old, new = staff(client, admin, "zhongxiang", OLD), staff(client, admin, "shayang", NEW)
    answer = client.post(f"/api/v1/children/{child_id}/transfer", headers=admin, json={
        "region_code": "420822100", "on": "2026-09-01", "reason": "随祖父母迁往沙洋县"})
    assert answer.status_code == 200, answer.text
    yield Moved(child_id, old, new)


def seen(client: TestClient, path: str, headers: Headers, **params: str) -> str:
    answer = client.get(path, headers=headers, params=params)
    assert answer.status_code == 200, answer.text
    return answer.text


def exported_ids(client: TestClient, headers: Headers) -> list[Any]:
    answer = client.get("/api/v1/exports/children.xlsx", headers=headers)
    assert answer.status_code == 200, answer.text
    rows = list(load_workbook(BytesIO(answer.content), read_only=True).worksheets[0]
                .iter_rows(values_only=True))
    column = [str(cell) for cell in rows[1]].index("档案编号")
    return [row[column] for row in rows[2:]]


def test_the_registers_export_lists_the_child_in_the_new_region_only(
        client: TestClient, moved: Moved) -> None:
    assert moved.child_id not in exported_ids(client, moved.old)
    assert moved.child_id in exported_ids(client, moved.new)


@pytest.mark.parametrize("name", ["unpaired_left_behind", "open_concerns"])
def test_the_work_lists_hold_the_child_in_the_new_region_only(
        client: TestClient, moved: Moved, name: str) -> None:
    assert moved.child_id not in seen(client, f"/api/v1/worklists/{name}", moved.old)
    assert moved.child_id in seen(client, f"/api/v1/worklists/{name}", moved.new)


def test_a_likely_duplicate_is_shown_to_the_new_regions_staff_only(
        client: TestClient, moved: Moved) -> None:
    assert moved.child_id not in seen(client, "/api/v1/duplicates", moved.old)
    assert moved.child_id in seen(client, "/api/v1/duplicates", moved.new)


def test_the_reminders_about_the_child_are_shown_to_the_new_regions_staff_only(
        client: TestClient, moved: Moved) -> None:
    assert moved.child_id not in seen(client, "/api/v1/reminders", moved.old)
    assert moved.child_id in seen(client, "/api/v1/reminders", moved.new)


def left_behind_tile(client: TestClient, username: str) -> str:
    console_login(client, username, "password-123")
    page = client.get("/console/dashboard").text
    tile = re.search(r'dash-label">留守儿童</span>\s*<span class="dash-figure">(\d+)</span>',
                     page)
    assert tile is not None
    return tile.group(1)


def test_the_dashboard_counts_the_child_in_the_new_region_only(
        client: TestClient, moved: Moved) -> None:
    assert left_behind_tile(client, "zhongxiang") == "0"
    assert left_behind_tile(client, "shayang") == "2"


def test_the_consoles_search_finds_the_child_in_the_new_region_only(
        client: TestClient, moved: Moved) -> None:
    console_login(client, "zhongxiang", "password-123")
    assert moved.child_id not in client.get("/console/children", params={"name": "小花"}).text
    console_login(client, "shayang", "password-123")
    assert moved.child_id in client.get("/console/children", params={"name": "小花"}).text
