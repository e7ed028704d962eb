"""The console's reports (季度报送): request one, watch it being produced, read its figures
with coverage and compliance charts, download its files, and compare two runs of a quarter.

Requests and reads go through the API's own report routes (as plain functions), so scope,
dispatch to the workers and what is recorded are the same as over HTTP.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from api.console.charts import Bar, share_bars
from api.console.gates import admitting
from api.console.pages import not_found, page, redirect, render
from api.console.place_filters import choices as choices_for
from api.console.place_filters import names_for
from api.console.session import Refused, check_csrf
from api.deps import AppSettings, Register, Views
from api.routes import reports as api_reports
from api.schemas.reports import ReportIn, ReportOut
from api.scope import caller_of
from api.security import Principal
from domain.access.policy import may_audit, may_see_reports
from domain.duties import duty_title
from domain.errors import DomainError, InvalidRecord, NotFound
from domain.reports.definitions import breakdown_word
from projections.places.names import PlaceNames
from projections.reports import ReportFacts, explain_changes
from projections.reports.quarterly import counties
from projections.reports.store import CONTENT_TYPES

router = APIRouter(responses={403: page(
    "Not an admin, federation or auditor account, or (a form) the CSRF token is not the "
    "browser's: a page saying so.")})


Reporter = Annotated[Principal, admitting(
    may_see_reports, "只有管理员、妇联和督导/审计人员可以查看季度报表")]


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, caller: Reporter, views: Views, register: Register,
            before: int | None = None) -> HTMLResponse:
    """Reports within the caller's scope, the latest first, and the form to request one."""
    today = register.today()
    last = (today.month - 1) // 3 or 4
    return _reports_page(request, caller, views, before, None, {
        "region_code": caller.scope.region_code or "",
        "year": today.year if last != 4 or today.month > 3 else today.year - 1,
        "quarter": last})


def _reports_page(request: Request, caller: Principal, views: Views, before: int | None,
                  error: str | None, form: dict[str, Any]) -> HTMLResponse:
    """The list of reports (the latest first, each file by the name it is saved as) and the
    form, the region chosen by name: the caller's own region (for the admin, the counties with
    children or volunteers, of the places named and of the reports listed), or a township or
    village in it."""
    page = api_reports.list_latest(caller, views, before=before)
    places = names_for(request)
    choices = choices_for(views, caller.scope.region_code)
    scope = caller.scope.region_code
    if scope:
        regions = [scope]
    else:
        with views.store.recorder(ReportFacts).read() as tx:
            known = counties(tx)
        regions = sorted({*known, *(t.code[:6] for t in choices),
                          *(item.region_code for item in page.items)})
    saved = {item.id: {f.name: api_reports.download_name(
        places.name(item.region_code), item.year, item.quarter, f.name) for f in item.files}
        for item in page.items}
    return render(request, "reports.html", caller, status_code=422 if error else 200,
                  page=page, form=form, error=error, saved=saved, places=choices,
                  regions=[{"code": code, "name": places.name(code)} for code in regions])


@router.post("/reports", status_code=303, response_class=RedirectResponse, responses={
    303: redirect("Requested: to the report's page, to watch it being produced."),
    422: page("A field of the form is wrong, or the region is outside yours: the form "
              "again, saying which.")})
def request_report(request: Request, caller: Reporter, register: Register, views: Views,
                   settings: AppSettings, region_code: Annotated[str, Form()],
                   year: Annotated[str, Form()], quarter: Annotated[str, Form()],
                   csrf: Annotated[str, Form()] = "",
                   reporting_unit: Annotated[str, Form(max_length=100)] = "",
                   preparer: Annotated[str, Form(max_length=50)] = "",
                   preparer_phone: Annotated[str, Form(max_length=20)] = "",
                   reviewer: Annotated[str, Form(max_length=50)] = "",
                   reviewer_phone: Annotated[str, Form(max_length=20)] = "",
                   prepared_on: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Request a quarterly report, with who sends it upward (报送单位, 填报人, 审核人 and their
    phones, 填报日期: the blanks of its foot); then watch it on its page."""
    check_csrf(request, csrf)
    sent = {"reporting_unit": reporting_unit, "preparer": preparer,
            "preparer_phone": preparer_phone, "reviewer": reviewer,
            "reviewer_phone": reviewer_phone, "prepared_on": prepared_on}
    form = {"region_code": region_code, "year": year, "quarter": quarter, **sent}
    try:
        body = ReportIn.model_validate({
            "kind": "quarterly", "region_code": region_code.strip(),
            "year": int(year) if year.isdigit() else year,
            "quarter": int(quarter) if quarter.isdigit() else quarter,
            **{key: value.strip() for key, value in sent.items() if value.strip()}})
        queued = api_reports.request_report(body, caller, register, settings,
                                            request.app.state.celery, Response(), views)
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
           "quarter": "季度（1 至 4）", "reporting_unit": "报送单位（不超过 100 字）",
           "preparer": "填报人（不超过 50 字）", "reviewer": "审核人（不超过 50 字）",
           "preparer_phone": "填报人电话（7 至 20 位）",
           "reviewer_phone": "审核人电话（7 至 20 位）",
           "prepared_on": "填报日期（如 2026-03-31，不晚于今天）"}


def _form_again(request: Request, caller: Principal, views: Views, form: dict[str, str],
                error: str) -> HTMLResponse:
    return _reports_page(request, caller, views, None, error, form)


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
    places = names_for(request)
    saved = {f.name: api_reports.download_name(places.name(report.region_code), report.year,
                                               report.quarter, f.name) for f in report.files}
    return render(request, "report.html", caller, report=report, others=others,
                  charts=_charts(report, places), duties=_duties(report),
                  totals=(report.figures or {}).get("totals", {}), saved=saved,
                  auditor=may_audit(caller_of(caller)))


def _charts(report: ReportOut, places: PlaceNames) -> list[Markup]:
    """Coverage and compliance by township (inline SVG), townships by name."""
    if not report.figures:
        return []
    townships = report.figures.get("townships") or {}
    coverage = [Bar(places.name(code), unit["pairing_coverage"] or 0.0,
                    f"{unit['left_behind_paired']}/{unit['left_behind']}")
                for code, unit in sorted(townships.items()) if unit["left_behind"]]
    by_township = [Bar(places.name(code), unit["duty_compliance"] or 0.0,
                       f"{unit['duties_periods_met']}/{unit['duties_periods_due']}")
                   for code, unit in sorted(townships.items()) if unit["duties_periods_due"]]
    unit = breakdown_word(report.region_code)
    return [share_bars(f"各{unit}结对覆盖率", coverage), share_bars(f"各{unit}履职率", by_township)]


def _duties(report: ReportOut) -> list[dict[str, Any]]:
    """Compliance by duty, each duty by its whole title (a list whose lines wrap), with the
    periods met of those owed and the rate in percent (None: nothing owed yet)."""
    if not report.figures:
        return []
    return [{"title": duty_title(name), "met": counts["periods_met"],
             "due": counts["periods_due"], "overdue": counts["overdue"],
             "percent": None if counts["compliance_rate"] is None
             else round(counts["compliance_rate"] * 100, 1)}
            for name, counts in sorted(report.figures["totals"]["duties"].items())]


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
             register: Register, views: Views) -> Response:
    """One of the report's files (.xlsx, .docx, .json), as ``GET /reports/{id}/files/{name}``,
    saved as 钟祥市-2026年第4季度.xlsx."""
    try:
        return api_reports.read_file(report_id, name, caller, register,
                                     request.app.state.reports, views)
    except NotFound:
        return not_found(request, caller, "文件")

