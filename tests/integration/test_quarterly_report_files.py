"""The quarterly report's files, opened as a reader would: the workbook with openpyxl, the
narrative with python-docx; the figures in them are the hand-counted ones of the quarter."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.chart import BarChart, PieChart

from domain.application import CareRegister
from projections.reports import ReportFacts, explain_changes
from projections.runner import ViewRunner
from tests.builders import TEACHER
from tests.integration.test_quarterly_report import (
    CENTRAL,
    TOWN_1,
    TOWN_2,
    enrolled,
    figures,
    hand_made_quarter,
    late_records,
)
from workers.reports.files import docx_bytes, file_stem, write_files, xlsx_bytes


@pytest.fixture
def store() -> str:
    """The files do not depend on the store: SQLite only."""
    return "sqlite"


@pytest.fixture
def report(register: CareRegister, runner: ViewRunner) -> dict[str, Any]:
    """The hand-made quarter as known now, with the school's enrolment."""
    hand_made_quarter(register)
    enrolled(register)
    return figures(runner)


@pytest.fixture
def revised(register: CareRegister, runner: ViewRunner) -> tuple[dict, dict]:
    """The quarter reported again after a late parent call: (figures, changes)."""
    quarter = hand_made_quarter(register)
    before = figures(runner, datetime.now(UTC))
    late_records(register, quarter)
    after = figures(runner)
    with runner.store.recorder(ReportFacts).read() as tx:
        return after, explain_changes(tx, before, after)


def workbook(figures_: dict, changes: dict | None = None) -> Any:
    return load_workbook(io.BytesIO(xlsx_bytes(figures_, changes)))


def rows(sheet: Any) -> dict[str, Any]:
    """A two-column sheet as {label: value}."""
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}


def text(document: Any) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


# -- the workbook ----------------------------------------------------------------------------


def test_the_workbook_has_one_sheet_per_table(report: dict) -> None:
    assert workbook(report).sheetnames == [
        "总体情况", "留守儿童构成", "结对覆盖", "联系走访", "履职情况", "按乡镇-儿童",
        "按乡镇-结对与走访", "按乡镇-关爱活动与志愿者", "按学校-儿童", "按学校-结对与走访",
        "退出与结束原因", "情况报告", "志愿者", "说明"]


def test_the_workbooks_overview_holds_the_quarters_figures(report: dict) -> None:
    overview = rows(workbook(report)["总体情况"])
    assert {label: overview[label] for label in (
        "在册儿童（人）", "留守儿童（人）", "留守儿童：男（人）", "留守儿童：女（人）",
        "留守儿童最小年龄（岁）", "留守儿童最大年龄（岁）", "结对覆盖率", "留守儿童占在校学生比例",
        "联系走访（次）", "家访（次）", "发放物品（件）", "走访（联系）儿童（人）",
        "季度末逾期职责（项）", "季度末在册爱心妈妈（人）")} == {
        "在册儿童（人）": 5, "留守儿童（人）": 3, "留守儿童：男（人）": 2,
        "留守儿童：女（人）": 1, "留守儿童最小年龄（岁）": 7, "留守儿童最大年龄（岁）": 12,
        "结对覆盖率": 0.6667, "留守儿童占在校学生比例": 0.1, "联系走访（次）": 7,
        "家访（次）": 2, "发放物品（件）": 3, "走访（联系）儿童（人）": 4,
        "季度末逾期职责（项）": 5, "季度末在册爱心妈妈（人）": 2}


def test_the_workbooks_tables_break_the_figures_down(report: dict) -> None:
    book = workbook(report)
    contacts = rows(book["联系走访"])
    assert (contacts["家访"], contacts["电话"], contacts["物资帮扶"]) == (2, 2, 1)
    duties = {row[0]: row[1:4] for row in book["履职情况"].iter_rows(min_row=2, values_only=True)}
    assert duties["每月至少联系一次孩子"] == (9, 8, 0.8889)
    schools = {row[0]: row for row in book["按学校-儿童"].iter_rows(min_row=2, values_only=True)}
    assert schools[CENTRAL][2:4] == (4, 3)  # on the register, left behind


def test_the_workbook_charts_coverage_and_compliance_natively(report: dict) -> None:
    book = workbook(report)
    coverage = [type(chart) for chart in book["结对覆盖"]._charts]
    compliance = [type(chart) for chart in book["履职情况"]._charts]
    assert (coverage, compliance) == ([BarChart, PieChart], [BarChart])


def test_the_workbook_lists_what_changed_and_which_late_records(
        revised: tuple[dict, dict]) -> None:
    figures_, changes = revised
    book = workbook(figures_, changes)
    assert ("联系走访（次）", 7, 8) in book["变化说明"].iter_rows(values_only=True)
    late = [row[:2] for row in book["补录记录"].iter_rows(min_row=2, values_only=True)]
    assert late == [("联系走访", "2026-03-28")]


# -- the narrative ---------------------------------------------------------------------------


def test_the_narrative_fills_the_templates_blanks_in_chinese(report: dict) -> None:
    narrative = text(Document(io.BytesIO(docx_bytes(report))))
    for filled in ("在册儿童5人（男3人，女2人）", "留守儿童3人（男2人，女1人），年龄7至12岁",
                   "留守儿童占在校学生比例10.00%", "本季度新结对1对", "季度末在结对2对",
                   "结对覆盖率66.67%（目标100%）", "尚未结对1人", "本季度联系走访7次",
                   "其中家访2次", "走访（联系）儿童4人，发放物品3件", "总体履职率33.33%",
                   "开展活动1次（其中集体活动0次）", "发放慰问金0.00元", "慰问儿童4人",
                   "每月至少联系一次孩子：应履职9期次，已履职8期次，履职率88.89%",
                   "本季度报告异常情况2件", "季度末在册爱心妈妈2人"):
        assert filled in narrative


