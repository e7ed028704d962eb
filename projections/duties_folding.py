"""The duties folded from zero in memory (:mod:`projections.bulk`).

The duties' own handlers make the rows (:class:`projections.duties.DutyView`); those that
read or change its tables are given here in memory (:class:`_InMemoryDuties`,
:class:`DutyRows`): where each child is and the date of its latest move of each kind, each
volunteer's division and each pairing. As when the view rebuilds by its handlers, no pairing
is evaluated until the whole log is folded: each is evaluated once, then, as of the latest
day one of its events was recorded (:meth:`DutyView._evaluated`), with its contacts read back
from what was written (a pairing's at a time: a province's contacts are more than memory
should hold). The contacts, the volunteers and the pairings' volunteers are written as each
stretch is folded; the children, the pairings, the moves and the duties' statuses at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import closing
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import Any

from domain.events import (
    ChildTransferred,
    PairingEnded,
    PairingFormed,
    SchoolChanged,
)
from projections.duties import STATUS_COLUMNS, DutyContact, DutyView
from projections.events import csv, id_text, iso
from projections.folding import ByHandlers, Folded, Rows, Written, rows_of
from projections.moves import is_latest_move_held, place_of
from storage.sql import Tx

CHILDREN = ("child_id", "region_code", "school")
PAIRINGS = ("pairing_id", "starts_on", "ended_on", "duty_sets", "child_ids", "volunteer_ids",
            "region_code", "school", "last_contact_on", "evaluated_on")
MOVES = ("child_id", "kind", "moved_on")
#: What the evaluation reads of each contact written.
CONTACT_READ = ("pairing_id", "kind", "occurred_on", "child_ids")


class DutyRows(Rows):
    """The duties' tables as far as their handlers read them, in memory, and the day each
    pairing is to be evaluated as of."""

    def __init__(self) -> None:
        super().__init__()
        self.children: dict[str, dict[str, Any]] = {}
        self.volunteers: dict[str, str] = {}
        self.pairings: dict[str, dict[str, Any]] = {}
        #: The date of each child's latest move of each kind (``duty_child_moves``).
        self.moves: dict[tuple[str, str], str] = {}
        #: Each pairing touched, with the latest day one of its events was recorded.
        self.pending: dict[str, date] = {}

    def append(self, table: str, columns: Sequence[str], added: Iterable[Sequence[Any]]) -> None:
        if table == "duty_contacts":  # written, and read back at the end
            super().append(table, columns, added)
            return
        rows = [dict(zip(columns, row, strict=True)) for row in added]
        if table == "duty_children":
            for row in rows:
                self.children[row["child_id"]] = row
            return
        if table == "duty_pairings":
            for row in rows:
                self.pairings[row["pairing_id"]] = dict.fromkeys(PAIRINGS) | row
            return
        if table == "duty_volunteers":
            for row in rows:
                self.volunteers[row["volunteer_id"]] = row["region_code"]
        super().append(table, columns, [tuple(row.values()) for row in rows])

    def held(self, written: Written) -> Folded:
        """Every pairing touched evaluated, as :meth:`DutyView.evaluate` evaluates them at
        the end of a rebuild, with its contacts as written (read back a pairing at a time:
        a province's contacts are more than memory should hold); then the tables that
        changed as the log was folded."""
        statuses: dict[tuple[str, str, str], tuple[Any, ...]] = {}

        def evaluate(key: str, contacts: list[DutyContact]) -> None:
            if (pairing := self.pairings.get(key)) is None or key not in self.pending:
                return
            on, last_contact, rows = DutyView._evaluated(pairing, contacts, self.pending.pop(key))
            statuses.update(((row[0], row[1], row[3]), row) for row in rows)
            pairing.update(evaluated_on=iso(on), last_contact_on=iso(last_contact))

        with closing(written.rows("duty_contacts", CONTACT_READ, by="pairing_id")) as read:
            for key, contacts in groupby(read, key=itemgetter(0)):
                evaluate(key, [DutyContact(kind, date.fromisoformat(day),
                                           tuple(filter(None, (children or "").split(","))))
                               for _, kind, day, children in contacts])
        for key in list(self.pending):  # touched, and no contact
            evaluate(key, [])
        self.pending.clear()
        return {
            "duty_status": (STATUS_COLUMNS, list(statuses.values())),
            "duty_pairings": (PAIRINGS, [tuple(row[column] for column in PAIRINGS)
                                         for row in self.pairings.values()]),
            "duty_children": (CHILDREN, [tuple(row[column] for column in CHILDREN)
                                         for row in self.children.values()]),
            "duty_child_moves": (MOVES, [(*key, on) for key, on in self.moves.items()]),
        }


class _InMemoryDuties(DutyView):
    """The duties' handlers, reading and changing :class:`DutyRows` where they read and
    change the tables (each of the name of the handler it stands for)."""

    def __init__(self) -> None:
        super().__init__(None)

    def apply_all(self, events: Sequence[tuple[int, Any]], tx: Tx) -> None:
        """Apply the stretch; each pairing it touched waits for the end, with its day."""
        self.touching(events, tx, rows_of(tx, DutyRows).pending)

    def _child_moved(self, e: SchoolChanged | ChildTransferred, tx: Tx) -> None:
        rows = rows_of(tx, DutyRows)
        if not is_latest_move_held(rows.moves, e):
            return
        column, value = place_of(e)
        if (child := rows.children.get(id_text(e.originator_id))) is not None:
            child[column] = value

    def _formed(self, e: PairingFormed, tx: Tx) -> None:
        rows, pairing_id = rows_of(tx, DutyRows), id_text(e.originator_id)
        child = rows.children.get(str(e.child_ids[0]))
        volunteers = [(pairing_id, str(v), rows.volunteers.get(str(v))) for v in e.volunteer_ids]
        tx.insert(
            "duty_pairings",
            ("pairing_id", "starts_on", "duty_sets", "child_ids", "volunteer_ids", "region_code",
             "school"),
            [(pairing_id, iso(e.starts_on), csv(e.duty_sets), csv(e.child_ids),
              csv(e.volunteer_ids), child["region_code"] if child else (volunteers[0][2] or ""),
              child["school"] if child else "")])
        tx.insert("duty_pairing_volunteers", ("pairing_id", "volunteer_id", "region_code"),
                  volunteers)

    def _ended(self, e: PairingEnded, tx: Tx) -> None:
        if (pairing := rows_of(tx, DutyRows).pairings.get(id_text(e.originator_id))) is not None:
            pairing["ended_on"] = iso(e.on)


def duties_folding(app: Any) -> ByHandlers:
    """The duties folded from zero by their own handlers, in memory."""
    return ByHandlers(app, _InMemoryDuties(), DutyRows())
