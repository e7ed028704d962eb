"""The reports' register (报送台账): every report requested, where its production stands.

One row per report: what was asked (kind, region, quarter, ``known_at``), by whom and when,
its status (``queued``, ``running``, ``done``, ``failed``), attempts, and once done the log
position it was computed at and the digests of its figures and files. The figures and files
themselves are in the report store (``projections.reports.store``), not here.

The workers read it too: to find the previous completed report of the same region and quarter
(what changed since), and reports requested or started long ago with no outcome (to queue them
again: the broker was down, or a worker died).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import singledispatchmethod
from typing import Any, ClassVar

from domain.events import ReportCompleted, ReportFailed, ReportRequested, ReportStarted
from projections.events import iso
from projections.projection import View
from storage.sql import Row, Tx, prefix, starts_with

STATUSES = ("queued", "running", "done", "failed")


def instant(moment: datetime) -> str:
    """An instant as stored: UTC, ISO 8601 with microseconds, so text order is time order."""
    if moment.tzinfo is None:  # the library records UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class ReportsRegister(View):
    """Reports by region, quarter and status, in the order they were requested."""

    name = "reports"
    tables = ("rep_reports",)
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS rep_reports ("
        " report_id TEXT PRIMARY KEY, position BIGINT NOT NULL, version INTEGER NOT NULL,"
        " kind TEXT NOT NULL, region_code TEXT NOT NULL, year INTEGER NOT NULL,"
        " quarter INTEGER NOT NULL, known_at TEXT NOT NULL,"
        " escalate_after_days INTEGER NOT NULL, requested_on TEXT NOT NULL,"
        " requested_at TEXT NOT NULL, requested_by TEXT NOT NULL, requested_role TEXT NOT NULL,"
        " status TEXT NOT NULL, attempts INTEGER NOT NULL, started_at TEXT, finished_at TEXT,"
        " log_position BIGINT, figures_sha256 TEXT, files TEXT NOT NULL, failure TEXT)",
        "CREATE INDEX IF NOT EXISTS rep_reports_position ON rep_reports (position)",
        "CREATE INDEX IF NOT EXISTS rep_reports_quarter ON rep_reports"
        " (region_code, year, quarter, status)",
        "CREATE INDEX IF NOT EXISTS rep_reports_status ON rep_reports (status)",
    )

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _requested(self, e: ReportRequested, tx: Tx) -> None:
        tx.insert(
            "rep_reports",
            ("report_id", "position", "version", "kind", "region_code", "year", "quarter",
             "known_at", "escalate_after_days", "requested_on", "requested_at", "requested_by",
             "requested_role", "status", "attempts", "files"),
            [(str(e.originator_id), tx.position, e.originator_version, e.kind, e.region_code,
              e.year, e.quarter, instant(e.known_at), e.escalate_after_days, iso(e.on),
              instant(e.timestamp), e.actor.id, e.actor.role, "queued", 0, "[]")])

    @apply.register
    def _started(self, e: ReportStarted, tx: Tx) -> None:
        tx.execute("UPDATE rep_reports SET status = 'running', attempts = ?, started_at = ?,"
                   " version = ? WHERE report_id = ?",
                   (e.attempt, instant(e.at), e.originator_version, str(e.originator_id)))

    @apply.register
    def _completed(self, e: ReportCompleted, tx: Tx) -> None:
        files = json.dumps([dict(f) for f in e.files], ensure_ascii=False, sort_keys=True)
        tx.execute("UPDATE rep_reports SET status = 'done', finished_at = ?, log_position = ?,"
                   " figures_sha256 = ?, files = ?, version = ? WHERE report_id = ?",
                   (instant(e.at), e.position, e.figures_sha256, files, e.originator_version,
                    str(e.originator_id)))

    @apply.register
    def _failed(self, e: ReportFailed, tx: Tx) -> None:
        tx.execute("UPDATE rep_reports SET status = 'failed', finished_at = ?, failure = ?,"
                   " version = ? WHERE report_id = ?",
                   (instant(e.at), e.reason, e.originator_version, str(e.originator_id)))


def _decoded(row: Row) -> Row:
    return {**row, "files": json.loads(row["files"])}


def list_reports(tx: Tx, *, region_code: str | None = None, year: int | None = None,
                 quarter: int | None = None, status: str | None = None,
                 after: int | None = None, limit: int = 50) -> list[Row]:
    """Reports matching the filters in the order they were requested, after the cursor
    ``after`` (the ``position`` of the last row of the previous page). ``region_code`` is a
    division-code prefix of the reports' regions."""
    clauses: list[str] = []
    params: list[Any] = []
    if region_code:
        clauses.append(starts_with("region_code"))
        params.append(prefix(region_code))
    for column, value in (("year", year), ("quarter", quarter), ("status", status)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if after is not None:
        clauses.append("position > ?")
        params.append(after)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    rows = tx.execute(f"SELECT * FROM rep_reports{where} ORDER BY position LIMIT ?",
                      [*params, limit]).all()
    return [_decoded(row) for row in rows]


def latest_reports(tx: Tx, *, region_code: str | None = None, before: int | None = None,
                   limit: int = 20) -> list[Row]:
    """Reports of regions within the division-code prefix ``region_code``, the latest
    requested first, requested before the cursor ``before`` (the ``position`` of the last row
    of the previous page)."""
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    if region_code:
        clauses.append(starts_with("region_code"))
        params.append(prefix(region_code))
    if before is not None:
        clauses.append("position < ?")
        params.append(before)
    rows = tx.execute(f"SELECT * FROM rep_reports WHERE {' AND '.join(clauses)}"
                      " ORDER BY position DESC LIMIT ?", [*params, limit]).all()
    return [_decoded(row) for row in rows]


def previous_completed(tx: Tx, *, region_code: str, year: int, quarter: int,
                       known_before: datetime) -> Row | None:
    """The completed report of exactly this region and quarter known at the latest instant
    before ``known_before``, if any (what a new report's changes are explained against)."""
    row = tx.execute(
        "SELECT * FROM rep_reports WHERE region_code = ? AND year = ? AND quarter = ?"
        " AND status = 'done' AND known_at < ? ORDER BY known_at DESC, position DESC LIMIT 1",
        (region_code, year, quarter, instant(known_before))).one()
    return None if row is None else _decoded(row)


def stalled(tx: Tx, *, requested_before: datetime, started_before: datetime,
            limit: int = 100) -> list[Row]:
    """Reports with no outcome that should be under way by now: requested before
    ``requested_before`` with no attempt yet, or whose last attempt started before
    ``started_before`` (its worker presumed dead), oldest first."""
    rows = tx.execute(
        "SELECT * FROM rep_reports WHERE (status = 'queued' AND requested_at < ?)"
        " OR (status = 'running' AND started_at < ?) ORDER BY position LIMIT ?",
        (instant(requested_before), instant(started_before), limit)).all()
    return [_decoded(row) for row in rows]
