"""Concerns in the console (情况报告): the list, open or resolved, within the caller's scope
(the listing ``GET /concerns`` gives); recording one on a child's page, and recording what
was done (办结). The forms call the API's own routes, so rules and messages are the API's.
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.console.child_forms import REFUSED_ANSWERS, Keeper, Typed, given, keep
from api.console.forms import expected_version
from api.console.pages import page, render
from api.console.queries import child_names_seen
from api.console.session import ConsoleCaller
from api.deps import Register, Views
from api.routes import children as api_children
from api.routes import concerns as api_concerns
from api.schemas.children import ConcernIn, ResolutionIn
from domain.application import ChildView

router = APIRouter()
PAGE = 20
#: A form refused by role or CSRF, as the OpenAPI document describes it.
_FORBIDDEN = page("Not an account that keeps children's records, or the CSRF token is not the "
                  "browser's: a page saying so.")


class ConcernForm(Typed):
    kind: str = ""
    description: str = ""
    occurred_on: str = ""


class ResolutionForm(Typed):
    action: str = ""
    on: str = ""


@router.get("/concerns", response_class=HTMLResponse)
def concerns(request: Request, caller: ConsoleCaller, register: Register, views: Views,
             status: Annotated[Literal["", "open", "resolved"], Query()] = "open",
             after: Annotated[str, Query(max_length=64)] = "") -> HTMLResponse:
    """The concerns within the caller's scope, open or resolved, a page at a time."""
    listed = api_concerns.list_reported(caller=caller, views=views, status=status or None,
                                        region_code=None, school=None, child_id=None,
                                        after=after or None, limit=PAGE)
    names = child_names_seen(views, caller, (str(item.child_id) for item in listed.items),
                             on=register.today())
    return render(request, "concerns.html", caller, items=listed.items, names=names,
                  status=status, next=listed.next, first=not after)


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
