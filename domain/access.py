"""Reads of a child's record, recorded (查阅记录): who looked, when, and why.

Each read is its own tiny aggregate, so reads never contend with changes to the
child's record (whose version clients use for If-Match) or with each other.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.common import Actor


class RecordRead(Aggregate):
    """Someone read a child's record or history."""

    @event("Read")
    def __init__(self, *, child_id: UUID, what: str, reason: str, actor: Actor) -> None:
        self.child_id, self.what, self.reason = child_id, what, reason
