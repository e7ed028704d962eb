"""The SQL a view's query narrows by a caller's scope with (范围): a division-code prefix and,
for a school, its name. One helper, so every list and figure reads a scope the same way."""

from __future__ import annotations

from typing import Any

from storage.sql import prefix, starts_with


def scope_clauses(region_code: str | None, school: str | None, *,
                  region_column: str = "region_code",
                  school_column: str = "school") -> tuple[list[str], list[Any]]:
    """The conditions (and their parameters) that a row's ``region_column`` starts with
    ``region_code`` and its ``school_column`` is ``school``; none for a filter not given."""
    clauses: list[str] = []
    params: list[Any] = []
    if region_code:
        clauses.append(starts_with(region_column))
        params.append(prefix(region_code))
    if school:
        clauses.append(f"{school_column} = ?")
        params.append(school)
    return clauses, params
