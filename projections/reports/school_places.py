"""Where each school of a report is (学校所在乡镇): the township a report's table of schools
names beside each school, and sorts the schools by.

A school's place is the one its enrolment was recorded at (the school's own division code),
or else the township most of the facts about its pupils are placed in, as known at the
report's instant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from storage.sql import Tx

_TOWNSHIP_DIGITS = 9


def school_townships(tx: Tx, region_code: str, known_at: str,
                     schools: Iterable[str]) -> dict[str, str]:
    """The township code (9 digits) of each of ``schools`` (a report's names of them) under the
    division-code prefix ``region_code``, as known at ``known_at`` (a stored instant); a school
    of no known place is left out. A name with its county beside it (中心小学（钟祥市）) is
    looked up by the school's own name."""
    own: dict[str, str] = {}
    for row in tx.execute(
            "SELECT school, region_code FROM rf_enrolment WHERE region_code LIKE ?"
            " AND recorded_at <= ? ORDER BY position", (region_code + "%", known_at)).all():
        own[row["school"]] = row["region_code"][:_TOWNSHIP_DIGITS]
    counted: dict[str, Counter[str]] = {}
    for row in tx.execute(
            "SELECT school, township, COUNT(*) AS n FROM rf_facts WHERE region_code LIKE ?"
            " AND school <> '' AND recorded_at <= ? GROUP BY school, township"
            " ORDER BY school, township",
            (region_code + "%", known_at)).all():
        counted.setdefault(row["school"], Counter())[row["township"]] += int(row["n"])
    places: dict[str, str] = {}
    for name in schools:
        for school in (name, _without_county(name)):
            found = own.get(school) or (counted[school].most_common(1)[0][0]
                                        if school in counted else "")
            if found:
                places[name] = found
                break
    return places


def _without_county(name: str) -> str:
    """中心小学（钟祥市） → 中心小学; a name without its county as it is."""
    return name.rsplit("（", 1)[0] if name.endswith("）") else name
