"""The console's reports (季度报送): request one, watch it being produced, read its figures
with coverage and compliance charts, download its files, and compare two runs of a quarter.

Requests and reads go through the API's own report routes (as plain functions), so scope,
dispatch to the workers and what is recorded are the same as over HTTP.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from api.console.charts import Bar, share_bars
from api.console.pages import not_found, page, redirect, render
from api.console.place_filters import names_for
from api.console.session import ConsoleCaller, Refused, check_csrf
from api.deps import AppSettings, Register, Views
from api.routes import reports as api_reports
from api.schemas.reports import ReportIn, ReportOut
from api.scope import caller_of
from api.security import Principal
from domain.access.policy import may_see_reports
from domain.duties import duty_title
from domain.errors import DomainError, InvalidRecord, NotFound
from projections.places.names import PlaceNames
from projections.reports import ReportFacts, explain_changes
from projections.reports.store import CONTENT_TYPES

router = APIRouter(responses={403: page(
    "Not an admin, federation or auditor account, or (a form) the CSRF token is not the "
    "browser's: a page saying so.")})


def _reporter(caller: ConsoleCaller) -> Principal:
    """Admin, federation staff and auditors, as ``/reports`` (403 for the others)."""
    if not may_see_reports(caller_of(caller)):
        raise Refused(403, "只有管理员、妇联和督导/审计人员可以查看季度报表")
    return caller


Reporter = Annotated[Principal, Depends(_reporter)]


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, caller: Reporter, views: Views, register: Register,
            after: int | None = None) -> HTMLResponse:
    """Reports within the caller's scope, and the form to request one."""
    page = api_reports.list_requested(caller, views, region_code=None, year=None,
                                      quarter=None, status=None, after=after, limit=20)
    today = register.today()
    last = (today.month - 1) // 3 or 4
    return render(request, "reports.html", caller, page=page, error=None, form={
        "region_code": caller.scope.region_code or "",
        "year": today.year if last != 4 or today.month > 3 else today.year - 1,
        "quarter": last})


@router.post("/reports", status_code=303, response_class=RedirectResponse, responses={
    303: redirect("Requested: to the report's page, to watch it being produced."),
    422: page("A field of the form is wrong, or the region is outside yours: the form "
              "again, saying which.")})
def request_report(request: Request, caller: Reporter, register: Register, views: Views,
                   settings: AppSettings, region_code: Annotated[str, Form()],
                   year: Annotated[str, Form()], quarter: Annotated[str, Form()],
                   csrf: Annotated[str, Form()] = "") -> Response:
    """Request a quarterly report; then watch it on its page."""
    check_csrf(request, csrf)
    form = {"region_code": region_code, "year": year, "quarter": quarter}
    try:
        body = ReportIn(kind="quarterly", region_code=region_code.strip(),
                        year=int(year) if year.isdigit() else year,  # type: ignore[arg-type]
                        quarter=int(quarter) if quarter.isdigit() else quarter)  # type: ignore[arg-type]
        queued = api_reports.request_report(body, caller, register, settings,
                                            request.app.state.celery, Response())
    except ValidationError as error:
        fields = "、".join(_FIELDS.get(str(e["loc"][0]), str(e["loc"][0]))
                          for e in error.errors())
        return _form_again(request, caller, views, form, f"请检查：{fields}")
    except HTTPException as error:
        return _form_again(request, caller, views, form, "不能申请本辖区以外的报表"
                           if error.status_code == 403 else str(error.detail))
    except DomainError as error:  # a rule of the report (a quarter not begun): its words
        return _form_again(request, caller, views, form,
                           error.reason if isinstance(error, InvalidRecord) else error.message)
    return RedirectResponse(f"/console/reports/{queued.id}", status_code=303)


_FIELDS = {"region_code": "行政区划代码（2 至 12 位数字）", "year": "年份",
           "quarter": "季度（1 至 4）"}


