"""Open concerns (情况报告): anomalies reported and not yet resolved, by region and school."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any, ClassVar

from domain.events import ChildRegistered, ConcernReported, ConcernResolved
from projections.events import iso
from projections.projection import View
from storage.sql import Row, Tx, prefix, starts_with


class ConcernsRegister(View):
    """Every concern with where its child is; open ones have no resolution date."""

    name = "concerns"
    tables = ("reg_concerns", "reg_concern_children")
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS reg_concern_children ("
        " child_id TEXT PRIMARY KEY, region_code TEXT NOT NULL, school TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS reg_concerns ("
        " concern_id TEXT PRIMARY KEY, child_id TEXT NOT NULL, kind TEXT NOT NULL,"
        " occurred_on TEXT NOT NULL, reported_by TEXT NOT NULL, region_code TEXT NOT NULL,"
        " school TEXT NOT NULL, resolved_on TEXT)",
        "CREATE INDEX IF NOT EXISTS reg_concerns_child ON reg_concerns (child_id)",
    )

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _registered(self, e: ChildRegistered, tx: Tx) -> None:
        tx.execute("INSERT INTO reg_concern_children (child_id, region_code, school)"
                   " VALUES (?,?,?)", (str(e.originator_id), e.region_code, e.school))

    @apply.register
    def _reported(self, e: ConcernReported, tx: Tx) -> None:
        child = tx.execute("SELECT region_code, school FROM reg_concern_children"
                           " WHERE child_id = ?", (str(e.originator_id),)).one()
        assert child is not None
        tx.execute(
            "INSERT INTO reg_concerns (concern_id, child_id, kind, occurred_on, reported_by,"
            " region_code, school) VALUES (?,?,?,?,?,?,?)",
            (e.concern_id, str(e.originator_id), e.kind, iso(e.occurred_on), e.actor.id,
             child["region_code"], child["school"]))

    @apply.register
    def _resolved(self, e: ConcernResolved, tx: Tx) -> None:
        tx.execute("UPDATE reg_concerns SET resolved_on = ? WHERE concern_id = ?",
                   (iso(e.on), e.concern_id))


def open_concerns(tx: Tx, *, region_code: str | None = None, school: str | None = None,
                  after: str | None = None, limit: int = 50) -> list[Row]:
    """Concerns not yet resolved, oldest first by id cursor."""
    clauses = ["resolved_on IS NULL"]
    params: list[Any] = []
    if region_code:
        clauses.append(starts_with("region_code"))
        params.append(prefix(region_code))
    if school:
        clauses.append("school = ?")
        params.append(school)
    if after:
        clauses.append("concern_id > ?")
        params.append(after)
    return tx.execute("SELECT * FROM reg_concerns WHERE " + " AND ".join(clauses)
                      + " ORDER BY concern_id LIMIT ?", [*params, limit]).all()
