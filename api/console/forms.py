"""The console's forms: the API's own request shapes and use cases behind them, and a refusal
said as the API says it, in Chinese, beside the form that keeps what was typed.

A form handler reads its fields, builds the same request model the API route validates
(``api/schemas``) and calls the same use case. :func:`attempt` turns what can refuse it (a
malformed field, a rule of the programme, a gate of the access policy) into a
:class:`Refusal` for the page to show; anything else is a fault and is raised.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import uuid4

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, ValidationError

from api.console.session import Refused
from api.security import Principal
from api.shape_messages import in_chinese
from domain.application import CareRegister
from domain.application.commands import keyed_command
from domain.errors import DomainError, IdempotencyKeyReused, InvalidRecord, StaleVersion
from storage.idempotency import PENDING_SECONDS, IdempotencyStore

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


#: What a form is told when its record changed after the page was read (the API's 412).
CHANGED_MEANWHILE = "此记录已被他人修改，请刷新后再试"


def _path(loc: Any) -> str:
    return ".".join(str(part) for part in loc if part != "body")


def refusal_of(error: Exception) -> Refusal | None:
    """The refusal an error stands for, or ``None`` when it is a fault rather than a refusal."""
    if isinstance(error, ValidationError):
        faults = [in_chinese(fault) for fault in error.errors(include_url=False)]
        return Refusal(message="请检查标出的栏目", rule="malformed",
                       fields={_path(fault.get("loc", ())): str(fault.get("msg", ""))
                               for fault in faults})
    if isinstance(error, StaleVersion):
        return Refusal(message=CHANGED_MEANWHILE, rule=error.rule)
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


# -- a form recorded once, at the version it was read -----------------------------------------

#: How long a resubmitted form waits for its first submission's answer (seconds).
_FIRST_WAIT = float(PENDING_SECONDS)
_POLL = 0.05
#: What a resubmitted form is told while its first submission is still being recorded.
_IN_FLIGHT = "此表单正在提交，请稍候刷新页面查看"
#: What a form recorded once and sent again with other content is told.
_REUSED = "此表单已提交过，内容已不同：请刷新页面后重新填写"


def new_form_key() -> str:
    """A form's key, made when its page is rendered (the hidden ``form_key``): the
    console's ``Idempotency-Key``."""
    return uuid4().hex


def expected_version(typed: str) -> int | None:
    """The version of the record a form was read at (its hidden ``version``), expected as
    ``If-Match`` expects it; None when the form has none."""
    return int(typed) if typed.isdigit() else None


def once(request: Request, caller: Principal, register: CareRegister, key: str,
         fields: Mapping[str, Any], handle: Callable[[], Response]) -> Response:
    """Handle a form that records a fact once for its ``key``, through the keyed-command path
    the API takes for ``Idempotency-Key``: the first submission is handled and, when it is
    recorded (a 303), its answer kept; a resubmission (a double click, the browser's resend)
    is answered with that 303 and records nothing. A refused submission is forgotten, so the
    form corrected and sent again is handled anew. Without a key the form is handled as is."""
    if not key:
        return handle()
    store: IdempotencyStore = request.app.state.idempotency
    owner = str(caller.user_id)
    fingerprint = store.fingerprint(request.url.path.encode(), json.dumps(
        fields, ensure_ascii=False, sort_keys=True, default=str).encode())
    for _ in range(3):  # a first submission refused meanwhile is forgotten: claim again
        claimed_at = time.time()
        stored = store.claim(owner, key, fingerprint, claimed_at)
        if stored is None:
            break
        replayed = _replayed(store, owner, key, fingerprint, stored)
        if replayed is not None:
            return replayed
    else:
        raise Refused(409, _IN_FLIGHT)
    with keyed_command(owner, key, fingerprint) as command:
        try:
            first = register.recorded_command(command.id)
            if first is not None:  # recorded by a submission whose answer was lost
                register.replay(command, first)
            answer = handle()
        except IdempotencyKeyReused:
            store.release(owner, key, claimed_at)
            raise Refused(409, _REUSED) from None
        except BaseException:
            store.release(owner, key, claimed_at)
            raise
    if answer.status_code != 303:
        store.release(owner, key, claimed_at)
        return answer
    store.complete(owner, key, 303, b"", {"location": answer.headers["location"]}, claimed_at)
    return answer


def _replayed(store: IdempotencyStore, owner: str, key: str, fingerprint: str,
              stored: Any) -> Response | None:
    """The first submission's 303 (None: it was refused, the key is free again)."""
    if stored.fingerprint != fingerprint:
        raise Refused(409, _REUSED)
    waited = 0.0
    while stored is not None and stored.status is None and waited < _FIRST_WAIT:
        time.sleep(_POLL)  # the first submission is being recorded
        waited += _POLL
        stored = store.get(owner, key)
    if stored is None:
        return None
    if stored.status != 303:
        raise Refused(409, _IN_FLIGHT)
    return RedirectResponse(stored.headers["location"], 303)


class TypedForm(BaseModel):
    """A form as typed: every field a text, so nothing is refused before the API's model
    reads it (and the form can be shown again as it was)."""

    model_config = ConfigDict(extra="forbid")  # a field no form has is refused

    csrf: str = ""
    #: The form's key, made when its page was rendered (see :func:`api.console.forms.once`).
    form_key: str = ""
    #: The version of the record the form was read at, expected as ``If-Match`` expects it.
    version: str = ""

    def fields(self) -> dict[str, Any]:
        """What was typed (the hidden fields left out)."""
        return self.model_dump(exclude={"csrf", "form_key", "version"})

    def sent(self) -> dict[str, Any]:
        """What the form sends that a resubmission must repeat: what was typed, and the
        version it was read at."""
        return self.model_dump(exclude={"csrf", "form_key"})
