"""One lookup of places by name, for every page, report and file that shows a division code.

Usage::

    from projections.places.names import place_names
    names = place_names(views)            # views: the app's ViewRunner
    names.name("420881")                  # '钟祥市'
    names.name("420881102")               # '洋梓镇' (the programme's register of places)
    names.full("420881102")               # '湖北省荆门市钟祥市洋梓镇'
    names.names(codes)                    # {code: name} for many codes at once

County-level codes and above are named by the national list (:mod:`projections.places.divisions`),
townships and villages by the programme's register (:mod:`projections.places.register`); a
code named by neither is shown as the code itself. In the console's templates the same lookup
is the filters ``place`` and ``place_full``: ``{{ child.region_code | place }}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from projections.places.divisions import division_chain, division_name
from projections.places.register import PlacesRegister, places_named

#: Reads the register's names of the given township and village codes.
Register = Callable[[Iterable[str]], Mapping[str, str]]


@dataclass
class PlaceNames:
    """Names of division codes; the register is read once per code asked (remembered)."""

    register: Register
    known: dict[str, str] = field(default_factory=dict)

    def names(self, codes: Iterable[str]) -> dict[str, str]:
        """Each code's name (the code itself where none is known)."""
        wanted = [str(code) for code in codes if code]
        missing = {code for code in wanted if code not in self.known and len(code) > 6}
        if missing:
            found = self.register(missing)
            self.known.update({code: found.get(code, code) for code in missing})
        for code in wanted:
            if code not in self.known:
                self.known[code] = division_name(code) or code
        return {code: self.known[code] for code in wanted}

    def name(self, code: str | None) -> str:
        """The name of one division code (钟祥市, 洋梓镇), or the code if none is known."""
        if not code:
            return ""
        return self.names([code])[code]

    def full(self, code: str | None) -> str:
        """The name with every level above it (湖北省荆门市钟祥市洋梓镇)."""
        if not code:
            return ""
        parts = [name for _, name in division_chain(code[:6])]
        below = [code[:9], code] if len(code) == 12 else [code] if len(code) == 9 else []
        named = self.names(below)
        parts.extend(named[part] for part in below)
        return "".join(parts) or code


def place_names(views: Any) -> PlaceNames:
    """The lookup over ``views``' register of places (a :class:`projections.runner.ViewRunner`)."""

    def read(codes: Iterable[str]) -> Mapping[str, str]:
        with views.store.recorder(PlacesRegister).read() as tx:
            return places_named(tx, codes)

    return PlaceNames(read)


def national_names() -> PlaceNames:
    """The lookup without the programme's register (county level and above only)."""
    return PlaceNames(lambda codes: {})
