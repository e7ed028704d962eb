"""The quarterly report as an office sends it upward (报送), produced through the workers' steps
and opened as the county's reader would: who sends it (报送单位, 填报人, 审核人, 填报日期),
page numbers, a 合计 row under every table by place or school, places named with their codes,
A4 print set-up, no row of zeros for the county itself, and what each figure counts (说明)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from aixin.bootstrap import build_report_store
from domain.application import CareRegister
from domain.common import SYSTEM
from domain.reports import QuarterlyReport, Submission
from projections.reports.store import ReportStore
from projections.runner import ViewRunner
from tests.builders import STAFF
from tests.integration.test_quarterly_report import (
    CENTRAL,
    COUNTY,
    MIDDLE,
    TOWN_1,
    TOWN_2,
    hand_made_quarter,
)
from workers.reports.generation import Reporting, produce
from workers.reports.paper import print_scale
from workers.reports.wording import BLANK

SENT = Submission(reporting_unit="京山县妇联", preparer="王丽", preparer_phone="0724-4221234",
                  reviewer="张敏", reviewer_phone="13800000003", prepared_on=date(2026, 6, 10))
COUNT_COLUMNS_SKIPPED = ("覆盖率", "比例", "履职率", "慰问金")


@pytest.fixture
def store() -> str:
    """The files do not depend on the store: SQLite only."""
    return "sqlite"


@pytest.fixture
def results(store: str, make_settings: Callable[..., Any]) -> Iterator[ReportStore]:
    kept = build_report_store(make_settings(store))
    yield kept
    kept.close()


def produced(register: CareRegister, runner: ViewRunner, results: ReportStore,
             submission: Submission | None = SENT) -> tuple[Any, Any]:
    """The hand-made quarter's report, its townships named, produced as the workers do:
    (the workbook, the narrative), opened."""
    hand_made_quarter(register)
    register.name_places([(TOWN_1, "石牌镇"), (TOWN_2, "胡集镇")], actor=SYSTEM)
    register.record_enrolment(region_code=TOWN_1, school=CENTRAL, term="2026春", pupils=30,
                              actor=STAFF)
    report_id = register.request_report(region_code=COUNTY, year=2026, quarter=1, actor=STAFF,
                                        submission=submission)
    produce(Reporting(register, runner, results), report_id)
    files = {name.rsplit(".", 1)[-1]: results.file(report_id, name)
             for name in (f"{COUNTY}-2026Q1.xlsx", f"{COUNTY}-2026Q1.docx")}
    xlsx, docx = (found[1] for found in (files["xlsx"], files["docx"]) if found)
    return load_workbook(io.BytesIO(xlsx)), Document(io.BytesIO(docx))


@pytest.fixture
def files(register: CareRegister, runner: ViewRunner, results: ReportStore) -> tuple[Any, Any]:
    return produced(register, runner, results)


def text(document: Any) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def notes(book: Any) -> dict[str, Any]:
    return {row[0]: row[1] for row in book["说明"].iter_rows(min_row=2, values_only=True)}


# -- who sends it ------------------------------------------------------------------------------


def test_the_workbook_names_the_unit_the_preparer_and_the_reviewer(files: tuple) -> None:
    book, _ = files
    said = notes(book)
    assert (said["报送单位"], said["填报人"], said["审核人"], said["填报日期"]) == (
        "京山县妇联", "王丽（电话：0724-4221234）", "张敏（电话：13800000003）", "2026年6月10日")
    overview = {row[0]: row[1] for row in book["总体情况"].iter_rows(values_only=True) if row[0]}
    assert overview["报送单位"] == "京山县妇联"
    assert overview["审核人"] == "张敏    联系电话：13800000003"


def test_the_narrative_names_the_unit_under_its_title_and_signs_off_at_its_foot(
        files: tuple) -> None:
    _, document = files
    lines = [p.text for p in document.paragraphs]
    assert lines[1] == "报送单位：京山县妇联    填报日期：2026年6月10日"
    assert "填报人：王丽    联系电话：0724-4221234" in lines
    assert "审核人：张敏    联系电话：13800000003" in lines
    assert lines[-2:] == ["京山县妇联", "2026年6月10日"]


def test_a_report_requested_without_them_leaves_blanks_and_the_request_day(
        register: CareRegister, runner: ViewRunner, results: ReportStore) -> None:
    book, document = produced(register, runner, results, submission=None)
    said = notes(book)
    assert said["填报人"] == f"{BLANK}（电话：{BLANK}）"
    assert said["填报日期"] == "2026年6月15日"  # the day it was requested
    assert f"填报人：{BLANK}    联系电话：{BLANK}" in text(document)


def test_a_request_recorded_before_the_foot_was_asked_reads_as_blanks(
        register: CareRegister) -> None:
    report_id = register.request_report(region_code=COUNTY, year=2026, quarter=1, actor=STAFF,
                                        submission=SENT)
    [stored] = register.recorder.select_events(report_id, limit=1)
    state = register.mapper.transcoder.decode(stored.state)
    for name in ("class_version", "reporting_unit", "preparer", "preparer_phone", "reviewer",
                 "reviewer_phone", "prepared_on"):
        state.pop(name, None)  # as version 1 of the event was stored
    old = type(stored)(originator_id=stored.originator_id,
                       originator_version=stored.originator_version, topic=stored.topic,
                       state=register.mapper.transcoder.encode(state))
    event = register.mapper.to_domain_event(old)
    assert isinstance(event, QuarterlyReport.Requested)
    assert (event.reporting_unit, event.preparer, event.prepared_on) == ("", "", None)


# -- pages --------------------------------------------------------------------------------------


def test_the_narrative_numbers_its_pages_in_the_footer(files: tuple) -> None:
    _, document = files
    footer = document.sections[0].footer.paragraphs[0]
    fields = [node.text.strip() for node in footer._p.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert footer.text.replace("1", "X", 1).replace("1", "Y", 1) == "第 X 页 共 Y 页"
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)


def test_every_sheet_prints_on_a4_fit_to_the_pages_width_with_its_header_repeated(
        files: tuple) -> None:
    book, _ = files
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (int(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == (9, 1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页", sheet.title
        assert sheet.oddFooter.left.text == "京山县妇联", sheet.title
    assert book["按乡镇-结对与走访"].page_setup.orientation == "landscape"
    assert book["说明"].page_setup.orientation == "portrait"


TABLES_BY_PLACE = ("按乡镇-儿童", "按乡镇-结对与走访", "按乡镇-关爱活动与志愿者")
TABLES_BY_SCHOOL = ("按学校-儿童", "按学校-结对与走访")


@pytest.mark.parametrize("name", [*TABLES_BY_PLACE, *TABLES_BY_SCHOOL])
def test_each_table_by_place_or_school_prints_readably_on_one_a4_pages_width(
        files: tuple, name: str) -> None:
    sheet = files[0][name]
    assert sheet.page_setup.orientation == "landscape"
    assert print_scale(sheet) >= 0.7  # 11 pt prints at 7.7 pt or more


@pytest.mark.parametrize("name", [*TABLES_BY_PLACE, *TABLES_BY_SCHOOL])
def test_each_table_by_place_or_school_names_its_rows_and_ends_with_their_total(
        files: tuple, name: str) -> None:
    header, *rows = files[0][name].iter_rows(values_only=True)
    assert header[0] == ("乡镇（区划代码）" if name in TABLES_BY_PLACE else "学校")
    assert rows[-1][0] == "合计"


def test_the_tables_by_township_hold_every_figure_of_the_former_single_table(
        files: tuple) -> None:
    book, _ = files
    titles = [title for name in TABLES_BY_PLACE for title in next(book[name].iter_rows(
        min_col=2, max_row=1, values_only=True))]
    assert len(titles) >= 29
    assert {"在册儿童（人）", "结对覆盖率", "总体履职率", "发放慰问金（元）",
            "季度末在册爱心妈妈（人）"} <= set(titles)


def test_each_school_is_named_with_its_township_and_code(files: tuple) -> None:
    book, document = files
    for name in TABLES_BY_SCHOOL:
        header, *rows = book[name].iter_rows(max_col=2, values_only=True)
        assert header == ("学校", "所在乡镇（区划代码）")
        assert rows == [(CENTRAL, "石牌镇（420821101）"), (MIDDLE, "胡集镇（420821102）"),
                        ("合计", None)], name
    schools = [[cell.text for cell in row.cells[:2]] for row in document.tables[1].rows]
    assert schools == [["学校", "所在乡镇（区划代码）"], [CENTRAL, "石牌镇（420821101）"],
                       [MIDDLE, "胡集镇（420821102）"], ["合计", ""]]


# -- totals, places --------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*TABLES_BY_PLACE, *TABLES_BY_SCHOOL, "结对覆盖"])
def test_the_total_row_of_each_sheet_by_place_or_school_adds_up_its_rows(
        files: tuple, name: str) -> None:
    book, _ = files
    header, *body = [row for row in book[name].iter_rows(values_only=True)
                     if row[0] not in (None, "已结对", "未结对")]
    *rows, total = body
    assert total[0] == "合计"
    for column, title in enumerate(header[1:], 1):
        if any(word in str(title) for word in (*COUNT_COLUMNS_SKIPPED, "所在乡镇")):
            continue
        assert total[column] == sum(row[column] or 0 for row in rows), title


def test_the_total_rows_shares_are_computed_from_its_counts(files: tuple) -> None:
    book, _ = files
    header, *rows = book["按乡镇-结对与走访"].iter_rows(values_only=True)
    total = dict(zip(header, rows[-1], strict=True))
    assert total["结对覆盖率"] == round(total["已结对留守儿童（人）"] / total["留守儿童（人）"], 4)


def test_the_narratives_tables_end_with_a_total_row_adding_up_their_rows(
        files: tuple) -> None:
    _, document = files
    for table in document.tables:
        header, *rows, total = [[cell.text for cell in row.cells] for row in table.rows]
        assert total[0] == "合计"
        column = header.index("留守儿童（人）")
        assert int(total[column]) == sum(int(row[column]) for row in rows)


def test_places_are_named_with_their_codes_and_the_county_has_no_row_of_zeros(
        files: tuple) -> None:
    book, document = files
    townships = [row[0] for row in book["按乡镇-关爱活动与志愿者"].iter_rows(min_row=2,
                                                                      values_only=True)]
    # the county's own code holds a volunteer's application, shown; in the narrative's table of
    # children and pairings it holds nothing, so it has no row there
    assert townships == ["石牌镇（420821101）", "胡集镇（420821102）",
                         f"县直/未分乡镇（{COUNTY}）", "合计"]
    first = [row.cells[0].text for row in document.tables[0].rows[1:]]
    assert first == ["石牌镇（420821101）", "胡集镇（420821102）", "合计"]


# -- what the figures mean ---------------------------------------------------------------------


def test_the_workbooks_notes_say_what_each_main_figure_counts(files: tuple) -> None:
    said = notes(files[0])
    assert said["指标口径：结对覆盖率"] == "已结对留守儿童 ÷ 留守儿童（目标100%）。"
    assert "季度末所在学期" in said["指标口径：留守儿童占在校学生比例"]
    assert "合计" in said["合计行"]


def test_the_narrative_ends_with_a_note_of_what_each_main_figure_counts(files: tuple) -> None:
    _, document = files
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[-1] == "说明"
    assert "结对覆盖率：已结对留守儿童 ÷ 留守儿童（目标100%）。" in text(document)


def test_money_is_shown_in_yuan_with_its_fen(files: tuple) -> None:
    book, _ = files
    for name in ("总体情况", "联系走访"):
        [cell] = [row[1] for row in book[name].iter_rows(min_row=2)
                  if row[0].value == "发放慰问金（元）"]
        assert cell.number_format == "0.00", name
    for name in ("按乡镇-关爱活动与志愿者", "按学校-结对与走访"):
        header = [cell.value for cell in book[name][1]]
        column = header.index("发放慰问金（元）")
        assert {row[column].number_format for row in book[name].iter_rows(min_row=2)} == {
            "0.00"}, name
