"""The console's volunteers (爱心妈妈): the list, registering one (登记), and a volunteer's page
with the opinions of every level (审核意见), the pairings and how the duties stand across them
(履职情况), and the forms of her review and standing (``volunteer_actions``)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.console import volunteer_actions
from api.console.forms import Refusal, TypedForm, attempt, in_words, once, refused_status, shaped
from api.console.pages import not_found, page, redirect, render
from api.console.place_filters import choices
from api.console.session import ConsoleCaller, Refused, check_csrf
from api.console.shown import volunteer_visible
from api.console.volunteer_page import show
from api.console.work import not_a_place
from api.deps import Register, Views
from api.routes import volunteers as api
from api.schemas.volunteers import VolunteerCreate
from api.scope import caller_of
from api.security import Principal
from domain.access.policy import Listing, may_list_volunteers, may_organise, narrow, own_volunteer
from domain.errors import NotFound
from projections.registers.volunteers import VolunteersRegister, list_volunteers

router = APIRouter()
PAGE = 20
_ORGANISERS = "只有管理员和妇联工作人员可以登记爱心妈妈"


@router.get("/volunteers", response_class=HTMLResponse,
            responses={303: redirect("A volunteer: to their own page.")})
def volunteers(request: Request, caller: ConsoleCaller, views: Views, status: str = "",
               region_code: str = "", after: str = "") -> Response:
    """Volunteers within the caller's scope, by status and region (a place of hers, chosen
    by name: otherwise the page says so), as ``GET /volunteers``."""
    reader = caller_of(caller)
    own = own_volunteer(reader)
    if own is not None:
        return RedirectResponse(f"/console/volunteers/{own}", 303)
    rows = []
    listed = may_list_volunteers(reader)
    region_code = region_code.strip()
    scoped = narrow(Listing(region_code=region_code or None), reader) if listed else None
    wrong = not_a_place(request, scoped, region_code) if listed else ""
    if scoped is not None and not wrong:
        with views.store.recorder(VolunteersRegister).read() as tx:
            rows = list_volunteers(tx, texts=views.texts, status=status or None,
                                   region_code=scoped.region_code,
                                   after=after or None, limit=PAGE)
    return render(request, "volunteers.html", caller, rows=rows, status=status,
                  region_code=region_code, listed=listed, registers=may_organise(reader),
                  wrong_place=wrong, places=choices(views, caller.scope.region_code),
                  next=rows[-1]["volunteer_id"] if len(rows) == PAGE else None)


class RegistrationForm(TypedForm):
    """The registration form (爱心妈妈登记表) as the browser sends it, every field as typed."""

    name: str = ""
    unit: str = ""
    address: str = ""
    birth_date: str = ""
    postal_code: str = ""
    political_status: str = ""
    position: str = ""
    phone: str = ""
    education: str = ""
    experience: str = ""
    email: str = ""
    region_code: str = ""
    applied_on: str = ""


def _organiser(caller: Principal) -> None:
    if not may_organise(caller_of(caller)):
        raise Refused(403, _ORGANISERS)


_NOT_ORGANISER: dict[int | str, dict[str, Any]] = {403: page(
    "Not an admin or federation account, or (a form) the CSRF token is not the browser's: "
    "a page saying so.")}


@router.get("/volunteers/new", response_class=HTMLResponse, responses=_NOT_ORGANISER)
def registration(request: Request, caller: ConsoleCaller, register: Register,
                 views: Views) -> HTMLResponse:
    """The registration form (登记爱心妈妈), in the caller's region (places chosen by name),
    dated today."""
    _organiser(caller)
    typed = {"region_code": caller.scope.region_code or "",
             "applied_on": register.today().isoformat()}
    return render(request, "volunteer_new.html", caller, typed=typed, refusal=None,
                  places=choices(views, caller.scope.region_code))


@router.post("/volunteers", status_code=303, response_class=RedirectResponse, responses={
    303: redirect("Registered: to her page, saying so."), **_NOT_ORGANISER,
    422: page("A field is wrong: the form as typed, the field named."),
    409: page("A rule refuses it: the form as typed, and the rule.")})
def register_volunteer(request: Request, fields: Annotated[RegistrationForm, Form()],
                       caller: ConsoleCaller, register: Register, views: Views) -> Response:
    """Register a volunteer's application, as ``POST /volunteers``."""
    check_csrf(request, fields.csrf)
    _organiser(caller)
    typed = fields.fields()
    return once(request, caller, register, fields.form_key, typed,
                lambda: _apply(request, caller, register, views, typed))


def _apply(request: Request, caller: Principal, register: Register, views: Views,
           typed: dict[str, str]) -> Response:
    body = shaped(VolunteerCreate, typed)
    done = body if isinstance(body, Refusal) else attempt(lambda: api.apply(
        body=body, caller=caller, register=register, views=views, response=Response()))
    if isinstance(done, Refusal):
        return render(request, "volunteer_new.html", caller, status_code=refused_status(done),
                      typed=typed, refusal=in_words(done),
                      places=choices(views, caller.scope.region_code))
    return RedirectResponse(f"/console/volunteers/{done.id}?notice=registered", 303)


@router.get("/volunteers/{volunteer_id}", response_class=HTMLResponse)
def volunteer_page(request: Request, volunteer_id: UUID, caller: ConsoleCaller,
                   register: Register, views: Views, notice: str = "") -> HTMLResponse:
    """The volunteer's form, approvals, pairings and compliance, and the forms the caller
    may use on her."""
    try:
        view = register.get_volunteer(volunteer_id)
    except NotFound:
        return not_found(request, caller, "爱心妈妈")
    if not volunteer_visible(caller, view):
        return not_found(request, caller, "爱心妈妈")
    return show(request, caller, register, views, view, notice=notice)


router.include_router(volunteer_actions.router)
