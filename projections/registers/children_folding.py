"""The children's register folded from zero in memory (:mod:`projections.bulk`).

The register's own handlers make the rows (:class:`projections.registers.children.
ChildrenRegister`); those that read or change its tables read and change them here in
memory (:class:`ChildRows`): each child's row (which its corrections, moves, parents,
categories, exit, merger, erasure and pairings change), the tokens a child is found by
(which a correction of the name or an erasure replaces), each pairing's children (which its
end marks inactive) and the dates of each child's latest moves. All of it is held until the
whole log is folded. The name is sealed as the register seals it, with the texts of the
app whose log is folded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from domain.children import Parent, ParentRole, ParentStatus
from domain.children.eligibility import parents_leave_child_behind
from domain.events import (
    CategoriesChanged,
    ChildAbsorbed,
    ChildCorrected,
    ChildErased,
    ChildExited,
    ChildMerged,
    ChildrenToldApart,
    ChildTransferred,
    ConcernReported,
    ConcernResolved,
    GuardianChanged,
    PairingEnded,
    PairingFormed,
    ParentChanged,
    ProfileUpdated,
    SchoolChanged,
)
from domain.personal import ERASED
from projections.events import csv, id_text, iso
from projections.folding import ByHandlers, Folded, Rows, Written, rows_of
from projections.moves import is_latest_move_held, place_of
from projections.registers.children import ChildrenRegister, _turns_16
from storage.sql import Tx

#: A child's row, every column, in the table's order.
CHILD = ("child_id", "version", "name", "sex", "birth_date", "turns_16_on", "region_code",
         "school", "class_name", "categories", "categories_on", "father_status", "father_on",
         "mother_status", "mother_on", "parents_away", "status", "registered_on", "exited_on",
         "exit_reason", "active_pairings")
NAMES = ("token", "child_id")
PAIRINGS = ("pairing_id", "child_id", "active")
MOVES = ("child_id", "kind", "moved_on")


class ChildRows(Rows):
    """The register's tables as far as its handlers read and change them, in memory."""

    def __init__(self) -> None:
        super().__init__()
        self.children: dict[str, dict[str, Any]] = {}
        #: The tokens each child is found by.
        self.names: dict[str, list[str]] = defaultdict(list)
        #: Each pairing's children, active or not.
        self.pairings: dict[str, dict[str, int]] = defaultdict(dict)
        self.moves: dict[tuple[str, str], str] = {}

    def append(self, table: str, columns: Sequence[str], added: Iterable[Sequence[Any]]) -> None:
        rows = [dict(zip(columns, row, strict=True)) for row in added]
        if table == "reg_children":
            for row in rows:  # the columns not given take the table's defaults
                self.children[row["child_id"]] = {**dict.fromkeys(CHILD),
                                                  "active_pairings": 0, **row}
        elif table == "reg_child_names":
            for row in rows:
                self.names[row["child_id"]].append(row["token"])
        elif table == "reg_child_pairings":
            for row in rows:
                self.pairings[row["pairing_id"]][row["child_id"]] = row["active"]
        else:
            raise ValueError(f"the children's register folded keeps no {table}")

    def child(self, child_id: object) -> dict[str, Any] | None:
        return self.children.get(id_text(child_id))

    def held(self, written: Written) -> Folded:
        """Every table, as the log left it."""
        held: Folded = {
            "reg_children": (CHILD, [tuple(row[column] for column in CHILD)
                                     for row in self.children.values()]),
            "reg_child_names": (NAMES, [(token, child_id) for child_id, tokens
                                        in self.names.items() for token in tokens]),
            "reg_child_pairings": (PAIRINGS, [
                (pairing_id, child_id, active) for pairing_id, children
                in self.pairings.items() for child_id, active in children.items()]),
            "reg_child_moves": (MOVES, [(child_id, kind, on) for (child_id, kind), on
                                        in self.moves.items()]),
        }
        self.children, self.moves = {}, {}
        self.names, self.pairings = defaultdict(list), defaultdict(dict)
        return {table: made for table, made in held.items() if made[1]}


