"""The places one level below a division, by name: from the national list above the county,
from the programme's register of places below it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.places import level_of
from projections.events import listed
from projections.places.divisions import divisions_under
from projections.places.register import PlacesRegister, places_under, places_within


@dataclass(frozen=True)
class NamedPlace:
    code: str
    name: str
    level: str
    former_names: tuple[str, ...] = ()


def places_below(views: Any, code: str) -> list[NamedPlace]:
    """The divisions one level below ``code`` (a province's cities, a city's counties, a
    county's townships, a township's villages), by code."""
    if len(code) == 6 and code.endswith("00"):
        return [NamedPlace(c, n, level_of(c)) for c, n in divisions_under(code)]
    with views.store.recorder(PlacesRegister).read() as tx:
        rows = places_under(tx, code)
    return [NamedPlace(r["code"], r["name"], r["level"], listed(r["former_names"]))
            for r in rows]


@dataclass(frozen=True)
class Township:
    """A township and its villages, to choose a place by name (乡镇 and 村/社区)."""

    code: str
    name: str
    villages: tuple[NamedPlace, ...] = ()


def place_choices(views: Any, region_code: str | None) -> list[Township]:
    """The townships within ``region_code`` (a division-code prefix; None: all) with their
    villages, by code; a village whose township is not named is under its code."""
    with views.store.recorder(PlacesRegister).read() as tx:
        rows = places_within(tx, region_code)
    townships: dict[str, tuple[str, list[NamedPlace]]] = {}
    for row in rows:
        if row["level"] == "township":
            townships.setdefault(row["code"], (row["name"], []))
        else:
            townships.setdefault(row["parent"], (row["parent"], []))[1].append(
                NamedPlace(row["code"], row["name"], row["level"]))
    return [Township(code, name, tuple(villages))
            for code, (name, villages) in sorted(townships.items())]
