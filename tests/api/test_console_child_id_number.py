"""The child's national ID number (身份证号码) on its page: staff who read the record in full
see it masked (最小必要), in full only when they ask, and that read goes on the record
(查阅记录); a caring mother never sees it; a later correction of it is named on the page as of
an earlier day by its word, without the number."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.console import child_page
from tests.api.conftest import CHILD, create, paired
from tests.api.test_console import console_login, console_user
from tests.imports_support import id_number

Headers = dict[str, str]
NUMBER = id_number("42082120160520001")  # 420821201605200019


def _registered(client: TestClient, admin: Headers) -> str:
    return str(create(client, "/api/v1/children", {**CHILD, "id_number": NUMBER}, admin)["id"])


def _id_number_reads(client: TestClient, admin: Headers, child_id: str) -> list[dict[str, Any]]:
    """The reads of the child's full ID number on its history's timeline."""
    response = client.get(f"/api/v1/children/{child_id}/history", headers=admin)
    assert response.status_code == 200, response.text
    return [entry for entry in response.json()["timeline"]
            if entry["type"] == "RecordWasRead"
            and entry.get("details", {}).get("what") == "id_number"]


def _clerk(client: TestClient, admin: Headers) -> None:
    console_login(client, console_user(client, admin, "federation", region_code="420821101"),
                  "password-123")


def test_a_township_clerk_sees_the_id_number_masked_with_a_way_to_show_it(
        client: TestClient, admin: Headers) -> None:
    child_id = _registered(client, admin)
    _clerk(client, admin)
    page = client.get(f"/console/children/{child_id}").text
    shown = page.split('id="id-number">')[1].split("</dd>")[0]
    assert "420821********0019" in shown and NUMBER not in page
    assert 'href="?id_number=full"' in shown and "显示完整号码" in shown


def test_a_masked_number_puts_no_read_of_it_on_the_record(
        client: TestClient, admin: Headers) -> None:
    child_id = _registered(client, admin)
    _clerk(client, admin)
    client.get(f"/console/children/{child_id}")
    assert _id_number_reads(client, admin, child_id) == []


def test_showing_the_full_number_shows_it_and_records_the_read(
        client: TestClient, admin: Headers) -> None:
    child_id = _registered(client, admin)
    _clerk(client, admin)
    page = client.get(f"/console/children/{child_id}?id_number=full").text
    shown = page.split('id="id-number">')[1].split("</dd>")[0]
    assert NUMBER in shown and "已记入查阅记录" in shown
    [read] = _id_number_reads(client, admin, child_id)
    assert read["actor"]["role"] == "federation"


def test_a_school_showing_the_full_number_is_recorded_too(
        client: TestClient, admin: Headers) -> None:
    child_id = _registered(client, admin)
    console_login(client, console_user(client, admin, "school", school=CHILD["school"],
                                       region_code="420821101"), "password-123")
    assert NUMBER in client.get(f"/console/children/{child_id}?id_number=full").text
    assert [r["actor"]["role"] for r in _id_number_reads(client, admin, child_id)] == ["school"]


def test_an_auditor_sees_it_masked_too(client: TestClient, admin: Headers) -> None:
    child_id = _registered(client, admin)
    console_login(client, console_user(client, admin, "auditor"), "password-123")
    page = client.get(f"/console/children/{child_id}").text
    assert "420821********0019" in page and NUMBER not in page


def test_a_record_without_a_number_says_it_is_not_registered(
        client: TestClient, admin: Headers, child_id: str) -> None:
    _clerk(client, admin)
    page = client.get(f"/console/children/{child_id}").text
    assert "未登记" in page.split('id="id-number">')[1].split("</dd>")[0]
    assert 'id="show-id-number"' not in page


def test_a_caring_mother_sees_no_id_number(client: TestClient, admin: Headers) -> None:
    child_id, volunteer_id, _ = paired(client, admin, id_number=NUMBER)
    console_login(client, console_user(client, admin, "volunteer", volunteer_id=volunteer_id),
                  "password-123")
    page = client.get(f"/console/children/{child_id}?id_number=full").text
    assert 'id="id-number"' not in page and NUMBER not in page and "0019" not in page


def test_the_page_as_of_an_earlier_day_names_a_corrected_id_number_by_its_word() -> None:
    """The banner of the page as of a day (此后补录或更正过) lists the fields that differ
    between then and now by their words: the ID number is one, named 身份证号码."""
    source = (Path(child_page.__file__).parent / "templates" / "child.html").read_text()
    words = ast.literal_eval(re.search(r"{% set FIELD = ({.*?}) %}", source).group(1))  # type: ignore[union-attr]
    assert "id_number" in child_page.COMPARED
    assert words["id_number"] == "身份证号码"
    assert set(child_page.COMPARED) <= set(words)


def test_the_access_log_names_a_read_of_the_full_number(
        client: TestClient, admin: Headers) -> None:
    child_id = _registered(client, admin)
    _clerk(client, admin)
    client.get(f"/console/children/{child_id}?id_number=full")
    console_login(client, console_user(client, admin, "auditor"), "password-123")
    reads = client.get("/console/audit").text.split('id="reads"')[1]
    assert "<td>完整身份证号码</td>" in reads
