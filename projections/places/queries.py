"""The places one level below a division, by name: from the national list above the county,
from the programme's register of places below it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.places import level_of
from projections.events import listed
from projections.places.divisions import divisions_under
from projections.places.register import PlacesRegister, places_under


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
