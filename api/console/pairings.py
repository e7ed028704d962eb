"""Pairings in the console (结对管理): the list within the caller's region, forming one
(children and approved volunteers found by name), a pairing's page (its children, volunteers,
duties per child and contacts) and ending one.

Lists, reads and forms go through the API's own routes (``api.routes.pairings``) as plain
functions, so scope, rules and messages are the API's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field

from api.console import place_filters
from api.console.child_forms import given, in_form
from api.console.choices import CHOICES
from api.console.forms import (
    Refusal,
    TypedForm,
    attempt,
    expected_version,
    in_words,
    once,
    refused_status,
    shaped,
)
from api.console.gates import admitting
from api.console.pages import not_found, page, redirect, render
from api.console.pairing_candidates import (
    Candidate,
    child_ids_named,
    children_named,
    volunteer_ids_named,
    volunteers_named,
)
from api.console.queries import child_names_seen, volunteer_names_seen
from api.console.session import ConsoleCaller, check_csrf
from api.deps import Register, Views
from api.routes import pairings as api_pairings
from api.schemas.pairings import DutyOut, EndIn, PairingCreate
from api.scope import caller_of
from api.security import Principal
from domain.access.policy import Listing, may_organise, narrow
from domain.errors import NotFound
from projections.events import listed
from projections.pairings_found import PairingQuery, count_pairings, find_pairings
from projections.registers.pairings import PairingsRegister
from storage.sql import Row

router = APIRouter(responses={403: page(
    "Not an admin or federation account (for the forms), or the CSRF token is not the "
    "browser's: a page saying so.")})
PAGE = 20
#: What a form of the pairing's page says once recorded (``?saved=``).
SAVED = {"formed": "已结对", "ended": "已结束结对"}


Organiser = Annotated[Principal, admitting(
    may_organise, "只有管理员和妇联可以结对和结束结对")]


class PairForm(TypedForm):
    do: str = "find"
    child_name: str = ""
    volunteer_name: str = ""
    child_ids: list[str] = Field(default_factory=list)
    volunteer_ids: list[str] = Field(default_factory=list)
    principle: str = ""
    agreement_signed_on: str = ""
    starts_on: str = ""


#: Why a pairing ends, as the programme names it (the brief: the child left or turned 16, the
#: volunteer was disqualified or left, the child was reassigned), each the words sent as the
#: API's ``reason``; ``other`` sends what is typed.
END_REASONS: tuple[tuple[str, str], ...] = (
    ("child_left", "儿童退出关爱帮扶"), ("aged_out", "儿童年满16周岁"),
    ("volunteer_disqualified", "爱心妈妈被取消资格"), ("volunteer_left", "爱心妈妈退出"),
    ("reassigned", "调整结对，改由他人帮扶"), ("other", "其他原因"))


class EndForm(TypedForm):
    why: str = ""
    reason: str = ""
    on: str = ""

    def reason_sent(self) -> str:
        """The API's ``reason``: the words of the reason chosen, then what was typed (for
        ``other``, only what was typed)."""
        words = dict(END_REASONS).get(self.why, "") if self.why != "other" else ""
        typed = self.reason.strip()
        return "：".join(part for part in (words, typed) if part)


@router.get("/pairings", response_class=HTMLResponse)
def pairings(request: Request, caller: ConsoleCaller, register: Register, views: Views,
             status: Annotated[Literal["", "active", "ended"], Query()] = "active",
             place: Annotated[str, Query(max_length=12, pattern=r"^\d{0,12}$")] = "",
             child: Annotated[str, Query(max_length=40)] = "",
             volunteer: Annotated[str, Query(max_length=40)] = "",
             after: Annotated[str, Query(max_length=64)] = "") -> HTMLResponse:
    """The pairings within the caller's scope, by status, place, and children's and
    volunteers' names, a page at a time, with their number."""
    today = register.today()
    scoped = narrow(Listing(region_code=place or None), caller_of(caller))
    rows: list[Row] = []
    total = 0
    if scoped is not None:
        query = PairingQuery(
            status=status or None, region_code=scoped.region_code, school=scoped.school,
            child_ids=child_ids_named(views, caller, today, child) if child.strip() else None,
            volunteer_ids=(volunteer_ids_named(views, caller, volunteer)
                           if volunteer.strip() else None))
        if scoped.volunteer_id is not None:  # a caring mother: her own pairings
            own = (str(scoped.volunteer_id),)
            query = dataclasses.replace(query, volunteer_ids=tuple(
                set(own) & set(query.volunteer_ids)) if query.volunteer_ids is not None
                else own)
        with views.store.recorder(PairingsRegister).read() as tx:
            rows = find_pairings(tx, query, after=after or None, limit=PAGE)
            total = count_pairings(tx, query)
    children = child_names_seen(views, caller, (c for row in rows
                                                for c in listed(row["child_ids"])), on=today)
    volunteers = volunteer_names_seen(views, caller, {v for row in rows
                                                      for v in listed(row["volunteer_ids"])})
    asked = {"status": status, "place": place, "child": child, "volunteer": volunteer}
    return render(request, "pairings.html", caller, items=rows, children=children,
                  volunteers=volunteers, asked=asked, total=total, listed=listed,
                  places=place_filters.choices(views, caller.scope.region_code),
                  next=rows[-1]["pairing_id"] if len(rows) == PAGE else None,
                  first=not after, organises=may_organise(caller_of(caller)))


