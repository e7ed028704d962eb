"""Producing a quarterly report (季度报送), step by step, whatever runs the steps.

The Celery tasks (:mod:`workers.reports.tasks`) run these steps in worker processes, fanned
out as a chord; tests and small regions run them in one process (:func:`produce`).

1. :func:`begin`: claim an attempt (``ReportStarted``; None if the report is settled or an
   attempt is under way), catch the facts view up, and split the region's townships (乡镇)
   into groups (:func:`group_size`: ``townships_per_task`` each at least, ``parts`` groups at
   most): the :class:`Plan`.
2. :func:`compute_part`: one group's figures, as known at the report's ``known_at``, and the
   facts view's log position they were read at.
3. :func:`finish`: combine the parts (exactly the figures of one computation over the whole
   region), explain what changed since the previous completed report of the same region and
   quarter (which figures moved, and which late records moved them), render the .xlsx and
   .docx with who sends them (报送单位, 填报人, 审核人, 填报日期),
   store them once beside the log, and record ``ReportCompleted`` with the log position
   (the highest of the parts') and the files' digests.

Every step can be repeated: a re-delivered part computes the same figures (everything is read
as known at the report's fixed instant), the results are stored once (the first stored stand),
and completing a completed report records nothing.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

from domain.application import CareRegister, ReportView
from domain.common import SYSTEM
from domain.errors import StaleVersion
from domain.reports import ReportStatus
from domain.texts import plain
from projections.places.names import place_names
from projections.places.register import PlacesRegister
from projections.registers.reports import ReportsRegister, previous_completed
from projections.reports import ReportFacts, combine, compute_figures, explain_changes, to_json
from projections.reports import townships as townships_of
from projections.reports.school_places import added, place_schools, school_counts
from projections.reports.scope import known_at_instant
from projections.reports.store import ReportStore, StoredReport
from projections.runner import ViewRunner
from workers.reports.files import docx_bytes, file_stem, xlsx_bytes
from workers.reports.lease import ReportLeases

log = logging.getLogger(__name__)

#: How long an attempt holds its report without a sign of life (``AIXIN_REPORT_LEASE``): the
#: tasks working for it renew it every third of that while they run (``workers.reports.lease``);
#: an attempt silent for longer is presumed dead (its worker killed) and the report is taken
#: over by a new attempt.
LEASE = timedelta(minutes=3)
#: A report requested this long ago with no attempt is queued again (the broker was down).
QUEUED_GRACE = timedelta(minutes=10)

#: Errors worth retrying: the database or the broker briefly unreachable, a lock timeout, a
#: concurrent change. Anything else (a bug, bad data) would fail the same way again.
TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError, InterfaceError, psycopg.OperationalError, sqlite3.OperationalError,
    ConnectionError, TimeoutError, StaleVersion)


@dataclass
class Reporting:
    """What producing reports works with: the register, the read side, the results store."""

    register: CareRegister
    views: ViewRunner
    results: ReportStore
    townships_per_task: int = 25
    #: At most this many parts a report (``AIXIN_REPORT_PARTS``).
    parts: int = 16
    lease: timedelta = LEASE
    _leases: ReportLeases | None = field(default=None, init=False, repr=False)

    @property
    def leases(self) -> ReportLeases:
        """The reports' leases, beside the produced reports (made on first use)."""
        if self._leases is None:
            self._leases = ReportLeases(self.results.datastore,
                                        seconds=self.lease.total_seconds())
        return self._leases


@dataclass(frozen=True)
class Plan:
    """An attempt at a report: what every part computes, and the groups of townships."""

    report_id: str
    attempt: int
    spec: dict[str, Any]
    groups: list[list[str]]


def spec_of(report: ReportView, position: int, attempt: int = 0) -> dict[str, Any]:
    """What a part needs to compute (JSON values, for the task messages). Schools'
    enrolment is read with the other facts, as known at the report's instant."""
    return {"report_id": str(report.id), "attempt": attempt, "region_code": report.region_code,
            "year": report.year, "quarter": report.quarter,
            "known_at": report.known_at.isoformat(),
            "escalate_after_days": report.escalate_after_days, "position": position}


