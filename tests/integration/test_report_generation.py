"""Producing the quarterly report (季度报送) through the workers' steps, with no broker, on SQLite
and PostgreSQL: the figures are those of one computation over the region, stored once beside
the log with the files, recorded once, and explained against the previous report.

The hand-made quarter of ``test_quarterly_report`` (county 420821, 2026 Q1, three townships).
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from docx import Document
from openpyxl import load_workbook

from aixin.bootstrap import build_report_store
from domain.application import CareRegister
from domain.common import SYSTEM
from domain.events import ReportRequested
from domain.reports import ReportStatus
from projections.registers.reports import ReportsRegister, list_reports, stalled
from projections.reports import ReportFacts, combine, compute_figures, to_json
from projections.reports.store import ReportStore
from projections.runner import ViewRunner
from tests.builders import STAFF
from tests.integration.test_quarterly_report import COUNTY, hand_made_quarter, late_records
from workers.reports import generation
from workers.reports.generation import (
    Reporting,
    begin,
    compute_part,
    finish,
    produce,
    schools_placed,
)

STEM = f"{COUNTY}-2026Q1"


@pytest.fixture
def results(store: str, make_settings: Callable[..., Any]) -> Iterator[ReportStore]:
    """The report store on the same kind of store as the register."""
    kept = build_report_store(make_settings(store, postgres_pool_size=1))
    yield kept
    kept.close()


@pytest.fixture
def ctx(register: CareRegister, runner: ViewRunner, results: ReportStore) -> Reporting:
    """One township per part, so the county's three townships make three parts."""
    return Reporting(register, runner, results, townships_per_task=1)


def request(register: CareRegister, known_at: datetime | None = None) -> UUID:
    return register.request_report(region_code=COUNTY, year=2026, quarter=1, actor=STAFF,
                                   known_at=known_at)


def stored_figures(ctx: Reporting, report_id: UUID) -> bytes:
    figures = ctx.results.figures(report_id)
    assert figures is not None
    return figures


def in_one_computation(ctx: Reporting, known_at: datetime) -> bytes:
    ctx.views.catch_up(ReportFacts)
    with ctx.views.store.recorder(ReportFacts).read() as tx:
        return to_json(compute_figures(tx, COUNTY, 2026, 1, known_at,
                                       programme=ctx.register.programme))


def quarter_in_parts(register: CareRegister, ctx: Reporting) -> tuple[UUID, list[Any]]:
    """The hand-made quarter's report requested, planned in three parts, and each computed."""
    hand_made_quarter(register)
    report_id = request(register)
    plan = begin(ctx, report_id)
    assert plan is not None and len(plan.groups) == 3
    return report_id, [compute_part(ctx, plan.spec, group) for group in plan.groups]


def test_the_parts_combined_give_the_figures_of_one_computation_over_the_region(
        register: CareRegister, ctx: Reporting) -> None:
    report_id, parts = quarter_in_parts(register, ctx)
    finish(ctx, report_id, parts)
    known_at = register.get_report(report_id).known_at
    assert stored_figures(ctx, report_id) == in_one_computation(ctx, known_at)


def test_the_schools_are_placed_from_the_parts_counts_as_from_the_whole_regions(
        register: CareRegister, ctx: Reporting) -> None:
    _, parts = quarter_in_parts(register, ctx)
    figures = combine([part["figures"] for part in parts])
    placed = schools_placed(ctx, figures, parts)
    assert placed and placed == schools_placed(ctx, figures)  # the region's counted at once


def test_a_produced_report_is_done_at_the_facts_views_position_with_its_digests(
        register: CareRegister, ctx: Reporting) -> None:
    hand_made_quarter(register)
    report_id = request(register)
    produce(ctx, report_id)
    report = register.get_report(report_id)
    assert (report.status, report.position) == (ReportStatus.DONE,
                                                ctx.views.position(ReportFacts))
    assert report.figures_sha256 == hashlib.sha256(stored_figures(ctx, report_id)).hexdigest()
    assert {f["name"]: f["sha256"] for f in report.files} == {
        name: hashlib.sha256(content).hexdigest() for name, content in (
            (n, ctx.results.file(report_id, n)[1])  # type: ignore[index]
            for n in (f"{STEM}.json", f"{STEM}.xlsx", f"{STEM}.docx"))}


