"""The quarterly report (季度报送) as an event-sourced record of its own production.

A :class:`QuarterlyReport` is requested for a region (a division-code prefix) and a quarter,
*as known at* an instant fixed once, at the request: its figures read only what the register had
been told by then, so producing it again (a re-delivered task, a second worker) gives the same
figures, byte for byte. The figures and files themselves are kept beside the log (see
``projections.reports.store``); the log keeps that the report was asked for, by whom, each
attempt at producing it, and its outcome: the log position it was computed at and the SHA-256
of its figures and files, so an auditor can check that what is served is what was produced.

Statuses: ``queued`` (requested, no attempt yet), ``running`` (an attempt under way),
``done`` and ``failed`` (settled: nothing more is recorded; a failed report is requested again
as a new report). Completing an already completed report records nothing.

A report scheduled at a quarter's turn has an id derived from its region and quarter
(:func:`scheduled_report_id`), so two schedulers requesting it record it once: the event store
refuses a second first event for the same id.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.common import Actor
from domain.errors import InvalidRecord, ReportRule
from domain.identity import new_id
from domain.reports.quarter import Quarter
from domain.reports.submission import Submission

KINDS = ("quarterly",)
_REGION_PREFIX = re.compile(r"^\d{2,12}$")


class ReportStatus(StrEnum):
    QUEUED = "queued"  # requested; no attempt at producing it yet
    RUNNING = "running"  # an attempt is under way
    DONE = "done"  # produced: figures and files stored
    FAILED = "failed"  # given up on; request it again


def scheduled_report_id(region_code: str, year: int, quarter: int) -> UUID:
    """The one id the scheduled report of a region's quarter can have."""
    return uuid5(NAMESPACE_URL, f"aixin:report:quarterly:{region_code}/{year}Q{quarter}/scheduled")


