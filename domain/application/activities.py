"""Use cases for group activities and aid (集体活动, 慰问): recorded once for every child they
reached, read as far as the reader may see those children, cancelled with a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.access.caller import Caller
from domain.access.policy import can_read_child, may_change_child, own_volunteer, reads_every_child
from domain.activities import Activity
from domain.application.base import AixinApplication
from domain.application.reading import PairedChildren
from domain.children import Child
from domain.common import Actor
from domain.errors import NotFound


@dataclass(frozen=True)
class ActivityView:
    """A group activity as a reader sees it: ``child_ids`` are the children named that the
    reader may see, whose data was not erased."""

    id: UUID
    version: int
    kind: str
    title: str
    occurred_on: date
    child_ids: tuple[UUID, ...]
    organiser: str
    items: int
    amount_yuan: Decimal
    status: str
    cancelled_on: date | None
    cancel_reason: str
    recorded_by: str


class ActivitiesService(AixinApplication):
    """Record, read and cancel group activities and aid (集体活动, 慰问)."""

    def record_activity(self, *, kind: str, title: str, child_ids: Sequence[UUID],
                        organiser: str, actor: Actor, occurred_on: date | None = None,
                        items: int = 0, amount_yuan: object = 0) -> UUID:
        """Record an activity held for the children named; returns its id."""
        today = self.today()
        activity = Activity.record(
            kind=kind, title=title, occurred_on=occurred_on or today,
            children=[self._get(Child, child_id) for child_id in child_ids],
            organiser=organiser, items=items, amount_yuan=amount_yuan, today=today,
            actor=actor)
        self._commit(activity)
        return activity.id

    def activity_children(self, activity_id: UUID) -> tuple[UUID, ...]:
        """Every child the activity names (erased or not): who may change it is decided on
        them."""
        return self._get(Activity, activity_id).child_ids

    def read_activity(self, caller: Caller, activity_id: UUID, *,
                      paired: PairedChildren) -> ActivityView:
        """The activity with the children named that the caller may see and whose data was
        not erased (个人信息删除: an erased child is no longer read as named by it).

        NotFound unless the caller may see one of its children, or reads every record."""
        activity = self._get(Activity, activity_id)
        own = own_volunteer(caller)
        hers = set(paired(own)) if own is not None else set()
        shown: list[UUID] = []
        seen = reads_every_child(caller)
        for child_id in activity.child_ids:
            child = self._get(Child, child_id)
            if not can_read_child(caller, child, hers=str(child_id) in hers):
                continue
            seen = True
            if getattr(child, "erased_on", None) is None:
                shown.append(child_id)
        if not seen:
            raise NotFound(f"no activity {activity_id}")
        return ActivityView(
            id=activity.id, version=activity.version, kind=activity.kind,
            title=activity.title, occurred_on=activity.occurred_on, child_ids=tuple(shown),
            organiser=activity.organiser, items=activity.items,
            amount_yuan=activity.amount_yuan,
            status="cancelled" if activity.is_cancelled else "held",
            cancelled_on=activity.cancelled_on, cancel_reason=activity.cancel_reason,
            recorded_by=activity.recorded_by)

    def may_change_activity(self, caller: Caller, activity_id: UUID) -> bool:
        """Whether the caller may cancel the activity: the admin, or staff who may change
        the record of every child it names (妇联 in their region, the children's school)."""
        return all(may_change_child(caller, self._get(Child, child_id))
                   for child_id in self.activity_children(activity_id))

    def cancel_activity(self, activity_id: UUID, *, reason: str, actor: Actor,
                        on: date | None = None, expected_version: int | None = None) -> int:
        """Cancel an activity recorded in error (撤销), with a reason; returns its version."""
        today = self.today()
        return self._change(Activity, activity_id, expected_version, lambda a: a.cancel(
            reason=reason, on=on or today, today=today, actor=actor)).version
