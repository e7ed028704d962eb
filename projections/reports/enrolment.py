"""Schools' enrolment (在校学生数), kept by :class:`~projections.reports.facts.ReportFacts`
beside the other facts of the report, so that a report reads the pupils it divides by at the
same log position and as known at the same instant as everything else it counts.

``rf_enrolment`` has one row per count recorded (never overwritten): the school (where it is
and its name), the term and the day it starts, the pupils, the day the count was stated, the
reason when it puts right an earlier count, and the instant it was recorded. The count *in
force* for a quarter as known at ``T`` is, for each school, that of the latest term begun by
the quarter's last day (or the day a quarter not ended is counted to), the latest recorded by
``T`` for that term: a correction recorded after ``T`` leaves a report known at ``T`` as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from domain.schools import EnrolmentRecorded
from storage.sql import Row, Tx, prefix, starts_with

ENROLMENT_TABLES: tuple[str, ...] = ("rf_enrolment",)
ENROLMENT_SCHEMA: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS rf_enrolment ("
    " position BIGINT PRIMARY KEY, enrolment_id TEXT NOT NULL, version INTEGER NOT NULL,"
    " region_code TEXT NOT NULL, school TEXT NOT NULL, term TEXT NOT NULL,"
    " starts_on TEXT NOT NULL, pupils INTEGER NOT NULL, stated_on TEXT NOT NULL,"
    " reason TEXT NOT NULL, recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL,"
    " recorded_role TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS rf_enrolment_place ON rf_enrolment (region_code, school)",
)


def record_enrolment(tx: Tx, e: EnrolmentRecorded, recorded_at: str) -> None:
    """One row for the count, at the event's log position."""
    tx.execute(
        "INSERT INTO rf_enrolment (position, enrolment_id, version, region_code, school, term,"
        " starts_on, pupils, stated_on, reason, recorded_at, recorded_by, recorded_role)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (tx.position, str(e.originator_id), e.originator_version, e.region_code, e.school,
         e.term, e.starts_on.isoformat(), e.pupils, e.on.isoformat(), e.reason, recorded_at,
         e.actor.id, e.actor.role))


def pupils_in_force(tx: Tx, region_code: str, on: date, known_at: str) -> dict[str, int]:
    """The pupils of each school under the division-code prefix ``region_code`` in the term in
    force on ``on``, as known at ``known_at`` (a stored instant), by school name (the report's
    schools are named so: the counts of schools of one name in several places add up)."""
    rows = tx.execute(
        "SELECT region_code, school, term, starts_on, pupils FROM rf_enrolment WHERE"
        f" {starts_with('region_code')} AND starts_on <= ? AND recorded_at <= ?"
        " ORDER BY region_code, school, starts_on, position",
        (prefix(region_code), on.isoformat(), known_at)).all()
    latest: dict[tuple[str, str], int] = {}
    for row in rows:  # the last of each school: the latest term, its latest count
        latest[(row["region_code"], row["school"])] = int(row["pupils"])
    pupils: dict[str, int] = {}
    for (_, school), count in latest.items():
        pupils[school] = pupils.get(school, 0) + count
    return pupils


@dataclass(frozen=True)
class TermCount:
    """A school's count for a term as it stands now, with the counts it put right."""

    enrolment_id: str
    version: int
    region_code: str
    school: str
    term: str
    starts_on: str
    pupils: int
    stated_on: str
    reason: str
    recorded_at: str
    recorded_by: str
    recorded_role: str
    earlier: tuple[Row, ...]


def enrolment_listed(tx: Tx, region_code: str | None, school: str | None = None,
                     limit: int = 50_000) -> Iterator[TermCount]:
    """Every school's counts term by term under ``region_code`` (None: everywhere), the
    count now in force for each term with the earlier ones it put right (oldest first), by
    place, school and term (the newest term first)."""
    where, params = ["1 = 1"], []
    if region_code:
        where.append(starts_with("region_code"))
        params.append(prefix(region_code))
    if school:
        where.append("school = ?")
        params.append(school)
    rows = tx.execute(
        "SELECT * FROM rf_enrolment WHERE " + " AND ".join(where)
        + " ORDER BY region_code, school, starts_on DESC, term, position LIMIT ?",
        (*params, limit)).all()
    versions: dict[str, int] = {}
    for row in rows:
        versions[row["enrolment_id"]] = max(versions.get(row["enrolment_id"], 0),
                                            int(row["version"]))
    group: list[Row] = []
    for row in rows:
        if group and (group[-1]["enrolment_id"], group[-1]["term"]) != (
                row["enrolment_id"], row["term"]):
            yield _term(group, versions)
            group = []
        group.append(row)
    if group:
        yield _term(group, versions)


def _term(rows: list[Row], versions: dict[str, int]) -> TermCount:
    now = rows[-1]
    return TermCount(
        enrolment_id=now["enrolment_id"], version=versions[now["enrolment_id"]],
        region_code=now["region_code"], school=now["school"], term=now["term"],
        starts_on=now["starts_on"], pupils=int(now["pupils"]), stated_on=now["stated_on"],
        reason=now["reason"], recorded_at=now["recorded_at"], recorded_by=now["recorded_by"],
        recorded_role=now["recorded_role"], earlier=tuple(rows[:-1]))
