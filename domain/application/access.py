"""Use case: record that a child's record was read (auditors and federation staff)."""

from __future__ import annotations

from uuid import UUID

from domain.access import RecordRead
from domain.application.base import AixinApplication
from domain.common import Actor


class AccessService(AixinApplication):
    def record_read(self, child_id: UUID, *, what: str, actor: Actor, reason: str = "") -> UUID:
        """Put a read of the child's record on the record (it shows on the timeline)."""
        read = RecordRead(child_id=child_id, what=what, reason=reason, actor=actor)
        self.save(read)
        return read.id
