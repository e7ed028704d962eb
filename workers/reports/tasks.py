"""Report tasks (queue ``reports``): the quarterly report (季度报送), fanned out over townships.

- ``aixin.reports.generate(report_id)``: queued by ``POST /reports``, by the schedule and by
  ``requeue``. Claims an attempt (a settled report, or one with an attempt under way, is left
  alone: nothing is computed twice), catches the facts view up, and either computes a small
  region in this task or fans out as a chord: one ``aixin.reports.part`` per group of
  townships, then ``aixin.reports.combine``: ``report_parts`` groups at most, of
  ``report_townships_per_task`` townships at least (see
  :func:`workers.reports.generation.group_size`).
- ``aixin.reports.part(spec, townships)``: one group's figures as known at the report's instant.
- ``aixin.reports.combine(parts, report_id)``: the chord's callback; see
  :func:`workers.reports.generation.finish`.
- ``aixin.reports.quarter_turned(on=None)``: run by the schedule at each quarter's turn:
  requests the scheduled report of every ``AIXIN_REPORT_REGIONS`` prefix for the quarter just
  ended (its id derived from region and quarter, so two beats record it once) and queues it.
- ``aixin.reports.requeue()``: run by the schedule every half lease (``AIXIN_REPORT_LEASE``):
  queues again reports requested with no attempt for a while (the broker was down when they
  were requested) and reports whose attempt's lease has run out (their worker died). Every
  task working for an attempt renews its lease while it runs (``workers.reports.lease``).

Failures: a transient error (database or broker unreachable, lock timeout) is retried with
exponential backoff (5 s doubling to 5 minutes, 6 retries, far below the Redis visibility
timeout); any other error, or retries exhausted, records ``ReportFailed`` with the error, so no
failure is lost. A chord whose part dies in a way no task catches calls ``chord_failed``.
"""

from __future__ import annotations

import logging
import threading
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from celery import Task, chord, shared_task
from celery.result import AsyncResult
from celery.signals import worker_process_shutdown
from kombu.exceptions import OperationalError as BrokerError
from kombu.utils.uuid import uuid as task_id

from aixin.bootstrap import build_report_store
from domain.common import SYSTEM
from domain.reminders import ESCALATION_DAYS
from domain.reports import Quarter
from projections.registers.reports import ReportsRegister, stalled
from workers.context import services
from workers.reports.generation import (
    QUEUED_GRACE,
    TRANSIENT,
    Reporting,
    claim,
    compute_part,
    finish,
    plan,
    record_failure,
    settled,
    summary,
)

RETRIES = 6
RETRY_BASE = 5  # seconds before the first retry, doubling
RETRY_MAX = 300

#: Queuing the parts may also meet the broker briefly down.
_TRANSIENT_OR_BROKER: tuple[type[BaseException], ...] = (*TRANSIENT, BrokerError)

log = logging.getLogger(__name__)
_lock = threading.Lock()
_reporting: Reporting | None = None


def reporting() -> Reporting:
    """This worker process's register, views and report store, built once."""
    global _reporting
    with _lock:
        if _reporting is None:
            running = services()
            _reporting = Reporting(
                running.register, running.views, build_report_store(running.settings),
                townships_per_task=running.settings.report_townships_per_task,
                parts=running.settings.report_parts,
                lease=timedelta(seconds=running.settings.report_lease))
        return _reporting


@worker_process_shutdown.connect
def close_report_store(**_: Any) -> None:
    global _reporting
    with _lock:
        if _reporting is not None:
            _reporting.results.close()
            _reporting = None


def escalate_after_days() -> int:
    """The reminders' escalation threshold (逾期上报时限), which the report counts against."""
    return int(getattr(services().settings, "reminder_escalation_days", ESCALATION_DAYS))


def backoff(retries: int) -> float:
    return float(min(RETRY_BASE * 2 ** retries, RETRY_MAX))


def _transient(task: Task, report_id: str, error: BaseException,
               args: tuple[Any, ...] | None = None) -> dict[str, Any]:
    """Retry after a transient error; once retries are exhausted, record the failure."""
    if task.request.retries < RETRIES:
        raise task.retry(args=args, kwargs={} if args is not None else None, exc=error,
                         countdown=backoff(task.request.retries), max_retries=RETRIES)
    record_failure(reporting(), UUID(report_id), f"gave up after {RETRIES} retries: "
                   f"{type(error).__name__}: {error}")
    return {"report_id": report_id, "status": "failed"}


