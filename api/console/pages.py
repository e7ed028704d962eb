"""Rendering the console's pages: one Jinja2 environment, the words, the CSRF cookie; how a
page's answers are described in ``/openapi.json`` (:func:`page`, :func:`redirect`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.console import labels, place_filters
from api.console.forms import new_form_key
from api.console.session import csrf_token, set_cookies
from api.scope import caller_of
from api.security import Principal
from domain.access.policy import (
    may_audit,
    may_keep_records,
    may_list_volunteers,
    may_organise,
    may_read_work_lists,
    may_see_reports,
    own_volunteer,
    reads_in_full,
)
from domain.duties import period_title
from domain.schools.access import may_read_enrolment

HERE = Path(__file__).parent


@cache
def templates() -> Jinja2Templates:
    """The templates, loaded on first use (nothing at import)."""
    found = Jinja2Templates(directory=HERE / "templates")
    found.env.filters.update(word=labels.word, event=labels.event, summary=labels.summary,
                             read=labels.read, figure=labels.figure,
                             figure_value=labels.figure_value, when=labels.when,
                             to_day=labels.to_day, period=period_title,
                             place=place_filters.place, place_full=place_filters.place_full)
    found.env.globals.update(TOTALS=labels.TOTALS, PROGRESS=labels.PROGRESS,
                             CATEGORIES=labels.CATEGORIES, form_key=new_form_key)
    return found


@dataclass(frozen=True)
class Menu:
    """What the console's menu offers the caller, as the access policy allows: the children's
    search (儿童查询), the volunteers (爱心妈妈), the reports (季度报表), a caring mother's own
    page (我的结对), the access log (查阅记录); for staff who keep the registers, the dashboard
    (工作概览), the work-lists and reminders (待办清单), the pairings (结对管理), the concerns
    (情况报告) and the imports of registers (导入); the work-lists for auditors too (read
    only); schools' enrolment (学校在校生人数) for those who record or read it."""

    search: bool
    volunteers: bool
    reports: bool
    own: UUID | None
    audit: bool
    dashboard: bool = False
    work: bool = False
    pairings: bool = False
    concerns: bool = False
    imports: bool = False
    enrolment: bool = False

    @classmethod
    def of(cls, caller: Principal) -> Menu:
        who = caller_of(caller)
        keeps = may_keep_records(who)
        return cls(search=reads_in_full(who), volunteers=may_list_volunteers(who),
                   reports=may_see_reports(who), own=own_volunteer(who), audit=may_audit(who),
                   dashboard=keeps, work=may_read_work_lists(who), pairings=may_organise(who),
                   concerns=keeps, imports=keeps, enrolment=may_read_enrolment(who))


def render(request: Request, name: str, caller: Principal | None = None, *,
           status_code: int = 200, **context: Any) -> HTMLResponse:
    """The page ``name`` with ``context``, the caller, its menu and the browser's CSRF
    token."""
    menu = Menu.of(caller) if caller is not None else None
    response = templates().TemplateResponse(
        request, name, {"caller": caller, "menu": menu, "csrf": csrf_token(request),
                        **context}, status_code=status_code)
    set_cookies(request, response)
    return response


def page(description: str) -> dict[str, Any]:
    """An answer that is a page of the console, as the OpenAPI document describes it."""
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def redirect(description: str) -> dict[str, Any]:
    """A 303 to another page (``Location``), as the OpenAPI document describes it."""
    return {"description": description, "headers": {"Location": {
        "description": "The page to go to.", "schema": {"type": "string"}}}}


def not_found(request: Request, caller: Principal, what: str) -> HTMLResponse:
    """Out of scope or not there: the console, like the API, does not tell them apart."""
    return render(request, "not_found.html", caller, status_code=404, what=what)
