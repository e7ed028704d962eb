"""The quarterly report agrees with itself: one figure has one value on every sheet and in the
narrative (the special tier, 特殊（重点）), a caring mother's activity with her children
(陪伴活动) is not called a group activity (集体活动), a rule's periods owed are never fewer
than its duties overdue, the county's own code is no township of its own, and instants are
told in the report's zone; read back from the produced files."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from domain.application import CareRegister
from domain.children import Parent
from domain.programme import Programme
from projections.reports import ReportFacts, compute_figures
from projections.runner import ViewRunner
from tests.builders import MOTHER, STAFF
from tests.integration.test_quarterly_report import (
    CENTRAL,
    COUNTY,
    TOWN_1,
    child,
    figures,
    hand_made_quarter,
    volunteer,
)
from workers.reports.files import docx_bytes, xlsx_bytes

D = date
MOTHER_UNABLE = (Parent(role="father", status="away"), Parent(role="mother", status="incapable"))


@pytest.fixture
def store() -> str:
    """What the files say does not depend on the store: SQLite only."""
    return "sqlite"


def sheet_rows(content: bytes, name: str) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(content))[name].iter_rows(values_only=True))


def narrative(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return "\n".join([*(p.text for p in document.paragraphs),
                      *(cell.text for table in document.tables for row in table.rows
                        for cell in row.cells)])


def quarter_figures(runner: ViewRunner, year: int, quarter: int, **options: Any) -> dict:
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        return compute_figures(tx, COUNTY, year, quarter, datetime.now(UTC), **options)


def test_the_special_tier_is_one_figure_on_every_sheet_and_in_the_narrative(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    # left behind with a category of care that is not of the special tier (学习困难)
    child(register, "壬", "male", D(2015, 4, 1), TOWN_1, CENTRAL, D(2026, 1, 8),
          parents=MOTHER_UNABLE, categories=("study_difficulty",))
    result = figures(runner)
    content = xlsx_bytes(result)
    overall = dict(row[:2] for row in sheet_rows(content, "总体情况"))
    tiers = {row[1]: row[2] for row in sheet_rows(content, "留守儿童构成") if row[0] == "分层"}
    special = overall["特殊（重点）留守儿童（人）"]
    assert tiers == {"特殊（重点）": special, "一般": overall["留守儿童（人）"] - special}
    assert (f"特殊（重点）留守儿童{tiers['特殊（重点）']}人" in narrative(docx_bytes(result))
            and f"一般留守儿童{tiers['一般']}人" in narrative(docx_bytes(result)))


def test_a_mothers_activity_with_her_children_is_not_called_a_group_activity(
        register: CareRegister, runner: ViewRunner) -> None:
    quarter = hand_made_quarter(register)
    register.record_contact(quarter.pairings["P1"], kind="activity", notes="一起做手工",
                            actor=MOTHER, occurred_on=D(2026, 3, 12),
                            child_ids=register.pairing_members(quarter.pairings["P1"]).child_ids)
    result = figures(runner)
    contacts = dict(row[:2] for row in sheet_rows(xlsx_bytes(result), "联系走访"))
    text = narrative(docx_bytes(result))
    assert (contacts["陪伴活动"], contacts["集体活动、慰问（次）"]) == (1, 0)
    assert "陪伴活动1次" in text and "集体活动1次" not in text


def test_a_duty_missed_before_the_quarter_and_still_overdue_is_owed_in_it(
        register: CareRegister, runner: ViewRunner) -> None:
    mother = volunteer(register, TOWN_1, D(2025, 9, 1), approved=D(2025, 9, 10))
    kid = child(register, "癸", "female", D(2016, 2, 2), TOWN_1, CENTRAL, D(2025, 12, 1))
    register.form_pairing(child_ids=[kid], volunteer_ids=[mother], principle="nearby",
                          starts_on=D(2026, 1, 1), actor=STAFF, duty_sets=["three_ones"])
    duty = quarter_figures(runner, 2026, 3)["totals"]["duties"]["half_yearly_home_visit"]
    # the first half year's visit was never made: overdue on 30 September, owed and not met
    assert (duty["periods_due"], duty["periods_met"], duty["overdue"]) == (1, 0, 1)


def first_cells(content: bytes) -> list[str]:
    """The first cell of every row of the narrative's tables."""
    return [row.cells[0].text for table in Document(io.BytesIO(content)).tables
            for row in table.rows]


def _coverage_labels(result: dict) -> list[str]:
    return [str(row[0]) for row in sheet_rows(xlsx_bytes(result), "结对覆盖")[1:]
            if row[0] not in (None, "合计", "已结对", "未结对")]


def test_the_countys_own_code_is_no_row_among_its_townships_when_nothing_is_there(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)  # a volunteer applied at county level: no child there
    result = figures(runner)
    assert COUNTY in result["townships"]
    assert _coverage_labels(result) == [TOWN_1, "420821102"]
    assert COUNTY not in first_cells(docx_bytes(result))


def test_children_registered_at_the_county_itself_are_a_row_of_their_own(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    child(register, "子", "male", D(2015, 4, 1), COUNTY, CENTRAL, D(2026, 1, 8),
          parents=MOTHER_UNABLE)
    result = figures(runner)
    assert _coverage_labels(result) == [TOWN_1, "420821102", f"县直/未分乡镇（{COUNTY}）"]
    assert f"县直/未分乡镇（{COUNTY}）" in first_cells(docx_bytes(result))


def test_a_townships_report_is_broken_down_by_village(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)  # A lives in village 001 of township 101; B, D, F in it
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        result = compute_figures(tx, TOWN_1, 2026, 1, datetime.now(UTC))
    villages = {code: unit["left_behind"] for code, unit in result["townships"].items()}
    assert villages == {TOWN_1 + "001": 1, TOWN_1: 1}  # A; B (F's mother came home)
    assert _coverage_labels(result) == [TOWN_1 + "001", f"未分村（社区）（{TOWN_1}）"]
    assert sheet_rows(xlsx_bytes(result), "结对覆盖")[0][0] == "村（社区）（区划代码）"


def test_the_narrative_tells_when_its_data_were_known_in_the_reports_zone(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    known_at = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        result = compute_figures(tx, COUNTY, 2026, 1, known_at,
                                 programme=Programme(timezone="Asia/Tokyo"))
    assert "数据截至2026-06-15 13:00（Asia/Tokyo）" in narrative(docx_bytes(result))


def test_a_report_known_before_quarters_were_counted_to_the_day_known_says_so(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    known_at = datetime(2026, 12, 5, 12, 0, tzinfo=timezone(timedelta(hours=8)))
    runner.catch_up(ReportFacts)
    with runner.store.recorder(ReportFacts).read() as tx:
        result = compute_figures(tx, COUNTY, 2026, 4, known_at)
    changed = {c["figure"] for c in result["meta"]["definitions_changed"]}
    assert {"period_end", "duties_periods_due"} <= changed
    assert "统计截止日" in narrative(docx_bytes(result))
