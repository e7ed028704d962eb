"""The facts every event of the register carries, and how views write them.

A view dispatches on the event classes of :mod:`domain.events` with its own
``functools.singledispatchmethod`` ``apply`` (as the library's ``Projection`` does its
``process_event``): each handler is registered by its annotation, ``e: ChildRegistered``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Protocol
from uuid import UUID

from domain.common import Actor


class Recorded(Protocol):
    """What an event of the register that a person or the system recorded carries: whose
    record it changed, to which version, when, and who recorded it (记录人)."""

    @property
    def originator_id(self) -> UUID: ...

    @property
    def originator_version(self) -> int: ...

    @property
    def timestamp(self) -> datetime: ...

    @property
    def actor(self) -> Actor: ...


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


#: Record ids written lately, by their number (see :func:`id_text`).
_ID_TEXTS: dict[int, str] = {}
#: How many :func:`id_text` keeps before it starts again (some 170 bytes each).
ID_TEXTS_KEPT = 200_000


def id_text(value: object) -> str:
    """``str(value)``, a record's id kept once written: the views write the same record's id
    for each of its events, several times, and formatting a UUID costs some eight lookups of
    one already written (measured)."""
    if type(value) is not UUID:
        return str(value)
    number = value.int
    text = _ID_TEXTS.get(number)
    if text is None:
        if len(_ID_TEXTS) >= ID_TEXTS_KEPT:
            _ID_TEXTS.clear()
        text = _ID_TEXTS[number] = str(value)
    return text


#: The instant :func:`utc_text` wrote last, and its text.
_LAST_INSTANT: tuple[datetime | None, str] = (None, "")


def utc_text(moment: datetime) -> str:
    """An aware instant as stored: UTC, ISO 8601 with microseconds, so that text order is
    time order. The last one written is kept (by identity): a view writes an event's
    recorded instant into several rows, and formatting it costs some twenty times the
    lookup (measured)."""
    global _LAST_INSTANT
    last = _LAST_INSTANT  # one read: another thread may replace it meanwhile
    if last[0] is moment:
        return last[1]
    text = moment.astimezone(UTC).isoformat(timespec="microseconds")
    _LAST_INSTANT = (moment, text)
    return text


def csv(values: Any) -> str:
    """Values as ``,a,b,`` so that ``LIKE '%,a,%'`` finds one of them."""
    items = [id_text(v) for v in values]
    return "," + ",".join(items) + "," if items else ""


def listed(text: str) -> tuple[str, ...]:
    """The items of a list stored as ``,a,b,`` (:func:`csv`'s inverse)."""
    return tuple(item for item in text.split(",") if item)