def test_a_duty_with_no_period_due_in_the_quarter_says_so_rather_than_a_blank_rate(
        report: dict) -> None:
    duties = report["totals"]["duties"]
    name = next(iter(duties))
    quiet = {**report, "totals": {**report["totals"], "duties": {name: {
        **duties[name], "periods_due": 0, "periods_met": 0, "compliance_rate": None}}}}
    narrative = text(Document(io.BytesIO(docx_bytes(quiet))))
    assert "：本季度无到期的期次（不计履职率）；季度末逾期" in narrative
    assert "履职率—" not in narrative


def test_the_narrative_has_tables_by_township_and_school(report: dict) -> None:
    document = Document(io.BytesIO(docx_bytes(report)))
    first_cells = [[row.cells[0].text for row in table.rows[1:]] for table in document.tables]
    assert first_cells == [["420821101", "420821102", "合计"], [CENTRAL, "胡集镇中学", "合计"]]


def test_the_narrative_names_an_east_asian_font(report: dict) -> None:
    normal = Document(io.BytesIO(docx_bytes(report))).styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_the_narrative_explains_the_change_by_the_late_record(
        revised: tuple[dict, dict]) -> None:
    figures_, changes = revised
    narrative = text(Document(io.BytesIO(docx_bytes(figures_, changes))))
    assert "联系走访（次）：由7变为8" in narrative
    assert "补录联系走访（亲情电话/书信），发生于2026-03-28" in narrative


def test_a_figure_moved_by_a_corrected_enrolment_names_the_correction_as_its_reason(
        register: CareRegister, runner: ViewRunner) -> None:
    hand_made_quarter(register)
    enrolled(register, pupils=30)
    before = figures(runner, datetime.now(UTC))
    register.record_enrolment(region_code=TOWN_1, school=CENTRAL, term="2026春", pupils=32,
                              reason="漏报两名插班生", actor=TEACHER)
    after = figures(runner)
    with runner.store.recorder(ReportFacts).read() as tx:
        changes = explain_changes(tx, before, after)
    corrected = f"学校在校生人数更正：{CENTRAL} 2026春 由30人更正为32人（原因：漏报两名插班生）"
    narrative = text(Document(io.BytesIO(docx_bytes(after, changes))))
    assert "其间补录或更正了影响本季度数字的记录1条" in narrative
    assert "在校学生合计（人）：由30变为32" in narrative
    assert f"原因（补录或更正的记录）：\n{corrected}" in narrative
    late = [row[0] for row in workbook(after, changes)["补录记录"].iter_rows(
        min_row=2, max_col=6, values_only=True)]
    assert late == ["学校在校生人数更正"]
    assert corrected in workbook(after, changes)["补录记录"]["F2"].value


def test_figures_moved_with_no_late_record_found_still_say_why(report: dict) -> None:
    changes = {"since": "2026-04-01T00:00:00+00:00", "until": "2026-04-02T00:00:00+00:00",
               "figures": [{"figure": "contacts", "before": 7, "after": 8}], "events": []}
    narrative = text(Document(io.BytesIO(docx_bytes(report, changes))))
    assert "其间没有补录或更正影响本季度数字的记录。以下数字随之变化：" in narrative
    assert "\n原因：其间没有补录或更正影响本季度数字的记录；" in narrative
    assert "原因（补录" not in narrative
    book = workbook(report, changes)
    assert book["变化说明"]["A3"].value == "原因"
    assert book["补录记录"]["A2"].value == "无"


def test_the_schools_are_listed_by_their_townships_code_then_by_name(report: dict) -> None:
    units = list(report["schools"].values())
    schools = {**report, "schools": {"东桥镇中心小学": units[0], "丰乐镇中心小学": units[1],
                                     "丰乐镇初级中学": units[1]}}
    placed = {"东桥镇中心小学": TOWN_2, "丰乐镇中心小学": TOWN_1, "丰乐镇初级中学": TOWN_1}
    places = {TOWN_1: "丰乐镇", TOWN_2: "东桥镇"}
    expected = [("丰乐镇中心小学", f"丰乐镇（{TOWN_1}）"),
                ("丰乐镇初级中学", f"丰乐镇（{TOWN_1}）"),
                ("东桥镇中心小学", f"东桥镇（{TOWN_2}）"), ("合计", None)]
    book = load_workbook(io.BytesIO(xlsx_bytes(schools, None, places, None, placed)))
    for name in ("按学校-儿童", "按学校-结对与走访"):
        assert [row[:2] for row in book[name].iter_rows(min_row=2, values_only=True)] == \
            expected, name
    document = Document(io.BytesIO(docx_bytes(schools, None, places, None, placed)))
    assert [tuple(cell.text for cell in row.cells[:2]) for row in document.tables[1].rows] == [
        ("学校", "所在乡镇（区划代码）"), *((school, township or "")
                                    for school, township in expected)]


def test_both_files_are_written_under_the_reports_name(report: dict, tmp_path: Any) -> None:
    written = write_files(report, tmp_path / "reports")
    assert sorted(written) == [f"{file_stem(report)}.docx", f"{file_stem(report)}.xlsx"]
    assert file_stem(report) == "420821-2026Q1"
    assert all(path.stat().st_size > 0 for path in written.values())