def claim(ctx: Reporting, report_id: UUID, *, attempt: int | None = None,
          holder: str | None = None) -> int | None:
    """Claim an attempt at the report: its number, or None if there is nothing to do (settled,
    or another attempt alive: its lease is held). ``attempt``: the attempt a retried task
    continues while it is the report's latest; ``holder``: who takes the lease (a task's id,
    the same across its retries)."""
    holder = holder or uuid4().hex
    report = ctx.register.get_report(report_id)
    if report.status in (ReportStatus.DONE, ReportStatus.FAILED):
        return None
    if (attempt is not None and report.status is ReportStatus.RUNNING
            and report.attempts == attempt):
        return attempt if ctx.leases.take(report_id, attempt=attempt, holder=holder) else None
    upcoming = report.attempts + 1
    if not ctx.leases.take(report_id, attempt=upcoming, holder=holder):
        return None
    # The lease decides whether the last attempt is alive, so the log records the new one.
    started = ctx.register.start_report(report_id, lease=timedelta(0), actor=SYSTEM)
    if started is None:
        ctx.leases.release(report_id, attempt=upcoming)
    elif started != upcoming:
        ctx.leases.moved(report_id, holder=holder, attempt=started)
    return started


def plan(ctx: Reporting, report_id: UUID, attempt: int) -> Plan:
    """Catch the facts view up and split the region's townships into the parts' groups
    (:func:`group_size`)."""
    report = ctx.register.get_report(report_id)
    ctx.views.catch_up(ReportFacts)
    position = ctx.views.position(ReportFacts)
    with ctx.views.store.recorder(ReportFacts).read() as tx:
        codes = townships_of(tx, report.region_code, report.known_at)
    size = group_size(len(codes), ctx.townships_per_task, ctx.parts)
    groups = [codes[i:i + size] for i in range(0, len(codes), size)]
    log.info("report %s attempt %d: %d townships in %d parts", report_id, attempt, len(codes),
             len(groups))
    return Plan(str(report_id), attempt, spec_of(report, position, attempt),
                groups)


