"""The pairings' register folded from zero in memory (:mod:`projections.bulk`).

The register's own handlers make the rows (:class:`projections.registers.pairings.
PairingsRegister`); those that change its tables change them here in memory
(:class:`PairingRows`): each pairing's row, which its contacts, its end and the erasure of
one of its children change, and where each child is, which its moves change (the date of
its latest move of each kind beside it). Those are held until the whole log is folded; the
members, which nothing changes, are written as each stretch is folded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from domain.events import ChildErased, ChildTransferred, PairingEnded, SchoolChanged
from domain.personal import ERASED
from projections.events import id_text, iso
from projections.folding import ByHandlers, Folded, Rows, Written, rows_of
from projections.moves import is_latest_move_held, place_of
from projections.projection import View
from projections.registers.pairings import PairingsRegister, _Tally
from storage.sql import Tx

#: A pairing's row, every column, in the table's order.
PAIRING = ("pairing_id", "version", "status", "principle", "shape", "child_ids",
           "volunteer_ids", "starts_on", "ended_on", "end_reason", "contacts", "home_visits",
           "items", "last_contact_on", "duty_sets")
PLACE = ("child_id", "region_code", "school")
MOVE = ("child_id", "kind", "moved_on")
_COLUMN = {name: index for index, name in enumerate(PAIRING)}
_VERSION, _STATUS, _ENDED_ON, _END_REASON = (_COLUMN[name] for name in
                                             ("version", "status", "ended_on", "end_reason"))
_CONTACTS, _HOME_VISITS, _ITEMS, _LAST = (_COLUMN[name] for name in
                                          ("contacts", "home_visits", "items",
                                           "last_contact_on"))


class PairingRows(Rows):
    """The register's tables as far as its handlers change them, in memory: each pairing's
    row, each member's pairings, where each child is and the date of its latest moves."""

    def __init__(self) -> None:
        super().__init__()
        self.pairings: dict[str, list[Any]] = {}
        self.member_pairings: dict[str, list[str]] = defaultdict(list)
        self.places: dict[str, list[Any]] = {}
        self.moves: dict[tuple[str, str], str] = {}

    def append(self, table: str, columns: Sequence[str], added: Iterable[Sequence[Any]]) -> None:
        if table == "reg_pairings":
            for row in added:  # the columns not given take the table's defaults
                made: dict[str, Any] = {**dict.fromkeys(PAIRING), "contacts": 0,
                                        "home_visits": 0, "items": 0,
                                        **dict(zip(columns, row, strict=True))}
                self.pairings[made["pairing_id"]] = [made[name] for name in PAIRING]
            return
        if table == "reg_pairing_places":
            for row in added:
                place = dict(zip(columns, row, strict=True))
                self.places[place["child_id"]] = [place[name] for name in PLACE]
            return
        rows = [tuple(row) for row in added]
        if table == "reg_pairing_members":
            for pairing_id, member_id, _ in rows:
                self.member_pairings[member_id].append(pairing_id)
        super().append(table, columns, rows)

    def held(self, written: Written) -> Folded:
        """The pairings, the children's places and their moves, as the log left them."""
        held: Folded = {
            "reg_pairings": (PAIRING, [tuple(row) for row in self.pairings.values()]),
            "reg_pairing_places": (PLACE, [tuple(row) for row in self.places.values()]),
            "reg_pairing_moves": (MOVE, [(child_id, kind, on) for (child_id, kind), on
                                         in self.moves.items()]),
        }
        self.pairings, self.places, self.moves = {}, {}, {}
        return {table: made for table, made in held.items() if made[1]}


class _InMemoryPairings(PairingsRegister):
    """The register's handlers, changing :class:`PairingRows` where they change the tables."""

    def __init__(self) -> None:
        super().__init__(None)

    def apply_all(self, events: Sequence[tuple[int, Any]], tx: Tx) -> None:
        """As the register's: the batch's contacts added to each pairing's row at the end."""
        self._tally: dict[str, _Tally] = {}
        View.apply_all(self, events, tx)
        pairings = rows_of(tx, PairingRows).pairings
        for pairing_id, tally in self._tally.items():
            if (row := pairings.get(pairing_id)) is None:
                continue
            row[_VERSION] = max(row[_VERSION], tally.version)
            row[_CONTACTS] += tally.contacts
            row[_HOME_VISITS] += tally.home_visits
            row[_ITEMS] += tally.items
            last = tally.last_contact_on
            if last is not None and (row[_LAST] is None or row[_LAST] < last):
                row[_LAST] = tally.last_contact_on

    def _moved(self, e: SchoolChanged | ChildTransferred, tx: Tx) -> None:
        """As :func:`projections.moves.follow_move`: the child's place follows its latest
        move of each kind by date."""
        rows = rows_of(tx, PairingRows)
        if not is_latest_move_held(rows.moves, e):
            return
        column, value = place_of(e)
        if (place := rows.places.get(id_text(e.originator_id))) is not None:
            place[PLACE.index(column)] = value

    def _ended(self, e: PairingEnded, tx: Tx) -> None:
        if (row := rows_of(tx, PairingRows).pairings.get(id_text(e.originator_id))) is not None:
            row[_VERSION], row[_STATUS] = e.originator_version, "ended"
            row[_ENDED_ON], row[_END_REASON] = iso(e.on), e.reason

    def _child_erased(self, e: ChildErased, tx: Tx) -> None:
        rows = rows_of(tx, PairingRows)
        for pairing_id in rows.member_pairings.get(id_text(e.originator_id), ()):
            row = rows.pairings.get(pairing_id)
            if row is not None and row[_END_REASON]:  # not NULL, not '': as the statement
                row[_END_REASON] = ERASED


def pairings_folding(app: Any) -> ByHandlers:
    """The pairings' register folded from zero by its own handlers, in memory."""
    return ByHandlers(app, _InMemoryPairings(), PairingRows())
