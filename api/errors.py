"""HTTP errors: 404 unknown or out of scope, 409 a rule, 412 If-Match, 422 a field.

Every operation of the API (under ``/api/``) in ``/openapi.json`` documents the errors it
can answer with, each with the one ``{"detail": ...}`` model and a one-line description
(the console's pages are described by ``api.console``). They are added here, in
one place, from what each route is made of (see ``error_responses``), not by hand per
route: a route added later is documented the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fastapi import Depends, FastAPI, Request, routing
from fastapi.dependencies.models import Dependant
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from api import shapes
from api.deps import ROLE_CHECKS, if_match_version, oauth2
from api.middleware import MAX_BODY
from api.schemas.common import checked_query
from api.shape_messages import in_chinese
from domain.errors import DomainError, InvalidRecord, NotFound, StaleVersion


class FieldError(BaseModel):
    """One field at fault: where it is (``loc``), what is wrong, and which check failed."""

    loc: list[str | int] = Field(examples=[["query", "as_of"]])
    msg: str = Field(examples=["2026-09-01 is in the future; history is of what has happened"])
    type: str = Field(examples=["future_date"])
    input: Any = Field(default=None, description="The value at fault, cut to "
                       "its first 200 characters (of its JSON, for a list or an object).")
    input_length: int | None = Field(default=None, description="Given only when `input` "
                                     "was cut: the length of the whole value.")


class ErrorBody(BaseModel):
    """Every error answer: ``detail`` is a message, or (422) the fields at fault."""

    detail: str | list[FieldError] = Field(
        examples=["the volunteer is rejected and cannot be paired"])
    rule: str | None = Field(default=None, description="The domain rule a 409 names.",
                             examples=["volunteer_not_approved"])


_COMMANDS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
_REF = "#/components/schemas/{model}"


def install(app: FastAPI) -> None:
    """Map the domain's one error hierarchy onto HTTP, naming the rule or the field;
    document each route's errors in the OpenAPI document. Every route included after this
    checks its query parameters (``checked_query``: texts and dates, 422 naming them)."""

    app.router.dependencies.append(Depends(checked_query))

    @app.exception_handler(RequestValidationError)
    def _malformed(request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": [
            _echoed(in_chinese(fault)) for fault in jsonable_encoder(error.errors())]})

    @app.exception_handler(InvalidRecord)
    def _invalid(request: Request, error: InvalidRecord) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": [{
            "loc": ["body", *error.field.split(".")], "msg": error.message,
            "type": error.rule}]})

    @app.exception_handler(NotFound)
    def _not_found(request: Request, error: NotFound) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": error.message})

    @app.exception_handler(StaleVersion)
    def _stale(request: Request, error: StaleVersion) -> JSONResponse:
        status = 412 if request.headers.get("if-match") else 409
        return JSONResponse(status_code=status,
                            content={"detail": error.message, "rule": error.rule})

    @app.exception_handler(DomainError)
    def _rule(request: Request, error: DomainError) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": error.message,
                                                      "rule": error.rule})

    app.openapi = _documented(app)  # type: ignore[method-assign]


#: How much of the value at fault a 422 shows back (``input``), in characters.
ECHO_LIMIT = 200


def _echoed(fault: dict[str, Any]) -> dict[str, Any]:
    """A field's error as answered: its ``input`` cut to :data:`ECHO_LIMIT` characters (a
    text is cut; a longer list or object is shown as the start of its JSON), so that a
    large request is never sent back whole; a lone surrogate, which cannot be written as
    UTF-8, is shown as U+FFFD."""
    if "input" in fault:
        value = fault["input"]
        text = value if isinstance(value, str) else json.dumps(
            value, ensure_ascii=False, separators=(",", ":"))
        if len(text) > ECHO_LIMIT:
            fault = {**fault, "input": text[:ECHO_LIMIT] + "…", "input_length": len(text)}
    return _writable(fault)  # type: ignore[no-any-return]


_SURROGATE = re.compile("[\ud800-\udfff]")


def _writable(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_writable(key): _writable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_writable(item) for item in value]
    return value


# -- the errors in the OpenAPI document ---------------------------------------------------


def error_responses(dependant: Dependant, method: str) -> dict[int, str]:
    """The errors a route can answer with, each with one line saying when.

    Read from the route itself: a body that cannot be parsed (400), its bearer token (401),
    its role check (403), its path naming a record or a body naming others by id (404), a
    command's domain rules and Idempotency-Key (409, 422), If-Match (412), the body limit
    (413), its parameters (422), the write limit on commands and the login throttle (429).
    """
    calls = set(_calls(dependant))
    authenticated = oauth2 in calls
    command = method in _COMMANDS
    allowed = [ROLE_CHECKS[call] for call in calls if call in ROLE_CHECKS]
    codes: dict[int, str] = {}
    if _has_body(dependant):
        codes[400] = ("The request body cannot be parsed: JSON that is not UTF-8, or a "
                      "malformed form.")
    if authenticated:
        codes[401] = "Not authenticated: the bearer token is missing, invalid or expired."
    elif OAuth2PasswordRequestForm in calls:
        codes[401] = "Wrong username or password, or the account is deactivated."
    if allowed:
        codes[403] = f"Your role may not do this (allowed: {', '.join(allowed[0])})."
    elif authenticated and command:
        codes[403] = "Your role or scope may not do this to this record."
    if dependant.path_params or (authenticated and command and _names_records(dependant)):
        codes[404] = "No such record, or it lies outside your scope (the two are not told apart)."
    if command:
        codes[409] = ("A rule of the domain refuses the command (`rule` names it), a "
                      "concurrent change won, or this Idempotency-Key is still in flight.")
    if if_match_version in calls:
        codes[412] = "If-Match names a version that is no longer current; nothing was recorded."
    if method in _WITH_BODY:
        codes[413] = f"The request body is over {MAX_BODY} bytes."
    if command:
        codes[422] = ("A field is missing or malformed (`detail` names it), or the "
                      "Idempotency-Key was used with another request.")
    elif _has_parameters(dependant):
        codes[422] = "A parameter is malformed (`detail` names it)."
    if command and authenticated:
        codes[429] = ("Too many changes from this account this minute "
                      "(`AIXIN_WRITE_RATE_LIMIT`); try again after `Retry-After` seconds.")
    elif OAuth2PasswordRequestForm in calls:
        codes[429] = ("Too many failed logins for this username or address: refused, even "
                      "with the right password, for `Retry-After` seconds.")
    return codes


def _documented(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """``app.openapi`` that adds every route's error responses to the generated document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            _add_error_model(document)
            # the console documents its own pages
            routes = [(path, route) for path, route in _api_routes(app)
                      if path.startswith("/api/")]
            for path, route in routes:
                for method in sorted(route.methods or ()):
                    operation = document.get("paths", {}).get(path, {}).get(method.lower())
                    if operation is not None:
                        _add_errors(operation, error_responses(route.dependant, method))
            shapes.state(document, routes)  # the texts' and dates' patterns
        return app.openapi_schema  # type: ignore[return-value]

    return openapi