def test_the_stored_files_open_as_a_workbook_and_a_document_with_the_figures(
        register: CareRegister, ctx: Reporting) -> None:
    hand_made_quarter(register)
    report_id = request(register)
    produce(ctx, report_id)
    xlsx, docx = (ctx.results.file(report_id, f"{STEM}.{kind}") for kind in ("xlsx", "docx"))
    assert xlsx is not None and docx is not None
    overview = load_workbook(io.BytesIO(xlsx[1])).worksheets[0]
    labels = {row[0]: row[1] for row in overview.iter_rows(values_only=True) if row[0]}
    assert labels["留守儿童（人）"] == 3
    text = "\n".join(p.text for p in Document(io.BytesIO(docx[1])).paragraphs)
    assert "留守儿童3人" in text.replace(" ", "")


def test_producing_a_completed_report_again_computes_and_records_nothing(
        register: CareRegister, ctx: Reporting) -> None:
    hand_made_quarter(register)
    report_id = request(register)
    produce(ctx, report_id)
    head = register.recorder.max_notification_id()
    assert begin(ctx, report_id) is None
    assert produce(ctx, report_id)["status"] == "done"
    assert register.recorder.max_notification_id() == head


def test_a_second_finish_keeps_the_first_files_and_records_nothing(
        register: CareRegister, ctx: Reporting) -> None:
    hand_made_quarter(register)
    report_id = request(register)
    plan = begin(ctx, report_id)
    assert plan is not None
    parts = [compute_part(ctx, plan.spec, group) for group in plan.groups]
    finish(ctx, report_id, parts)
    head = register.recorder.max_notification_id()
    first = ctx.results.get(report_id)
    finish(ctx, report_id, parts)  # a re-delivered callback
    assert (ctx.results.get(report_id), register.recorder.max_notification_id()) == (
        first, head)


def test_two_reports_known_at_the_same_instant_have_the_same_figures_bytes(
        register: CareRegister, ctx: Reporting) -> None:
    quarter = hand_made_quarter(register)
    known_at = datetime.now(UTC)
    first = request(register, known_at)
    produce(ctx, first)
    late_records(register, quarter)
    second = request(register, known_at)
    produce(ctx, second)
    assert stored_figures(ctx, second) == stored_figures(ctx, first)


def test_a_later_report_explains_what_the_late_records_changed(
        register: CareRegister, ctx: Reporting) -> None:
    quarter = hand_made_quarter(register)
    first = request(register)
    produce(ctx, first)
    late_records(register, quarter)
    second = request(register)
    produce(ctx, second)
    changes = ctx.results.get(second).changes  # type: ignore[union-attr]
    assert changes is not None and changes["previous_report_id"] == str(first)
    assert [(e["event"], e["kind"], e["occurred_on"]) for e in changes["events"]] == [
        ("ContactRecorded", "parent_call", "2026-03-28")]
    assert {"figure": "contacts", "before": 7, "after": 8} in changes["figures"]


def test_the_first_report_of_a_quarter_has_no_changes_to_explain(
        register: CareRegister, ctx: Reporting) -> None:
    hand_made_quarter(register)
    report_id = request(register)
    produce(ctx, report_id)
    assert ctx.results.get(report_id).changes is None  # type: ignore[union-attr]


def test_an_error_while_computing_is_recorded_as_the_reports_failure(
        register: CareRegister, ctx: Reporting, monkeypatch: pytest.MonkeyPatch) -> None:
    hand_made_quarter(register)
    report_id = request(register)

    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError("the parts belong to different reports")

    monkeypatch.setattr(generation, "compute_figures", broken)
    with pytest.raises(ValueError):
        produce(ctx, report_id)
    report = register.get_report(report_id)
    assert (report.status, report.failure) == (
        ReportStatus.FAILED, "ValueError: the parts belong to different reports")


def test_a_scheduled_report_requested_twice_is_recorded_once(register: CareRegister) -> None:
    first = register.request_scheduled_report(region_code=COUNTY, year=2026, quarter=1,
                                              actor=SYSTEM)
    again = register.request_scheduled_report(region_code=COUNTY, year=2026, quarter=1,
                                              actor=SYSTEM)
    requests = [n for n in register.recorder.select_notifications(start=1, limit=100)
                if n.topic.endswith(ReportRequested.__qualname__)]
    assert (first[1], again[1], first[0] == again[0], len(requests)) == (True, False, True, 1)


def test_the_register_lists_reports_with_their_status(
        register: CareRegister, ctx: Reporting) -> None:
    hand_made_quarter(register)
    done = request(register)
    produce(ctx, done)
    queued = request(register)
    ctx.views.catch_up(ReportsRegister)
    with ctx.views.store.recorder(ReportsRegister).read() as tx:
        rows = list_reports(tx, region_code="4208", year=2026, quarter=1)
    assert [(row["report_id"], row["status"]) for row in rows] == [
        (str(done), "done"), (str(queued), "queued")]
    assert json.loads(json.dumps(rows[0]["files"]))[0]["name"].startswith(STEM)