def group_size(townships: int, townships_per_task: int, parts: int) -> int:
    """Townships per part: ``townships_per_task`` at least, and enough that the region makes
    ``parts`` parts at most.

    A part costs a fixed few milliseconds (its task's messages, its lease, its queries'
    planning) against seconds of counting, so a region is split finely: worker processes
    that each take the next part as they finish one end together, where a few large parts
    leave one process waiting for another's last (townships differ in their facts: the
    county's own code holds every volunteer registered at county level)."""
    size = max(1, townships_per_task)
    return max(size, -(-townships // max(1, parts)))


def begin(ctx: Reporting, report_id: UUID) -> Plan | None:
    """Claim an attempt and plan it; None if there is nothing to do."""
    attempt = claim(ctx, report_id)
    return None if attempt is None else plan(ctx, report_id, attempt)


def compute_part(ctx: Reporting, spec: dict[str, Any],
                 townships: Sequence[str] | None) -> dict[str, Any]:
    """The figures of the townships (None: the whole region) as known at the report's
    instant, and the facts view's log position they were read at."""
    if ctx.views.position(ReportFacts) < spec["position"]:
        ctx.views.catch_up(ReportFacts)  # a view behind the planning worker's (a rebuild)
    position = ctx.views.position(ReportFacts)
    with ctx.views.store.recorder(ReportFacts).read() as tx:
        figures = compute_figures(
            tx, spec["region_code"], spec["year"], spec["quarter"],
            datetime.fromisoformat(spec["known_at"]),
            None if townships is None else list(townships),
            programme=ctx.register.programme,
            escalate_after_days=spec["escalate_after_days"])
        schools = school_counts(tx, spec["region_code"],
                                known_at_instant(datetime.fromisoformat(spec["known_at"])),
                                None if townships is None else list(townships))
    return {"figures": figures, "position": position, "schools": schools}


def finish(ctx: Reporting, report_id: UUID, parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Combine, explain, render, store and record the report (once); returns a summary."""
    report = ctx.register.get_report(report_id)
    if report.status in (ReportStatus.DONE, ReportStatus.FAILED):
        return summary(report)
    if any(part.get("skipped") for part in parts):
        return summary(report)  # a part found the report settled (failed) meanwhile
    figures = (parts[0]["figures"] if len(parts) == 1 and parts[0]["figures"]["meta"][
        "townships"] is None else combine([part["figures"] for part in parts]))
    position = max(int(part["position"]) for part in parts)
    changes = explain(ctx, report, figures)
    stem = file_stem(figures)
    schools = schools_placed(ctx, figures, parts)
    places = place_names_of(ctx, figures, changes, schools)
    sent = replace(report.submission,
                   prepared_on=report.submission.prepared_on or report.requested_on)
    files = {f"{stem}.json": to_json(figures),
             f"{stem}.xlsx": xlsx_bytes(figures, changes, places, sent, schools),
             f"{stem}.docx": docx_bytes(figures, changes, places, sent, schools)}
    stored = ctx.results.put(report_id, position=position, figures_name=f"{stem}.json",
                             files=files, changes=changes)
    record_completion(ctx, report_id, stored)
    ctx.leases.release(report_id)
    return summary(ctx.register.get_report(report_id))


def schools_placed(ctx: Reporting, figures: Mapping[str, Any],
                   parts: Sequence[Mapping[str, Any]] = ()) -> dict[str, str]:
    """The township of each of the report's schools, as known at the report's instant: from
    the pupils the parts counted in their own townships (a part from a worker that did not
    count them has the region's counted here)."""
    meta = figures["meta"]
    known_at = known_at_instant(datetime.fromisoformat(meta["known_at"]))
    with ctx.views.store.recorder(ReportFacts).read() as tx:
        counted = (added(part["schools"] for part in parts)
                   if parts and all("schools" in part for part in parts)
                   else school_counts(tx, meta["region_code"], known_at))
        return place_schools(tx, meta["region_code"], known_at, figures["schools"], counted)


def place_names_of(ctx: Reporting, figures: Mapping[str, Any],
                   changes: Mapping[str, Any] | None,
                   schools: Mapping[str, str] | None = None) -> dict[str, str]:
    """The names of the places the files show (the region, its townships, those of the late
    records and of the schools), from the national list and the programme's register of
    places."""
    codes = {figures["meta"]["region_code"], *figures["townships"],
             *(event["township"] for event in (changes or {}).get("events", ())),
             *(schools or {}).values()}
    ctx.views.catch_up(PlacesRegister)
    return place_names(ctx.views).names(code for code in codes if code)


def record_completion(ctx: Reporting, report_id: UUID, stored: StoredReport) -> bool:
    """Record ``ReportCompleted`` for what is stored; False if the report was settled."""
    return ctx.register.complete_report(
        report_id, position=stored.position, figures_sha256=stored.figures_sha256,
        files=tuple(f.as_dict() for f in stored.files), actor=SYSTEM)


def explain(ctx: Reporting, report: ReportView, figures: dict[str, Any]) -> dict[str, Any] | None:
    """What changed since the previous completed report of the same region and quarter (known
    at an earlier instant), and which late records changed it; None if there is none."""
    ctx.views.catch_up(ReportsRegister)
    with ctx.views.store.recorder(ReportsRegister).read() as tx:
        previous = previous_completed(tx, region_code=report.region_code, year=report.year,
                                      quarter=report.quarter, known_before=report.known_at)
    if previous is None:
        return None
    earlier = ctx.results.figures(UUID(previous["report_id"]))
    if earlier is None:
        return None
    with ctx.views.store.recorder(ReportFacts).read() as tx:
        changes = explain_changes(tx, json.loads(earlier), figures)
    return {"previous_report_id": previous["report_id"], **changes}


def record_failure(ctx: Reporting, report_id: UUID, error: BaseException | str) -> bool:
    """Record ``ReportFailed`` with what went wrong (the error's kind and message); False if
    the report was settled already."""
    reason = plain(error if isinstance(error, str) else f"{type(error).__name__}: {error}")
    log.warning("report %s failed: %s", report_id, reason)
    recorded = ctx.register.fail_report(report_id, reason=reason, actor=SYSTEM)
    ctx.leases.release(report_id)
    return recorded


def settled(ctx: Reporting, report_id: UUID) -> bool:
    return ctx.register.get_report(report_id).status in (ReportStatus.DONE,
                                                          ReportStatus.FAILED)


def produce(ctx: Reporting, report_id: UUID) -> dict[str, Any]:
    """The whole report in this process: the plan's parts one after another, then the
    finish. A part or finish that fails records the failure and re-raises."""
    plan = begin(ctx, report_id)
    if plan is None:
        return summary(ctx.register.get_report(report_id))
    try:
        with ctx.leases.kept(report_id, plan.attempt):
            parts = ([compute_part(ctx, plan.spec, group) for group in plan.groups]
                     if len(plan.groups) > 1 else [compute_part(ctx, plan.spec, None)])
            return finish(ctx, report_id, parts)
    except Exception as error:
        record_failure(ctx, report_id, error)
        raise


def summary(report: ReportView) -> dict[str, Any]:
    return {"report_id": str(report.id), "status": report.status.value,
            "attempts": report.attempts, "position": report.position,
            "figures_sha256": report.figures_sha256}
