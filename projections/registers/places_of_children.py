"""The places (division codes) where the children of a filter live: what a registration form
offers while the register of places names none of the caller's."""

from __future__ import annotations

from typing import Any

from projections.registers.children import ChildFilter
from storage.sql import Tx, literal_like

#: The places offered at most.
PLACES = 500


def places_of_children(tx: Tx, where: ChildFilter, *, limit: int = PLACES) -> list[str]:
    """The division codes of the children within ``where``'s scope (its division prefix,
    school and children), in order."""
    clauses: list[str] = []
    params: list[Any] = []
    if where.region_code:
        clauses.append("region_code LIKE ? ESCAPE '\\'")
        params.append(literal_like(where.region_code) + "%")
    if where.school:
        clauses.append("school = ?")
        params.append(where.school)
    if where.child_ids is not None:
        clauses.append(f"child_id IN ({', '.join('?' * len(where.child_ids)) or 'NULL'})")
        params.extend(where.child_ids)
    sql = "SELECT DISTINCT region_code FROM reg_children"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    rows = tx.execute(sql + " ORDER BY region_code LIMIT ?", [*params, limit]).all()
    return [row["region_code"] for row in rows]
