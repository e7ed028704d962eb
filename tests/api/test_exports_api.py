"""The registers as spreadsheets (导出登记册): the children's register (花名册), the
volunteers' register with their four opinions and the pairing register (结对登记表), each read
back as a workbook: Chinese headers, the caller's scope only, a Chinese file name, and every
child in an export put on its timeline as read (查阅记录); on the embedded store and on
PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.api.conftest import CHILD, create, paired

Headers = dict[str, str]


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    """Each test on the embedded store and on PostgreSQL."""
    return client_on_each_store


def named(client: TestClient, admin: Headers) -> None:
    places = [{"code": "420821101", "name": "石牌镇"}, {"code": "420821102", "name": "胡集镇"}]
    assert client.post("/api/v1/places", json={"places": places}, headers=admin).is_success


def exported(client: TestClient, path: str, headers: Headers,
             **params: str) -> tuple[list[str], list[dict[str, Any]], str]:
    """The export's header row, its rows by header, and the name it is saved under."""
    response = client.get(f"/api/v1/exports/{path}", headers=headers, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    saved = unquote(response.headers["content-disposition"].split("filename*=UTF-8''")[1])
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    headers = [str(cell) for cell in rows[1]]
    return headers, [dict(zip(headers, row, strict=False)) for row in rows[2:]], saved


def test_the_childrens_register_lists_each_child_with_chinese_headers_and_words(
        client: TestClient, admin: Headers) -> None:
    named(client, admin)
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    headers, rows, _ = exported(client, "children.xlsx", admin)
    assert headers[:6] == ["序号", "姓名", "性别", "出生日期", "所在地", "行政区划代码"]
    [row] = rows
    assert (row["姓名"], row["性别"], row["出生日期"]) == ("王小花", "女", "2016-05-20")
    assert row["所在地"].endswith("石牌镇") and row["行政区划代码"] == "420821101"
    assert (row["父亲状况"], row["母亲状况"], row["是否留守"]) == ("外出务工", "外出务工", "是")
    assert "双亲外出" in row["类别"] and row["结对情况"] == "未结对"
    assert (row["状态"], row["档案编号"]) == ("在册", child_id)


def test_the_childrens_register_is_saved_under_the_regions_chinese_name(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    named(client, admin)
    create(client, "/api/v1/children", CHILD, admin)
    township = user("federation", region_code="420821101")
    _, rows, saved = exported(client, "children.xlsx", township)
    assert saved.startswith("石牌镇-花名册-") and saved.endswith(".xlsx") and len(rows) == 1


def test_a_county_of_elsewhere_exports_none_of_these_children(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    create(client, "/api/v1/children", CHILD, admin)
    elsewhere = user("federation", region_code="4209")
    assert exported(client, "children.xlsx", elsewhere)[1] == []
    assert exported(client, "children.xlsx", elsewhere, region_code="420821")[1] == []
    assert exported(client, "pairings.xlsx", elsewhere)[1] == []


def test_a_school_exports_only_its_own_pupils(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    create(client, "/api/v1/children", CHILD, admin)
    create(client, "/api/v1/children", {**CHILD, "name": "张强", "school": "胡集镇中心小学"},
           admin)
    school = user("school", school=CHILD["school"], region_code="420821")
    assert [row["姓名"] for row in exported(client, "children.xlsx", school)[1]] == ["王小花"]


def test_a_caring_mother_may_not_export_a_register(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    _, volunteer_id, _ = paired(client, admin)
    mother = user("volunteer", volunteer_id=volunteer_id)
    for path in ("children.xlsx", "volunteers.xlsx", "pairings.xlsx"):
        assert client.get(f"/api/v1/exports/{path}", headers=mother).status_code == 403


def test_every_child_exported_shows_the_read_on_its_timeline(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    school = user("school", school=CHILD["school"], region_code="420821")
    exported(client, "children.xlsx", school)
    timeline = client.get(f"/api/v1/children/{child_id}/history", headers=admin).json()
    reads = [entry for entry in timeline["timeline"] if entry["details"].get("what") == "export"]
    assert len(reads) == 1


def test_the_volunteers_register_carries_the_four_levels_opinions(
        client: TestClient, admin: Headers) -> None:
    _, volunteer_id, _ = paired(client, admin)
    headers, rows, saved = exported(client, "volunteers.xlsx", admin)
    assert "所在单位意见" in headers and "省妇联审核日期" in headers
    [row] = rows
    assert (row["姓名"], row["单位"], row["状态"]) == ("刘爱华", "钟祥市妇联", "已批准")
    for level in ("所在单位", "县妇联", "市州妇联", "省妇联"):
        assert (row[f"{level}意见"], row[f"{level}审核结论"], row[f"{level}审核日期"]) == (
            "同意", "同意", "2026-02-01")
    assert row["档案编号"] == volunteer_id and "志愿者登记册" in saved


def test_a_school_may_not_export_the_volunteers_register(
        client: TestClient, user: Callable[..., Headers]) -> None:
    school = user("school", school=CHILD["school"], region_code="420821")
    assert client.get("/api/v1/exports/volunteers.xlsx", headers=school).status_code == 403


def test_the_pairing_register_names_child_mother_principle_agreement_and_status(
        client: TestClient, admin: Headers) -> None:
    child_id, _, pairing_id = paired(client, admin)
    _, rows, saved = exported(client, "pairings.xlsx", admin)
    [row] = rows
    assert (row["结对儿童"], row["爱心妈妈"], row["结对原则"]) == ("王小花", "刘爱华", "就近")
    assert (row["责任状签订日期"], row["开始日期"], row["状态"]) == (
        "2026-03-05", "2026-03-10", "结对中")
    assert row["结对编号"] == pairing_id and "结对登记表" in saved
    timeline = client.get(f"/api/v1/children/{child_id}/history", headers=admin).json()
    assert any(e["details"].get("what") == "export" for e in timeline["timeline"])


def test_the_workbook_prints_on_a4_landscape_with_its_headers_on_every_page(
        client: TestClient, admin: Headers) -> None:
    create(client, "/api/v1/children", CHILD, admin)
    response = client.get("/api/v1/exports/children.xlsx", headers=admin)
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$1:$2"
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert sheet["B2"].font.bold and sheet.column_dimensions["E"].width >= 20
