"""Personal information (个人信息): which values are personal, and what is left once erased.

The model says *what* is personal; how it is kept secret (a data key per child and per
volunteer) is the infrastructure's business. Each value object names its personal fields
in a ``personal_fields`` class attribute; an aggregate names its own in
``personal_attributes``. Only text is personal here: dates, codes, counts and statuses stay
readable, so registers, reports and duty statistics still add up after an erasure.

After an erasure (个人信息删除, crypto-shredding) every personal text reads as
:data:`ERASED`; an empty text stays empty (it never held anything).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Collection
from typing import Any

#: What a personal text reads as once its key is destroyed.
ERASED = "[已删除]"

#: Texts of a record's events kept readable although the record's own attributes of that
#: name are personal: the legal ground of an erasure (删除依据) is kept for the audit, and
#: is stated without naming the child.
KEPT_IN_CLEAR: dict[str, frozenset[str]] = {"PersonalDataErased": frozenset({"reason"})}


def redacted(value: Any, replace: Callable[[str], Any],
             personal: Collection[str] = ()) -> Any:
    """``value`` with every non-empty personal text ``t`` replaced by ``replace(t)``.

    Walks value objects (their ``personal_fields``), dicts, lists and tuples; ``personal``
    names the personal keys of ``value`` itself when it is a dict (an event's or an
    aggregate's attributes). Nothing is changed in place.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields: frozenset[str] = getattr(type(value), "personal_fields", frozenset())
        changes = {}
        for field in dataclasses.fields(value):
            old = getattr(value, field.name)
            new = _text(old, replace) if field.name in fields else redacted(old, replace)
            if new is not old:
                changes[field.name] = new
        return _rebuilt(value, changes) if changes else value
    kind = type(value)
    if kind is dict:
        return {key: _text(item, replace) if key in personal else redacted(item, replace)
                for key, item in value.items()}
    if kind is list:
        return [redacted(item, replace) for item in value]
    if kind is tuple:
        return tuple(redacted(item, replace) for item in value)
    return value


def erased(_: str) -> str:
    return ERASED


def _text(value: Any, replace: Callable[[str], Any]) -> Any:
    return replace(value) if isinstance(value, str) and value else value


def _rebuilt(obj: Any, changes: dict[str, Any]) -> Any:
    """A copy of a frozen value object with ``changes``, without re-running its checks
    (a sealed or erased text would not pass them: it is not a phone number)."""
    copy = object.__new__(type(obj))
    for field in dataclasses.fields(obj):
        object.__setattr__(copy, field.name, changes.get(field.name, getattr(obj, field.name)))
    return copy


#: The longest part of a name a blind index keeps an entry for; a longer search is the
#: parts of that length it is made of (all of which the name must have).
LONGEST_PART = 4


def searchable(text: str) -> str:
    """A name as it is searched: width and case folded, spaces and the middle dot dropped
    (阿依古丽·买买提 is found by 阿依古丽买买提)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "·・.")


def name_parts(text: str) -> list[str]:
    """Every part of a name that a search by part of it may ask for, up to
    :data:`LONGEST_PART` characters (张小明: 张, 小, 明, 张小, 小明, 张小明)."""
    name = searchable(text)
    return sorted({name[start:start + size]
                   for size in range(1, LONGEST_PART + 1)
                   for start in range(len(name) - size + 1)})


def query_parts(part: str) -> list[str]:
    """The parts that every name containing ``part`` has (none: ``part`` is empty)."""
    wanted = searchable(part)
    if len(wanted) <= LONGEST_PART:
        return [wanted] if wanted else []
    return sorted({wanted[start:start + LONGEST_PART]
                   for start in range(len(wanted) - LONGEST_PART + 1)})
