"""The console's forms: the API's own request shapes and use cases behind them, and a refusal
said as the API says it, in Chinese, beside the form that keeps what was typed.

A form handler reads its fields, builds the same request model the API route validates
(``api/schemas``) and calls the same use case. :func:`attempt` turns what can refuse it (a
malformed field, a rule of the programme, a gate of the access policy) into a
:class:`Refusal` for the page to show; anything else is a fault and is raised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import HTTPException
from pydantic import BaseModel, ValidationError

from api.shape_messages import in_chinese
from domain.errors import DomainError, InvalidRecord

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Refusal:
    """Why a form was not recorded: one message per field at fault (``fields``, keyed by the
    field's dotted path in the request model) and the rule's message for the whole form
    (``message``), with its stable code (``rule``)."""

    message: str = ""
    rule: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return True


def _path(loc: Any) -> str:
    return ".".join(str(part) for part in loc if part != "body")


def refusal_of(error: Exception) -> Refusal | None:
    """The refusal an error stands for, or ``None`` when it is a fault rather than a refusal."""
    if isinstance(error, ValidationError):
        faults = [in_chinese(fault) for fault in error.errors(include_url=False)]
        return Refusal(message="请检查标出的栏目", rule="malformed",
                       fields={_path(fault.get("loc", ())): str(fault.get("msg", ""))
                               for fault in faults})
    if isinstance(error, InvalidRecord):
        return Refusal(message=error.message, rule=error.rule, fields={error.field: error.message})
    if isinstance(error, DomainError):
        return Refusal(message=error.message, rule=error.rule)
    if isinstance(error, HTTPException) and 400 <= error.status_code < 500:
        detail = error.detail
        return Refusal(message=detail if isinstance(detail, str) else "请求未被接受",
                       rule=str(error.status_code))
    return None


def attempt(action: Callable[[], T]) -> T | Refusal:
    """Run ``action``; what refuses it comes back as a :class:`Refusal`, nothing recorded."""
    try:
        return action()
    except (ValidationError, DomainError, HTTPException) as error:
        refused = refusal_of(error)
        if refused is None:
            raise
        return refused


def shaped(model: type[M], fields: Mapping[str, Any]) -> M | Refusal:
    """The request model ``model`` from a form's ``fields`` (empty fields left out, so a
    default applies), or the refusal naming each field at fault."""
    given = {name: value for name, value in fields.items() if value not in ("", None)}
    return attempt(lambda: model.model_validate(given))


_CHINESE = re.compile(r"[\u4e00-\u9fff]")
#: The field a domain rule's message names first, for clients ("reason: 必填…").
_FIELD = re.compile(r"^[A-Za-z_.]+: ")


def said(text: str) -> str:
    """``text`` as a person reads it: without the field named first for clients and without
    the closing gloss in parentheses that holds no Chinese ("必填（Field required）" → 必填)."""
    words = _FIELD.sub("", text).rstrip()
    if words.endswith(("）", ")")):
        for at, mark in enumerate(words):
            if mark in "（(" and at and not _CHINESE.search(words[at:]):
                return words[:at].rstrip()
    return words or text


def in_words(refusal: Refusal) -> Refusal:
    """The refusal as a page shows it: each message :func:`said` (the API keeps the gloss)."""
    return Refusal(message=said(refusal.message), rule=refusal.rule,
                   fields={name: said(text) for name, text in refusal.fields.items()})


def refused_status(refusal: Refusal) -> int:
    """The status a refused form is answered with, as the API answers it: the access
    policy's 403 or a hidden record's 404 as raised, a field's 422, a rule's 409."""
    if refusal.rule.isdigit():
        return int(refusal.rule)
    return 422 if refusal.fields else 409