# -- forming a pairing ------------------------------------------------------------------------


def _new_page(request: Request, caller: Principal, register: Register, views: Views,
              form: PairForm, refusal: Refusal | None = None,
              status_code: int = 200) -> HTMLResponse:
    chosen_children = set(form.child_ids)
    chosen_volunteers = set(form.volunteer_ids)
    children = _with_chosen(children_named(views, caller, register.today(), form.child_name),
                            chosen_children,
                            lambda ids: _chosen_children(views, caller, register, ids))
    volunteers = _with_chosen(volunteers_named(views, caller, form.volunteer_name),
                              chosen_volunteers,
                              lambda ids: _chosen_volunteers(views, caller, ids))
    typed = form.fields()
    if not typed["agreement_signed_on"]:
        typed["agreement_signed_on"] = typed["starts_on"] or register.today().isoformat()
    if not typed["starts_on"]:
        typed["starts_on"] = register.today().isoformat()
    return render(request, "pairing_new.html", caller, status_code=status_code, typed=typed,
                  refusal=refusal, children=children, volunteers=volunteers,
                  today=register.today(), choices=CHOICES)


def _with_chosen(found: list[Candidate], chosen: set[str],
                 load: Any) -> list[Candidate]:
    """The candidates found, and those already chosen (first, ticked) though not found."""
    missing = chosen - {c.id for c in found}
    extra: list[Candidate] = load(missing) if missing else []
    return [*extra, *found]


def _chosen_children(views: Views, caller: Principal, register: Register,
                     ids: set[str]) -> list[Candidate]:
    """The children chosen though not found by name, those within the caller's scope only."""
    names = child_names_seen(views, caller, ids, on=register.today())
    return [Candidate(id=i, name=names[i], detail="") for i in sorted(names)]


def _chosen_volunteers(views: Views, caller: Principal, ids: set[str]) -> list[Candidate]:
    """The volunteers chosen though not found by name, those the caller may read only."""
    names = volunteer_names_seen(views, caller, ids)
    return [Candidate(id=i, name=names[i], detail="") for i in sorted(names)]


@router.get("/pairings/new", response_class=HTMLResponse)
def new_pairing(request: Request, caller: Organiser, register: Register,
                views: Views) -> HTMLResponse:
    """The form to pair children with approved volunteers (结对), found by name."""
    return _new_page(request, caller, register, views, PairForm())


@router.post("/pairings/new", status_code=303, response_class=RedirectResponse, responses={
    200: page("`do=find`: the form again with the children and volunteers found by name."),
    303: redirect("`do=pair`, formed: to the pairing's page."),
    409: page("A rule of pairing refuses it (a volunteer not approved, a child exited…): "
              "the form again, as chosen, saying why."),
    422: page("A field is missing or wrong: the form again, as chosen, naming it.")})
def form_pairing(request: Request, caller: Organiser, register: Register, views: Views,
                 form: Annotated[PairForm, Form()]) -> Response:
    """Find children and volunteers by name (``do=find``), or pair those chosen
    (``do=pair``) as ``POST /pairings`` does."""
    check_csrf(request, form.csrf)
    if form.do != "pair":
        return _new_page(request, caller, register, views, form)
    return once(request, caller, register, form.form_key, form.sent(),
                lambda: _pair(request, caller, register, views, form))


