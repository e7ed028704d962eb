"""Use cases for the quarterly report (季度报送): request it, and record how its production went.

Requesting records a :class:`~domain.reports.QuarterlyReport` with its ``known_at`` fixed once;
the background workers then record each attempt and the outcome. Every outcome is idempotent,
from any number of processes at once: completing or failing a settled report records nothing
and says so (``False``); an attempt is claimed by one worker at a time (optimistic concurrency,
with a lease after which a silent attempt counts as abandoned).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain.application.base import AixinApplication
from domain.common import Actor
from domain.errors import NotFound, ReportRule, StaleVersion
from domain.reports import (
    QuarterlyReport,
    ReportStatus,
    Submission,
    definitions_changed,
    scheduled_report_id,
)


@dataclass(frozen=True)
class ReportView:
    """A report's record: what was asked, by whom, and how its production went."""

    id: UUID
    version: int
    kind: str
    region_code: str
    year: int
    quarter: int
    known_at: datetime
    escalate_after_days: int
    requested_on: date
    requested_at: datetime
    requested_by: Actor
    status: ReportStatus
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    position: int | None
    figures_sha256: str | None
    files: tuple[dict[str, Any], ...]
    failure: str | None
    #: Who sends it upward (报送单位, 填报人, 审核人, 填报日期); blanks where not given.
    submission: Submission = field(default_factory=Submission)

    @property
    def definitions_changed(self) -> list[dict[str, str]]:
        """The figures whose definition changed after ``known_at`` (口径变更): the report is
        computed by today's definitions, so these may differ from a report first produced then
        (``[{"figure", "since", "what"}]``, see ``domain.reports.definitions``)."""
        return definitions_changed(self.known_at)

    @classmethod
    def of(cls, report: QuarterlyReport) -> ReportView:
        return cls(
            id=report.id, version=report.version, kind=report.kind,
            region_code=report.region_code, year=report.year, quarter=report.quarter,
            known_at=report.known_at, escalate_after_days=report.escalate_after_days,
            requested_on=report.on, requested_at=report.created_on,
            requested_by=report.requested_by, status=report.status, attempts=report.attempts,
            started_at=report.started_at, finished_at=report.finished_at,
            position=report.position, figures_sha256=report.figures_sha256,
            files=tuple(dict(f) for f in report.files), failure=report.failure,
            submission=report.submission)


class ReportsService(AixinApplication):
    """Request quarterly reports; record attempts and outcomes once."""

    def now(self) -> datetime:
        """The instant reports are requested and attempted at (UTC)."""
        return datetime.now(UTC)

    def request_report(self, *, region_code: str, year: int, quarter: int, actor: Actor,
                       known_at: datetime | None = None, escalate_after_days: int = 14,
                       kind: str = "quarterly", submission: Submission | None = None) -> UUID:
        """Record a request for the quarter's report of the division-code prefix, as known at
        ``known_at`` (default: now; never later), sent upward by ``submission`` (报送单位,
        填报人, 审核人, 填报日期); returns its id."""
        now = self.now()
        report = QuarterlyReport.request(
            kind=kind, region_code=region_code, year=year, quarter=quarter,
            known_at=known_at or now, now=now, today=self.today(), actor=actor,
            escalate_after_days=escalate_after_days, submission=submission)
        self.save(report)
        return report.id

    def request_scheduled_report(self, *, region_code: str, year: int, quarter: int,
                                 actor: Actor, escalate_after_days: int = 14
                                 ) -> tuple[UUID, bool]:
        """Request the region's scheduled report of the quarter, as known now, unless it was
        requested already: (its id, whether this call recorded it)."""
        report_id = scheduled_report_id(region_code, year, quarter)
        if self.recorder.select_events(report_id, limit=1):
            return report_id, False
        now = self.now()
        report = QuarterlyReport.request(
            region_code=region_code, year=year, quarter=quarter, known_at=now, now=now,
            today=self.today(), actor=actor, escalate_after_days=escalate_after_days,
            report_id=report_id)
        try:
            self.save(report)
        except IntegrityError:  # another scheduler recorded it at the same moment
            return report_id, False
        return report_id, True

    def get_report(self, report_id: UUID) -> ReportView:
        try:
            return ReportView.of(self._get(QuarterlyReport, report_id))
        except NotFound:
            raise NotFound(f"no report {report_id}") from None

    def start_report(self, report_id: UUID, *, lease: timedelta, actor: Actor) -> int | None:
        """Claim an attempt at producing the report: its number, or None if the report is
        settled or another attempt is under way (started less than ``lease`` ago)."""
        try:
            _, attempt = self._change_racing(
                QuarterlyReport, report_id,
                lambda report: report.start(at=self.now(), lease=lease, actor=actor),
                refused=ReportRule)
        except StaleVersion:
            return None  # others keep claiming it: one of them has it
        return attempt

    def complete_report(self, report_id: UUID, *, position: int, figures_sha256: str,
                        files: tuple[dict[str, Any], ...], actor: Actor) -> bool:
        """Record that the report was produced; False (nothing recorded) if it was settled."""
        return self._settle_report(report_id, lambda report: report.complete(
            position=position, figures_sha256=figures_sha256, files=files, at=self.now(),
            actor=actor))

    def fail_report(self, report_id: UUID, *, reason: str, actor: Actor) -> bool:
        """Record that the report could not be produced; False if it was settled."""
        return self._settle_report(report_id, lambda report: report.fail(
            reason=reason, at=self.now(), actor=actor))

    def _settle_report(self, report_id: UUID, command: Callable[[QuarterlyReport], None]) -> bool:
        recorded, _ = self._change_racing(QuarterlyReport, report_id, command,
                                          refused=ReportRule)
        return recorded
