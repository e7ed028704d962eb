"""Shapes shared by every resource: created responses, pages, reasons; and the rules every
request's texts and dates follow.

Texts: no text of a request holds a control character (C0, DEL, C1), an invisible one
(zero-width space and joiners, word joiner, byte-order mark) or one that changes the
direction text is shown in (bidi marks, embeddings, overrides, isolates): they hide what a
record says, and some cannot be stored at all (PostgreSQL refuses NUL). Texts of several
lines (notes, descriptions, reasons, opinions: declared :data:`Lines`) keep their tabs and
line breaks. Every request body is a :class:`Strict`, which checks each of its texts, so a
field added later is checked too.

Dates: ``YYYY-MM-DD`` (ISO 8601) and nothing else (never a number of seconds, never an
instant), from 1900 on (:data:`Day`).
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin
from uuid import UUID

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from domain.common import PHONE_SHAPE
from domain.texts import RULE, unwritable

T = TypeVar("T")

# -- texts ----------------------------------------------------------------------------------

class _Multiline:
    """The mark of a text of several lines (see :data:`Lines`)."""

    def __repr__(self) -> str:
        return "MULTILINE"


MULTILINE = _Multiline()

#: A text of several lines (notes, descriptions, reasons, opinions): tabs and line breaks
#: are kept; every other control, invisible or direction-changing character is refused.
Lines = Annotated[str, MULTILINE]


def checked_text(value: str, *, lines: bool = False) -> str:
    """``value`` if it holds no character a text may not hold (``domain.texts``); otherwise
    an error naming the character and where it is."""
    found = unwritable(value, lines=lines)
    if found is None:
        return value
    raise PydanticCustomError(
        "text_character",
        "holds U+{code} at character {position}: {what}; " + RULE,
        {"code": found.code, "position": found.position, "what": found.what})


def _checked_texts(value: Any, *, lines: bool) -> Any:
    """Every text in ``value`` (a text, or a list or mapping of them) checked."""
    if isinstance(value, str):
        return checked_text(value, lines=lines)
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _checked_texts(item, lines=lines)
    elif isinstance(value, dict):
        for key, item in value.items():
            _checked_texts(key, lines=False)
            _checked_texts(item, lines=lines)
    return value


def _is_multiline(field: FieldInfo) -> bool:
    return MULTILINE in field.metadata or _marked(field.annotation)


def _marked(annotation: Any) -> bool:
    """Whether ``annotation`` is :data:`Lines`, alone or in a union (``Lines | None``)."""
    if get_origin(annotation) is Annotated:
        return MULTILINE in annotation.__metadata__
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_marked(member) for member in get_args(annotation))
    return False


class Strict(BaseModel):
    """A request body: unknown fields are refused, not ignored; every text is checked
    (no control, invisible or direction-changing character; tabs and line breaks only in
    the texts of several lines, :data:`Lines`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _plain_texts(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        return _checked_texts(value, lines=field is not None and _is_multiline(field))


# -- dates ----------------------------------------------------------------------------------

#: The earliest date a request may state: nothing the register records happened before.
EARLIEST = date(1900, 1, 1)

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_day(value: object) -> object:
    """A date as written in a request: ``YYYY-MM-DD`` only (a date passed in by code as
    itself is taken as it is)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise PydanticCustomError(
                "date_from_iso", "日期 {value} 在日历上不存在（{value} is no date of the "
                "calendar: {reason}）", {"value": value, "reason": str(error)}) from None
    raise PydanticCustomError(
        "date_format", "a date is written YYYY-MM-DD (ISO 8601), such as 2026-03-31 "
        "(日期格式为 YYYY-MM-DD)")


def not_before_earliest(value: date) -> date:
    if value < EARLIEST:
        raise PydanticCustomError(
            "date_too_early", "{value} is before {earliest}; no date the register records is "
            "that early (日期不得早于 {earliest})",
            {"value": value.isoformat(), "earliest": EARLIEST.isoformat()})
    return value


#: A date in a request (body or query): ``YYYY-MM-DD``, from 1900-01-01.
Day = Annotated[date, BeforeValidator(iso_day), AfterValidator(not_before_earliest)]


def is_day(annotation: Any) -> bool:
    """Whether a parameter declared as ``annotation`` is a plain date (``date``,
    ``date | None``, :data:`Day`...), not an instant nor one of several kinds."""
    if get_origin(annotation) is Annotated:
        return is_day(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        members = [m for m in get_args(annotation) if m is not type(None)]
        return bool(members) and all(is_day(member) for member in members)
    return annotation is date


# -- query strings ------------------------------------------------------------------------


async def checked_query(request: Request) -> None:
    """Every route's query parameters follow the same rules as its body: no text holds a
    control, invisible or direction-changing character, and a date parameter is
    ``YYYY-MM-DD`` from 1900 on; otherwise 422 naming the parameter. (Installed on every
    route by :func:`api.errors.install`, so a route added later follows them too.) A
    coroutine, as it reads nothing but the request: a plain function would cost every
    request a hop to a worker thread and back."""
    route = request.scope.get("route")
    days = _day_parameters(route) if isinstance(route, APIRoute) else frozenset()
    errors: list[dict[str, Any]] = []
    for name, value in request.query_params.multi_items():
        try:
            checked_text(value)
            if name in days:
                not_before_earliest(iso_day(value))  # type: ignore[arg-type]
        except PydanticCustomError as error:
            errors.append({"loc": ("query", name), "msg": error.message(),
                           "type": error.type, "input": value})
    if errors:
        raise RequestValidationError(errors)


#: Each route's date parameters, by the route's id (a route is neither hashable nor freed
#: while its app serves); the route is kept beside them so that an id reused is told apart.
_DAYS: dict[int, tuple[APIRoute, frozenset[str]]] = {}


def _day_parameters(route: APIRoute) -> frozenset[str]:
    """The names of the route's query parameters that are dates."""
    known = _DAYS.get(id(route))
    if known is None or known[0] is not route:
        if len(_DAYS) > 4096:  # apps built and dropped again and again (tests)
            _DAYS.clear()
        known = _DAYS[id(route)] = (route, frozenset(day_parameters(route.dependant)))
    return known[1]


def day_parameters(dependant: Dependant) -> Iterator[str]:
    """The names of the query parameters that are dates, of a route's dependant and its
    dependencies."""
    for param in dependant.query_params:
        if is_day(param.field_info.annotation):
            yield param.alias
    for dependency in dependant.dependencies:
        yield from day_parameters(dependency)


# -- shapes -----------------------------------------------------------------------------------


class Created(BaseModel):
    id: UUID
    version: int


class Changed(BaseModel):
    id: UUID
    version: int


class Page(BaseModel, Generic[T]):
    """One page of a list; pass ``next`` back as ``after`` for the following page."""

    items: list[T]
    next: str | None = None


class Reason(Strict):
    reason: Lines = Field(min_length=1, max_length=2000, examples=["半年未履行帮扶职责"])
    on: Day | None = None


def phone_field(*, optional: bool) -> Any:
    """A phone number's field: the document states the programme's rule
    (:data:`domain.common.PHONE_SHAPE`), which the domain checks with its own message (422
    naming the field); ``optional``: an empty text stands for none."""
    shape = f"^(?:{PHONE_SHAPE})?$" if optional else f"^{PHONE_SHAPE}$"
    return Field(default="" if optional else ..., max_length=20,
                 json_schema_extra={"pattern": shape},
                 description="7 to 20 characters: digits, an optional leading +, hyphens "
                             "and spaces (电话号码为7至20位)"
                             + ("; empty for none" if optional else ""))