def _pair(request: Request, caller: Principal, register: Register, views: Views,
          form: PairForm) -> Response:
    fields = given({"child_ids": form.child_ids, "volunteer_ids": form.volunteer_ids,
                    "principle": form.principle,
                    "agreement_signed_on": form.agreement_signed_on,
                    "starts_on": form.starts_on})
    body = shaped(PairingCreate, fields)
    formed = body if isinstance(body, Refusal) else attempt(
        lambda: api_pairings.form_pairing(body=body, caller=caller, register=register,
                                          views=views, response=Response()))
    if isinstance(formed, Refusal):
        refusal = _in_form(formed, fields)
        return _new_page(request, caller, register, views, form, refusal,
                         status_code=refused_status(refusal))
    return RedirectResponse(f"/console/pairings/{formed.id}?saved=formed", 303)


def _in_form(refusal: Refusal, body: Mapping[str, Any]) -> Refusal:
    if refusal.rule == "not_found":  # an id outside the caller's scope, as the API hides it
        return Refusal(message="所选的儿童或爱心妈妈不在您的管辖范围内", rule=refusal.rule)
    return in_form(refusal, body)


# -- a pairing's page, and ending it -----------------------------------------------------------


def _page(request: Request, caller: Principal, register: Register, views: Views,
          pairing_id: UUID, *, typed: Mapping[str, Any] | None = None,
          refusal: Refusal | None = None, status_code: int = 200,
          saved: str = "") -> HTMLResponse:
    try:
        pairing = api_pairings.read_pairing(pairing_id=pairing_id, caller=caller,
                                            register=register, views=views,
                                            response=Response())
    except NotFound:
        return not_found(request, caller, "结对")
    owed = attempt(lambda: api_pairings.duties(pairing_id=pairing_id, caller=caller,
                                               register=register, views=views, on=None))
    duties: dict[str, list[DutyOut]] = {}
    for duty in [] if isinstance(owed, Refusal) else owed.duties:
        duties.setdefault(str(duty.child_id), []).append(duty)
    children = child_names_seen(views, caller, (str(c) for c in pairing.child_ids),
                                on=register.today())
    volunteers = volunteer_names_seen(views, caller, pairing.volunteer_ids)
    return render(request, "pairing.html", caller, status_code=status_code, pairing=pairing,
                  duties=duties, children=children, volunteers=volunteers,
                  organises=may_organise(caller_of(caller)), typed=typed or {},
                  refusal=refusal, today=register.today(), saved=SAVED.get(saved, ""),
                  end_reasons=END_REASONS)


@router.get("/pairings/{pairing_id}", response_class=HTMLResponse)
def pairing_page(request: Request, pairing_id: UUID, caller: ConsoleCaller,
                 register: Register, views: Views, saved: str = "") -> HTMLResponse:
    """A pairing: its children and volunteers, the duties owed to each child today, its
    latest contacts; for organisers, the form that ends it."""
    return _page(request, caller, register, views, pairing_id, saved=saved)


@router.post("/pairings/{pairing_id}/end", status_code=303, response_class=RedirectResponse,
             responses={303: redirect("Ended: to the pairing's page, saying so."),
                        409: page("A rule refuses it (already ended, an end before its "
                                  "contacts…): the page again, the form as typed, saying why."),
                        422: page("A field is missing or wrong: the page again, the form as "
                                  "typed, naming it.")})
def end_pairing(request: Request, pairing_id: UUID, caller: Organiser, register: Register,
                views: Views, form: Annotated[EndForm, Form()]) -> Response:
    """End the pairing with a reason and a date, as ``POST /pairings/{id}/end``."""
    check_csrf(request, form.csrf)
    return once(request, caller, register, form.form_key, form.sent(),
                lambda: _end(request, pairing_id, caller, register, views, form))


def _end(request: Request, pairing_id: UUID, caller: Principal, register: Register,
         views: Views, form: EndForm) -> Response:
    try:
        api_pairings.read_pairing(pairing_id=pairing_id, caller=caller, register=register,
                                  views=views, response=Response())
    except NotFound:
        return not_found(request, caller, "结对")
    ended = attempt(lambda: api_pairings.end_pairing(
        pairing_id=pairing_id,
        body=EndIn.model_validate(given({"reason": form.reason_sent(), "on": form.on})),
        caller=caller,
        register=register, views=views, expected=expected_version(form.version),
        response=Response()))
    if isinstance(ended, Refusal):
        return _page(request, caller, register, views, pairing_id,
                     typed=form.fields() | {"version": form.version},
                     refusal=in_words(ended), status_code=refused_status(ended))
    return RedirectResponse(f"/console/pairings/{pairing_id}?saved=ended", 303)
