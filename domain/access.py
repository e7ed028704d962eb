"""Access to a child's record, recorded (查阅记录): who looked, when, and why.

Each read is its own tiny aggregate, so reads never contend with changes to the
child's record (whose version clients use for If-Match) or with each other.

Break-glass access (紧急调阅): a federation user may read a child outside its scope only
by stating a reason; the grant lasts a bounded time and is itself an event. One
``BreakGlass`` record per (user, child), so whether a grant is in force is read from the
log at once, never from a view that may lag.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.common import Actor, required_text
from domain.errors import BreakGlassRule, InvalidRecord

#: The fewest characters a break-glass reason may have: a word or two is not a reason.
MIN_REASON = 5


class RecordRead(Aggregate):
    """Someone read a child's record or history; ``break_glass`` names the grant it was
    read under (紧急调阅), if it was outside the reader's scope."""

    @event("Read")
    def __init__(self, *, child_id: UUID, what: str, reason: str, actor: Actor,
                 break_glass: UUID | None = None) -> None:
        self.child_id, self.what, self.reason = child_id, what, reason
        self.break_glass = break_glass


def break_glass_id(child_id: UUID, user_id: str) -> UUID:
    """The one break-glass record of a user for a child."""
    return uuid5(NAMESPACE_URL, f"aixin:break-glass:{user_id}:{child_id}")


class BreakGlass(Aggregate):
    """A federation user's emergency access to one child outside its scope (紧急调阅)."""

    @event("Opened")
    def __init__(self, *, child_id: UUID, user_id: str) -> None:
        self.child_id, self.user_id = child_id, user_id
        self.reason = ""
        self.expires_at: datetime | None = None

    @staticmethod
    def create_id(child_id: UUID, user_id: str, **_: object) -> UUID:  # type: ignore[override]
        return break_glass_id(child_id, user_id)

    def grant(self, *, reason: str, now: datetime, minutes: int, actor: Actor) -> None:
        """Open access for ``minutes`` from ``now`` on a stated reason (a new grant while
        one is in force starts the time again, with its own reason)."""
        if actor.role != "federation":
            raise BreakGlassRule("break-glass access is for federation staff (妇联)")
        if actor.id != self.user_id:
            raise BreakGlassRule("a break-glass grant is the requesting user's own")
        text = required_text("reason", reason)
        if len(text) < MIN_REASON:
            raise InvalidRecord("reason", f"state why, in at least {MIN_REASON} characters")
        if minutes < 1:
            raise InvalidRecord("minutes", "a grant lasts at least a minute")
        self._granted(child_id=self.child_id, reason=text, minutes=minutes,
                      expires_at=now + timedelta(minutes=minutes), actor=actor)

    @event("Granted")
    def _granted(self, *, child_id: UUID, reason: str, minutes: int, expires_at: datetime,
                 actor: Actor) -> None:
        self.reason, self.expires_at = reason, expires_at

    def in_force(self, now: datetime) -> bool:
        """Whether the latest grant still holds at ``now``."""
        return self.expires_at is not None and now < self.expires_at
