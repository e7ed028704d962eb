"""The forms on a volunteer's page: one level's opinion (逐级审核) and her standing (暂停, 恢复,
取消资格, 表彰).

Each builds the API's own request model and calls the API's own route function, so the
access policy (who gives which level, who manages her), the domain's rules and their Chinese
messages are the API's. Done, it goes back to her page saying so (303); refused, her page
again with the form as typed and why (403, 409 or 422, as the API would answer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from api.console.forms import (
    Refusal,
    TypedForm,
    attempt,
    expected_version,
    once,
    refused_status,
    shaped,
)
from api.console.pages import not_found, page, redirect
from api.console.session import ConsoleCaller, check_csrf
from api.console.shown import volunteer_visible
from api.console.volunteer_page import CHANGES, Typed, show
from api.deps import Register, Views
from api.routes import volunteers as api
from api.schemas.volunteers import CommendationIn, ReviewIn, StatusChange, VolunteerPublic
from api.security import Principal
from domain.errors import NotFound

router = APIRouter()

_REFUSED: dict[int | str, dict[str, Any]] = {
    403: page("The caller may not give this level's opinion or manage her, or (a form) the "
              "CSRF token is not the browser's: her page saying why."),
    409: page("A rule refuses it (levels in order, one level per signer, her status): her "
              "page with the form as typed and the rule."),
    422: page("A field is wrong: her page with the form as typed, the field named.")}


class ReviewForm(TypedForm):
    """One level's opinion as the form sends it (every field as typed)."""

    level: str = ""
    decision: str = ""
    opinion: str = ""
    on: str = ""
    signed_by: str = ""


class StandingForm(TypedForm):
    """A change of standing as the form sends it: why, and on which day."""

    reason: str = ""
    on: str = ""


@router.post("/volunteers/{volunteer_id}/reviews", status_code=303,
             response_class=RedirectResponse,
             responses={303: redirect("Recorded: back to her page, saying so."), **_REFUSED})
def review(request: Request, volunteer_id: UUID, fields: Annotated[ReviewForm, Form()],
           caller: ConsoleCaller, register: Register, views: Views) -> Response:
    """Give one level's opinion on her form, as ``POST /volunteers/{id}/reviews``."""
    check_csrf(request, fields.csrf)
    return _done(request, volunteer_id, caller, register, views, "review", fields, ReviewIn,
                 lambda body, expected: api.review(
                     volunteer_id=volunteer_id, body=body, caller=caller, register=register,
                     views=views, expected=expected, response=Response()), "reviewed")


@router.post("/volunteers/{volunteer_id}/{change}", status_code=303,
             response_class=RedirectResponse,
             responses={303: redirect("Done: back to her page, saying so."), **_REFUSED})
def change_standing(request: Request, volunteer_id: UUID,
                    change: Literal["suspension", "reinstatement", "disqualification",
                                    "commendation"],
                    fields: Annotated[StandingForm, Form()], caller: ConsoleCaller,
                    register: Register, views: Views) -> Response:
    """Suspend (暂停), reinstate (恢复), disqualify (取消资格) or commend (表彰) her, as the API's
    ``/suspension``, ``/reinstatement``, ``/disqualification`` and ``/commendations``."""
    check_csrf(request, fields.csrf)
    action = _ACTIONS[change]
    model = CommendationIn if change == "commendation" else StatusChange
    return _done(request, volunteer_id, caller, register, views, change, fields, model,
                 lambda body, expected: action(
                     volunteer_id=volunteer_id, body=body, caller=caller, register=register,
                     views=views, expected=expected, response=Response()),
                 CHANGES[change].done)


#: The API's route function of each change of standing.
_ACTIONS: dict[str, Callable[..., VolunteerPublic]] = {
    "suspension": api.suspend, "reinstatement": api.reinstate,
    "disqualification": api.disqualify, "commendation": api.commend}


def _done(request: Request, volunteer_id: UUID, caller: Principal, register: Register,
          views: Views, name: str, sent: ReviewForm | StandingForm, model: type[BaseModel],
          act: Callable[[Any, int | None], object], notice: str) -> Response:
    """Make the change ``name`` once for the form's key, at the version her record was read
    at; refused, her page again with the form as typed."""
    return once(request, caller, register, sent.form_key,
                sent.sent(),
                lambda: _make(request, volunteer_id, caller, register, views, name, sent,
                              model, act, notice))


def _make(request: Request, volunteer_id: UUID, caller: Principal, register: Register,
          views: Views, name: str, sent: ReviewForm | StandingForm, model: type[BaseModel],
          act: Callable[[Any, int | None], object], notice: str) -> Response:
    try:
        view = register.get_volunteer(volunteer_id)
    except NotFound:
        return not_found(request, caller, "爱心妈妈")
    if not volunteer_visible(caller, view):
        return not_found(request, caller, "爱心妈妈")
    typed = sent.fields()
    body = shaped(model, typed)
    outcome = body if isinstance(body, Refusal) else attempt(
        lambda: act(body, expected_version(sent.version)))
    if isinstance(outcome, Refusal):
        kept = {**typed, "version": sent.version}
        return show(request, caller, register, views, register.get_volunteer(volunteer_id),
                    typed=Typed(name, kept, outcome), status_code=refused_status(outcome))
    return RedirectResponse(f"/console/volunteers/{volunteer_id}?notice={notice}",
                            status_code=303)
