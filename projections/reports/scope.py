"""Which facts a computation of the quarterly report reads: the quarter (季度, a
:class:`domain.reports.Quarter`), the region's division-code prefix, the townships (乡镇) of
one part, and the instant it is known at."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from projections.reports.facts import recorded_instant

_DIGITS = re.compile(r"^\d{2,12}$")
#: Digits of a township's division code: a report of one is broken down by village.
_TOWNSHIP_DIGITS = 9


@dataclass(frozen=True)
class Scope:
    """The facts of one region (a division-code prefix), or of some of its townships."""

    prefix: str
    townships: tuple[str, ...] | None

    def sql(self, alias: str = "") -> tuple[str, list[Any]]:
        """The ``WHERE`` clause (and its parameters) that keeps the facts in scope."""
        column = f"{alias}." if alias else ""
        clauses, params = [f"{column}region_code LIKE ?"], [self.prefix + "%"]
        if self.townships is not None:
            clauses.append(f"{column}township IN ({', '.join('?' * len(self.townships))})"
                           if self.townships else "1 = 0")
            params.extend(self.townships)
        return " AND ".join(clauses), params

    def holds(self, region_code: str) -> bool:
        """Whether a place (a division code) is within the scope, as :meth:`sql` keeps it."""
        return region_code.startswith(self.prefix) and (
            self.townships is None or region_code[:_TOWNSHIP_DIGITS] in self.townships)

    def unit_of(self, region_code: str) -> str:
        """The unit a place is counted in, as :meth:`unit` says it in SQL."""
        if len(self.prefix) < _TOWNSHIP_DIGITS:
            return region_code[:_TOWNSHIP_DIGITS]
        return region_code[:12]

    def unit(self, alias: str = "") -> str:
        """The SQL of the unit a fact is counted in: its township (乡镇), or below a township
        its village (村/社区, the next level of the division codes: the first 12 digits; a
        fact placed at the township itself, its township's code)."""
        column = f"{alias}." if alias else ""
        if len(self.prefix) < _TOWNSHIP_DIGITS:
            return f"{column}township"
        return f"substr({column}region_code, 1, 12)"


def region_prefix(region_code: str) -> str:
    """``region_code`` checked: a division-code prefix of 2 to 12 digits."""
    if not _DIGITS.match(region_code or ""):
        raise ValueError(f"a region is a division-code prefix of 2 to 12 digits: {region_code!r}")
    return region_code


def township_codes(township: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """One township or several, checked, sorted and without repeats (None: all of them)."""
    if township is None:
        return None
    chosen = (township,) if isinstance(township, str) else tuple(township)
    for code in chosen:
        region_prefix(code)
    return tuple(sorted(set(chosen)))


def known_at_instant(moment: datetime) -> str:
    """The instant a computation is known at, as the facts store theirs."""
    if moment.tzinfo is None:
        raise ValueError(f"known_at needs its offset from UTC: {moment!r}")
    return recorded_instant(moment)
