"""The quarterly report's record (季度报送): requested as known at an instant, produced by one
attempt at a time, settled once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from domain.common import SYSTEM
from domain.errors import InvalidRecord, ReportRule
from domain.reports import (
    Quarter,
    QuarterlyReport,
    ReportStatus,
    scheduled_report_id,
)
from tests.builders import STAFF

NOW = datetime(2026, 6, 15, 4, tzinfo=UTC)
TODAY = date(2026, 6, 15)
LEASE = timedelta(minutes=30)
SHA = "ab" * 32
FILES = ({"name": "420821-2026Q1.xlsx", "content_type": "application/x", "size": 10,
          "sha256": SHA},)


def requested(**changes: Any) -> QuarterlyReport:
    values: dict[str, Any] = {"region_code": "420821", "year": 2026, "quarter": 1,
                              "known_at": NOW, "now": NOW, "today": TODAY, "actor": STAFF}
    values.update(changes)
    return QuarterlyReport.request(**values)


def started(report: QuarterlyReport, at: datetime = NOW) -> QuarterlyReport:
    report.start(at=at, lease=LEASE, actor=SYSTEM)
    return report


def completed(report: QuarterlyReport) -> QuarterlyReport:
    report.complete(position=42, figures_sha256=SHA, files=FILES, at=NOW, actor=SYSTEM)
    return report


def test_a_requested_report_is_queued_with_its_known_at_fixed() -> None:
    report = requested(known_at=NOW - timedelta(days=1))
    assert (report.status, report.known_at, report.requested_by) == (
        ReportStatus.QUEUED, NOW - timedelta(days=1), STAFF)


def test_known_at_in_the_future_is_refused() -> None:
    with pytest.raises(InvalidRecord, match="known_at"):
        requested(known_at=NOW + timedelta(seconds=1))


def test_known_at_without_its_utc_offset_is_refused() -> None:
    with pytest.raises(InvalidRecord, match="offset"):
        requested(known_at=datetime(2026, 6, 1, 12))


def test_known_at_in_another_zone_is_kept_as_given() -> None:
    beijing = NOW.astimezone(timezone(timedelta(hours=8)))
    assert requested(known_at=beijing).known_at == NOW


def test_a_quarter_not_begun_is_refused() -> None:
    with pytest.raises(InvalidRecord, match="尚未开始"):
        requested(year=2026, quarter=3)


def test_the_quarter_in_progress_may_be_reported() -> None:
    assert requested(quarter=2).quarter == 2


@pytest.mark.parametrize("field", [{"region_code": "4"}, {"region_code": "42a8"},
                                   {"quarter": 5}, {"year": 1999}, {"kind": "yearly"}])
def test_a_malformed_request_is_refused(field: dict[str, Any]) -> None:
    with pytest.raises(InvalidRecord):
        requested(**field)


def test_a_started_report_is_running_with_its_first_attempt() -> None:
    report = started(requested())
    assert (report.status, report.attempts, report.started_at) == (
        ReportStatus.RUNNING, 1, NOW)


def test_a_second_attempt_within_the_lease_is_refused() -> None:
    report = started(requested())
    with pytest.raises(ReportRule, match="under way"):
        report.start(at=NOW + LEASE - timedelta(seconds=1), lease=LEASE, actor=SYSTEM)


def test_an_attempt_silent_for_the_lease_is_taken_over() -> None:
    report = started(requested())
    assert report.start(at=NOW + LEASE, lease=LEASE, actor=SYSTEM) == 2


def test_a_completed_report_holds_its_position_and_digests() -> None:
    report = completed(started(requested()))
    assert (report.status, report.position, report.figures_sha256, report.files) == (
        ReportStatus.DONE, 42, SHA, FILES)


def test_completing_a_completed_report_is_refused() -> None:
    report = completed(started(requested()))
    with pytest.raises(ReportRule, match="already done"):
        completed(report)


def test_a_completed_report_takes_no_further_attempt() -> None:
    report = completed(started(requested()))
    with pytest.raises(ReportRule):
        report.start(at=NOW + 2 * LEASE, lease=LEASE, actor=SYSTEM)


def test_a_failed_report_keeps_its_reason_and_takes_no_completion() -> None:
    report = started(requested())
    report.fail(reason="ValueError: the parts belong to different reports", at=NOW,
                actor=SYSTEM)
    with pytest.raises(ReportRule, match="already failed"):
        completed(report)
    assert (report.status, report.failure) == (
        ReportStatus.FAILED, "ValueError: the parts belong to different reports")


def test_a_digest_that_is_not_sha256_is_refused() -> None:
    report = started(requested())
    with pytest.raises(InvalidRecord, match="figures_sha256"):
        report.complete(position=1, figures_sha256="abc", files=(), at=NOW, actor=SYSTEM)


def test_a_scheduled_reports_id_depends_on_its_region_and_quarter_only() -> None:
    first = requested(report_id=scheduled_report_id("420821", 2026, 1))
    again = requested(report_id=scheduled_report_id("420821", 2026, 1),
                      known_at=NOW - timedelta(hours=1))
    assert first.id == again.id != scheduled_report_id("420821", 2025, 4)


@pytest.mark.parametrize(("day", "quarter"), [
    (date(2026, 4, 1), (2026, 1)), (date(2026, 1, 1), (2025, 4)),
    (date(2026, 12, 31), (2026, 3)), (date(2026, 7, 15), (2026, 2))])
def test_the_quarter_just_ended_is_the_one_before_the_days_quarter(
        day: date, quarter: tuple[int, int]) -> None:
    assert Quarter.before(day) == Quarter(*quarter)
