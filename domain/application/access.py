"""Use cases: record that a child's record was read, and break-glass access (紧急调阅)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import eventsourcing.domain

from domain.access import BreakGlass, RecordRead, break_glass_id
from domain.application.base import AixinApplication
from domain.children import Child
from domain.common import Actor
from domain.errors import NotFound


@dataclass(frozen=True)
class BreakGlassGrant:
    """A break-glass grant as it stands: whose, for which child, why, until when."""

    id: UUID
    version: int
    child_id: UUID
    user_id: str
    reason: str
    expires_at: datetime


def now() -> datetime:
    """The instant the log stamps events with (so a grant's clock is the log's)."""
    return eventsourcing.domain.datetime_now_with_tzinfo()


class AccessService(AixinApplication):
    def record_read(self, child_id: UUID, *, what: str, actor: Actor, reason: str = "",
                    break_glass: UUID | None = None) -> UUID:
        """Put a read of the child's record on the record (it shows on the timeline);
        ``break_glass`` is the grant a read outside the reader's scope was made under."""
        read = RecordRead(child_id=child_id, what=what, reason=reason, actor=actor,
                          break_glass=break_glass)
        self.save(read)
        return read.id

    def record_reads(self, child_ids: Iterable[UUID], *, what: str, actor: Actor) -> int:
        """Put one read of each child's record on the record, all in one transaction (an
        export names a register's children: 导出); returns how many were recorded."""
        reads = [RecordRead(child_id=child_id, what=what, reason="", actor=actor,
                            break_glass=None) for child_id in child_ids]
        if reads:
            self.save(*reads)
        return len(reads)

    def grant_break_glass(self, child_id: UUID, *, reason: str, actor: Actor) -> BreakGlassGrant:
        """Open the child's record to a federation user outside its scope, for the
        programme's bounded time, on the reason stated (紧急调阅)."""
        self._get(Child, child_id)  # NotFound: no such child
        try:
            access = self._get(BreakGlass, break_glass_id(child_id, actor.id))
        except NotFound:
            access = BreakGlass(child_id=child_id, user_id=actor.id)
        access.grant(reason=reason, now=now(), minutes=self.programme.break_glass_minutes,
                     actor=actor)
        self._commit(access)
        return _grant(access)

    def break_glass_in_force(self, child_id: UUID, user_id: str) -> BreakGlassGrant | None:
        """The user's grant for the child if one holds now, else None."""
        try:
            access = self._get(BreakGlass, break_glass_id(child_id, user_id))
        except NotFound:
            return None
        return _grant(access) if access.in_force(now()) else None


def _grant(access: BreakGlass) -> BreakGlassGrant:
    assert access.expires_at is not None
    return BreakGlassGrant(id=access.id, version=access.version, child_id=access.child_id,
                           user_id=access.user_id, reason=access.reason,
                           expires_at=access.expires_at)
