"""The pairings' register (结对台账): active or ended, who with whom, last contact."""

from __future__ import annotations

from collections.abc import Sequence
from functools import singledispatchmethod
from typing import Any, ClassVar, NamedTuple

from domain.events import (
    ChildErased,
    ChildRegistered,
    ChildTransferred,
    ContactRecorded,
    PairingEnded,
    PairingFormed,
    SchoolChanged,
)
from domain.personal import ERASED
from projections.events import csv, id_text, iso
from projections.moves import follow_move, moves_schema
from projections.projection import View
from projections.scoping import scope_clauses
from storage.sql import Row, Tx


class PairingsRegister(View):
    """Pairings with their children, volunteers, contact counts and last contact."""

    name = "pairings"
    rebuild_cost = 5
    _tally: dict[str, _Tally]  # the batch's contacts, per pairing
    tables = ("reg_pairings", "reg_pairing_members", "reg_pairing_places", "reg_pairing_moves")
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS reg_pairings ("
        " pairing_id TEXT PRIMARY KEY, version INTEGER NOT NULL, status TEXT NOT NULL,"
        " principle TEXT NOT NULL, shape TEXT NOT NULL, child_ids TEXT NOT NULL,"
        " volunteer_ids TEXT NOT NULL, starts_on TEXT NOT NULL, ended_on TEXT,"
        " end_reason TEXT, contacts INTEGER NOT NULL DEFAULT 0,"
        " home_visits INTEGER NOT NULL DEFAULT 0, items INTEGER NOT NULL DEFAULT 0,"
        " last_contact_on TEXT, duty_sets TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS reg_pairing_members ("
        " pairing_id TEXT NOT NULL, member_id TEXT NOT NULL, member TEXT NOT NULL,"
        " PRIMARY KEY (pairing_id, member_id))",
        "CREATE INDEX IF NOT EXISTS reg_pairing_members_member"
        " ON reg_pairing_members (member_id)",
        # Where each child is (region and school), for listing pairings by place and scope.
        "CREATE TABLE IF NOT EXISTS reg_pairing_places ("
        " child_id TEXT PRIMARY KEY, region_code TEXT NOT NULL, school TEXT NOT NULL)",
        moves_schema("reg_pairing_moves"),
    )

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _registered(self, e: ChildRegistered, tx: Tx) -> None:
        tx.insert("reg_pairing_places", ("child_id", "region_code", "school"),
                  [(id_text(e.originator_id), e.region_code, e.school)])

    @apply.register
    def _moved(self, e: SchoolChanged | ChildTransferred, tx: Tx) -> None:
        """升学、转学、迁出: the child's pairings are listed where the child now is."""
        follow_move(tx, e, moves="reg_pairing_moves", tables=("reg_pairing_places",))

    @apply.register
    def _formed(self, e: PairingFormed, tx: Tx) -> None:
        shape = ("many_to_one" if len(e.volunteer_ids) > 1 else
                 "one_to_many" if len(e.child_ids) > 1 else "one_to_one")
        tx.insert(
            "reg_pairings",
            ("pairing_id", "version", "status", "principle", "shape", "child_ids", "volunteer_ids",
             "starts_on", "duty_sets"),
            [(id_text(e.originator_id), e.originator_version, "active", e.principle.value, shape,
              csv(e.child_ids), csv(e.volunteer_ids), iso(e.starts_on), csv(e.duty_sets))])
        tx.insert("reg_pairing_members", ("pairing_id", "member_id", "member"),
                  [(id_text(e.originator_id), str(i), "child") for i in e.child_ids]
                  + [(id_text(e.originator_id), str(i), "volunteer") for i in e.volunteer_ids])

    def apply_all(self, events: Sequence[tuple[int, Any]], tx: Tx) -> None:
        """Apply the batch; its contacts change each pairing's row once, at the end, by one
        statement for all of them (a batch of the log touches as many pairings as it has
        contacts: one UPDATE each would be most of the work)."""
        self._tally: dict[str, _Tally] = {}
        super().apply_all(events, tx)
        if self._tally:
            tx.update_from_values(_ADD_CONTACTS, [
                (pairing_id, *tally) for pairing_id, tally in self._tally.items()])

    @apply.register
    def _contact(self, e: ContactRecorded, tx: Tx) -> None:
        contact, key = e.contact, id_text(e.originator_id)
        tally = self._tally.get(key) or _Tally(0, 0, 0, 0, None)
        on = iso(contact.occurred_on)
        self._tally[key] = _Tally(
            max(tally.version, e.originator_version), tally.contacts + 1,
            tally.home_visits + int(contact.kind == "home_visit"), tally.items + contact.items,
            on if tally.last_contact_on is None or tally.last_contact_on < on  # type: ignore[operator]
            else tally.last_contact_on)

    @apply.register
    def _ended(self, e: PairingEnded, tx: Tx) -> None:
        tx.execute("UPDATE reg_pairings SET version = ?, status = 'ended', ended_on = ?,"
                   " end_reason = ? WHERE pairing_id = ?",
                   (e.originator_version, iso(e.on), e.reason, id_text(e.originator_id)))

    @apply.register
    def _child_erased(self, e: ChildErased, tx: Tx) -> None:
        """A reason stated in words may name the child: erased with the child's data."""
        tx.execute("UPDATE reg_pairings SET end_reason = ? WHERE end_reason <> ''"
                   " AND pairing_id IN (SELECT pairing_id FROM reg_pairing_members"
                   " WHERE member_id = ?)", (ERASED, id_text(e.originator_id)))


