"""Schools' enrolment in the console (学校在校生人数): each school's pupils term by term within
the caller's scope, and the form that records a term's count or puts one right with its reason.
The form calls the API's own route, so rules and messages are the API's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.console import place_filters
from api.console.forms import (
    Refusal,
    TypedForm,
    attempt,
    in_words,
    once,
    refused_status,
    shaped,
)
from api.console.gates import admitting
from api.console.pages import page, redirect, render
from api.console.session import check_csrf
from api.deps import Register, Views
from api.routes import schools as api_schools
from api.schemas.schools import EnrolmentIn
from api.scope import caller_of
from api.security import Principal
from domain.schools.access import may_keep_enrolment, may_read_enrolment

router = APIRouter()
Reader = Annotated[Principal, admitting(
    may_read_enrolment, "只有管理员、妇联、学校和督导/审计人员可以查看学校在校生人数")]
Keeper = Annotated[Principal, admitting(
    may_keep_enrolment, "只有管理员、妇联和学校可以登记学校在校生人数")]


class EnrolmentForm(TypedForm):
    region_code: str = ""
    school: str = ""
    term: str = ""
    pupils: str = ""
    on: str = ""
    reason: str = ""


@router.get("/schools/enrolment", response_class=HTMLResponse)
def enrolment(request: Request, caller: Reader, views: Views,
              school: Annotated[str, Query(max_length=200)] = "",
              saved: Annotated[str, Query(max_length=10)] = "") -> HTMLResponse:
    """Each school's pupils term by term within the caller's scope (the count in force and the
    counts it put right), and the form to record one."""
    return _page(request, caller, views, school, {}, None, saved=saved == "1")


def _page(request: Request, caller: Principal, views: Views, school: str,
          typed: dict[str, Any], refusal: Refusal | None, *, saved: bool = False,
          warning: str | None = None, status_code: int = 200) -> HTMLResponse:
    listed = api_schools.list_enrolment(caller, views, region_code=None,
                                        school=school or None, after=None, limit=500)
    own = caller.scope.school or ""
    typed = {"region_code": caller.scope.region_code if own else "", "school": own, **typed}
    return render(request, "enrolment.html", caller, status_code=status_code,
                  items=listed.items, more=listed.next is not None, school=school,
                  typed=typed, refusal=refusal, saved=saved, warning=warning, own_school=own,
                  keeps=may_keep_enrolment(caller_of(caller)),
                  places=place_filters.choices(views, caller.scope.region_code))


@router.post("/schools/enrolment", status_code=303, response_class=RedirectResponse,
             responses={303: redirect("Recorded (or the same count again): the page again."),
                        200: page("Recorded, but no child on the register in the school's "
                                  "county attends a school of that name: the page, saying so."),
                        403: page("Not an account that records enrolment, the school not "
                                  "yours, or the CSRF token is not the browser's."),
                        409: page("A counted term changed without a reason: the form again."),
                        422: page("A field is wrong: the form again, saying which.")})
def record_enrolment(request: Request, caller: Keeper, register: Register, views: Views,
                     form: Annotated[EnrolmentForm, Form()]) -> Response:
    """Record a school's pupils in a term, as ``POST /schools/enrolment``."""
    check_csrf(request, form.csrf)

    def handle() -> Response:
        body = shaped(EnrolmentIn, form.fields())
        done = body if isinstance(body, Refusal) else attempt(
            lambda: api_schools.record_enrolment(body, caller, register, views, Response()))
        if isinstance(done, Refusal):
            return _page(request, caller, views, "", form.fields(), in_words(done),
                         status_code=refused_status(done))
        if done.warning:  # kept, with a word on the name: the page says it at once
            return _page(request, caller, views, "", {}, None, saved=True,
                         warning=done.warning)
        return RedirectResponse("/console/schools/enrolment?saved=1", status_code=303)

    return once(request, caller, register, form.form_key, form.sent(), handle)
