"""The quarterly report in real worker processes on the real Redis and PostgreSQL.

A report requested as ``POST /reports`` does (recorded, then ``aixin.reports.generate`` queued)
is fanned out as a chord, one part per township, over two workers, combined, rendered, stored
and recorded; the figures are exactly those of one computation over the region. Two reports
known at the same instant have the same figures, byte for byte; the schedule's quarter turn run
twice records each scheduled report once.

The data is the hand-made quarter of ``tests/integration/test_quarterly_report`` (county
420821, 2026 Q1) with eight more townships whose children were registered after the quarter, so
eleven parts share the two workers and the quarter's totals are the hand-counted ones.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from celery import Celery
from docx import Document
from openpyxl import load_workbook

from aixin.bootstrap import build_register, build_report_store, build_view_store
from aixin.settings import Settings
from domain.application import CareRegister
from domain.events import ReportRequested, ReportStarted
from domain.reports import ReportStatus, scheduled_report_id
from projections.reports import ReportFacts, compute_figures, to_json
from projections.reports.store import ReportStore
from projections.runner import ViewRunner
from tests.builders import STAFF, child_record
from tests.integration.test_quarterly_report import (
    CHILDREN,
    CONCERNS,
    CONTACTS,
    COUNTY,
    DUTIES,
    PAIRINGS,
    VOLUNTEERS,
    hand_made_quarter,
    late_records,
)
from tests.workers.conftest import Workers
from workers.app import create_celery

STEM = f"{COUNTY}-2026Q1"
WITHIN = 240  # seconds: two workers on two shared cores


@pytest.fixture
def settings(redis_settings: Callable[..., Settings]) -> Settings:
    return redis_settings(postgres_pool_size=1, report_townships_per_task=1,
                          report_regions=(COUNTY,))


@pytest.fixture
def workers(settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    running = Workers(settings, tmp_path)
    yield running
    running.stop_all()


@pytest.fixture
def celery(settings: Settings) -> Celery:
    return create_celery(settings)


@pytest.fixture
def results(settings: Settings) -> Iterator[ReportStore]:
    store = build_report_store(settings)
    yield store
    store.close()


@pytest.fixture
def quarter(register: CareRegister) -> Any:
    """The hand-made quarter, and eight more townships with a child registered in May."""
    made = hand_made_quarter(register)
    for number in range(3, 11):
        register.register_child(actor=STAFF, **child_record(
            name=f"孩子{number}", region_code=f"420821{number:03d}", school=f"第{number}小学",
            registered_on=date(2026, 5, 1)))
    return made


def generate(celery: Celery, report_id: UUID) -> None:
    """Queue the report as ``POST /reports`` does."""
    celery.send_task("aixin.reports.generate", args=(str(report_id),), ignore_result=True)


def settled(register: CareRegister, report_id: UUID, within: float = WITHIN) -> ReportStatus:
    deadline = time.monotonic() + within
    while (status := register.get_report(report_id).status) not in (ReportStatus.DONE,
                                                                      ReportStatus.FAILED):
        assert time.monotonic() < deadline, f"report {report_id} still {status.value}"
        time.sleep(0.3)
    assert status is ReportStatus.DONE or register.get_report(report_id).failure, status
    return status


def figures_of(results: ReportStore, report_id: UUID) -> bytes:
    content = results.figures(report_id)
    assert content is not None
    return content


def produced(workers: Workers, celery: Celery, register: CareRegister,
             known_at: datetime | None = None) -> UUID:
    """A report requested and produced by two workers (started on first use)."""
    while len(workers.started) < 2:
        workers.start()
    report_id = register.request_report(region_code=COUNTY, year=2026, quarter=1, actor=STAFF,
                                        known_at=known_at)
    generate(celery, report_id)
    assert settled(register, report_id) is ReportStatus.DONE, \
        register.get_report(report_id).failure or workers.output()[-3000:]
    return report_id


def test_a_requested_report_is_done_with_the_hand_counted_totals(
        workers: Workers, celery: Celery, register: CareRegister, results: ReportStore,
        quarter: Any) -> None:
    report_id = produced(workers, celery, register)
    totals = json.loads(figures_of(results, report_id))["totals"]
    counted = {**CHILDREN, **PAIRINGS, **CONTACTS, **DUTIES, **CONCERNS, **VOLUNTEERS}
    assert {key: totals[key] for key in counted} == counted


def test_the_chord_shares_the_townships_between_both_workers(
        workers: Workers, celery: Celery, register: CareRegister, quarter: Any) -> None:
    produced(workers, celery, register)
    logs = [path.read_text(errors="replace")
            for path in sorted(workers.logs.glob("worker-*.log"))]
    assert [log.count("Task aixin.reports.part[") > 0 for log in logs] == [True, True]


def test_the_figures_are_those_of_one_computation_over_the_region(
        workers: Workers, celery: Celery, register: CareRegister, results: ReportStore,
        settings: Settings, quarter: Any) -> None:
    report_id = produced(workers, celery, register)
    report = register.get_report(report_id)
    views = build_view_store(settings)
    try:
        runner = ViewRunner(register, views, (ReportFacts,))
        runner.catch_up(ReportFacts)
        with views.recorder(ReportFacts).read() as tx:
            whole = compute_figures(tx, COUNTY, 2026, 1, report.known_at)
    finally:
        views.close()
    assert figures_of(results, report_id) == to_json(whole)
    assert len(whole["townships"]) == 11


def test_the_stored_files_open_with_openpyxl_and_python_docx(
        workers: Workers, celery: Celery, register: CareRegister, results: ReportStore,
        quarter: Any) -> None:
    report_id = produced(workers, celery, register)
    xlsx, docx = (results.file(report_id, f"{STEM}.{kind}") for kind in ("xlsx", "docx"))
    assert xlsx is not None and docx is not None
    assert "按乡镇-儿童" in load_workbook(io.BytesIO(xlsx[1])).sheetnames
    assert any("留守儿童" in p.text for p in Document(io.BytesIO(docx[1])).paragraphs)


def test_two_reports_known_at_the_same_instant_have_identical_figures_bytes(
        workers: Workers, celery: Celery, register: CareRegister, results: ReportStore,
        quarter: Any) -> None:
    known_at = datetime.now(UTC)
    first = produced(workers, celery, register, known_at)
    late_records(register, quarter)
    second = produced(workers, celery, register, known_at)
    assert figures_of(results, second) == figures_of(results, first)
    assert register.get_report(second).figures_sha256 == register.get_report(
        first).figures_sha256


def test_the_quarter_turned_twice_records_and_produces_each_scheduled_report_once(
        workers: Workers, celery: Celery, register: CareRegister, quarter: Any) -> None:
    workers.start()
    workers.start()
    turns = [celery.send_task("aixin.reports.quarter_turned", kwargs={"on": "2026-04-01"})
             for _ in range(2)]
    outcomes = [turn.get(timeout=WITHIN) for turn in turns]
    report_id = scheduled_report_id(COUNTY, 2026, 1)
    assert settled(register, report_id) is ReportStatus.DONE, register.get_report(
        report_id).failure
    events = [type(e) for e in register.events.get(report_id)]
    assert (sorted(len(o["requested"]) for o in outcomes), events.count(ReportRequested),
            events.count(ReportStarted)) == ([0, 1], 1, 1)


def test_without_redis_the_embedded_worker_produces_the_report_through_the_chord(
        make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    """The embedded default: SQLite, kombu's file-system broker and a file result backend
    (the chord's callback is then run by ``celery.chord_unlock``)."""
    settings = make_settings("sqlite", report_townships_per_task=1)
    register = build_register(settings)
    running = Workers(settings, tmp_path / "logs")
    (tmp_path / "logs").mkdir()
    try:
        hand_made_quarter(register)
        running.start()
        report_id = register.request_report(region_code=COUNTY, year=2026, quarter=1,
                                            actor=STAFF)
        generate(create_celery(settings), report_id)
        assert settled(register, report_id) is ReportStatus.DONE, running.output()[-3000:]
        assert register.get_report(report_id).attempts == 1
    finally:
        running.stop_all()
        register.close()


def test_a_report_known_before_a_figures_definition_changed_lists_the_change(
        workers: Workers, celery: Celery, register: CareRegister, results: ReportStore,
        quarter: Any) -> None:
    report_id = produced(workers, celery, register, datetime(2026, 4, 1, tzinfo=UTC))
    meta = json.loads(figures_of(results, report_id))["meta"]
    assert meta["definitions_changed"] == register.get_report(report_id).definitions_changed
    assert "pairing_coverage" in {change["figure"] for change in meta["definitions_changed"]}
