"""The forms that register a child (登记儿童) and keep its record (动态管理): parents, guardian,
profile, categories and exit.

Each is the API's own request model (``api.schemas.children``) built from the form's fields
and the API's own route function (``api.routes.children``) called with it, so scope, rules,
what is recorded and every message are the API's. A refused form comes back with what was
typed and why, field by field; a recorded one is a 303 to the child's page saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from api.console.child_page import show
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
from api.console.place_filters import choices
from api.console.session import Refused, check_csrf
from api.deps import Register, Views
from api.routes import children as api_children
from api.schemas.children import (
    CategoriesChange,
    ChildCreate,
    ExitIn,
    GuardianChange,
    ParentChange,
    ProfileIn,
)
from api.scope import caller_of, narrow_children, paired_children
from api.security import Principal
from domain.access.policy import may_change_child, may_keep_records
from domain.application import ChildView
from domain.errors import NotFound
from domain.national_ids import ChildAlreadyRegistered
from projections.registers.children import ChildFilter, ChildrenRegister
from projections.registers.places_of_children import places_of_children

router = APIRouter(responses={403: page(
    "Not an account that keeps children's records, or the CSRF token is not the browser's: "
    "a page saying so.")})

#: The parents' rows of the registration form, in order.
ROLES = ("father", "mother")
PARENT_FIELDS = ("status", "name", "phone", "work_location")


Keeper = Annotated[Principal, admitting(
    may_keep_records, "只有管理员、妇联和学校可以登记和更改儿童档案")]


class RegisterForm(TypedForm):
    name: str = ""
    sex: str = ""
    birth_date: str = ""
    id_number: str = ""
    ethnicity: str = ""
    region_code: str = ""
    school: str = ""
    class_name: str = ""
    boarding: str = ""
    address: str = ""
    village_contact: str = ""
    income_source: str = ""
    registered_on: str = ""
    father_status: str = ""
    father_name: str = ""
    father_phone: str = ""
    father_work_location: str = ""
    mother_status: str = ""
    mother_name: str = ""
    mother_phone: str = ""
    mother_work_location: str = ""
    guardian_name: str = ""
    guardian_relation: str = ""
    guardian_age: str = ""
    guardian_health: str = ""
    guardian_education: str = ""
    guardian_phone: str = ""
    categories: list[str] = Field(default_factory=list)
    consent_by: str = ""
    consent_relation: str = ""
    consent_on: str = ""
    consent_method: str = ""
    profile_health: str = ""
    profile_study: str = ""
    profile_psychology: str = ""


class ParentForm(TypedForm):
    role: str = ""
    status: str = ""
    work_location: str = ""
    reason: str = ""
    on: str = ""


class GuardianForm(TypedForm):
    name: str = ""
    relation: str = ""
    age: str = ""
    health: str = ""
    education: str = ""
    phone: str = ""
    reason: str = ""
    on: str = ""


class ProfileForm(TypedForm):
    health: str = ""
    study: str = ""
    psychology: str = ""
    on: str = ""


class CategoriesForm(TypedForm):
    categories: list[str] = Field(default_factory=list)
    reason: str = ""
    on: str = ""


class ExitForm(TypedForm):
    reason: str = ""
    on: str = ""


def given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields typed in (an empty one left out, so that the model's default applies)."""
    return {key: value for key, value in values.items() if value not in ("", None)}


def registration(form: RegisterForm) -> dict[str, Any]:
    """The body of ``POST /children`` the form stands for (a parent's row, the guardian and
    the profile only where something was typed in them)."""
    typed = form.fields()
    body = given({key: typed[key] for key in (
        "name", "sex", "birth_date", "id_number", "ethnicity", "region_code", "school",
        "class_name", "address", "village_contact", "income_source", "registered_on")})
    body["boarding"] = form.boarding == "yes"
    body["categories"] = list(form.categories)
    body["parents"] = [{"role": role, **given({f: typed[f"{role}_{f}"] for f in PARENT_FIELDS})}
                       for role in ROLES if any(typed[f"{role}_{f}"] for f in PARENT_FIELDS)]
    for part, names in (("guardian", ("name", "relation", "age", "health", "education",
                                      "phone")),
                        ("profile", ("health", "study", "psychology"))):
        filled = given({name: typed[f"{part}_{name}"] for name in names})
        if filled:
            body[part] = filled
    body["consent"] = given({name: typed[f"consent_{name}"]
                              for name in ("by", "relation", "on", "method")})
    return body


def form_field(path: str, body: Mapping[str, Any]) -> str:
    """The form's field for a dotted path of the request (``parents.1.status`` →
    ``mother_status``, ``consent.by`` → ``consent_by``, ``categories.0`` → ``categories``)."""
    parts = path.split(".")
    if parts[0] == "parents" and len(parts) > 2 and parts[1].isdigit():
        rows = body.get("parents", [])
        index = int(parts[1])
        role = rows[index].get("role", "father") if index < len(rows) else "father"
        return f"{role}_{parts[2]}"
    if parts[0] == "categories":
        return "categories"
    return "_".join(part for part in parts if not part.isdigit())


