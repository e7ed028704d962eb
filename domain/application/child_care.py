"""Use cases for the care a child receives outside and across its pairings: the school's and
the staff's own contacts (班主任谈心、家访), and every duty owed to the child (履职情况)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.application.children import ChildrenService
from domain.application.pairings import PairingsService
from domain.application.views import Recorded
from domain.children import Child
from domain.common import Actor
from domain.duties.evaluation import DutyStatus
from domain.duties.school import SCHOOL_DUTY_SET, school_duties, school_owes_duties
from domain.pairings import Pairing


@dataclass(frozen=True)
class OwedDuty:
    """One duty owed to a child on a date: by one of its pairings (``pairing_id``) or by its
    school (``pairing_id`` None), and where it stands."""

    child_id: UUID
    pairing_id: UUID | None
    status: DutyStatus


class ChildCareService(ChildrenService, PairingsService):
    """Record contacts on the child itself; say what every duty owed to the child is."""

    def record_child_contact(self, child_id: UUID, *, kind: str, notes: str, actor: Actor,
                             occurred_on: date | None = None,
                             duration_minutes: int | None = None, items: int = 0,
                             expected_version: int | None = None) -> Recorded:
        """Record a contact outside any pairing (the homeroom teacher's talk or home visit, a
        staff visit); returns its id and the child's version.

        Like a pairing's contact, it adds to the record without depending on what the caller
        last read (see ``_add_to``)."""
        def record(child: Child) -> Recorded:  # the version its new event gives it
            today = self.today()
            return Recorded(child.record_contact(
                kind=kind, occurred_on=occurred_on or today, notes=notes, today=today,
                actor=actor, known_kinds=self.programme.contact_kinds,
                duration_minutes=duration_minutes, items=items), child.version)

        return self._add_to(Child, child_id, expected_version, record)

    def child_duties(self, child_id: UUID, pairing_ids: Iterable[UUID],
                     on: date | None = None) -> tuple[OwedDuty, ...]:
        """Every duty owed to the child on ``on`` (default today): those of each of its
        pairings active that day (of ``pairing_ids``, in the order they started), judged on
        the contacts that name the child, then its school's (when the programme's duty sets
        include ``school``, see :mod:`domain.duties.school`)."""
        day = on or self.today()
        return self._owed(self._get(Child, child_id),
                          [self._get(Pairing, pid) for pid in set(pairing_ids)], day)

    def children_duties(self, pairing_ids: Mapping[UUID, Iterable[UUID]],
                        on: date | None = None) -> dict[UUID, tuple[OwedDuty, ...]]:
        """:meth:`child_duties` for many children at once (each with the ids of its
        pairings): each child and each pairing read once, however many children a pairing
        holds."""
        day = on or self.today()
        loaded = {pid: self._get(Pairing, pid)
                  for pid in dict.fromkeys(p for ids in pairing_ids.values() for p in ids)}
        return {child_id: self._owed(self._get(Child, child_id),
                                     [loaded[pid] for pid in set(ids)], day)
                for child_id, ids in pairing_ids.items()}

    def _owed(self, child: Child, pairings: Iterable[Pairing],
              day: date) -> tuple[OwedDuty, ...]:
        child_id = child.id
        active = sorted((p for p in pairings if child_id in p.child_ids and _active_on(p, day)),
                        key=lambda p: (p.starts_on, str(p.id)))
        owed = [OwedDuty(child_id, pairing.id, status) for pairing in active
                for status in self._duties(pairing, day, (child_id,))]
        if school_owes_duties(self.programme.duty_sets):
            rules = self.programme.duty_rules((SCHOOL_DUTY_SET,))
            owed += [OwedDuty(child_id, None, status) for status in school_duties(
                child, rules, day, calendar=self.programme.calendar)]
        return tuple(owed)

def _active_on(pairing: Pairing, day: date) -> bool:
    """Whether the pairing was in force on ``day``: started by then and not yet ended (a
    pairing ended on a day is ended on that day, as its as-of history says)."""
    return pairing.starts_on <= day and (pairing.ended_on is None or day < pairing.ended_on)