def test_a_report_requested_long_ago_with_no_attempt_is_found_stalled(
        register: CareRegister, ctx: Reporting) -> None:
    queued = request(register)
    ctx.views.catch_up(ReportsRegister)
    later = datetime.now(UTC) + generation.QUEUED_GRACE
    with ctx.views.store.recorder(ReportsRegister).read() as tx:
        found = stalled(tx, requested_before=later, started_before=later - generation.LEASE)
        fresh = stalled(tx, requested_before=datetime.now(UTC) - generation.QUEUED_GRACE,
                        started_before=later - generation.LEASE)
    assert ([row["report_id"] for row in found], fresh) == ([str(queued)], [])


# -- the Celery tasks themselves, run eagerly in this process (no broker) ----------------------


@pytest.fixture
def eager(store: str, make_settings: Callable[..., Any]) -> Iterator[Any]:
    """The Celery app of the store's settings, running tasks in this process as called."""
    from workers.app import create_celery
    from workers.context import close_services
    from workers.reports.tasks import close_report_store

    app = create_celery(make_settings(store, postgres_pool_size=1, report_townships_per_task=1,
                                      report_regions=(COUNTY,)))
    app.conf.task_always_eager = True
    yield app
    close_report_store()
    close_services()


def test_the_generate_task_fans_out_and_completes_the_report(
        register: CareRegister, results: ReportStore, eager: Any) -> None:
    from workers.reports.tasks import generate

    hand_made_quarter(register)
    report_id = request(register)
    generate.apply(args=(str(report_id),))
    report = register.get_report(report_id)
    assert (report.status, report.attempts) == (ReportStatus.DONE, 1)
    assert results.figures(report_id) is not None


def test_the_quarter_turned_twice_requests_the_scheduled_report_once(
        register: CareRegister, eager: Any) -> None:
    from workers.reports.tasks import quarter_turned

    first = quarter_turned.apply(kwargs={"on": "2026-04-01"}).get()
    again = quarter_turned.apply(kwargs={"on": "2026-04-02"}).get()
    assert (len(first["requested"]), again["requested"], again["already"]) == (
        1, [], first["requested"])


def test_a_transient_error_is_retried_within_the_same_attempt(
        register: CareRegister, eager: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from eventsourcing.persistence import OperationalError

    from workers.reports.tasks import generate, reporting

    hand_made_quarter(register)
    report_id = request(register)
    reporting().townships_per_task = 100  # one task: no chord
    calls: list[int] = []
    real = generation.compute_figures

    def flaky(*args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("the server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(generation, "compute_figures", flaky)
    generate.apply(args=(str(report_id),))
    report = register.get_report(report_id)
    assert (report.status, report.attempts, len(calls)) == (ReportStatus.DONE, 1, 2)


def test_an_error_that_is_not_transient_is_recorded_without_retrying(
        register: CareRegister, eager: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from workers.reports.tasks import generate, reporting

    hand_made_quarter(register)
    report_id = request(register)
    reporting().townships_per_task = 100
    calls: list[int] = []

    def broken(*args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(1)
        raise KeyError("totals")

    monkeypatch.setattr(generation, "compute_figures", broken)
    generate.apply(args=(str(report_id),))
    report = register.get_report(report_id)
    assert (report.status, report.failure, len(calls)) == (
        ReportStatus.FAILED, "KeyError: 'totals'", 1)


def test_the_recorded_enrolment_gives_each_schools_share_of_pupils_left_behind(
        register: CareRegister, runner: ViewRunner, results: ReportStore) -> None:
    hand_made_quarter(register)
    register.record_enrolment(region_code="420821101", school="石牌镇中心小学", term="2026春",
                              pupils=400, actor=STAFF)
    ctx = Reporting(register, runner, results, townships_per_task=1)
    report_id = request(register)
    plan = begin(ctx, report_id)
    assert plan is not None
    finish(ctx, report_id, [compute_part(ctx, plan.spec, group) for group in plan.groups])
    totals = json.loads(stored_figures(ctx, report_id))["totals"]
    assert (totals["schools_with_pupils"], totals["pupils"]) == (1, 400)
    share = totals["left_behind_in_schools_with_pupils"] / 400
    assert totals["left_behind_share_of_pupils"] == round(share, 4) > 0