def in_form(refusal: Refusal, body: Mapping[str, Any]) -> Refusal:
    """The refusal in words, each field's message under the form's field that was typed."""
    return in_words(Refusal(message=refusal.message, rule=refusal.rule, fields={
        form_field(path, body): text for path, text in refusal.fields.items()}))


# -- registering a child ----------------------------------------------------------------------


def _places(caller: Principal, views: Views) -> list[str]:
    """Division codes to offer while the register of places names none of the caller's: the
    caller's own and those of the children in its scope."""
    where = narrow_children(caller_of(caller), views, ChildFilter())
    own = caller.scope.region_code or ""
    codes = {own} if len(own) >= 6 else set()
    if where is not None:
        with views.store.recorder(ChildrenRegister).read() as tx:
            codes.update(places_of_children(tx, where))
    return sorted(codes)


def _new_page(request: Request, caller: Principal, register: Register, views: Views,
              typed: Mapping[str, Any], refusal: Refusal | None = None,
              existing: str | None = None, status_code: int = 200) -> HTMLResponse:
    named = choices(views, caller.scope.region_code)
    return render(request, "child_new.html", caller, status_code=status_code, typed=typed,
                  refusal=refusal, existing=existing, place_choices=named,
                  places=[] if named else _places(caller, views), choices=CHOICES,
                  today=register.today())


@router.get("/children/new", response_class=HTMLResponse)
def new_child(request: Request, caller: Keeper, register: Register,
              views: Views) -> HTMLResponse:
    """The form to register a child (登记儿童), with the guardian's or a parent's consent."""
    region = caller.scope.region_code or ""
    typed = {"region_code": region if len(region) >= 9 else "", "categories": []}
    return _new_page(request, caller, register, views, typed)


@router.post("/children/new", status_code=303, response_class=RedirectResponse, responses={
    303: redirect("Registered: to the child's page."),
    409: page("The national ID number is already on the register, or a rule of the "
              "programme refuses it: the form again, as typed, saying why."),
    422: page("A field is missing or wrong: the form again, as typed, naming it.")})
def register_child(request: Request, caller: Keeper, register: Register, views: Views,
                   form: Annotated[RegisterForm, Form()]) -> Response:
    """Register a child as ``POST /children`` does; then its page."""
    check_csrf(request, form.csrf)
    return once(request, caller, register, form.form_key, form.sent(),
                lambda: _register(request, caller, register, views, form))


def _register(request: Request, caller: Principal, register: Register, views: Views,
              form: RegisterForm) -> Response:
    body = registration(form)
    typed = form.fields()
    request_body = shaped(ChildCreate, body)
    if isinstance(request_body, Refusal):
        refusal = in_form(request_body, body)
        return _new_page(request, caller, register, views, typed, refusal,
                         status_code=refused_status(refusal))
    recorded = attempt(lambda: _recorded(request_body, caller, register))
    if isinstance(recorded, ChildAlreadyRegistered):  # the holder named to those who may read
        existing = api_children.existing_shown(register=register, caller=caller,
                                               refused=recorded)
        refusal = in_words(Refusal(message=recorded.message, rule=recorded.rule,
                                   fields={"id_number": recorded.message}))
        return _new_page(request, caller, register, views, typed, refusal,
                         str(existing) if existing else None, status_code=409)
    if isinstance(recorded, Refusal):
        if recorded.rule == "403":  # outside the caller's scope: the field that puts it there
            recorded = Refusal(message=recorded.message, rule="403",
                               fields={"region_code": "不在您的管辖范围内"})
        refusal = in_form(recorded, body)
        return _new_page(request, caller, register, views, typed, refusal,
                         status_code=refused_status(refusal))
    views.wait_for(register.recorder.max_notification_id() or 0)  # listed, as the API does
    return RedirectResponse(f"/console/children/{recorded}?saved=registered", 303)


def _recorded(body: ChildCreate, caller: Principal,
              register: Register) -> UUID | ChildAlreadyRegistered:
    """The child registered, or the refusal of a national ID number on the register (kept
    apart from the other refusals: it may name the child holding the number)."""
    try:
        return api_children.record_child(body=body, caller=caller, register=register)
    except ChildAlreadyRegistered as refused:
        return refused


# -- keeping the record -----------------------------------------------------------------------

#: What a form of the child's page answers, as the OpenAPI document describes it.
REFUSED_ANSWERS: dict[int | str, dict[str, Any]] = {
    409: page("A rule of the programme refuses it (the child has exited, a date in the "
              "future…): the child's page again, the form as typed, saying why."),
    422: page("A field is missing or wrong: the child's page again, the form as typed, "
              "naming it."),
    303: redirect("Recorded: to the child's page, saying so.")}


