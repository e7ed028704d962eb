"""The registers as spreadsheets (导出登记册): the children's register (花名册) as the office's
form (the import template's columns, then the export's own), the volunteers' register with
their four opinions and the pairing register (结对登记表), each read back as a workbook:
Chinese headers, the caller's scope only, a Chinese file name, and every child in an export
put on its timeline as read (查阅记录), saying which register; on the embedded store and on
PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from io import BytesIO
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from domain.imports.columns import CHILD_COLUMNS, Layout
from domain.imports.rows import child_record
from domain.personal import ERASED
from tests.api.conftest import CHILD, create, paired
from tests.imports_support import id_number

Headers = dict[str, str]
#: A child whose record fills every cell of the form.
ID_NUMBER = id_number("42082120160520002")
CHILD_IN_FULL: dict[str, Any] = {
    **CHILD, "id_number": ID_NUMBER, "ethnicity": "土家族", "boarding": True,
    "address": "湖北省钟祥市石牌镇彭墩村三组"}
#: The export's own columns, after the form's.
EXTRAS = ["是否留守", "结对情况", "状态", "退出日期", "年满16周岁日期", "档案编号"]


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    """Each test on the embedded store and on PostgreSQL."""
    return client_on_each_store


def named(client: TestClient, admin: Headers) -> None:
    places = [{"code": "420821101", "name": "石牌镇"}, {"code": "420821102", "name": "胡集镇"}]
    assert client.post("/api/v1/places", json={"places": places}, headers=admin).is_success


def sheet_rows(client: TestClient, path: str, headers: Headers,
               **params: str) -> tuple[list[tuple[Any, ...]], str]:
    """The export's rows as the sheet holds them (title, headers, then the register), and
    the name it is saved under."""
    response = client.get(f"/api/v1/exports/{path}", headers=headers, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    saved = unquote(response.headers["content-disposition"].split("filename*=UTF-8''")[1])
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True)), saved


def exported(client: TestClient, path: str, headers: Headers,
             **params: str) -> tuple[list[str], list[dict[str, Any]], str]:
    """The export's header row, its rows by header (a required column's mark ``*`` left
    out, as the import reads it), and the name it is saved under."""
    rows, saved = sheet_rows(client, path, headers, **params)
    headers = [str(cell) for cell in rows[1]]
    keys = [header.rstrip("*") for header in headers]
    return headers, [dict(zip(keys, row, strict=False)) for row in rows[2:]], saved


def template_headers(client: TestClient, admin: Headers) -> list[str]:
    """The header row of the import's template of the children's register."""
    response = client.get("/api/v1/imports/template", params={"kind": "children"},
                          headers=admin)
    assert response.status_code == 200, response.text
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    return [str(cell) for cell in next(sheet.iter_rows(max_row=1, values_only=True)) if cell]


def test_the_childrens_register_lists_each_child_with_chinese_headers_and_words(
        client: TestClient, admin: Headers) -> None:
    named(client, admin)
    child_id = create(client, "/api/v1/children", CHILD, admin)["id"]
    _, [row], _ = exported(client, "children.xlsx", admin)
    assert (row["姓名"], row["性别"], row["出生日期"]) == ("王小花", "女", "2016-05-20")
    assert row["所在地"].endswith("石牌镇") and row["行政区划代码"] == "420821101"
    assert (row["父亲状况"], row["母亲状况"], row["是否留守"]) == ("外出务工", "外出务工", "是")
    assert "双亲外出" in row["类别"] and row["结对情况"] == "未结对"
    assert (row["状态"], row["档案编号"]) == ("在册", child_id)


def test_the_childrens_register_has_the_import_templates_headers_then_its_own(
        client: TestClient, admin: Headers) -> None:
    create(client, "/api/v1/children", CHILD, admin)
    headers, _, _ = exported(client, "children.xlsx", admin)
    assert headers == ["序号", *template_headers(client, admin), *EXTRAS]


def test_a_childs_id_number_ethnicity_address_and_boarding_read_back(
        client: TestClient, admin: Headers) -> None:
    create(client, "/api/v1/children", CHILD_IN_FULL, admin)
    _, [row], _ = exported(client, "children.xlsx", admin)
    assert (row["身份证号"], row["民族"], row["家庭住址"], row["是否寄宿"]) == (
        ID_NUMBER, "土家族", "湖北省钟祥市石牌镇彭墩村三组", "是")


def test_the_id_number_code_and_phones_are_text_cells_as_on_the_template(
        client: TestClient, admin: Headers) -> None:
    create(client, "/api/v1/children", CHILD_IN_FULL, admin)
    response = client.get("/api/v1/exports/children.xlsx", headers=admin)
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    headers = [str(cell.value).rstrip("*") for cell in sheet[2]]
    for header in ("身份证号", "行政区划代码", "父亲电话", "母亲电话", "监护人电话"):
        cell = sheet.cell(row=3, column=1 + headers.index(header))
        assert (cell.number_format, type(cell.value)) == ("@", str), header
    assert sheet.cell(row=3, column=1 + headers.index("身份证号")).value == ID_NUMBER


def test_a_childs_parents_read_back_with_names_phones_work_places_and_status(
        client: TestClient, admin: Headers) -> None:
    mother = {**CHILD["parents"][1], "status": "deceased"}
    create(client, "/api/v1/children", {**CHILD, "parents": [CHILD["parents"][0], mother]},
           admin)
    _, [row], _ = exported(client, "children.xlsx", admin)
    assert (row["父亲姓名"], row["父亲状况"], row["父亲电话"], row["父亲务工地"]) == (
        "王建国", "外出务工", "13800000001", "广东省东莞市")
    assert (row["母亲姓名"], row["母亲状况"], row["母亲电话"], row["母亲务工地"]) == (
        "李秀英", "已故", "13800000002", "浙江省义乌市")


def test_a_childs_guardian_and_consent_read_back_in_the_forms_words(
        client: TestClient, admin: Headers) -> None:
    create(client, "/api/v1/children", CHILD, admin)
    _, [row], _ = exported(client, "children.xlsx", admin)
    assert [row[f"监护人{part}"] for part in ("姓名", "关系", "年龄", "健康", "文化程度", "电话")
            ] == ["张桂兰", "祖母", 68, "良好", "小学", "13900000003"]
    assert (row["同意人"], row["同意人关系"], row["同意日期"], row["同意方式"]) == (
        "王建国", "父亲", "2026-03-01", "书面签字")


def test_the_forms_part_of_an_exported_row_reads_back_through_the_import_as_the_child(
        client: TestClient, admin: Headers) -> None:
    create(client, "/api/v1/children", CHILD_IN_FULL, admin)
    rows, _ = sheet_rows(client, "children.xlsx", admin)
    form = slice(1, 1 + len(CHILD_COLUMNS))  # after 序号, before the export's own columns
    layout = Layout.of("children", rows[1][form])
    record = child_record(layout, layout.cells(rows[2][form]))
    assert (record["name"], record["sex"], record["birth_date"].isoformat()) == (
        "王小花", "female", "2016-05-20")
    assert (record["id_number"], record["ethnicity"], record["boarding"]) == (
        ID_NUMBER, "土家族", True)
    assert {(p.role.value, p.status.value, p.phone) for p in record["parents"]} == {
        ("father", "away", "13800000001"), ("mother", "away", "13800000002")}
    assert (record["guardian"].relation, record["guardian"].age) == ("grandmother", 68)
    assert (record["consent"].by, record["consent"].method) == ("王建国", "书面签字")


def test_an_erased_childs_personal_cells_read_as_erased(
        client: TestClient, admin: Headers) -> None:
    child_id = create(client, "/api/v1/children", CHILD_IN_FULL, admin)["id"]
    erased = client.post(f"/api/v1/children/{child_id}/erasure", headers=admin,
                         json={"reason": "监护人撤回同意，依法删除"})
    assert erased.status_code == 200, erased.text
    _, [row], _ = exported(client, "children.xlsx", admin)
    for header in ("姓名", "身份证号", "家庭住址", "父亲姓名", "父亲电话", "父亲务工地",
                   "母亲电话", "监护人姓名", "监护人电话", "同意人"):
        assert row[header] == ERASED, header
    assert (row["性别"], row["出生日期"], row["父亲状况"], row["档案编号"]) == (
        "女", "2016-05-20", "外出务工", child_id)


def test_the_childrens_register_is_saved_under_the_regions_chinese_name(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    named(client, admin)
    create(client, "/api/v1/children", CHILD, admin)
    township = user("federation", region_code="420821101")
    _, rows, saved = exported(client, "children.xlsx", township)
    assert saved.startswith("石牌镇-花名册-") and saved.endswith(".xlsx") and len(rows) == 1


def test_a_schools_register_is_saved_and_titled_under_the_schools_own_name(
        client: TestClient, admin: Headers, user: Callable[..., Headers]) -> None:
    named(client, admin)
    create(client, "/api/v1/children", CHILD, admin)
    school = user("school", school=CHILD["school"], region_code="420821101")
    rows, saved = sheet_rows(client, "children.xlsx", school)
    found = re.fullmatch(r"石牌镇中心小学-花名册-(\d{4}-\d{2}-\d{2})\.xlsx", saved)
    assert found is not None, saved
    assert rows[0][0] == f"农村留守儿童花名册（石牌镇中心小学，{found.group(1)}）"


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
    reads = [entry["details"]["what"] for entry in timeline["timeline"]
             if entry["details"].get("what", "").startswith("export")]
    assert reads == ["export_children"]


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
    assert any(e["details"].get("what") == "export_pairings" for e in timeline["timeline"])


def test_the_workbook_prints_on_a4_landscape_with_its_headers_on_every_page(
        client: TestClient, admin: Headers) -> None:
    create(client, "/api/v1/children", CHILD, admin)
    response = client.get("/api/v1/exports/children.xlsx", headers=admin)
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$1:$2"
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    place = 1 + [column.field for column in CHILD_COLUMNS].index("place_name")
    assert sheet["B2"].font.bold and sheet.column_dimensions[
        get_column_letter(1 + place)].width >= 20
