"""Concerns (情况报告): anomalies reported, open or resolved, by region, school and child."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any, ClassVar

from domain.events import (
    ChildRegistered,
    ChildTransferred,
    ConcernReported,
    ConcernResolved,
    SchoolChanged,
)
from projections.events import iso
from projections.moves import follow_move, moves_schema
from projections.projection import View
from projections.scoping import scope_clauses
from storage.sql import Row, Tx


class ConcernsRegister(View):
    """Every concern with where its child is; open ones have no resolution date."""

    name = "concerns"
    tables = ("reg_concerns", "reg_concern_children", "reg_concern_moves")
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS reg_concern_children ("
        " child_id TEXT PRIMARY KEY, region_code TEXT NOT NULL, school TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS reg_concerns ("
        " concern_id TEXT PRIMARY KEY, child_id TEXT NOT NULL, kind TEXT NOT NULL,"
        " occurred_on TEXT NOT NULL, reported_by TEXT NOT NULL, region_code TEXT NOT NULL,"
        " school TEXT NOT NULL, resolved_on TEXT, version INTEGER NOT NULL DEFAULT 0,"
        " reported_at TEXT NOT NULL DEFAULT '')",
        "CREATE INDEX IF NOT EXISTS reg_concerns_child ON reg_concerns (child_id)",
        moves_schema("reg_concern_moves"),
    )

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _registered(self, e: ChildRegistered, tx: Tx) -> None:
        tx.insert("reg_concern_children", ("child_id", "region_code", "school"),
                  [(str(e.originator_id), e.region_code, e.school)])

    @apply.register
    def _moved(self, e: SchoolChanged | ChildTransferred, tx: Tx) -> None:
        """升学、转学、迁出: the child's concerns are listed where the child now is, and
        kept by the staff who keep its record."""
        follow_move(tx, e, moves="reg_concern_moves",
                    tables=("reg_concern_children", "reg_concerns"))

    @apply.register
    def _reported(self, e: ConcernReported, tx: Tx) -> None:
        child = tx.execute("SELECT region_code, school FROM reg_concern_children"
                           " WHERE child_id = ?", (str(e.originator_id),)).one()
        assert child is not None
        tx.insert(
            "reg_concerns",
            ("concern_id", "child_id", "kind", "occurred_on", "reported_by", "region_code",
             "school", "version", "reported_at"),
            [(e.concern_id, str(e.originator_id), e.kind, iso(e.occurred_on), e.actor.id,
              child["region_code"], child["school"], e.originator_version,
              e.timestamp.isoformat())])

    @apply.register
    def _resolved(self, e: ConcernResolved, tx: Tx) -> None:
        tx.execute("UPDATE reg_concerns SET resolved_on = ?, version = ? WHERE concern_id = ?",
                   (iso(e.on), e.originator_version, e.concern_id))


def open_concerns(tx: Tx, *, region_code: str | None = None, school: str | None = None,
                  after: str | None = None, limit: int = 50) -> list[Row]:
    """Concerns not yet resolved, by id from the cursor ``after``."""
    return list_concerns(tx, status="open", region_code=region_code, school=school,
                         after=after, limit=limit)


def list_concerns(tx: Tx, *, status: str | None = None, region_code: str | None = None,
                  school: str | None = None, child_id: str | None = None,
                  child_ids: tuple[str, ...] | None = None, after: str | None = None,
                  limit: int = 50) -> list[Row]:
    """Concerns matching the filters (``status``: ``open`` or ``resolved``; ``region_code``
    a prefix of division codes; ``child_ids`` one of those children), by id from the cursor
    ``after``."""
    clauses: list[str] = []
    params: list[Any] = []
    if status == "open":
        clauses.append("resolved_on IS NULL")
    elif status == "resolved":
        clauses.append("resolved_on IS NOT NULL")
    scoped, within = scope_clauses(region_code, school)
    clauses += scoped
    params += within
    if child_id:
        clauses.append("child_id = ?")
        params.append(child_id)
    if child_ids is not None:
        if not child_ids:
            return []
        clauses.append(f"child_id IN ({','.join('?' * len(child_ids))})")
        params.extend(child_ids)
    if after:
        clauses.append("concern_id > ?")
        params.append(after)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return tx.execute(f"SELECT * FROM reg_concerns{where} ORDER BY concern_id LIMIT ?",
                      [*params, limit]).all()
