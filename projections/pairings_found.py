"""Pairings (结对) as the console lists them: narrowed by status, place, and the children and
volunteers found by name, with how many there are in all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from projections.scoping import scope_clauses
from storage.sql import Row, Tx


@dataclass(frozen=True)
class PairingQuery:
    """What the list is asked: ``status`` (None: any), a division-code prefix
    ``region_code`` and a ``school`` where one of its children is, and pairings with one of
    ``child_ids`` and one of ``volunteer_ids`` (None: any; empty: none)."""

    status: str | None = None
    region_code: str | None = None
    school: str | None = None
    child_ids: tuple[str, ...] | None = None
    volunteer_ids: tuple[str, ...] | None = None


def _members(ids: tuple[str, ...]) -> str:
    return ("pairing_id IN (SELECT pairing_id FROM reg_pairing_members WHERE member_id IN ("
            + (",".join("?" * len(ids)) or "NULL") + "))")


def _where(query: PairingQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if query.status:
        clauses.append("status = ?")
        params.append(query.status)
    places, within = scope_clauses(query.region_code, query.school,
                                   region_column="p.region_code", school_column="p.school")
    if places:
        clauses.append("pairing_id IN (SELECT m.pairing_id FROM reg_pairing_members m"
                       " JOIN reg_pairing_places p ON p.child_id = m.member_id WHERE "
                       + " AND ".join(places) + ")")
        params += within
    for ids in (query.child_ids, query.volunteer_ids):
        if ids is not None:
            clauses.append(_members(ids))
            params.extend(ids)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def find_pairings(tx: Tx, query: PairingQuery, *, after: str | None = None,
                  limit: int = 20) -> list[Row]:
    """The pairings asked for, by id from the cursor ``after``."""
    where, params = _where(query)
    if after:
        where += (" AND" if where else " WHERE") + " pairing_id > ?"
        params.append(after)
    return tx.execute(f"SELECT * FROM reg_pairings{where} ORDER BY pairing_id LIMIT ?",
                      [*params, limit]).all()


def count_pairings(tx: Tx, query: PairingQuery) -> int:
    """How many pairings the query finds in all."""
    where, params = _where(query)
    row = tx.execute(f"SELECT COUNT(*) AS n FROM reg_pairings{where}", params).one()
    return int(row["n"]) if row is not None else 0


def active_pairings_of(tx: Tx, member_ids: list[str]) -> dict[str, int]:
    """How many active pairings each of these children or volunteers is in now, by id
    (those in none left out)."""
    if not member_ids:
        return {}
    rows = tx.execute("SELECT m.member_id AS id, COUNT(*) AS n FROM reg_pairing_members m"
                      " JOIN reg_pairings r ON r.pairing_id = m.pairing_id"
                      " WHERE r.status = 'active' AND m.member_id IN ("
                      + ",".join("?" * len(member_ids)) + ") GROUP BY m.member_id",
                      member_ids).all()
    return {row["id"]: int(row["n"]) for row in rows}