class _InMemoryChildren(ChildrenRegister):
    """The register's handlers, reading and changing :class:`ChildRows` where they read and
    change the tables (each of the name of the handler it stands for)."""

    def __init__(self) -> None:
        super().__init__(None)

    def _parent_changed(self, e: ParentChanged, tx: Tx) -> None:
        row = rows_of(tx, ChildRows).child(e.originator_id)
        assert row is not None, f"child {e.originator_id} not in the register"
        role, on = e.parent.role.value, iso(e.on)
        if row[f"{role}_on"] is None or on >= row[f"{role}_on"]:  # type: ignore[operator]
            row[f"{role}_status"], row[f"{role}_on"] = e.parent.status.value, on
        statuses = [Parent(role=ParentRole(r), status=ParentStatus(row[f"{r}_status"]))
                    for r in ("father", "mother") if row[f"{r}_status"]]
        row["version"] = e.originator_version
        row["parents_away"] = int(parents_leave_child_behind(statuses))

    def _categories_changed(self, e: CategoriesChanged, tx: Tx) -> None:
        if (row := rows_of(tx, ChildRows).child(e.originator_id)) is None:
            return
        row["version"] = e.originator_version
        if row["categories_on"] <= iso(e.on):
            row["categories"], row["categories_on"] = csv(e.categories), iso(e.on)

    def _moved(self, e: SchoolChanged | ChildTransferred, tx: Tx) -> None:
        """As the register's: the school and class, or the region, of the latest date."""
        rows = rows_of(tx, ChildRows)
        row = rows.child(e.originator_id)
        if row is not None:
            row["version"] = e.originator_version
        if not is_latest_move_held(rows.moves, e):
            return
        column, value = place_of(e)
        if row is not None:
            row[column] = value
            if isinstance(e, SchoolChanged):
                row["class_name"] = e.class_name

    def _corrected(self, e: ChildCorrected, tx: Tx) -> None:
        rows = rows_of(tx, ChildRows)
        row = rows.child(e.originator_id) or {}  # a child not on the register: no row
        row["version"] = e.originator_version
        if e.field == "name":
            row["name"] = self.texts.seal_text(e.originator_id, e.personal_value)
            child_id = id_text(e.originator_id)
            rows.names.pop(child_id, None)
            if e.personal_value != ERASED:
                rows.names[child_id] += self.texts.blind_tokens(e.personal_value)
        elif e.field == "sex":
            row["sex"] = e.value
        elif e.field == "birth_date":
            born = date.fromisoformat(e.value)
            row["birth_date"], row["turns_16_on"] = iso(born), iso(_turns_16(born))

    def _exited(self, e: ChildExited, tx: Tx) -> None:
        self._off(tx, e.originator_id, e.originator_version, "exited", e.on, e.reason)

    def _merged(self, e: ChildMerged, tx: Tx) -> None:
        self._off(tx, e.originator_id, e.originator_version, "merged", e.on, e.reason)

    @staticmethod
    def _off(tx: Tx, child_id: object, version: int, status: str, on: date,
             reason: str) -> None:
        if (row := rows_of(tx, ChildRows).child(child_id)) is not None:
            row.update(version=version, status=status, exited_on=iso(on), exit_reason=reason)

    def _absorbed(self, e: ChildAbsorbed | ChildrenToldApart, tx: Tx) -> None:
        if (row := rows_of(tx, ChildRows).child(e.originator_id)) is not None:
            row["version"] = e.originator_version

    def _versioned(self, e: GuardianChanged | ProfileUpdated | ConcernReported
                   | ConcernResolved, tx: Tx) -> None:
        if (row := rows_of(tx, ChildRows).child(e.originator_id)) is not None:
            row["version"] = e.originator_version

    def _erased(self, e: ChildErased, tx: Tx) -> None:
        rows = rows_of(tx, ChildRows)
        if (row := rows.child(e.originator_id)) is not None:
            row["version"], row["name"] = e.originator_version, ERASED
            if row["exit_reason"]:  # not NULL, not '': as the statement
                row["exit_reason"] = ERASED
        rows.names.pop(id_text(e.originator_id), None)

    def _paired(self, e: PairingFormed, tx: Tx) -> None:
        rows = rows_of(tx, ChildRows)
        for child_id in e.child_ids:
            rows.pairings[id_text(e.originator_id)][id_text(child_id)] = 1
            if (row := rows.child(child_id)) is not None:
                row["active_pairings"] += 1

    def _unpaired(self, e: PairingEnded, tx: Tx) -> None:
        rows = rows_of(tx, ChildRows)
        children = rows.pairings.get(id_text(e.originator_id), {})
        for child_id, active in children.items():
            children[child_id] = 0
            if active == 1 and (row := rows.child(child_id)) is not None:
                row["active_pairings"] -= 1


def children_folding(app: Any) -> ByHandlers:
    """The children's register folded from zero by its own handlers, in memory."""
    return ByHandlers(app, _InMemoryChildren(), ChildRows())
