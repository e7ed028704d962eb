"""Where each school of a report is (学校所在乡镇): the township a report's table of schools
names beside each school, and sorts the schools by.

A school's place is the one its enrolment was recorded at (the school's own division code),
or else the township most of the facts about its pupils are placed in, as known at the
report's instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from storage.sql import Tx

_TOWNSHIP_DIGITS = 9


#: Pupils' facts by school and township: ``{school: {township: facts}}``.
SchoolCounts = dict[str, dict[str, int]]


def school_townships(tx: Tx, region_code: str, known_at: str,
                     schools: Iterable[str]) -> dict[str, str]:
    """The township code (9 digits) of each of ``schools`` (a report's names of them) under the
    division-code prefix ``region_code``, as known at ``known_at`` (a stored instant); a school
    of no known place is left out. A name with its county beside it (中心小学（钟祥市）) is
    looked up by the school's own name."""
    return place_schools(tx, region_code, known_at, schools,
                         school_counts(tx, region_code, known_at))


def school_counts(tx: Tx, region_code: str, known_at: str,
                  townships: Sequence[str] | None = None) -> SchoolCounts:
    """The facts about pupils by school and township under ``region_code`` as known at
    ``known_at``, in ``townships`` only where given: a report's parts count their own
    townships, and the counts of all of them add up to the region's (:func:`added`)."""
    where, params = "region_code LIKE ?", [region_code + "%"]
    if townships is not None:
        if not townships:
            return {}
        where += f" AND township IN ({', '.join('?' * len(townships))})"
        params += list(townships)
    counted: SchoolCounts = {}
    for row in tx.execute(
            f"SELECT school, township, COUNT(*) AS n FROM rf_facts WHERE {where}"
            " AND school <> '' AND recorded_at <= ? GROUP BY school, township",
            (*params, known_at)).all():
        counted.setdefault(row["school"], {})[row["township"]] = int(row["n"])
    return counted


def added(parts: Iterable[SchoolCounts]) -> SchoolCounts:
    """The counts of several parts (of distinct townships, or overlapping: they add up)."""
    total: SchoolCounts = {}
    for part in parts:
        for school, townships in part.items():
            mine = total.setdefault(school, {})
            for township, n in townships.items():
                mine[township] = mine.get(township, 0) + int(n)
    return total


def place_schools(tx: Tx, region_code: str, known_at: str, schools: Iterable[str],
                  counted: SchoolCounts) -> dict[str, str]:
    """Each school's township: the one its enrolment was recorded at, or else the township
    most of ``counted`` places its pupils in (the lowest code of those with as many)."""
    own: dict[str, str] = {}
    for row in tx.execute(
            "SELECT school, region_code FROM rf_enrolment WHERE region_code LIKE ?"
            " AND recorded_at <= ? ORDER BY position", (region_code + "%", known_at)).all():
        own[row["school"]] = row["region_code"][:_TOWNSHIP_DIGITS]
    places: dict[str, str] = {}
    for name in schools:
        for school in (name, _without_county(name)):
            found = own.get(school) or _most(counted.get(school))
            if found:
                places[name] = found
                break
    return places


def _most(townships: dict[str, int] | None) -> str:
    if not townships:
        return ""
    return min(townships.items(), key=lambda item: (-item[1], item[0]))[0]


def _without_county(name: str) -> str:
    """中心小学（钟祥市） → 中心小学; a name without its county as it is."""
    return name.rsplit("（", 1)[0] if name.endswith("）") else name
