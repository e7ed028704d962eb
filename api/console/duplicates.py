"""Likely duplicates in the console (疑似重复): the pairs of records that may be one child
registered twice, side by side, each with a form to merge them (合并重复档案), as
``GET /duplicates`` and ``POST /children/{id}/merges`` do."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

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
from api.routes import duplicates as api_duplicates
from api.schemas.duplicates import DistinctionIn, MergeIn
from api.scope import caller_of
from api.security import Principal
from domain.access.policy import may_organise
from projections.duplicates import likely_pairs

router = APIRouter()
#: Who merges records: the admin and federation staff (妇联), within their scope.
Clerk = Annotated[Principal, admitting(
    may_organise, "只有管理员和妇联工作人员可以查看和合并疑似重复档案")]
#: Pairs on a page.
PAGE = 20
#: The refused merge's pair and what was typed, for the page to show again.
Typed = dict[str, str]


class MergeForm(TypedForm):
    """Which record of the pair is kept (``keep``), and why they are one child."""

    pair: str = ""
    keep: str = ""
    reason: str = ""


@router.get("/duplicates", response_class=HTMLResponse, responses={403: page(
    "Not an admin or federation account: a page saying so.")})
def duplicates(request: Request, caller: Clerk, register: Register, views: Views,
               region_code: Annotated[str, Query(pattern=r"^(\d{2,12})?$")] = "",
               after: Annotated[str, Query(max_length=80)] = "",
               merged: UUID | None = None, apart: bool = False) -> HTMLResponse:
    """The likely duplicates within the caller's scope (narrowed to ``region_code``), a page
    at a time, each pair side by side with its reason and a form to merge it."""
    return _page(request, caller, register, views, region_code, after, merged=merged,
                 apart=apart)


@router.post("/duplicates/merge", status_code=303, response_class=RedirectResponse,
             responses={303: redirect("Merged: to the list, naming the record kept."),
                        409: page("A rule refuses the merge: the list again, saying why."),
                        422: page("A field is missing: the list again, naming it.")})
def merge(request: Request, caller: Clerk, register: Register, views: Views,
          form: Annotated[MergeForm, Form()]) -> Response:
    """Merge one record of a pair into the other (``keep``), as ``POST /children/{keep}/merges``
    does; refused, the list again with the pair's form as typed and the rule's message."""
    check_csrf(request, form.csrf)
    return once(request, caller, register, form.form_key, form.sent(),
                lambda: _merge(request, caller, register, views, form))


def _merge(request: Request, caller: Principal, register: Register, views: Views,
           form: MergeForm) -> Response:
    ids = form.pair.split("~")
    done: object
    if len(ids) != 2 or form.keep not in ids:
        done = Refusal(message="请选择保留哪一份档案", rule="malformed",
                               fields={"keep": "请选择保留哪一份档案"})
    else:
        duplicate = ids[1] if form.keep == ids[0] else ids[0]
        body = shaped(MergeIn, {"duplicate_id": duplicate, "reason": form.reason})
        done = body if isinstance(body, Refusal) else attempt(
            lambda: api_duplicates.merge_child(
                child_id=UUID(form.keep), body=body, caller=caller, register=register,
                views=views, expected=None, response=Response()))
    if isinstance(done, Refusal):
        return _page(request, caller, register, views, "", "", refusal=in_words(done),
                     typed=form.fields(), refused="merge", status_code=refused_status(done))
    return RedirectResponse(f"/console/duplicates?merged={form.keep}", 303)


class ApartForm(TypedForm):
    """Why the two records of the pair are two children (不是同一人)."""

    pair: str = ""
    reason: str = ""


@router.post("/duplicates/apart", status_code=303, response_class=RedirectResponse,
             responses={303: redirect("Recorded: to the list, the pair no longer in it."),
                        409: page("A rule refuses it: the list again, saying why."),
                        422: page("A field is missing: the list again, naming it.")})
def apart(request: Request, caller: Clerk, register: Register, views: Views,
          form: Annotated[ApartForm, Form()]) -> Response:
    """The pair's two records are two children (不是同一人), as
    ``POST /children/{id}/distinctions`` records it; the pair leaves the list."""
    check_csrf(request, form.csrf)
    return once(request, caller, register, form.form_key, form.sent(),
                lambda: _apart(request, caller, register, views, form))


def _apart(request: Request, caller: Principal, register: Register, views: Views,
           form: ApartForm) -> Response:
    ids = form.pair.split("~")
    done: object
    if len(ids) != 2:
        done = Refusal(message="请从列表中选择一对档案", rule="malformed")
    else:
        body = shaped(DistinctionIn, {"other_id": ids[1], "reason": form.reason})
        done = body if isinstance(body, Refusal) else attempt(
            lambda: api_duplicates.tell_apart(
                child_id=UUID(ids[0]), body=body, caller=caller, register=register,
                views=views, response=Response()))
    if isinstance(done, Refusal):
        return _page(request, caller, register, views, "", "", refusal=in_words(done),
                     typed=form.fields(), refused="apart", status_code=refused_status(done))
    return RedirectResponse("/console/duplicates?apart=1", 303)


def _page(request: Request, caller: Principal, register: Register, views: Views,
          region_code: str, after: str, *, merged: UUID | None = None,
          refusal: Refusal | None = None, typed: Typed | None = None, refused: str = "",
          apart: bool = False, status_code: int = 200) -> HTMLResponse:
    pairs = likely_pairs(views, caller_of(caller), region_code=region_code or None,
                         up_to=register.recorder.max_notification_id() or 0,
                         after=after or None, limit=PAGE)
    return render(request, "duplicates.html", caller, status_code=status_code, pairs=pairs,
                  region_code=region_code, merged=merged, refusal=refusal, typed=typed or {},
                  refused=refused, apart=apart,
                  next=pairs[-1].key if len(pairs) == PAGE else "")
