"""/reports: the figures the report derives (双亲外出, 重点/特殊, 隔代监护, volunteers paired,
coverage by volunteers in good standing), and the definitions that changed after a report's
known_at (口径变更), in its record and its files, produced as the report task does, on SQLite
and PostgreSQL."""

from __future__ import annotations

import io
from typing import Any
from uuid import UUID

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from domain.reports.definitions import DEFINITION_CHANGES
from tests.api.conftest import paired
from tests.api.test_console import console_login
from workers.reports.generation import Reporting, produce

Q1 = {"kind": "quarterly", "region_code": "420821", "year": 2026, "quarter": 1}
STEM = "420821-2026Q1"
#: An instant before the definitions of the report's figures last changed.
BEFORE_THE_CHANGES = "2026-04-01T09:00:00+08:00"


@pytest.fixture
def client(client_on_each_store: TestClient) -> TestClient:
    return client_on_each_store


def produced(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    """A report requested, produced in process as the report task does, and read back."""
    response = client.post("/api/v1/reports", headers=headers, json={**Q1, **body})
    assert response.status_code == 202, response.text
    report_id = response.json()["id"]
    state: Any = client.app.state  # type: ignore[attr-defined]
    produce(Reporting(state.register, state.views, state.reports), UUID(report_id))
    state.views.catch_up_all()
    read = client.get(f"/api/v1/reports/{report_id}", headers=headers)
    assert read.status_code == 200, read.text
    return read.json()  # type: ignore[no-any-return]


def file(client: TestClient, headers: dict[str, str], report: dict[str, Any],
         suffix: str) -> bytes:
    response = client.get(f"/api/v1/reports/{report['id']}/files/{STEM}.{suffix}",
                          headers=headers)
    assert response.status_code == 200
    return response.content


def test_the_report_derives_both_parents_away_the_special_tier_and_grandparent_guardians(
        client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin)  # both parents away, the guardian her grandmother (祖母)
    totals = produced(client, admin)["figures"]["totals"]
    assert (totals["left_behind"], totals["both_parents_away"], totals["special_attention"],
            totals["grandparent_guardians"], totals["volunteers_paired"],
            totals["pairing_coverage"]) == (1, 1, 1, 1, 1, 1.0)


def test_a_child_whose_volunteer_is_suspended_is_not_covered_in_the_report(
        client: TestClient, admin: dict[str, str]) -> None:
    _, volunteer_id, _ = paired(client, admin)
    suspended = client.post(f"/api/v1/volunteers/{volunteer_id}/suspension", headers=admin,
                            json={"reason": "外出学习", "on": "2026-03-20"})
    assert suspended.status_code == 200, suspended.text
    totals = produced(client, admin)["figures"]["totals"]
    assert (totals["left_behind_paired"], totals["pairing_coverage"],
            totals["volunteers_paired"]) == (0, 0.0, 1)


def test_a_report_known_now_lists_no_changed_definitions(
        client: TestClient, admin: dict[str, str]) -> None:
    report = produced(client, admin)
    assert report["definitions_changed"] == []
    assert report["figures"]["meta"]["definitions_changed"] == []


def test_a_report_reproduced_at_an_old_known_at_says_which_definitions_changed(
        client: TestClient, admin: dict[str, str]) -> None:
    report = produced(client, admin, known_at=BEFORE_THE_CHANGES)
    listed = report["definitions_changed"]
    assert listed == [change.as_dict() for change in DEFINITION_CHANGES]
    coverage = next(c for c in listed if c["figure"] == "pairing_coverage")
    assert "在岗" in coverage["what"]
    assert report["figures"]["meta"]["definitions_changed"] == listed
    assert {"duties.semester_teacher_visit", "duties.quarterly_parent_call",
            "special_attention"} <= {c["figure"] for c in listed}


def test_the_files_of_a_report_at_an_old_known_at_name_the_changed_definitions(
        client: TestClient, admin: dict[str, str]) -> None:
    report = produced(client, admin, known_at=BEFORE_THE_CHANGES)
    book = load_workbook(io.BytesIO(file(client, admin, report, "xlsx")))
    notes = [row[0] for row in book["说明"].iter_rows(values_only=True)]
    assert "口径变更：结对覆盖率" in notes
    text = "\n".join(p.text for p in Document(io.BytesIO(file(client, admin, report,
                                                                "docx"))).paragraphs)
    assert "统计口径" in text and "结对覆盖率" in text


def test_the_files_of_a_report_known_now_name_no_changed_definitions(
        client: TestClient, admin: dict[str, str]) -> None:
    report = produced(client, admin)
    book = load_workbook(io.BytesIO(file(client, admin, report, "xlsx")))
    assert not [row for row in book["说明"].iter_rows(values_only=True)
                if str(row[0]).startswith("口径变更")]
    sheet = {row[0]: row[1] for row in book["总体情况"].iter_rows(values_only=True)}
    assert {"特殊（重点）留守儿童（人）", "双亲外出留守儿童（人）", "隔代监护留守儿童（人）",
            "季度末在结对爱心妈妈（人）"} <= sheet.keys()


def test_the_console_report_page_shows_the_derived_figures_under_their_titles(
        client: TestClient, admin: dict[str, str]) -> None:
    paired(client, admin)
    report = produced(client, admin)
    console_login(client)
    page = client.get(f"/console/reports/{report['id']}").text
    for key, title in (("special_attention", "特殊（重点）留守儿童（人）"),
                       ("both_parents_away", "双亲外出留守儿童（人）"),
                       ("grandparent_guardians", "隔代监护留守儿童（人）"),
                       ("volunteers_paired", "季度末在结对爱心妈妈（人）")):
        assert title in page
        assert f'id="figure-{key}">1<' in page
    assert "统计口径变更" not in page


def test_the_console_report_page_of_an_old_known_at_lists_the_changed_definitions(
        client: TestClient, admin: dict[str, str]) -> None:
    report = produced(client, admin, known_at=BEFORE_THE_CHANGES)
    console_login(client)
    page = client.get(f"/console/reports/{report['id']}").text
    assert 'id="definitions-changed"' in page
    assert "结对覆盖率" in page and "在岗" in page