def _form_again(request: Request, caller: Principal, views: Views, form: dict[str, str],
                error: str) -> HTMLResponse:
    page = api_reports.list_requested(caller, views, region_code=None, year=None,
                                      quarter=None, status=None, after=None, limit=20)
    return render(request, "reports.html", caller, status_code=422, page=page, form=form,
                  error=error)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: UUID, caller: Reporter, register: Register,
                views: Views) -> HTMLResponse:
    """The report's progress, figures, charts, changes since the last run, and files."""
    try:
        report = api_reports.read_report(report_id, caller, register,
                                         request.app.state.reports)
    except NotFound:
        return not_found(request, caller, "报表")
    runs = api_reports.list_requested(caller, views, region_code=report.region_code,
                                      year=report.year, quarter=report.quarter,
                                      status="done", after=None, limit=50)
    others = [run for run in runs.items
              if run.id != report.id and run.region_code == report.region_code]
    return render(request, "report.html", caller, report=report, others=others,
                  charts=_charts(report, names_for(request)),
                  totals=(report.figures or {}).get("totals", {}))


def _charts(report: ReportOut, places: PlaceNames) -> list[Markup]:
    """Coverage by township, and compliance by duty and by township (inline SVG), townships
    by name."""
    if not report.figures:
        return []
    totals, townships = report.figures["totals"], report.figures.get("townships") or {}
    coverage = [Bar(places.name(code), unit["pairing_coverage"] or 0.0,
                    f"{unit['left_behind_paired']}/{unit['left_behind']}")
                for code, unit in sorted(townships.items()) if unit["left_behind"]]
    duties = [Bar(duty_title(name), counts["compliance_rate"] or 0.0,
                  f"{counts['periods_met']}/{counts['periods_due']}")
              for name, counts in sorted(totals["duties"].items()) if counts["periods_due"]]
    by_township = [Bar(places.name(code), unit["duty_compliance"] or 0.0,
                       f"{unit['duties_periods_met']}/{unit['duties_periods_due']}")
                   for code, unit in sorted(townships.items()) if unit["duties_periods_due"]]
    return [share_bars("各乡镇结对覆盖率", coverage), share_bars("各项职责履职率", duties),
            share_bars("各乡镇履职率", by_township)]


@router.get("/reports/{report_id}/compare/{other_id}", response_class=HTMLResponse,
            responses={422: page("The two are not runs of the same region and quarter that "
                                 "are both done: a page saying so.")})
def compare(request: Request, report_id: UUID, other_id: UUID, caller: Reporter,
            register: Register, views: Views) -> HTMLResponse:
    """What changed between two runs of the same quarter, and the late records that did it."""
    store = request.app.state.reports
    try:
        runs = sorted((api_reports.read_report(i, caller, register, store)
                       for i in (report_id, other_id)), key=lambda r: r.known_at)
    except NotFound:
        return not_found(request, caller, "报表")
    earlier, later = runs
    if earlier.figures is None or later.figures is None or (
            earlier.region_code, earlier.year, earlier.quarter) != (
            later.region_code, later.year, later.quarter):
        raise Refused(422, "只能比较同一地区、同一季度、都已完成的两次报表")
    with views.store.recorder(ReportFacts).read() as tx:
        changes = explain_changes(tx, earlier.figures, later.figures)
    return render(request, "compare.html", caller, earlier=earlier, later=later,
                  changes=changes, report_id=report_id)


@router.get("/reports/{report_id}/files/{name}", response_class=Response, responses={
    200: {"description": "The file.",
          "content": {kind: {} for kind in CONTENT_TYPES.values()}}})
def download(request: Request, report_id: UUID, name: str, caller: Reporter,
             register: Register) -> Response:
    """One of the report's files (.xlsx, .docx, .json), as ``GET /reports/{id}/files/{name}``."""
    try:
        return api_reports.read_file(report_id, name, caller, register,
                                     request.app.state.reports)
    except NotFound:
        return not_found(request, caller, "文件")

