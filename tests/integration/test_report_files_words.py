"""The report's files speak Chinese to their reader: every figure, breakdown and change by its
title (联系走访：亲情电话/书信, not ``contacts_by_kind.parent_call``), a concern's kind by its word
(监护缺失, not ``neglect``), and every instant in Beijing time, to the minute, labelled."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from openpyxl import load_workbook

from domain.application import CareRegister
from projections.places.names import place_names
from projections.places.register import PlacesRegister
from projections.reports import ReportFacts, explain_changes
from projections.runner import ViewRunner
from tests.foreign_words import foreign_words
from tests.integration.test_quarterly_report import (
    STAFF,
    figures,
    hand_made_quarter,
    late_records,
)
from workers.reports.files import docx_bytes, xlsx_bytes

_LABELLED = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）")


@pytest.fixture
def store() -> str:
    """The files do not depend on the store: SQLite only."""
    return "sqlite"


@pytest.fixture
def revised(register: CareRegister, runner: ViewRunner) -> tuple[dict, dict]:
    """The hand-made quarter with a concern of kind ``neglect``, reported again after late
    records: (figures, changes)."""
    quarter = hand_made_quarter(register)
    register.report_concern(quarter.children["B"], kind="neglect", description="监护人外出",
                            actor=STAFF, occurred_on=date(2026, 3, 3))
    before = figures(runner, datetime.now(UTC))
    late_records(register, quarter)
    after = figures(runner)
    with runner.store.recorder(ReportFacts).read() as tx:
        return after, explain_changes(tx, before, after)


def workbook_texts(content: bytes) -> list[str]:
    """Every text a reader of the workbook sees: sheet names and the cells' texts."""
    book = load_workbook(io.BytesIO(content))
    return [*book.sheetnames, *(str(cell) for sheet in book.worksheets
                                for row in sheet.iter_rows(values_only=True)
                                for cell in row if isinstance(cell, str))]


def document_texts(content: bytes) -> list[str]:
    """Every text a reader of the narrative sees: its paragraphs and its tables' cells."""
    document = Document(io.BytesIO(content))
    return [*(p.text for p in document.paragraphs),
            *(cell.text for table in document.tables for row in table.rows for cell in row.cells)]


def test_the_workbook_shows_no_key_and_no_english_word(revised: tuple[dict, dict]) -> None:
    texts = workbook_texts(xlsx_bytes(*revised))
    assert [(t, foreign_words(t)) for t in texts if foreign_words(t)] == []


def test_the_narrative_shows_no_key_and_no_english_word(revised: tuple[dict, dict]) -> None:
    texts = document_texts(docx_bytes(*revised))
    assert [(t, foreign_words(t)) for t in texts if foreign_words(t)] == []


def test_a_concerns_kind_is_its_word_in_both_files(revised: tuple[dict, dict]) -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes(*revised)))["情况报告"]
    assert ("类别：监护缺失", 1) in [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert any("监护缺失1件" in t for t in document_texts(docx_bytes(*revised)))


def test_a_changed_breakdown_is_named_by_its_title(revised: tuple[dict, dict]) -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes(*revised)))["变化说明"]
    named = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "联系走访：亲情电话/书信" in named


def _shown(instant: str) -> str:
    return f"{datetime.fromisoformat(instant).astimezone(ZoneInfo('Asia/Shanghai')):%Y-%m-%d %H:%M}"


def test_the_workbook_gives_its_instant_in_beijing_time_to_the_minute(
        revised: tuple[dict, dict]) -> None:
    notes = {row[0]: row[1] for row in load_workbook(io.BytesIO(xlsx_bytes(*revised)))[
        "说明"].iter_rows(min_row=2, values_only=True)}
    assert notes["数据截至（记录时间）"] == f"{_shown(revised[0]['meta']['known_at'])}（北京时间）"


def test_every_instant_in_the_files_is_written_one_way(revised: tuple[dict, dict]) -> None:
    texts: list[Any] = [*workbook_texts(xlsx_bytes(*revised)),
                        *document_texts(docx_bytes(*revised))]
    times = [t for t in texts if re.search(r"\d{1,2}:\d{2}", t)]
    assert times and all(
        _LABELLED.search(t) and not re.search(r"\d{1,2}:\d{2}:\d{2}", t) for t in times), times


def _interim(figures_: dict) -> dict:
    """The figures as a report known on 15 February counts them: up to that day."""
    return {**figures_, "meta": {**figures_["meta"], "period_end": "2026-02-15",
                                 "quarter_end": "2026-03-31", "quarter_ended": False}}


def test_a_report_of_a_quarter_not_ended_is_titled_so_in_both_files(
        revised: tuple[dict, dict]) -> None:
    figures_ = _interim(revised[0])
    document = Document(io.BytesIO(docx_bytes(figures_)))
    assert document.paragraphs[0].text.endswith("季度报送（季度未结束）")
    notes = {row[0]: row[1] for row in load_workbook(io.BytesIO(xlsx_bytes(figures_)))[
        "说明"].iter_rows(min_row=2, values_only=True)}
    assert (notes["报表"].endswith("（季度未结束）"), notes["统计期"]) == (
        True, "2026-01-01至2026-02-15（季度未结束，全季度至2026-03-31）")


def test_a_report_of_a_quarter_not_ended_never_speaks_of_its_last_day(
        revised: tuple[dict, dict]) -> None:
    figures_ = _interim(revised[0])
    texts = [*workbook_texts(xlsx_bytes(figures_, revised[1])),
             *document_texts(docx_bytes(figures_, revised[1]))]
    assert [t for t in texts if "季度末" in t or ("2026-03-31" in t and "全季度" not in t)] == []
    assert any("截至2026-02-15，在册儿童" in t for t in texts)


def _named_places(register: CareRegister, runner: ViewRunner, figures_: dict) -> dict[str, str]:
    """The townships named in the programme's register, read back through the one lookup."""
    register.name_places([("420821101", "石牌镇"), ("420821102", "胡集镇")], actor=STAFF)
    runner.catch_up(PlacesRegister)
    return place_names(runner).names([figures_["meta"]["region_code"], *figures_["townships"]])


def test_the_files_name_the_townships_with_their_codes_in_the_tables(
        register: CareRegister, runner: ViewRunner, revised: tuple[dict, dict]) -> None:
    places = _named_places(register, runner, revised[0])
    sheet = load_workbook(io.BytesIO(xlsx_bytes(*revised, places)))["按乡镇-儿童"]
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} >= {
        "石牌镇（420821101）", "胡集镇（420821102）"}
    document = Document(io.BytesIO(docx_bytes(*revised, places)))
    assert {row.cells[0].text for row in document.tables[0].rows[1:]} >= {
        "石牌镇（420821101）", "胡集镇（420821102）"}


def test_the_coverage_chart_reads_the_townships_names(
        register: CareRegister, runner: ViewRunner, revised: tuple[dict, dict]) -> None:
    places = _named_places(register, runner, revised[0])
    sheet = load_workbook(io.BytesIO(xlsx_bytes(*revised, places)))["结对覆盖"]
    townships = len(revised[0]["townships"])
    assert {row[0] for row in sheet.iter_rows(min_row=2, max_row=townships + 1,
                                              values_only=True)} >= {
        "石牌镇（420821101）", "胡集镇（420821102）"}