def keep(request: Request, caller: Principal, register: Register, views: Views,
         child_id: UUID, name: str, form: TypedForm,
         change: Callable[[ChildView], object], *,
         extra: Mapping[str, str] | None = None) -> Response:
    """Check the CSRF token and the scope, make the change ``name``, answer with the child's
    page (again, as typed, with ``extra`` beside what was typed, if refused)."""
    check_csrf(request, form.csrf)
    return once(request, caller, register, form.form_key, form.sent(),
                lambda: _keep(request, caller, register, views, child_id, name, form, change,
                              extra=extra))


def _keep(request: Request, caller: Principal, register: Register, views: Views,
          child_id: UUID, name: str, form: TypedForm, change: Callable[[ChildView], object], *,
          extra: Mapping[str, str] | None) -> Response:
    try:
        child = register.child_in_scope(caller_of(caller), child_id,
                                        paired=paired_children(views))
    except NotFound:
        return not_found(request, caller, "儿童档案")
    if not may_change_child(caller_of(caller), child):
        raise Refused(403, "您不能更改这名儿童的档案")
    done = attempt(lambda: change(child))
    if isinstance(done, Refusal):  # shown again as typed, at the version it was read at
        typed = {name: form.fields() | {"version": form.version} | dict(extra or {})}
        return show(request, caller, register, views, child_id, typed=typed,
                    refusal=in_words(done), refused=name, status_code=refused_status(done))
    return RedirectResponse(f"/console/children/{child_id}?saved={name}#{name}", 303)


def _model(model: type[BaseModel], fields: Mapping[str, Any]) -> Any:
    """The request model, or raise what refuses it (for :func:`attempt` to catch)."""
    return model.model_validate(given(fields))


@router.post("/children/{child_id}/parents", status_code=303, response_class=RedirectResponse,
             responses=REFUSED_ANSWERS)
def change_parent(request: Request, child_id: UUID, caller: Keeper, register: Register,
                  views: Views, form: Annotated[ParentForm, Form()]) -> Response:
    """A parent's status or work location changed, as ``POST /children/{id}/parents/{role}``."""
    def change(child: ChildView) -> object:
        role = form.role if form.role in ROLES else "father"
        body = _model(ParentChange, form.fields() | {"role": None})
        return api_children.change_parent(
            child_id=child.id, role=role, body=body, caller=caller, register=register,
            views=views, expected=expected_version(form.version), response=Response())
    return keep(request, caller, register, views, child_id, "parents", form, change)


@router.post("/children/{child_id}/guardian", status_code=303, response_class=RedirectResponse,
             responses=REFUSED_ANSWERS)
def change_guardian(request: Request, child_id: UUID, caller: Keeper, register: Register,
                    views: Views, form: Annotated[GuardianForm, Form()]) -> Response:
    """The entrusted guardian changed or corrected, as ``POST /children/{id}/guardian``."""
    def change(child: ChildView) -> object:
        body = _model(GuardianChange, form.fields())
        return api_children.change_guardian(
            child_id=child.id, body=body, caller=caller, register=register, views=views,
            expected=expected_version(form.version), response=Response())
    return keep(request, caller, register, views, child_id, "guardian", form, change)


@router.post("/children/{child_id}/profile", status_code=303, response_class=RedirectResponse,
             responses=REFUSED_ANSWERS)
def update_profile(request: Request, child_id: UUID, caller: Keeper, register: Register,
                   views: Views, form: Annotated[ProfileForm, Form()]) -> Response:
    """New health, study or psychology notes, as ``POST /children/{id}/profile``."""
    def change(child: ChildView) -> object:
        body = _model(ProfileIn, form.fields())
        return api_children.update_profile(
            child_id=child.id, body=body, caller=caller, register=register, views=views,
            expected=expected_version(form.version), response=Response())
    return keep(request, caller, register, views, child_id, "profile", form, change)


@router.post("/children/{child_id}/categories", status_code=303,
             response_class=RedirectResponse, responses=REFUSED_ANSWERS)
def change_categories(request: Request, child_id: UUID, caller: Keeper, register: Register,
                      views: Views, form: Annotated[CategoriesForm, Form()]) -> Response:
    """The special-attention categories from a date, as ``POST /children/{id}/categories``."""
    def change(child: ChildView) -> object:
        body = _model(CategoriesChange, form.fields() | {"categories": list(form.categories)})
        return api_children.change_categories(
            child_id=child.id, body=body, caller=caller, register=register, views=views,
            expected=expected_version(form.version), response=Response())
    return keep(request, caller, register, views, child_id, "categories", form, change)


@router.post("/children/{child_id}/exit", status_code=303, response_class=RedirectResponse,
             responses=REFUSED_ANSWERS)
def exit_child(request: Request, child_id: UUID, caller: Keeper, register: Register,
               views: Views, form: Annotated[ExitForm, Form()]) -> Response:
    """The child leaves the programme, as ``POST /children/{id}/exit``."""
    def change(child: ChildView) -> object:
        body = _model(ExitIn, form.fields())
        return api_children.exit_child(
            child_id=child.id, body=body, caller=caller, register=register, views=views,
            expected=expected_version(form.version), response=Response())
    return keep(request, caller, register, views, child_id, "exit", form, change)
