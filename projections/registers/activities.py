"""The register of group activities and aid (集体活动台账): each activity, the children it
reached and where each of them is, for listing activities within a caller's scope.

Where a child is (its division code and school) is learnt from ``ChildRegistered`` and kept in
``reg_activity_places``, so an activity's children are placed as it is recorded. A child whose
personal data is erased (个人信息删除) is no longer listed as reached by any activity (the
activity keeps its count of children: reports still add up). The title and the organiser are
the activity's own words, not personal; the reason for a cancellation stays in the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import singledispatchmethod
from typing import Any, ClassVar

from domain.events import (
    ActivityCancelled,
    ActivityRecorded,
    ChildErased,
    ChildRegistered,
    ChildTransferred,
    SchoolChanged,
)
from projections.events import iso
from projections.moves import follow_move, moves_schema
from projections.projection import View
from storage.sql import Row, Tx


class ActivitiesRegister(View):
    """Group activities with the children they reached and where those children are."""

    name = "activities"
    rebuild_cost = 1
    tables = ("reg_activities", "reg_activity_children", "reg_activity_places",
              "reg_activity_moves")
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS reg_activities ("
        " activity_id TEXT PRIMARY KEY, version INTEGER NOT NULL, kind TEXT NOT NULL,"
        " title TEXT NOT NULL, occurred_on TEXT NOT NULL, organiser TEXT NOT NULL,"
        " items INTEGER NOT NULL, amount_yuan TEXT NOT NULL, status TEXT NOT NULL,"
        " children INTEGER NOT NULL, cancelled_on TEXT)",
        "CREATE TABLE IF NOT EXISTS reg_activity_children ("
        " activity_id TEXT NOT NULL, child_id TEXT NOT NULL, region_code TEXT NOT NULL,"
        " school TEXT NOT NULL, PRIMARY KEY (activity_id, child_id))",
        "CREATE INDEX IF NOT EXISTS reg_activity_children_child"
        " ON reg_activity_children (child_id)",
        "CREATE INDEX IF NOT EXISTS reg_activity_children_region"
        " ON reg_activity_children (region_code)",
        "CREATE TABLE IF NOT EXISTS reg_activity_places ("
        " child_id TEXT PRIMARY KEY, region_code TEXT NOT NULL, school TEXT NOT NULL)",
        moves_schema("reg_activity_moves"),
    )

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _child_registered(self, e: ChildRegistered, tx: Tx) -> None:
        tx.insert("reg_activity_places", ("child_id", "region_code", "school"),
                  [(str(e.originator_id), e.region_code, e.school)])

    @apply.register
    def _child_moved(self, e: SchoolChanged | ChildTransferred, tx: Tx) -> None:
        """升学、转学、迁出: activities from then reach the child where it now is (those held
        before stay where they were held)."""
        follow_move(tx, e, moves="reg_activity_moves", tables=("reg_activity_places",))

    @apply.register
    def _recorded(self, e: ActivityRecorded, tx: Tx) -> None:
        activity_id = str(e.originator_id)
        tx.insert(
            "reg_activities",
            ("activity_id", "version", "kind", "title", "occurred_on", "organiser", "items",
             "amount_yuan", "status", "children"),
            [(activity_id, e.originator_version, e.kind, e.title, iso(e.occurred_on),
              e.organiser, e.items, str(e.amount_yuan), "held", len(e.child_ids))])
        for child_id in e.child_ids:
            tx.execute(
                "INSERT INTO reg_activity_children (activity_id, child_id, region_code, school)"
                " SELECT ?, child_id, region_code, school FROM reg_activity_places"
                " WHERE child_id = ?", (activity_id, str(child_id)))

    @apply.register
    def _cancelled(self, e: ActivityCancelled, tx: Tx) -> None:
        tx.execute("UPDATE reg_activities SET version = ?, status = 'cancelled',"
                   " cancelled_on = ? WHERE activity_id = ?",
                   (e.originator_version, iso(e.on), str(e.originator_id)))

    @apply.register
    def _child_erased(self, e: ChildErased, tx: Tx) -> None:
        """The erased child is no longer read as reached by any activity."""
        tx.execute("DELETE FROM reg_activity_children WHERE child_id = ?",
                   (str(e.originator_id),))


@dataclass(frozen=True)
class ActivityFilter:
    """Which activities to list: those reaching a child within ``region_code`` (a division-
    code prefix), of ``school``, among ``child_ids`` (None: any), or ``child_id``; of ``kind``;
    held on or after ``since`` and on or before ``until``."""

    region_code: str | None = None
    school: str | None = None
    child_ids: tuple[str, ...] | None = None
    child_id: str | None = None
    kind: str | None = None
    since: str | None = None
    until: str | None = None

    def children_sql(self) -> tuple[str, list[Any]]:
        """The condition on ``reg_activity_children`` rows (the children reached in scope)."""
        clauses, params = ["1 = 1"], []
        if self.region_code:
            clauses.append("region_code LIKE ?")
            params.append(self.region_code + "%")
        if self.school is not None:
            clauses.append("school = ?")
            params.append(self.school)
        if self.child_ids is not None:
            clauses.append(f"child_id IN ({', '.join('?' * len(self.child_ids))})"
                           if self.child_ids else "1 = 0")
            params.extend(self.child_ids)
        return " AND ".join(clauses), params

    @property
    def by_child(self) -> bool:
        """Whether the listing is of the activities reaching some children, not all."""
        return any(value is not None for value in (
            self.region_code, self.school, self.child_ids, self.child_id))


def list_activities(tx: Tx, where: ActivityFilter, *, after: str | None = None,
                    limit: int = 50) -> list[Row]:
    """Activities matching ``where``, ordered by id, from the cursor ``after``; each row with
    ``shown``: the ids of its children that ``where`` keeps (in scope, not erased)."""
    clauses: list[str] = []
    params: list[Any] = []
    children, children_params = where.children_sql()
    if where.by_child:
        reached = children
        reached_params = list(children_params)
        if where.child_id is not None:
            reached += " AND child_id = ?"
            reached_params.append(where.child_id)
        clauses.append("activity_id IN (SELECT activity_id FROM reg_activity_children"
                       f" WHERE {reached})")
        params.extend(reached_params)
    for clause, value in (("kind = ?", where.kind), ("occurred_on >= ?", where.since),
                          ("occurred_on <= ?", where.until), ("activity_id > ?", after)):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    condition = " WHERE " + " AND ".join(clauses) if clauses else ""
    rows = tx.execute(f"SELECT * FROM reg_activities{condition} ORDER BY activity_id LIMIT ?",
                      [*params, limit]).all()
    shown = _children_shown(tx, [row["activity_id"] for row in rows], children,
                            children_params)
    return [{**row, "shown": shown.get(row["activity_id"], [])} for row in rows]


def _children_shown(tx: Tx, activity_ids: Sequence[str], condition: str,
                    params: list[Any]) -> dict[str, list[str]]:
    if not activity_ids:
        return {}
    found: dict[str, list[str]] = {}
    for row in tx.execute(
            "SELECT activity_id, child_id FROM reg_activity_children WHERE activity_id IN"
            f" ({', '.join('?' * len(activity_ids))}) AND {condition}"
            " ORDER BY activity_id, child_id", [*activity_ids, *params]).all():
        found.setdefault(row["activity_id"], []).append(row["child_id"])
    return found
