"""Every text and every date of every request body follows the same rules, including the
fields added later: found by walking the request models, not listed by hand."""

from __future__ import annotations

import importlib
import pkgutil
import types
from datetime import date
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError

import api.schemas
from api.schemas.common import Strict


def request_models() -> list[type[BaseModel]]:
    for module in pkgutil.iter_modules(api.schemas.__path__):
        importlib.import_module(f"api.schemas.{module.name}")
    found, todo = [], [Strict]
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        if model is not Strict and not getattr(model, "__pydantic_generic_metadata__", {}
                                               ).get("origin"):
            found.append(model)
    return sorted(found, key=lambda m: f"{m.__module__}.{m.__qualname__}")


def _members(annotation: Any) -> list[Any]:
    """The types a field may hold, with their annotations taken off."""
    if get_origin(annotation) is Annotated:
        return _members(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return [m for member in get_args(annotation) for m in _members(member)]
    return [annotation]


def _length(model: type[BaseModel], name: str) -> int:
    """A length the field takes: at least 4, within its bounds."""
    limits = {type(m).__name__: m for m in model.model_fields[name].metadata}
    low = getattr(limits.get("MinLen"), "min_length", 0)
    high = getattr(limits.get("MaxLen"), "max_length", 100)
    return min(max(low, 4), high)


def fields_of(kind: Any) -> list[tuple[type[BaseModel], str, Any]]:
    """(model, field, annotation) for every field of a request model that holds ``kind``
    (``str``: a text, or a list of texts; ``date``)."""
    found = []
    for model in request_models():
        for name, field in model.model_fields.items():
            for member in _members(field.annotation):
                if member is kind or (kind is str and get_origin(member) is list
                                      and get_args(member) == (str,)):
                    found.append((model, name, member))
                    break
    return found


TEXTS = fields_of(str)
DATES = fields_of(date)


def faults(model: type[BaseModel], values: dict[str, Any]) -> dict[str, str]:
    """The type of the error on each field at fault."""
    try:
        model.model_validate(values)
    except ValidationError as error:
        return {".".join(map(str, e["loc"])): e["type"] for e in error.errors()}
    return {}


def test_the_walk_finds_the_texts_and_dates_of_the_requests() -> None:
    assert len(TEXTS) > 40 and len(DATES) > 15


@pytest.mark.parametrize("character", ["\x00", "\x08", "\x1f", "\x7f", "\x85", "\u200b",
                                       "\u200f", "\u202e", "\u2060", "\u2067", "\ufeff"])
@pytest.mark.parametrize(("model", "name", "annotation"), TEXTS,
                         ids=[f"{m.__name__}.{n}" for m, n, _ in TEXTS])
def test_every_text_refuses_control_invisible_and_direction_characters(
        model: type[BaseModel], name: str, annotation: Any, character: str) -> None:
    plain = "1" * _length(model, name)  # digits: a division code's pattern takes them
    text = plain[:2] + character + plain[3:]
    listed = get_origin(annotation) is list
    assert name not in faults(model, {name: [plain] if listed else plain})
    assert faults(model, {name: [text] if listed else text}).get(name) in (
        "text_character", "string_pattern_mismatch")  # a code's own pattern refuses it first


@pytest.mark.parametrize(("model", "name", "annotation"), DATES,
                         ids=[f"{m.__name__}.{n}" for m, n, _ in DATES])
@pytest.mark.parametrize("written", [0, "0", "20260331", "2026-03-31T00:00:00", "1899-12-31"])
def test_every_date_is_yyyy_mm_dd_from_1900(
        model: type[BaseModel], name: str, annotation: Any, written: object) -> None:
    assert name in faults(model, {name: written})