def _add_error_model(document: dict[str, Any]) -> None:
    _, schemas = models_json_schema([(ErrorBody, "serialization")], ref_template=_REF)
    document.setdefault("components", {}).setdefault("schemas", {}).update(schemas["$defs"])


def _add_errors(operation: dict[str, Any], codes: dict[int, str]) -> None:
    """Document each code with the error model; a route's own description is kept, but
    FastAPI's default 422 gives way, since a 422 may also carry a plain message."""
    responses = operation.setdefault("responses", {})
    content = {"application/json": {"schema": {"$ref": _REF.format(model="ErrorBody")}}}
    for code, description in codes.items():
        documented = responses.get(str(code))
        if documented is None or documented.get("description") == "Validation Error":
            responses[str(code)] = {"description": description, "content": content}
        else:
            documented.setdefault("content", content)


def _api_routes(app: FastAPI) -> Iterator[tuple[str, APIRoute]]:
    """(path as the document names it, route) for every API route.

    FastAPI from 0.12x keeps included routers apart and walks them with
    ``iter_route_contexts``; earlier versions copy their routes into ``app.routes``.
    """
    contexts: Iterable[Any] = getattr(routing, "iter_route_contexts", iter)(app.routes)
    for context in contexts:
        route = getattr(context, "original_route", context)
        if isinstance(route, APIRoute) and context.path_format:
            yield context.path_format, route


def _calls(dependant: Dependant) -> Iterator[Any]:
    """Every dependency the route calls, however deep."""
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def _has_parameters(dependant: Dependant) -> bool:
    """Whether the route reads a path, query, header or cookie parameter, or a body."""
    if (dependant.path_params or dependant.query_params or dependant.header_params
            or dependant.cookie_params or dependant.body_params):
        return True
    return any(_has_parameters(dependency) for dependency in dependant.dependencies)


def _has_body(dependant: Dependant) -> bool:
    """Whether the route reads a body (JSON or a form), itself or through a dependency."""
    return bool(dependant.body_params) or any(
        _has_body(dependency) for dependency in dependant.dependencies)


def _names_records(dependant: Dependant) -> bool:
    """Whether the body names other records by id (``child_ids``, ``volunteer_id``...)."""
    for param in dependant.body_params:
        model = param.field_info.annotation
        names = getattr(model, "model_fields", {}) or {param.name: None}
        if any(name.endswith(("_id", "_ids")) for name in names):
            return True
    return False
