"""What ``/openapi.json`` says of the shapes a request may take, beyond what the models state.

Every text of a request (body or query string) is checked the same way (``api.schemas.common``):
no control, invisible or direction-changing character, and in a text of one line no tab or
line break either; a required text holds more than spaces, as texts are trimmed. Every date
is ``YYYY-MM-DD`` from 1900-01-01 (:data:`~api.schemas.common.Day`, and every date of a query
string). The document says so with a ``pattern`` on each such text and date, added here in one
place for every route, so that a client (or a generator of requests) sends what is accepted.
The texts' patterns are read from the check itself, so that they say exactly what it refuses.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from api.schemas.common import (
    EARLIEST,
    MULTILINE,
    Strict,
    checked_text,
    day_parameters,
    not_before_earliest,
)

_LEAVES = ("format", "enum", "const", "pattern")  # a string these already say enough of


def _years_from(year: int) -> str:
    """A pattern for the four-digit years from ``year`` on."""
    digits = f"{year:04d}"
    options = [digits] + [f"{digits[:i]}[{int(d) + 1}-9]" + "[0-9]" * (3 - i)
                          for i, d in enumerate(digits) if d != "9"]
    return f"({'|'.join(options)})"


assert (EARLIEST.month, EARLIEST.day) == (1, 1), "the earliest date starts a year"
#: A date of a request: ``YYYY-MM-DD``, from :data:`~api.schemas.common.EARLIEST` on.
DAY = f"^{_years_from(EARLIEST.year)}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


@cache
def text_pattern(*, lines: bool, required: bool) -> str:
    """The texts ``checked_text`` accepts: none of the characters it refuses (lone
    surrogates aside, which are no characters and no JSON Schema text holds); a required
    one, a character that is not a space besides."""
    refused = [code for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF
               and _refused(chr(code), lines=lines)]
    never = "".join(f"\\u{first:04x}" if first == last else f"\\u{first:04x}-\\u{last:04x}"
                    for first, last in _spans(refused))
    if required:
        return f"^[^{never}]*[^\\s{never}][^{never}]*$"
    return f"^[^{never}]*$"


def _refused(character: str, *, lines: bool) -> bool:
    try:
        checked_text(character, lines=lines)
    except PydanticCustomError:
        return True
    return False


def _spans(codes: list[int]) -> Iterator[tuple[int, int]]:
    start = previous = None
    for code in codes:
        if previous is not None and code == previous + 1:
            previous = code
            continue
        if start is not None:
            yield start, previous  # type: ignore[misc]
        start = previous = code
    if start is not None:
        yield start, previous  # type: ignore[misc]


def state(document: dict[str, Any], routes: Iterable[tuple[str, APIRoute]]) -> None:
    """Add the patterns to the bodies' models and the query strings of ``routes``; a
    parameter that may be left out is not said to be null."""
    schemas = document.get("components", {}).get("schemas", {})
    for model in {model for _, route in routes for model in _bodies(route.dependant)}:
        schema = schemas.get(model.__name__) or schemas.get(f"{model.__name__}-Input")
        if schema is not None:
            _state_model(model, schema)
    for path, route in routes:
        days = set(day_parameters(route.dependant))
        for method in route.methods or ():
            operation = document.get("paths", {}).get(path, {}).get(method.lower(), {})
            for parameter in operation.get("parameters", []):
                _never_null(parameter)
                if parameter["in"] == "query":
                    _state_value(parameter["schema"], lines=False,
                                 day=parameter["name"] in days)


def _never_null(parameter: dict[str, Any]) -> None:
    """A parameter that may be left out is left out, never sent as null (a query string or
    a header has no null): its schema is the value's alone."""
    schema = parameter["schema"]
    members = [member for member in schema.get("anyOf", []) if member != {"type": "null"}]
    if parameter.get("required") or len(members) == len(schema.get("anyOf", [])):
        return
    del schema["anyOf"]
    if len(members) == 1:
        schema.update(members[0])
    else:
        schema["anyOf"] = members


def _state_model(model: type[BaseModel], schema: dict[str, Any]) -> None:
    properties = schema.get("properties", {})
    for name, field in model.model_fields.items():
        found = properties.get(field.alias or name)
        if found is not None:
            _state_value(found, lines=_marked(field, MULTILINE), day=_from_earliest(field))


def _state_value(schema: dict[str, Any], *, lines: bool, day: bool) -> None:
    """The pattern on each text or date ``schema`` (a union, a list, a mapping) holds."""
    for member in schema.get("anyOf", []):
        _state_value(member, lines=lines, day=day)
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        _state_value(schema["items"], lines=lines, day=day)
    if schema.get("type") == "object" and isinstance(schema.get("additionalProperties"), dict):
        _state_value(schema["additionalProperties"], lines=lines, day=day)
    if schema.get("type") != "string":
        return
    if "pattern" in schema:
        if "[^" in schema["pattern"]:  # its own pattern admits all but a few characters
            schema.setdefault("allOf", []).append({"pattern": text_pattern(
                lines=lines, required=False)})
    elif day and schema.get("format") == "date":
        schema["pattern"] = DAY
    elif not any(key in schema for key in _LEAVES):
        schema["pattern"] = text_pattern(lines=lines, required=schema.get("minLength", 0) > 0)


def _bodies(dependant: Dependant) -> Iterator[type[Strict]]:
    """The request models a route reads, and the models they hold, however deep."""
    for param in dependant.body_params:
        yield from _models(param.field_info.annotation)
    for dependency in dependant.dependencies:
        yield from _bodies(dependency)


def _models(annotation: Any) -> Iterator[type[Strict]]:
    if isinstance(annotation, type) and issubclass(annotation, Strict):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
    for argument in get_args(annotation):
        yield from _models(argument)


def _marked(field: FieldInfo, mark: Any) -> bool:
    return mark in field.metadata or mark in _metadata(field.annotation)


def _from_earliest(field: FieldInfo) -> bool:
    """Whether the field is a :data:`~api.schemas.common.Day` (alone or in a union)."""
    return any(getattr(mark, "func", None) is not_before_earliest
               for mark in [*field.metadata, *_metadata(field.annotation)])


def _metadata(annotation: Any) -> Iterator[Any]:
    """The marks of ``annotation``, of the members of a union among them."""
    if get_origin(annotation) is Annotated:
        yield from annotation.__metadata__
        yield from _metadata(get_args(annotation)[0])
    elif get_origin(annotation) in (Union, types.UnionType):
        for member in get_args(annotation):
            yield from _metadata(member)
