"""Concerns (情况报告) as the console lists them: the newest first by the day they happened,
narrowed by kind and place, with how many there are in all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from projections.scoping import scope_clauses
from storage.sql import Row, Tx


@dataclass(frozen=True)
class ConcernQuery:
    """What the list is asked: ``status`` open or resolved (None: both), ``kind``, a
    division-code prefix ``region_code``, a ``school``, only ``child_ids`` (None: any)."""

    status: str | None = None
    kind: str | None = None
    region_code: str | None = None
    school: str | None = None
    child_ids: tuple[str, ...] | None = None


def _where(query: ConcernQuery) -> tuple[list[str], list[Any]]:
    clauses, params = scope_clauses(query.region_code, query.school)
    if query.status == "open":
        clauses.append("resolved_on IS NULL")
    elif query.status == "resolved":
        clauses.append("resolved_on IS NOT NULL")
    if query.kind:
        clauses.append("kind = ?")
        params.append(query.kind)
    if query.child_ids is not None:
        clauses.append(f"child_id IN ({','.join('?' * len(query.child_ids)) or 'NULL'})")
        params.extend(query.child_ids)
    return clauses, params


def newest_concerns(tx: Tx, query: ConcernQuery, *, after: str | None = None,
                    limit: int = 20) -> list[Row]:
    """The concerns asked for, the latest to happen first (the same day: by id, descending),
    from the cursor ``after`` (a row's ``cursor``: its day and id)."""
    clauses, params = _where(query)
    if after and "|" in after:
        day, concern = after.split("|", 1)
        clauses.append("(occurred_on < ? OR (occurred_on = ? AND concern_id < ?))")
        params += [day, day, concern]
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    rows = tx.execute(f"SELECT * FROM reg_concerns{where}"
                      " ORDER BY occurred_on DESC, concern_id DESC LIMIT ?",
                      [*params, limit]).all()
    return [{**row, "cursor": f"{row['occurred_on']}|{row['concern_id']}"} for row in rows]


def count_concerns(tx: Tx, query: ConcernQuery) -> int:
    """How many concerns the query finds in all."""
    clauses, params = _where(query)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    row = tx.execute(f"SELECT COUNT(*) AS n FROM reg_concerns{where}", params).one()
    return int(row["n"]) if row is not None else 0
