"""/reports: the quarterly report (季度报送), requested here and produced by the background workers.

``POST /reports`` records the request (``known_at`` fixed now, never later) and hands it to the
workers; ``GET /reports/{id}`` follows it (``queued``, ``running``, ``done``, ``failed``) and,
once done, gives the figures, the log position they were computed at, what changed since the
previous report of the same quarter, and links to the files (``.json``, ``.xlsx``, ``.docx``).

Scope: admin and auditors request and read every report; federation staff those of regions
within their division-code prefix (a request outside it is 403, a report outside it 404, as if
it did not exist); schools and volunteers may not (403).

If the broker is unreachable, the request is still recorded and answered 202 with
``dispatched: false``: the schedule's ``aixin.reports.requeue`` queues every report requested
with no attempt for ten minutes, once the broker is back. Nothing is lost and nothing is done
twice (a report already under way or done is left alone by the workers).
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from api.deps import AppSettings, Broker, Register, Views, admitting
from api.schemas.common import Page
from api.schemas.reports import (
    ActorOut,
    DefinitionChangedOut,
    FileOut,
    ReportIn,
    ReportListed,
    ReportOut,
    ReportQueued,
    ReportStatus,
    SubmissionOut,
)
from api.scope import caller_of, hidden
from api.security import Principal
from domain.access.policy import Listing, may_see_report, may_see_reports, narrow
from domain.application import ReportView
from domain.reports import ReportStatus as Status
from domain.reports import Submission, federation_of
from projections.places.names import place_names
from projections.registers.reports import ReportsRegister, latest_reports, list_reports
from projections.reports.store import CONTENT_TYPES, ReportStore
from storage.sql import Row

log = logging.getLogger(__name__)

router = APIRouter(prefix="/reports", tags=["reports"])
Reporter = Annotated[Principal, Depends(admitting(may_see_reports))]

#: Publishing gives up after about two seconds when the broker does not answer.
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5,
                  "interval_max": 1.0}


async def _reports(request: Request) -> ReportStore:
    return request.app.state.reports  # type: ignore[no-any-return]


Reports = Annotated[ReportStore, Depends(_reports)]


def _url(report_id: object) -> str:
    return f"/api/v1/reports/{report_id}"


def _files(report_id: object, files: Any) -> list[FileOut]:
    return [FileOut(**{key: f[key] for key in ("name", "content_type", "size", "sha256")},
                    url=f"{_url(report_id)}/files/{f['name']}") for f in files]


@router.post("", status_code=202, response_model=ReportQueued)
def request_report(body: ReportIn, caller: Reporter, register: Register, settings: AppSettings,
                   celery: Broker, response: Response, views: Views) -> ReportQueued:
    """Request a report of the quarter for the region, as known at ``known_at``, sent upward
    by ``reporting_unit`` (default: the region's federation) with its preparer and reviewer;
    the background workers produce it (follow the ``url``)."""
    if not may_see_report(caller_of(caller), body.region_code):
        raise HTTPException(status_code=403, detail=(
            "只能申请本辖区的报表（request reports of regions within yours）"))
    report_id = register.request_report(
        kind=body.kind, region_code=body.region_code, year=body.year, quarter=body.quarter,
        known_at=body.known_at, actor=caller.actor,
        escalate_after_days=int(getattr(settings, "reminder_escalation_days", 14)),
        submission=submission_of(body, views))
    dispatched = True
    try:
        celery.send_task("aixin.reports.generate", args=(str(report_id),), ignore_result=True,
                         retry=True, retry_policy=_PUBLISH_RETRY)
    except (KombuError, RedisError, OSError) as error:  # kombu wraps most in its own
        log.warning("report %s recorded but not queued (broker: %s); the schedule's requeue "
                    "will queue it", report_id, type(error).__name__)
        dispatched = False
    report = register.get_report(report_id)
    response.headers["Location"] = _url(report_id)
    return ReportQueued(id=report.id, kind=report.kind, region_code=report.region_code,
                        year=report.year, quarter=report.quarter, known_at=report.known_at,
                        dispatched=dispatched, url=_url(report_id))


@router.get("", response_model=Page[ReportListed])
def list_requested(
    caller: Reporter, views: Views,
    region_code: Annotated[str | None, Query(pattern=r"^\d{2,12}$", description=(
        "A division-code prefix: reports of regions within it."))] = None,
    year: Annotated[int | None, Query(ge=2000, le=9999)] = None,
    quarter: Annotated[int | None, Query(ge=1, le=4)] = None,
    status: ReportStatus | None = None,
    after: Annotated[int | None, Query(ge=0, le=2**63 - 1, description=(
        "The `next` of the page before."))] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ReportListed]:
    """Reports within your scope, in the order they were requested."""
    scoped = narrow(Listing(region_code=region_code), caller_of(caller))
    if scoped is None:
        return Page(items=[])
    with views.store.recorder(ReportsRegister).read() as tx:
        rows = list_reports(tx, region_code=scoped.region_code, year=year, quarter=quarter,
                            status=status, after=after, limit=limit)
    return Page(items=[_listed(row) for row in rows],
                next=str(rows[-1]["position"]) if len(rows) == limit else None)


def submission_of(body: ReportIn, views: Views) -> Submission:
    """The request's foot (报送单位, 填报人, 审核人, 填报日期), the unit defaulting to the
    region's federation by its name (钟祥市妇联)."""
    unit = body.reporting_unit
    if not unit:
        name = place_names(views).name(body.region_code)
        unit = federation_of(name) if name and name != body.region_code else ""
    return Submission(reporting_unit=unit, preparer=body.preparer,
                      preparer_phone=body.preparer_phone, reviewer=body.reviewer,
                      reviewer_phone=body.reviewer_phone, prepared_on=body.prepared_on)


def list_latest(caller: Principal, views: Views, before: int | None = None,
                limit: int = 20) -> Page[ReportListed]:
    """Reports within the caller's scope, the latest requested first (the console's list)."""
    scoped = narrow(Listing(region_code=None), caller_of(caller))
    if scoped is None:
        return Page(items=[])
    with views.store.recorder(ReportsRegister).read() as tx:
        rows = latest_reports(tx, region_code=scoped.region_code, before=before, limit=limit)
    return Page(items=[_listed(row) for row in rows],
                next=str(rows[-1]["position"]) if len(rows) == limit else None)


def download_name(region_name: str, year: int, quarter: int, name: str) -> str:
    """A report's file as a reader saves it: 钟祥市-2026年第4季度.xlsx (``name``: the stored
    file, 420881-2026Q4.xlsx, whose extension it keeps)."""
    return f"{region_name}-{year}年第{quarter}季度.{name.rsplit('.', 1)[-1]}"


def _disposition(stored: str, saved: str) -> str:
    """``attachment`` with the stored ASCII name, and the reader's name as RFC 6266's
    ``filename*`` (UTF-8, percent-encoded)."""
    return f"attachment; filename=\"{stored}\"; filename*=UTF-8''{quote(saved, safe='')}"


@router.get("/{report_id}", response_model=ReportOut)
def read_report(report_id: UUID, caller: Reporter, register: Register,
                reports: Reports) -> ReportOut:
    """The report's status and, once done, its figures, log position, changes and files."""
    report = _report(register, caller, report_id)
    figures = changes = None
    if report.status is Status.DONE:
        stored = reports.get(report_id)
        content = reports.figures(report_id)
        if stored is not None and content is not None:
            figures, changes = json.loads(content), stored.changes
    sent = report.submission
    return ReportOut(**_common(report), submission=SubmissionOut(
        reporting_unit=sent.reporting_unit, preparer=sent.preparer,
        preparer_phone=sent.preparer_phone, reviewer=sent.reviewer,
        reviewer_phone=sent.reviewer_phone, prepared_on=sent.prepared_on or report.requested_on),
                     escalate_after_days=report.escalate_after_days,
                     requested_on=report.requested_on, started_at=report.started_at,
                     figures=figures, changes=changes,
                     definitions_changed=[DefinitionChangedOut.model_validate(change)
                                          for change in report.definitions_changed])


@router.get("/{report_id}/files/{name}", response_class=Response, responses={
    200: {"description": "The file.", "content": {kind: {} for kind in CONTENT_TYPES.values()}}})
def read_file(report_id: UUID, name: str, caller: Reporter, register: Register,
              reports: Reports, views: Views) -> Response:
    """One of the report's files: the figures (.json), the workbook (.xlsx) or the
    narrative (.docx), saved as 钟祥市-2026年第4季度.xlsx."""
    report = _report(register, caller, report_id)
    listed = {f["name"]: f for f in report.files}
    found = reports.file(report_id, name) if name in listed else None
    if found is None:
        raise hidden("file", name)
    stored, content = found
    saved = download_name(place_names(views).name(report.region_code), report.year,
                          report.quarter, stored.name)
    return Response(content=content, media_type=stored.content_type, headers={
        "Content-Disposition": _disposition(stored.name, saved),
        "ETag": f'"{stored.sha256}"'})


def _report(register: Register, caller: Principal, report_id: UUID) -> ReportView:
    report = register.get_report(report_id)
    if not may_see_report(caller_of(caller), report.region_code):
        raise hidden("report", report_id)
    return report


def _common(report: ReportView) -> dict[str, Any]:
    return {
        "id": report.id, "kind": report.kind, "region_code": report.region_code,
        "year": report.year, "quarter": report.quarter, "known_at": report.known_at,
        "status": report.status.value, "requested_at": report.requested_at,
        "requested_by": ActorOut(id=report.requested_by.id, role=report.requested_by.role),
        "attempts": report.attempts, "finished_at": report.finished_at,
        "position": report.position, "figures_sha256": report.figures_sha256,
        "failure": report.failure, "files": _files(report.id, report.files),
        "url": _url(report.id)}


def _listed(row: Row) -> ReportListed:
    return ReportListed(
        id=row["report_id"], kind=row["kind"], region_code=row["region_code"], year=row["year"],
        quarter=row["quarter"], known_at=row["known_at"], status=row["status"],
        requested_at=row["requested_at"],
        requested_by=ActorOut(id=row["requested_by"], role=row["requested_role"]),
        attempts=row["attempts"], finished_at=row["finished_at"],
        position=row["log_position"], figures_sha256=row["figures_sha256"],
        failure=row["failure"], files=_files(row["report_id"], row["files"]),
        url=_url(row["report_id"]))
