"""The child's page's forms of dynamic management (动态管理): 升学、转学 (a change of school),
迁出 (a transfer to another region, the place picked by its name) and 更正 (a correction).

Each is the API's own request model (``api.schemas.dynamic``) and route function
(``api.routes.dynamic``), through :func:`api.console.child_forms.keep`: the API's scope,
rules and messages, a refused form shown again as typed, a recorded one a 303 to the child's
page saying so. A transfer that takes the child out of the caller's sight leads to a page
saying where it went.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api.console.child_forms import REFUSED_ANSWERS, Keeper, _model, given, keep
from api.console.forms import TypedForm, expected_version
from api.console.pages import render
from api.deps import Register, Views
from api.routes import dynamic as api_dynamic
from api.schemas.dynamic import CorrectionIn, SchoolingIn, TransferIn
from api.scope import caller_of, paired_children
from domain.application import ChildView
from domain.errors import DomainError, NotFound

router = APIRouter()
#: A sex as a clerk writes it (男, 女), read as the record's code.
SEX_WORDS = {"男": "male", "女": "female", "男性": "male", "女性": "female"}


class SchoolingForm(TypedForm):
    school: str = ""
    class_name: str = ""
    reason: str = ""
    on: str = ""


class TransferForm(TypedForm):
    region_code: str = ""
    #: A division code typed in, for a place the register of places does not name.
    region_code_other: str = ""
    #: The school there from the same day (a move to another county changes the school).
    school: str = ""
    class_name: str = ""
    reason: str = ""
    on: str = ""

    def destination(self) -> str:
        return self.region_code_other.strip() or self.region_code


class CorrectionForm(TypedForm):
    field: str = ""
    value: str = ""
    reason: str = ""


@router.post("/children/{child_id}/schooling", status_code=303,
             response_class=RedirectResponse, responses=REFUSED_ANSWERS)
def change_school(request: Request, child_id: UUID, caller: Keeper, register: Register,
                  views: Views, form: Annotated[SchoolingForm, Form()]) -> Response:
    """升学、转学 within the region, as ``POST /children/{id}/schooling``."""
    def change(child: ChildView) -> object:
        body = _model(SchoolingIn, form.fields())
        return api_dynamic.change_school(
            child_id=child.id, body=body, caller=caller, register=register, views=views,
            expected=expected_version(form.version), response=Response())
    return keep(request, caller, register, views, child_id, "schooling", form, change)


@router.post("/children/{child_id}/transfer", status_code=303,
             response_class=RedirectResponse, responses={
                 **REFUSED_ANSWERS, 200: {"content": {"text/html": {}}, "description": (
                     "Transferred out of the caller's sight: a page saying where to.")}})
def transfer_child(request: Request, child_id: UUID, caller: Keeper, register: Register,
                   views: Views, form: Annotated[TransferForm, Form()]) -> Response:
    """迁出: the child moves to another region, and to a school there when one is named, as
    ``POST /children/{id}/transfer``; a child in an active pairing is refused until the
    pairing ends."""
    def change(child: ChildView) -> object:
        fields = form.fields()
        fields.pop("region_code_other", None)
        body = _model(TransferIn, fields | {"region_code": form.destination()})
        return api_dynamic.transfer_child(
            child_id=child.id, body=body, caller=caller, register=register, views=views,
            expected=expected_version(form.version), response=Response())
    answer = keep(request, caller, register, views, child_id, "transfer", form, change)
    if answer.status_code != 303:
        return answer
    try:
        register.child_in_scope(caller_of(caller), child_id, paired=paired_children(views))
    except NotFound:  # gone to a region beyond the caller's: say where, not "not found"
        return render(request, "child_moved.html", caller, region_code=form.destination(),
                      on=form.on or register.today().isoformat())
    return answer


@router.post("/children/{child_id}/corrections", status_code=303,
             response_class=RedirectResponse, responses=REFUSED_ANSWERS)
def correct_child(request: Request, child_id: UUID, caller: Keeper, register: Register,
                  views: Views, form: Annotated[CorrectionForm, Form()]) -> Response:
    """更正: a part of the record typed wrong put right, as ``POST /children/{id}/corrections``
    (a national ID number on another child's record is refused with the API's message)."""
    def change(child: ChildView) -> object:
        # an empty value stays (an ID number or an ethnicity typed where none is known)
        value = SEX_WORDS.get(form.value.strip(), form.value) if form.field == "sex" else form.value
        body = CorrectionIn.model_validate(given(form.fields()) | {"value": value})
        answer: Any = api_dynamic.correct_child(
            child_id=child.id, body=body, caller=caller, register=register, views=views,
            expected=expected_version(form.version), response=Response())
        if isinstance(answer, JSONResponse):  # the number is on another child's record
            raise DomainError(_detail(answer), rule="child_already_registered")
        return answer
    return keep(request, caller, register, views, child_id, "correction", form, change,
                extra={"field": form.field})


def _detail(answer: JSONResponse) -> str:
    return str(json.loads(bytes(answer.body))["detail"])
