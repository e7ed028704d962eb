"""A child's history over HTTP (历史回溯): the record as of a date, as known at an instant.

Two clocks, as in ``domain.application.history``: ``as_of`` is business time (what was
true on that day) and ``known_at`` is record time (what the register had been told by
that instant).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, Field

from api.schemas.children import ChildForRole
from api.schemas.common import iso_day, not_before_earliest
from api.shapes import DAY
from storage.sql import Row

#: An offset whose ``+`` was left unencoded in a query string arrives as a space.
_LOST_PLUS = re.compile(r" (\d{2}(?::?\d{2})?)$")


def _restore_plus(value: object) -> object:
    """``2026-04-05T10:00:00 08:00`` (a raw ``+`` decoded as a space) is ``...+08:00``."""
    if isinstance(value, str):
        return _LOST_PLUS.sub(r"+\1", value.strip())
    return value


def _day_or_instant(value: object) -> object:
    """``as_of`` as given: a date, or an instant that must carry its offset."""
    value = _restore_plus(value)
    if not isinstance(value, str):
        return value
    if "T" not in value and ":" not in value and " " not in value:
        return iso_day(value)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("an instant needs its offset from UTC, such as "
                         "2026-03-31T18:00:00+08:00; or give a date, such as 2026-03-31")
    return moment


#: Instants this far from the ends of the calendar have a date wherever they are read.
_EARLIEST = datetime.min.replace(tzinfo=UTC) + timedelta(days=1)
_LATEST = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)


def _representable(value: date | None) -> date | None:
    """An instant within a day of year 1 or 9999 (no date in some zone) is refused."""
    if isinstance(value, datetime) and not _EARLIEST <= value <= _LATEST:
        raise ValueError("the instant is out of the range of dates")
    return value


def _from_earliest(value: date | None) -> date | None:
    """A business date (or an instant's) before 1900 is refused, as in every request."""
    if value is not None:
        not_before_earliest(value.date() if isinstance(value, datetime) else value)
    return value


AsOf = Annotated[AwareDatetime | date | None, BeforeValidator(_day_or_instant),
                 AfterValidator(_representable), AfterValidator(_from_earliest), Query(
    description="Business time (业务日期): the record as it was on this date, default today. "
                "An instant with its offset means its date where the programme is "
                "(China, Asia/Shanghai). Never in the future.",
    examples=["2026-03-31", "2026-03-31T18:00:00+08:00"],
    json_schema_extra={"anyOf": [  # from 1900, as every date of a request
        {"type": "string", "format": "date-time", "pattern": DAY.removesuffix("$") + "[Tt]"},
        {"type": "string", "format": "date", "pattern": DAY}]})]

KnownAt = Annotated[AwareDatetime | None, BeforeValidator(_restore_plus),
                    AfterValidator(_representable), Query(
    description="Record time (记录时间): what the register had been told by this instant, "
                "default now. ISO 8601 with its offset; an instant without one is refused.",
    examples=["2026-04-05T10:00:00+08:00"])]


def business_day(as_of: date | datetime, zone: tzinfo) -> date:
    """The business date ``as_of`` names: an instant counts as its date in ``zone``."""
    if isinstance(as_of, datetime):
        return as_of.astimezone(zone).date()
    return as_of


class ActorOut(BaseModel):
    """Who recorded an event (记录人): the account's id and its role then."""

    id: str
    role: str


class TimelineEntry(BaseModel):
    """One event about the child (时间线条目): what, who recorded it, when it happened
    and when it was recorded; names, phones and free-text notes stay in the log."""

    position: int = Field(description="The event's position in the log; the page cursor.")
    type: str = Field(examples=["ContactRecorded"])
    aggregate_id: UUID = Field(description="The record the event belongs to: the child, "
                               "a pairing of the child, or the read of its record.")
    aggregate_version: int
    actor: ActorOut
    occurred_on: date = Field(description="When it happened (business date).")
    recorded_at: datetime = Field(description="When it was recorded (instant).")
    details: dict[str, Any] = Field(examples=[{"kind": "home_visit", "items": 0}])

    @classmethod
    def of(cls, row: Row, zone: tzinfo) -> TimelineEntry:
        """The entry from a row of the timeline view, its instant shown in ``zone``."""
        return cls(position=row["position"], type=row["event_type"],
                   aggregate_id=row["aggregate_id"],
                   aggregate_version=row["aggregate_version"],
                   actor=ActorOut(id=row["actor_id"], role=row["actor_role"]),
                   occurred_on=date.fromisoformat(row["occurred_on"]),
                   recorded_at=datetime.fromisoformat(row["recorded_at"]).astimezone(zone),
                   details=row["details"])


class ChildHistory(BaseModel):
    """The child's record on ``as_of`` as known at ``known_at``, and its timeline within
    both bounds, a page at a time: pass ``next`` back as ``after``, with the same
    ``as_of`` and ``known_at``, for the following page."""

    as_of: date
    known_at: datetime
    state: ChildForRole = Field(description="The record in the view the caller's role may "
                                "read (`view`: `full` or `volunteer`).")
    timeline: list[TimelineEntry]
    next: str | None = None
