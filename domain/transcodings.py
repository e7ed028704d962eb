"""How the model's values are stored: dates, value objects, enums and tuples, exactly.

The library's JSON transcoder turns tuples into lists and enums into plain strings;
a record must load back exactly as it was stored, so both are marked here.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Transcoding,
    UUIDAsHex,
)

from domain.children.contact import ChildContact
from domain.children.record import (
    Concern,
    Consent,
    Guardian,
    Parent,
    ParentRole,
    ParentStatus,
    Profile,
    Sex,
)
from domain.common import Actor
from domain.dated import Dated
from domain.pairings.contact import Contact, PairingShape, Principle
from domain.users.aggregate import Role, Scope
from domain.volunteers.aggregate import Review, VolunteerStatus
from domain.volunteers.form import Decision, ReviewLevel, VolunteerForm

VALUE_OBJECTS: tuple[type, ...] = (
    Actor, Dated, Parent, Guardian, Consent, Profile, Concern, VolunteerForm, Review, Contact,
    Scope, ChildContact,
)
ENUMS: tuple[type[Enum], ...] = (
    Sex, ParentRole, ParentStatus, ReviewLevel, Decision, VolunteerStatus, Principle,
    PairingShape, Role,
)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ValueObjectAsDict(Transcoding):
    """A frozen dataclass as the dict of its fields."""

    def __init__(self, cls: type) -> None:
        self.type, self.name = cls, cls.__name__

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: _marked(getattr(obj, f.name)) for f in dataclasses.fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


class GuardianAsDict(ValueObjectAsDict):
    """The guardian as the dict of its fields; read back through :meth:`Guardian.stored`, so a
    relation an older record wrote in its own words loads as ``other``, with its words."""

    def __init__(self) -> None:
        super().__init__(Guardian)

    def decode(self, data: dict[str, Any]) -> Any:
        return Guardian.stored(data)


class TupleAsList(Transcoding):
    type = tuple
    name = "tuple"

    def encode(self, obj: tuple[Any, ...]) -> list[Any]:
        return [_marked(item) for item in obj]

    def decode(self, data: list[Any]) -> tuple[Any, ...]:
        return tuple(data)


class EnumAsValue(Transcoding):
    def __init__(self, cls: type[Enum]) -> None:
        self.type, self.name, self.enum = cls, cls.__name__, cls

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        return self.enum(data)


def _marked(obj: Any) -> Any:
    """Wrap tuples and enums (which JSON would flatten) so the transcoder sees them."""
    kind = type(obj)
    if kind is tuple or isinstance(obj, Enum):
        return _Marked(obj)
    if kind is list:
        return [_marked(item) for item in obj]
    if kind is dict:
        return {key: _marked(value) for key, value in obj.items()}
    return obj


class _Marked:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class AixinTranscoder(JSONTranscoder):
    """The library's JSON transcoder, keeping tuples and enums as they were."""

    def __init__(self) -> None:
        super().__init__()
        for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), DateAsISO(),
                            TupleAsList()):
            self.register(transcoding)
        for cls in VALUE_OBJECTS:
            self.register(GuardianAsDict() if cls is Guardian else ValueObjectAsDict(cls))
        for enum in ENUMS:
            self.register(EnumAsValue(enum))

    def encode(self, obj: Any) -> bytes:
        return super().encode(_marked(obj))

    def _encode_obj(self, o: Any) -> dict[str, Any]:
        if type(o) is _Marked:
            o = o.value
        return super()._encode_obj(o)