class _Tally(NamedTuple):
    """A pairing's contacts within one batch."""

    version: int
    contacts: int
    home_visits: int
    items: int
    last_contact_on: str | None


#: Each pairing's batch of contacts added to its row (v: pairing, version, contacts, home
#: visits, items, latest contact day).
_ADD_CONTACTS = (
    "UPDATE reg_pairings SET"
    " version = CASE WHEN version > CAST(v.column2 AS INTEGER) THEN version"
    " ELSE CAST(v.column2 AS INTEGER) END,"
    " contacts = contacts + CAST(v.column3 AS INTEGER),"
    " home_visits = home_visits + CAST(v.column4 AS INTEGER),"
    " items = items + CAST(v.column5 AS INTEGER),"
    " last_contact_on = CASE WHEN last_contact_on IS NULL OR last_contact_on < v.column6"
    " THEN v.column6 ELSE last_contact_on END"
    " FROM (VALUES {rows}) AS v WHERE reg_pairings.pairing_id = v.column1")


def list_pairings(tx: Tx, *, status: str | None = None, child_id: str | None = None,
                  volunteer_id: str | None = None, region_code: str | None = None,
                  school: str | None = None, child_ids: tuple[str, ...] | None = None,
                  after: str | None = None, limit: int = 50) -> list[Row]:
    """Pairings matching the filters, ordered by id, from the cursor ``after``.

    ``region_code`` (a prefix of division codes) and ``school`` keep the pairings with a child
    there; ``child_ids`` the pairings with one of those children."""
    clauses: list[str] = []
    params: list[Any] = []
    if status:
        clauses.append("status = ?")
        params.append(status)
    for member in (child_id, volunteer_id):
        if member:
            clauses.append("pairing_id IN (SELECT pairing_id FROM reg_pairing_members"
                           " WHERE member_id = ?)")
            params.append(member)
    places, within = scope_clauses(region_code, school, region_column="p.region_code",
                                   school_column="p.school")
    if places:
        params += within
        clauses.append("pairing_id IN (SELECT m.pairing_id FROM reg_pairing_members m"
                       " JOIN reg_pairing_places p ON p.child_id = m.member_id WHERE "
                       + " AND ".join(places) + ")")
    if child_ids is not None:
        if not child_ids:
            return []
        clauses.append("pairing_id IN (SELECT pairing_id FROM reg_pairing_members"
                       f" WHERE member_id IN ({','.join('?' * len(child_ids))}))")
        params.extend(child_ids)
    if after:
        clauses.append("pairing_id > ?")
        params.append(after)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return tx.execute(f"SELECT * FROM reg_pairings{where} ORDER BY pairing_id LIMIT ?",
                      [*params, limit]).all()
