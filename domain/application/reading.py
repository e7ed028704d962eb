"""Use case: reading a child's record (查阅儿童档案).

Whether the caller may read it (:mod:`domain.access.policy`), the break-glass grant that
opens it to federation staff outside their scope (紧急调阅), and the read put on the
record (查阅记录), decided in one place for the API, the console and the field app.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from domain.access.caller import Caller
from domain.access.policy import (
    can_read_child,
    may_break_glass,
    own_volunteer,
    read_is_recorded,
)
from domain.application.access import AccessService, BreakGlassGrant
from domain.application.children import ChildrenService
from domain.application.views import ChildView
from domain.errors import NotFound

#: The children a caring mother is paired with now, by her volunteer id (ids as text).
PairedChildren = Callable[[UUID], Collection[str]]
#: What of the child was read: the record, its history and timeline, or the duties owed to it.
Read = Literal["record", "history", "duties"]


@dataclass(frozen=True)
class OpenedChild:
    """A child's record the caller may read, and the grant it is read under (None: the child
    is within the caller's scope)."""

    child: ChildView
    grant: BreakGlassGrant | None = None


class ReadingService(ChildrenService, AccessService):
    """Read children's records within the caller's scope, or under break-glass."""

    def open_child(self, caller: Caller, child_id: UUID, *, paired: PairedChildren,
                   on: date | None = None) -> OpenedChild:
        """The child's record (as on ``on``) if the caller may read it: within its scope, or
        (federation staff) under a break-glass grant in force. A child outside the scope is
        NotFound, exactly as one that does not exist."""
        child = self.get_child(child_id, on)
        placed = child if on is None else self.get_child(child_id)  # where it is now
        if within_scope(caller, placed, paired):
            return OpenedChild(child)
        grant = (self.break_glass_in_force(child_id, caller.user_id)
                 if may_break_glass(caller) else None)
        if grant is None:
            raise NotFound(f"no child {child_id}")
        return OpenedChild(child, grant)

    def child_in_scope(self, caller: Caller, child_id: UUID, *,
                       paired: PairedChildren) -> ChildView:
        """The child's record if it is within the caller's scope, else NotFound (a
        break-glass grant opens a record to be read, not changed)."""
        child = self.get_child(child_id)
        if not within_scope(caller, child, paired):
            raise NotFound(f"no child {child_id}")
        return child

    def note_read(self, caller: Caller, opened: OpenedChild, what: Read) -> None:
        """Put the read on the child's record when it is one that is recorded: auditors' and
        federation staff's reads, and every read under a grant, which names the grant and
        its reason."""
        child_id, grant = opened.child.id, opened.grant
        if grant is not None:
            self.record_read(child_id, what=what, actor=caller.actor, reason=grant.reason,
                             break_glass=grant.id)
        elif read_is_recorded(caller):
            self.record_read(child_id, what=what, actor=caller.actor)

    def read_child(self, caller: Caller, child_id: UUID, *, paired: PairedChildren,
                   on: date | None = None, what: Read = "record") -> OpenedChild:
        """Open the child's record and put the read on it."""
        opened = self.open_child(caller, child_id, paired=paired, on=on)
        self.note_read(caller, opened, what)
        return opened


def within_scope(caller: Caller, child: ChildView, paired: PairedChildren) -> bool:
    """Whether the child is within the caller's scope; a caring mother's pairings are asked
    for only when the caller is one."""
    own = own_volunteer(caller)
    hers = own is not None and str(child.id) in paired(own)
    return can_read_child(caller, child, hers=hers)
