"""Access to a child's record, recorded (查阅记录): who looked, when, and why.

Each read is its own tiny aggregate, so reads never contend with changes to the
child's record (whose version clients use for If-Match) or with each other.

Break-glass access (紧急调阅): a federation user may read a child outside its scope only
by stating a reason of substance; the grant lasts a bounded time, is never extended (a new
grant, with its own reason, only once it has run out) and is itself an event. One
``BreakGlass`` record per (user, child), so whether a grant is in force is read from the
log at once, never from a view that may lag.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.common import Actor, required_text
from domain.errors import BreakGlassRule, InvalidRecord

#: The fewest letters or digits a break-glass reason has, spaces and punctuation not
#: counted: a word or two, or a row of dots, says nothing of why the record is needed.
MIN_REASON = 10


def substantive_reason(reason: str) -> str:
    """The stated reason, trimmed, if it says something: at least :data:`MIN_REASON`
    letters or digits (写明事由)."""
    text = required_text("reason", reason)
    substance = sum(1 for character in text if unicodedata.category(character)[0] in "LN")
    if substance < MIN_REASON:
        raise InvalidRecord("reason", f"紧急调阅须写明具体事由：至少 {MIN_REASON} 个字"
                            "（不计空格和标点），说明为何必须立即查阅该儿童的档案")
    return text


class RecordRead(Aggregate):
    """Someone read a child's record or history; ``break_glass`` names the grant it was
    read under (紧急调阅), if it was outside the reader's scope."""

    #: The reason in words may name the child: sealed with the data key of the child read.
    personal_attributes: ClassVar[frozenset[str]] = frozenset({"reason"})
    sealed_with_key_of: ClassVar[str] = "child_id"

    class Read(Aggregate.Created):
        """Someone read the child's record (查阅)."""

        child_id: UUID
        what: str
        reason: str
        actor: Actor
        break_glass: UUID | None

    @event(Read)
    def __init__(self, *, child_id: UUID, what: str, reason: str, actor: Actor,
                 break_glass: UUID | None = None) -> None:
        self.child_id, self.what, self.reason = child_id, what, reason
        self.break_glass = break_glass


def break_glass_id(child_id: UUID, user_id: str) -> UUID:
    """The one break-glass record of a user for a child."""
    return uuid5(NAMESPACE_URL, f"aixin:break-glass:{user_id}:{child_id}")


class BreakGlass(Aggregate):
    """A federation user's emergency access to one child outside its scope (紧急调阅)."""

    #: The reason in words may name the child: sealed with the data key of the child opened.
    personal_attributes: ClassVar[frozenset[str]] = frozenset({"reason"})
    sealed_with_key_of: ClassVar[str] = "child_id"

    class Opened(Aggregate.Created):
        """A user's break-glass record for one child was opened."""

        child_id: UUID
        user_id: str

    @event(Opened)
    def __init__(self, *, child_id: UUID, user_id: str) -> None:
        self.child_id, self.user_id = child_id, user_id
        self.reason = ""
        self.expires_at: datetime | None = None

    @staticmethod
    def create_id(child_id: UUID, user_id: str, **_: object) -> UUID:
        return break_glass_id(child_id, user_id)

    def grant(self, *, reason: str, now: datetime, minutes: int, actor: Actor) -> None:
        """Open access for ``minutes`` from ``now`` on a reason of substance.

        A grant is not extended (紧急调阅不可延长): while one is in force, asking again is
        refused and its end stays; once it has run out, a new grant is asked for with its
        own reason, and each is on the record for the auditors."""
        if actor.role != "federation":
            raise BreakGlassRule("break-glass access is for federation staff (妇联)")
        if actor.id != self.user_id:
            raise BreakGlassRule("a break-glass grant is the requesting user's own")
        text = substantive_reason(reason)
        if self.in_force(now):
            assert self.expires_at is not None
            raise BreakGlassRule(
                f"紧急调阅不可延长：本次调阅至 {self.expires_at.isoformat(timespec='seconds')} "
                "有效，期间可直接查阅；期满后如仍需查阅，须重新说明事由另行申请",
                rule="break_glass_not_extended")
        if minutes < 1:
            raise InvalidRecord("minutes", "a grant lasts at least a minute")
        self._granted(child_id=self.child_id, reason=text, minutes=minutes,
                      expires_at=now + timedelta(minutes=minutes), actor=actor)

    class Granted(Aggregate.Event):
        """Break-glass access (紧急调阅) was granted until ``expires_at``."""

        child_id: UUID
        reason: str
        minutes: int
        expires_at: datetime
        actor: Actor

    @event(Granted)
    def _granted(self, *, child_id: UUID, reason: str, minutes: int, expires_at: datetime,
                 actor: Actor) -> None:
        self.reason, self.expires_at = reason, expires_at

    def in_force(self, now: datetime) -> bool:
        """Whether the latest grant still holds at ``now``."""
        return self.expires_at is not None and now < self.expires_at
