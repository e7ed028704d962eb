"""Pairings as the console shows them: who with whom, and where their duties stand (履职)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from api.console.queries import child_names_seen, volunteer_names_seen
from api.scope import caller_of
from api.security import Principal
from domain.access.policy import can_read_volunteer
from domain.application import CareRegister, VolunteerView
from domain.duties.evaluation import DutyStatus
from domain.errors import DomainError
from projections.events import listed
from projections.registers.pairings import PairingsRegister, list_pairings
from projections.runner import ViewRunner
from storage.sql import Row


@dataclass
class Shown:
    """A pairing on a page: its register row, the people in it the caller may see, its
    duties on the day shown (owed to each of its children, or on a child's page to that
    child) and the share of them met (履职率)."""

    row: Row
    children: list[tuple[str, str | None]] = field(default_factory=list)  # (id, name or None)
    volunteers: list[tuple[str, str | None]] = field(default_factory=list)
    duties: tuple[DutyStatus, ...] = ()

    def child_name(self, child_id: object) -> str:
        """The name of one of the pairing's children as the caller may see it ("" if not)."""
        return next((name or "" for cid, name in self.children if cid == str(child_id)), "")

    @property
    def compliance(self) -> float | None:
        if not self.duties:
            return None
        return sum(d.status.value == "met" for d in self.duties) / len(self.duties)


def volunteer_visible(caller: Principal, view: VolunteerView) -> bool:
    """As ``GET /volunteers/{id}``: auditors and admin, federation in its region, her school,
    herself."""
    return can_read_volunteer(caller_of(caller), view.id, view.form.region_code, view.form.unit)


def pairings_of(register: CareRegister, views: ViewRunner, caller: Principal, *,
                on: date, child_id: UUID | None = None, volunteer_id: UUID | None = None,
                known_at: datetime | None = None) -> list[Shown]:
    """The pairings of a child or of a volunteer (at most 50), with their duties on ``on``
    (as known at ``known_at`` if given, else as known now)."""
    with views.store.recorder(PairingsRegister).read() as tx:
        rows = list_pairings(tx, child_id=str(child_id) if child_id else None,
                             volunteer_id=str(volunteer_id) if volunteer_id else None,
                             limit=50)
    names = child_names_seen(views, caller, (c for row in rows
                                             for c in listed(row["child_ids"])), on=on)
    people = volunteer_names_seen(views, caller, (v for row in rows
                                                  for v in listed(row["volunteer_ids"])))
    shown = []
    for row in rows:
        item = Shown(row=row)
        for child in listed(row["child_ids"]):
            item.children.append((child, names.get(child)))
        for volunteer in listed(row["volunteer_ids"]):
            item.volunteers.append((volunteer, people.get(volunteer)))
        if row["starts_on"] <= on.isoformat():
            try:
                item.duties = register.pairing_duties_as_of(UUID(row["pairing_id"]), on,
                                                            known_at)
                if child_id is not None:  # a child's page: the duties owed to that child
                    item.duties = tuple(d for d in item.duties if d.child_id == child_id)
            except DomainError:  # not yet formed as known then
                item.duties = ()
        shown.append(item)
    return shown

