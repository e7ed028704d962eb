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

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from domain.schools import EnrolmentRecorded
from projections.places.divisions import division_name
from storage.sql import Row, Tx, prefix, starts_with

#: Digits of a county's division code (县): schools are told apart by county and name.
COUNTY_DIGITS = 6

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
    tx.append(
        "rf_enrolment",
        ("position", "enrolment_id", "version", "region_code", "school", "term", "starts_on",
         "pupils", "stated_on", "reason", "recorded_at", "recorded_by", "recorded_role"),
        [(tx.position, str(e.originator_id), e.originator_version, e.region_code, e.school,
          e.term, e.starts_on.isoformat(), e.pupils, e.on.isoformat(), e.reason, recorded_at,
          e.actor.id, e.actor.role)])


#: How a report names a school from where it is (a division code) and its name.
SchoolKey = Callable[[str, str], str]


def school_key(region_prefix: str) -> SchoolKey:
    """How the report of the region ``region_prefix`` names a school, from a division code
    where it is (a child's, or the school's own) and its name. A school is told apart from
    another of the same name by its county (县): within one county by its name, as the
    children's records name it (石牌镇中心小学), and in a report over several counties with
    its county's name beside it (中心小学（钟祥市）), so that the many 中心小学 of a
    province are not added up as one."""
    if len(region_prefix) >= COUNTY_DIGITS:
        return _by_name
    return _with_county


def _by_name(_: str, school: str) -> str:
    return school


def _with_county(region_code: str, school: str) -> str:
    return f"{school}（{_county_name(region_code[:COUNTY_DIGITS])}）"


@lru_cache(maxsize=4096)
def _county_name(code: str) -> str:
    return division_name(code) or code


def pupils_in_force(tx: Tx, region_code: str, on: date, known_at: str) -> dict[str, int]:
    """The pupils of each school under the division-code prefix ``region_code`` in the term in
    force on ``on``, as known at ``known_at`` (a stored instant), by the report's name of the
    school (:func:`school_key`: schools of one name in one county add up, those of
    different counties are told apart)."""
    rows = tx.execute(
        "SELECT region_code, school, term, starts_on, pupils FROM rf_enrolment WHERE"
        f" {starts_with('region_code')} AND starts_on <= ? AND recorded_at <= ?"
        " ORDER BY region_code, school, starts_on, position",
        (prefix(region_code), on.isoformat(), known_at)).all()
    latest: dict[tuple[str, str], int] = {}
    for row in rows:  # the last of each school: the latest term, its latest count
        latest[(row["region_code"], row["school"])] = int(row["pupils"])
    key = school_key(region_code)
    pupils: dict[str, int] = {}
    for (place, school), count in latest.items():
        named = key(place, school)
        pupils[named] = pupils.get(named, 0) + count
    return pupils


def school_attended(tx: Tx, region_code: str, school: str) -> bool:
    """Whether a child on the register in the county of ``region_code`` attends a school of
    the name ``school``: the children a report divides by the school's pupils."""
    row = tx.execute(f"SELECT 1 FROM rf_child_places WHERE {starts_with('region_code')}"
                     " AND school = ? LIMIT 1",
                     (prefix(region_code[:COUNTY_DIGITS]), school)).one()
    return row is not None


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