@shared_task(name="aixin.reports.generate", bind=True, acks_late=True, ignore_result=True)
def generate(self: Task, report_id: str, attempt: int | None = None) -> dict[str, Any]:
    """Produce the report, in this task or fanned out over the townships. ``attempt``: the
    attempt a retry of this task continues."""
    key = UUID(report_id)
    claimed = attempt
    try:
        ctx = reporting()
        claimed = claim(ctx, key, attempt=attempt, holder=self.request.id)
        if claimed is None:
            return summary(ctx.register.get_report(key))
        with ctx.leases.kept(key, claimed):
            planned = plan(ctx, key, claimed)
            if len(planned.groups) <= 1:  # a small region: no fan-out
                return finish(ctx, key, [compute_part(ctx, planned.spec, None)])
            ids = [task_id() for _ in planned.groups]
            body = combine.s(report_id=report_id, part_ids=ids, attempt=claimed).on_error(
                chord_failed.s(report_id=report_id))
            chord([part.s(planned.spec, group).set(task_id=part_id)
                   for part_id, group in zip(ids, planned.groups, strict=True)])(body)
        return {"report_id": report_id, "status": "running", "attempt": claimed,
                "parts": len(planned.groups)}
    except _TRANSIENT_OR_BROKER as error:
        return _transient(self, report_id, error, args=(report_id, claimed))
    except Exception as error:
        record_failure(reporting(), key, error)
        return {"report_id": report_id, "status": "failed"}


@shared_task(name="aixin.reports.part", bind=True, acks_late=True)
def part(self: Task, spec: dict[str, Any], townships: list[str]) -> dict[str, Any]:
    """One group of townships' figures; ``{"skipped": True}`` if the report is settled."""
    report_id = spec["report_id"]
    try:
        ctx = reporting()
        if settled(ctx, UUID(report_id)):
            return {"skipped": True}
        with ctx.leases.kept(UUID(report_id), int(spec.get("attempt", 0))):
            return compute_part(ctx, spec, townships)
    except TRANSIENT as error:
        _transient(self, report_id, error)
        return {"skipped": True}
    except Exception as error:
        record_failure(reporting(), UUID(report_id), error)
        return {"skipped": True}


@shared_task(name="aixin.reports.combine", bind=True, acks_late=True)
def combine(self: Task, parts: list[dict[str, Any]], report_id: str,
            part_ids: list[str] | None = None, attempt: int = 0) -> dict[str, Any]:
    """The chord's callback: combine the parts, render, store and record the report; then
    forget the parts' results (the figures are stored, the result backend need not keep
    them for a week)."""
    try:
        ctx = reporting()
        with ctx.leases.kept(UUID(report_id), attempt):
            outcome = finish(ctx, UUID(report_id), parts)
        for key in part_ids or ():
            try:
                AsyncResult(key, app=self.app).forget()
            except Exception:  # best effort: they expire anyway
                break
        return outcome
    except TRANSIENT as error:
        return _transient(self, report_id, error)
    except Exception as error:
        record_failure(reporting(), UUID(report_id), error)
        return {"report_id": report_id, "status": "failed"}


@shared_task(name="aixin.reports.chord_failed", acks_late=True, ignore_result=True)
def chord_failed(request: Any, exc: BaseException, traceback: Any, report_id: str) -> None:
    """A part or the callback failed in a way the tasks did not record: record it."""
    record_failure(reporting(), UUID(report_id), f"the report's tasks failed: {exc!r}")


#: The schedule's tasks retry a transient error themselves: the quarter's tick comes once.
_SCHEDULED = {"acks_late": True, "autoretry_for": TRANSIENT, "max_retries": RETRIES,
              "retry_backoff": RETRY_BASE, "retry_backoff_max": RETRY_MAX}


@shared_task(name="aixin.reports.quarter_turned", **_SCHEDULED)
def quarter_turned(on: str | None = None) -> dict[str, Any]:
    """Request and queue the scheduled report of every configured region for the quarter
    that ended before ``on``'s quarter began (default: today, programme time)."""
    ctx = reporting()
    settings = services().settings
    day = date.fromisoformat(on) if on else ctx.register.today()
    ended = Quarter.before(day)
    year, quarter = ended.year, ended.number
    requested: list[str] = []
    already: list[str] = []
    for region in settings.report_regions:
        report_id, recorded = ctx.register.request_scheduled_report(
            region_code=region, year=year, quarter=quarter, actor=SYSTEM,
            escalate_after_days=escalate_after_days())
        (requested if recorded else already).append(str(report_id))
        if recorded:
            generate.apply_async((str(report_id),))
    return {"year": year, "quarter": quarter, "requested": requested, "already": already}


@shared_task(name="aixin.reports.requeue", **_SCHEDULED)
def requeue() -> dict[str, Any]:
    """Queue again the reports that should be under way and show no sign of it: requested
    a while ago with no attempt, or whose attempt's lease has run out (its worker died)."""
    ctx = reporting()
    ctx.views.catch_up(ReportsRegister)
    now = ctx.register.now()
    with ctx.views.store.recorder(ReportsRegister).read() as tx:
        rows = stalled(tx, requested_before=now - QUEUED_GRACE, started_before=now,
                       limit=1000)
    silent = ctx.leases.running_out([row["report_id"] for row in rows
                                     if row["status"] == "running"])
    due = [row["report_id"] for row in rows
           if row["status"] == "queued" or row["report_id"] in silent]
    for report_id in due:
        generate.apply_async((report_id,))
    return {"queued": due}
