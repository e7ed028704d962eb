"""As-of replay (历史回溯): a record as it was on a business date, as known at an instant.

Two clocks: *business time* (``as_of``, what was true on a date: a parent came home on
1 March) and *record time* (``known_at``, what the register had been told by then: that
return was recorded on 5 April). "What was true on 31 March, as known on 5 April" and
"as known today" are both right answers, to different questions.

Record time picks the aggregate's version: the last one whose event was recorded at or
before ``known_at``. Like the library's ``searchabletimestamps`` example, the version is
found from event timestamps, but without a separate timestamp index: an aggregate's
events are stored in version order and their timestamps rise with the version, so a
bisection over the aggregate's own events (primary-key look-ups, a handful per replay)
finds it. The aggregate is then loaded at that version through the repository, so the
nearest snapshot at or below it is used. Business time is then applied to that
aggregate's dated histories (see ``domain.dated``).

Caveat: an event's timestamp is taken when the command runs, a moment before its
transaction commits; an instant inside that gap counts the event as known.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.application.base import AixinApplication
from domain.application.views import ChildView, PairingView
from domain.children import Child, Concern
from domain.duties.evaluation import DutyStatus
from domain.errors import InvalidRecord, NotFound
from domain.pairings import Pairing, duties_owed

A = TypeVar("A", bound=Aggregate)

#: Below this many candidate versions, read them in one query instead of bisecting.
_SCAN = 16


class HistoryService(AixinApplication):
    """Replay a child or a pairing as it was on a date, as the register knew it then."""

    def child_as_of(self, child_id: UUID, as_of: date | None = None,
                    known_at: datetime | None = None) -> ChildView:
        """The child's record on ``as_of`` (default today) as known at ``known_at`` (now).

        Concerns and contacts that occurred, resolutions and an exit dated after ``as_of`` do
        not count. A child not yet registered at ``known_at`` is ``NotFound``.
        """
        day = as_of or self.today()
        view = ChildView.of(self._known(Child, child_id, known_at), day)
        concerns = tuple(_concern_on(c, day) for c in view.concerns if c.occurred_on <= day)
        contacts = tuple(c for c in view.contacts if c.occurred_on <= day)
        if view.exited_on is not None and view.exited_on > day:
            view = replace(view, exited_on=None, exit_reason="", merged_into=None)
        return replace(view, concerns=concerns, contacts=contacts)

    def pairing_as_of(self, pairing_id: UUID, as_of: date | None = None,
                      known_at: datetime | None = None) -> PairingView:
        """The pairing on ``as_of`` (default today) as known at ``known_at`` (default now):
        its contacts that occurred by then, and ended only if it ended by then."""
        day = as_of or self.today()
        view = PairingView.of(self._known(Pairing, pairing_id, known_at))
        contacts = tuple(c for c in view.contacts if c.occurred_on <= day)
        if view.ended_on is not None and view.ended_on > day:
            view = replace(view, status="active", ended_on=None, end_reason="")
        return replace(view, contacts=contacts)

    def pairing_duties_as_of(self, pairing_id: UUID, on: date | None = None,
                             known_at: datetime | None = None) -> tuple[DutyStatus, ...]:
        """Where each duty owed to each child stood on ``on`` (default today) by the contacts
        known at ``known_at``.

        "Overdue on 31 March as known then" may be "met as known now", once a contact of
        20 March was recorded late (补录).
        """
        pairing = self._known(Pairing, pairing_id, known_at)
        day = on or self.today()
        if day < pairing.starts_on:
            raise InvalidRecord("on", f"{day} is before the pairing started "
                                f"({pairing.starts_on}); duties begin with the pairing")
        ended_on = pairing.ended_on if pairing.ended_on and pairing.ended_on <= day else None
        return duties_owed(pairing, self.programme.pairing_rules(pairing.duty_sets), day,
                           ends_on=ended_on, calendar=self.programme.calendar)

    # -- record time ----------------------------------------------------------------------

    def _known(self, cls: type[A], aggregate_id: UUID, known_at: datetime | None) -> A:
        """The aggregate as recorded at ``known_at`` (the latest if None), or NotFound."""
        if known_at is None:
            return self._get(cls, aggregate_id)
        if known_at.tzinfo is None:
            raise InvalidRecord("known_at", "an instant needs its offset from UTC")
        noun = self._noun.get(cls, cls.__name__.lower())
        version = self.version_known_at(aggregate_id, known_at)
        if version is None:
            raise NotFound(f"no {noun} {aggregate_id} was recorded by {known_at.isoformat()}")
        try:
            aggregate: object = self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise NotFound(f"no {noun} {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"no {noun} {aggregate_id}")
        return aggregate

    def version_known_at(self, aggregate_id: UUID, known_at: datetime) -> int | None:
        """The version of the aggregate recorded at or before ``known_at``, if any.

        Reads the latest event; only if it is later than ``known_at``, bisects the
        aggregate's earlier versions, reading the last few in one query.
        """
        latest = self._stamps(aggregate_id, desc=True, limit=1)
        if not latest:
            return None
        if latest[0][1] <= known_at:
            return latest[0][0]
        known, unknown = 0, latest[0][0]  # versions start at 1
        while unknown - known > _SCAN:
            middle = (known + unknown) // 2
            ((_, recorded_at),) = self._stamps(aggregate_id, gt=middle - 1, lte=middle)
            if recorded_at <= known_at:
                known = middle
            else:
                unknown = middle
        for version, recorded_at in self._stamps(aggregate_id, gt=known, lte=unknown - 1):
            if recorded_at > known_at:
                break
            known = version
        return known or None


    def _stamps(self, aggregate_id: UUID, **selection: Any) -> list[tuple[int, datetime]]:
        """(version, recorded instant) of the aggregate's events in ``selection``."""
        events: Iterable[Any] = self.events.get(aggregate_id, **selection)
        return [(event.originator_version, event.timestamp) for event in events]


def _concern_on(concern: Concern, day: date) -> Concern:
    """The concern as it stood on ``day``: open if it was resolved only later."""
    if concern.resolved_on is not None and concern.resolved_on > day:
        return replace(concern, resolved_on=None, action="")
    return concern
