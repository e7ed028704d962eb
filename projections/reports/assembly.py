"""The figures put together: totals, derived figures (rates, the unpaired, the age range) and a
stable order, from the counts per township and school.

Every count is additive over townships; rates are derived from the counts at the end, so the
figures combined from township parts are exactly those of one computation over the region.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from projections.reports.tally import unit

#: Keys derived from the counts; combining parts recomputes them rather than adding them.
_DERIVED = frozenset({"pairing_coverage", "left_behind_unpaired", "left_behind_age_min",
                      "left_behind_age_max", "duty_compliance", "compliance_rate",
                      "left_behind_share_of_pupils", "schools_with_pupils", "pupils",
                      "left_behind_in_schools_with_pupils", "aid_yuan"})


def finish(meta: dict[str, Any], townships: Mapping[str, dict[str, Any]],
           schools: Mapping[str, dict[str, Any]], pupils: Mapping[str, int]) -> dict[str, Any]:
    """Totals, derived figures and a stable order, from the counts per township and school."""
    totals = unit(volunteers=True)
    for counts in townships.values():
        add(totals, counts)
    finished_schools = {}
    with_pupils = {"schools": 0, "pupils": 0, "left_behind": 0}
    for name, counts in schools.items():
        known = pupils.get(name)
        school = {**_derive(counts), "pupils": known, "left_behind_share_of_pupils": None}
        if known:
            school["left_behind_share_of_pupils"] = _rate(counts["left_behind"], known)
            with_pupils["schools"] += 1
            with_pupils["pupils"] += known
            with_pupils["left_behind"] += counts["left_behind"]
        finished_schools[name] = school
    totals = _derive(totals)
    totals.update({
        "schools_with_pupils": with_pupils["schools"],
        "pupils": with_pupils["pupils"] or None,
        "left_behind_in_schools_with_pupils": with_pupils["left_behind"],
        "left_behind_share_of_pupils": _rate(with_pupils["left_behind"], with_pupils["pupils"]),
    })
    return _sorted({"meta": meta, "totals": totals,
                    "townships": {code: _derive(counts) for code, counts in townships.items()},
                    "schools": finished_schools})


def raw(counts: Mapping[str, Any]) -> dict[str, Any]:
    """A finished unit's counts only (derived figures removed), as a fresh copy. Figures
    are plain JSON values: a group of figures is a ``dict`` (checked as such, which is
    several times quicker than asking for an abstract ``Mapping``)."""
    return {key: raw(value) if isinstance(value, dict) else value
            for key, value in counts.items() if key not in _DERIVED}


def add(into: dict[str, Any], other: Mapping[str, Any]) -> None:
    """Add ``other``'s counts into ``into``, key by key."""
    for key, value in other.items():
        if isinstance(value, dict):
            add(into.setdefault(key, {}), value)
        else:
            into[key] = into.get(key, 0) + value


def flat(value: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``("contacts_by_kind.home_visit", 3)``: every figure by its dotted name."""
    for key, item in value.items():
        if isinstance(item, Mapping):
            yield from flat(item, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", item


def _derive(counts: Mapping[str, Any]) -> dict[str, Any]:
    derived = json.loads(json.dumps(counts))  # a deep copy of plain values
    derived["pairing_coverage"] = _rate(counts["left_behind_paired"], counts["left_behind"])
    derived["left_behind_unpaired"] = counts["left_behind"] - counts["left_behind_paired"]
    ages = [int(age) for age, n in counts["left_behind_by_age"].items() if n]
    derived["left_behind_age_min"] = min(ages, default=None)
    derived["left_behind_age_max"] = max(ages, default=None)
    for duty in derived["duties"].values():
        duty["compliance_rate"] = _rate(duty["periods_met"], duty["periods_due"])
    derived["duty_compliance"] = _rate(counts["duties_periods_met"],
                                       counts["duties_periods_due"])
    derived["aid_yuan"] = round(counts["aid_fen"] / 100, 2)  # 慰问金 (元), from the fen
    return derived


def _rate(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to 4 decimals (None if ``whole`` is 0)."""
    return round(part / whole, 4) if whole else None


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    return value