class QuarterlyReport(Aggregate):
    """One production of the quarterly report of a region, as known at an instant."""

    @staticmethod
    def create_id(*_: object, **__: object) -> UUID:
        """A new report's identity (drawn from the command that records it, if any)."""
        return new_id()

    class Requested(Aggregate.Created):
        """The report was asked for, as known at ``known_at``, to be sent upward by
        ``submission`` (报送单位, 填报人, 审核人, 填报日期; blanks in requests recorded before
        these were asked, upcast from version 1).

        The preparer's and reviewer's names and phones are kept in the clear, not sealed as
        a child's or a family's are: they are staff, whose contact details are printed on
        every report sent upward (报送) so that the level above can call back about its
        figures; they are no child's personal data, and a child's erasure leaves them."""

        class_version = 2

        kind: str
        region_code: str
        year: int
        quarter: int
        known_at: datetime
        escalate_after_days: int
        on: date
        actor: Actor
        reporting_unit: str
        preparer: str
        preparer_phone: str
        reviewer: str
        reviewer_phone: str
        prepared_on: date | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state.update(reporting_unit="", preparer="", preparer_phone="", reviewer="",
                         reviewer_phone="", prepared_on=None)

    @event(Requested)
    def __init__(self, *, kind: str, region_code: str, year: int, quarter: int,
                 known_at: datetime, escalate_after_days: int, on: date,
                 actor: Actor, reporting_unit: str, preparer: str, preparer_phone: str,
                 reviewer: str, reviewer_phone: str, prepared_on: date | None) -> None:
        self.kind, self.region_code, self.year, self.quarter = kind, region_code, year, quarter
        self.known_at, self.escalate_after_days = known_at, escalate_after_days
        self.on, self.requested_by = on, actor
        self.submission = Submission(
            reporting_unit=reporting_unit, preparer=preparer, preparer_phone=preparer_phone,
            reviewer=reviewer, reviewer_phone=reviewer_phone, prepared_on=prepared_on)
        self.attempts = 0
        self.started_at: datetime | None = None
        self.finished_at: datetime | None = None
        self.position: int | None = None
        self.figures_sha256: str | None = None
        self.files: tuple[dict[str, Any], ...] = ()
        self.failure: str | None = None
        self.status = ReportStatus.QUEUED

    @classmethod
    def request(cls, *, region_code: str, year: int, quarter: int, known_at: datetime,
                now: datetime, today: date, actor: Actor, escalate_after_days: int = 14,
                kind: str = "quarterly", report_id: UUID | None = None,
                submission: Submission | None = None) -> QuarterlyReport:
        """A report of the quarter for the division-code prefix, as known at ``known_at``,
        sent upward by ``submission`` (blanks by default).

        ``known_at`` has its offset from UTC and is not after ``now``; the quarter has begun
        by ``today`` (a quarter in progress gives an interim report).
        """
        if kind not in KINDS:
            raise InvalidRecord("kind", f"报表种类须为以下之一：{'、'.join(KINDS)}")
        if not _REGION_PREFIX.match(region_code or ""):
            raise InvalidRecord("region_code", "地区须为 2 至 12 位数字的行政区划代码")
        if quarter not in (1, 2, 3, 4):
            raise InvalidRecord("quarter", "季度须为 1、2、3 或 4")
        if not 2000 <= year <= 9999:
            raise InvalidRecord("year", "年份须在 2000 至 9999 之间")
        if Quarter(year, quarter).start > today:
            raise InvalidRecord("quarter", f"{year} 年第 {quarter} 季度尚未开始（今天是 {today}），"
                                "只能生成已开始的季度的报表")
        if known_at.tzinfo is None or known_at.utcoffset() is None:
            raise InvalidRecord("known_at", "an instant needs its offset from UTC")
        try:
            known_at = known_at.astimezone(UTC)
        except OverflowError:
            raise InvalidRecord("known_at", "is out of range") from None
        if known_at > now:
            raise InvalidRecord("known_at", f"{known_at.isoformat()} is in the future; a report "
                                "is of what the register had been told")
        if escalate_after_days < 0:
            raise InvalidRecord("escalate_after_days", "must be 0 or more")
        fields: dict[str, Any] = {
            "kind": kind, "region_code": region_code, "year": year, "quarter": quarter,
            "known_at": known_at, "escalate_after_days": escalate_after_days, "on": today,
            "actor": actor,
            **dataclasses.asdict((submission or Submission()).checked(today))}
        if report_id is None:
            return cls(**fields)
        return cls._create(cls.Requested, id=report_id, **fields)

    @property
    def settled(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    # -- producing it ---------------------------------------------------------------------

    def start(self, *, at: datetime, lease: timedelta, actor: Actor) -> int:
        """Record an attempt at producing the report; returns its number (1, 2, ...).

        Refused if the report is settled, or if another attempt started less than ``lease``
        before ``at`` (its worker is presumed alive; after the lease, presumed dead).
        """
        if self.settled:
            raise ReportRule(f"the report is already {self.status.value}")
        if (self.status is ReportStatus.RUNNING and self.started_at is not None
                and at - self.started_at < lease):
            raise ReportRule(f"attempt {self.attempts} is under way since "
                             f"{self.started_at.isoformat()}")
        self._started(attempt=self.attempts + 1, at=at, actor=actor)
        return self.attempts

    class Started(Aggregate.Event):
        """An attempt at producing the report began."""

        attempt: int
        at: datetime
        actor: Actor

    @event(Started)
    def _started(self, attempt: int, at: datetime, actor: Actor) -> None:
        self.attempts, self.started_at = attempt, at
        self.status = ReportStatus.RUNNING

    def complete(self, *, position: int, figures_sha256: str,
                 files: tuple[dict[str, Any], ...], at: datetime, actor: Actor) -> None:
        """The report was produced at log position ``position``; its figures and files are
        stored with these digests (``files``: name, content_type, size, sha256)."""
        if self.settled:
            raise ReportRule(f"the report is already {self.status.value}")
        if position < 0:
            raise InvalidRecord("position", "a log position is 0 or more")
        if not re.fullmatch(r"[0-9a-f]{64}", figures_sha256):
            raise InvalidRecord("figures_sha256", "a SHA-256 in hexadecimal")
        self._completed(position=position, figures_sha256=figures_sha256,
                        files=tuple(dict(f) for f in files), at=at, actor=actor)

    class Completed(Aggregate.Event):
        """The report was produced at log position ``position``, with these digests."""

        position: int
        figures_sha256: str
        files: tuple[dict[str, Any], ...]
        at: datetime
        actor: Actor

    @event(Completed)
    def _completed(self, position: int, figures_sha256: str,
                   files: tuple[dict[str, Any], ...], at: datetime, actor: Actor) -> None:
        self.position, self.figures_sha256, self.files = position, figures_sha256, files
        self.finished_at, self.status = at, ReportStatus.DONE

    def fail(self, *, reason: str, at: datetime, actor: Actor) -> None:
        """The report could not be produced (``reason`` names what went wrong, without
        personal data); nothing more is recorded on it."""
        if self.settled:
            raise ReportRule(f"the report is already {self.status.value}")
        self._failed(reason=(reason or "").strip()[:1000] or "unknown error", at=at,
                     actor=actor)

    class Failed(Aggregate.Event):
        """The report could not be produced; nothing more is recorded on it."""

        reason: str
        at: datetime
        actor: Actor

    @event(Failed)
    def _failed(self, reason: str, at: datetime, actor: Actor) -> None:
        self.failure, self.finished_at, self.status = reason, at, ReportStatus.FAILED
