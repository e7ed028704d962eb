"""Concerns in the console (情况报告): the list, open or resolved, within the caller's scope
(the listing ``GET /concerns`` gives); recording one on a child's page, and recording what
was done (办结). The forms call the API's own routes, so rules and messages are the API's.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.console import place_filters
from api.console.child_forms import REFUSED_ANSWERS, Keeper, given, keep
from api.console.choices import CHOICES
from api.console.forms import TypedForm, expected_version
from api.console.pages import page, render
from api.console.queries import child_names_seen
from api.console.session import ConsoleCaller
from api.deps import Register, Views
from api.routes import children as api_children
from api.schemas.children import ConcernIn, ResolutionIn
from api.scope import caller_of, volunteers_children
from domain.access.policy import Listing, narrow
from domain.application import ChildView
from projections.concerns_newest import ConcernQuery, count_concerns, newest_concerns
from projections.registers.concerns import ConcernsRegister
from storage.sql import Row

router = APIRouter()
PAGE = 20
#: A form refused by role or CSRF, as the OpenAPI document describes it.
_FORBIDDEN = page("Not an account that keeps children's records, or the CSRF token is not the "
                  "browser's: a page saying so.")


class ConcernForm(TypedForm):
    kind: str = ""
    description: str = ""
    occurred_on: str = ""


class ResolutionForm(TypedForm):
    action: str = ""
    on: str = ""


@router.get("/concerns", response_class=HTMLResponse)
def concerns(request: Request, caller: ConsoleCaller, register: Register, views: Views,
             status: Annotated[Literal["", "open", "resolved"], Query()] = "open",
             kind: Annotated[str, Query(max_length=40)] = "",
             place: Annotated[str, Query(max_length=12, pattern=r"^\d{0,12}$")] = "",
             after: Annotated[str, Query(max_length=80)] = "") -> HTMLResponse:
    """The concerns within the caller's scope, open or resolved, of a kind and a place, the
    newest first, a page at a time, with their number."""
    scoped = narrow(Listing(region_code=place or None, school=None), caller_of(caller))
    rows: list[Row] = []
    total = 0
    if scoped is not None:
        children = (tuple(sorted(volunteers_children(scoped.volunteer_id, views)))
                    if scoped.volunteer_id is not None else None)
        query = ConcernQuery(status=status or None, kind=kind or None,
                             region_code=scoped.region_code, school=scoped.school,
                             child_ids=children)
        with views.store.recorder(ConcernsRegister).read() as tx:
            rows = newest_concerns(tx, query, after=after or None, limit=PAGE)
            total = count_concerns(tx, query)
    names = child_names_seen(views, caller, (row["child_id"] for row in rows),
                             on=register.today())
    asked = {"status": status, "kind": kind, "place": place}
    return render(request, "concerns.html", caller, items=rows, names=names, asked=asked,
                  total=total, kinds=CHOICES["concern_kind"],
                  places=place_filters.choices(views, caller.scope.region_code),
                  next=rows[-1]["cursor"] if len(rows) == PAGE else None, first=not after)


@router.post("/children/{child_id}/concerns", status_code=303,
             response_class=RedirectResponse,
             responses={**REFUSED_ANSWERS, 403: _FORBIDDEN})
def record_concern(request: Request, child_id: UUID, caller: Keeper, register: Register,
                   views: Views, form: Annotated[ConcernForm, Form()]) -> Response:
    """Record a concern (情况报告) about the child, as ``POST /children/{id}/concerns``."""
    def record(child: ChildView) -> object:
        body = ConcernIn.model_validate(given(form.fields()))
        return api_children.report_concern(child_id=child.id, body=body, caller=caller,
                                           register=register, views=views, expected=None)
    return keep(request, caller, register, views, child_id, "concern", form, record)


@router.post("/children/{child_id}/concerns/{concern_id}/resolution", status_code=303,
             response_class=RedirectResponse,
             responses={**REFUSED_ANSWERS, 403: _FORBIDDEN})
def resolve_concern(request: Request, child_id: UUID,
                    concern_id: Annotated[str, Path(max_length=64)], caller: Keeper,
                    register: Register, views: Views,
                    form: Annotated[ResolutionForm, Form()]) -> Response:
    """Record what was done and close the concern, as ``POST …/concerns/{id}/resolution``."""
    def resolve(child: ChildView) -> object:
        body = ResolutionIn.model_validate(given(form.fields()))
        return api_children.resolve_concern(
            child_id=child.id, concern_id=concern_id, body=body, caller=caller,
            register=register, views=views, expected=expected_version(form.version),
            response=Response())
    return keep(request, caller, register, views, child_id, "resolution", form, resolve,
                extra={"concern_id": concern_id})
