"""The volunteers' register (爱心妈妈名册): status, level reached, region.

The volunteer's name is kept sealed with the volunteer's data key (see
:mod:`projections.personal`): the register's tables hold no name in clear text.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any, ClassVar

from domain.application.base import PersonalTexts
from domain.events import (
    VolunteerApplied,
    VolunteerCommended,
    VolunteerDisqualified,
    VolunteerReinstated,
    VolunteerReviewed,
    VolunteerSuspended,
)
from projections.events import iso
from projections.personal import opened
from projections.projection import View
from storage.sql import Row, Tx, prefix, starts_with


class VolunteersRegister(View):
    """Volunteers by status, level reached and division code."""

    name = "volunteers"
    tables = ("reg_volunteers",)
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS reg_volunteers ("
        " volunteer_id TEXT PRIMARY KEY, version INTEGER NOT NULL, name TEXT NOT NULL,"
        " region_code TEXT NOT NULL, unit TEXT NOT NULL, applied_on TEXT NOT NULL,"
        " levels TEXT NOT NULL, reviews INTEGER NOT NULL DEFAULT 0, level_reached TEXT,"
        " status TEXT NOT NULL, status_on TEXT, commendations INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS reg_volunteers_region ON reg_volunteers (region_code)",
    )

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """An event this view does not keep changes nothing."""

    @apply.register
    def _applied(self, e: VolunteerApplied, tx: Tx) -> None:
        tx.insert(
            "reg_volunteers",
            ("volunteer_id", "version", "name", "region_code", "unit", "applied_on", "levels",
             "status"),
            [(str(e.originator_id), e.originator_version,
              self.texts.seal_text(e.originator_id, e.form.name), e.form.region_code,
              e.form.unit, iso(e.applied_on), ",".join(e.approval_levels), "pending")])

    @apply.register
    def _reviewed(self, e: VolunteerReviewed, tx: Tx) -> None:
        """One more level reviewed: approved once every level of the form has approved,
        rejected at the first rejection. One UPDATE, no read: a batch of reviews is sent
        together rather than one round trip each."""
        rejected = e.decision.value == "reject"
        tx.execute(
            "UPDATE reg_volunteers SET version = ?, reviews = reviews + 1, status = CASE"
            " WHEN ? = 1 THEN 'rejected'"
            " WHEN reviews + 1 = LENGTH(levels) - LENGTH(REPLACE(levels, ',', '')) + 1"
            " THEN 'approved' ELSE 'pending' END,"
            " status_on = ?, level_reached = COALESCE(?, level_reached) WHERE volunteer_id = ?",
            (e.originator_version, int(rejected), iso(e.on),
             None if rejected else e.level.value, str(e.originator_id)))

    @apply.register
    def _suspended(self, e: VolunteerSuspended, tx: Tx) -> None:
        _status(tx, e, "suspended")

    @apply.register
    def _reinstated(self, e: VolunteerReinstated, tx: Tx) -> None:
        _status(tx, e, "approved")

    @apply.register
    def _disqualified(self, e: VolunteerDisqualified, tx: Tx) -> None:
        _status(tx, e, "disqualified")

    @apply.register
    def _commended(self, e: VolunteerCommended, tx: Tx) -> None:
        tx.execute("UPDATE reg_volunteers SET version = ?, commendations = commendations + 1"
                   " WHERE volunteer_id = ?", (e.originator_version, str(e.originator_id)))


def _status(tx: Tx, e: VolunteerSuspended | VolunteerReinstated | VolunteerDisqualified,
            status: str) -> None:
    tx.execute("UPDATE reg_volunteers SET version = ?, status = ?, status_on = ?"
               " WHERE volunteer_id = ?",
               (e.originator_version, status, iso(e.on), str(e.originator_id)))


def list_volunteers(tx: Tx, *, texts: PersonalTexts, status: str | None = None,
                    region_code: str | None = None, level_reached: str | None = None,
                    after: str | None = None, limit: int = 50) -> list[Row]:
    """Volunteers matching the filters, ordered by id, from the cursor ``after``; names
    opened with ``texts`` (the register application's, see projections.personal)."""
    clauses: list[str] = []
    params: list[Any] = []
    for column, value in (("status", status), ("level_reached", level_reached)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if region_code:
        clauses.append(starts_with("region_code"))
        params.append(prefix(region_code))
    if after:
        clauses.append("volunteer_id > ?")
        params.append(after)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return opened(tx.execute(f"SELECT * FROM reg_volunteers{where} ORDER BY volunteer_id"
                             " LIMIT ?", [*params, limit]).all(), texts)
