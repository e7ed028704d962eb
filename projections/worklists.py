"""The work-lists' own queries (待办清单): what the registers hold that a clerk must act on.

Beside the registers' listings (unpaired left-behind children: :func:`list_children`; overdue
duties: :func:`projections.duties.overdue`), the few look-ups only the work-lists ask: the
left-behind children about to turn 16 (they leave the programme's care), the number of open
concerns, and the register rows of the volunteers an overdue duty names. Each reads one register's
tables in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from domain.application.base import PersonalTexts
from projections.events import iso
from projections.personal import opened
from projections.registers.children import LEFT_BEHIND
from projections.scoping import scope_clauses
from storage.sql import Row, Tx


def turning_16(tx: Tx, on: date, *, within_days: int, region_code: str | None = None,
               school: str | None = None, after: str | None = None, limit: int = 20,
               texts: PersonalTexts) -> list[Row]:
    """Children on the register who are left behind on ``on`` and turn 16 within
    ``within_days`` days after it (年满十六周岁), soonest first, from the cursor ``after``
    (the ``cursor`` of the last row of the previous page); names opened with ``texts``."""
    scoped, within = scope_clauses(region_code, school)
    clauses = [LEFT_BEHIND, "turns_16_on <= ?", *scoped]
    params: list[object] = [iso(on), iso(on + timedelta(days=within_days)), *within]
    if after:
        day, _, child_id = after.partition("/")
        clauses.append("(turns_16_on > ? OR (turns_16_on = ? AND child_id > ?))")
        params += [day, day, child_id]
    rows = tx.execute(
        "SELECT child_id, name, region_code, school, birth_date, turns_16_on,"
        " active_pairings, turns_16_on || '/' || child_id AS cursor FROM reg_children"
        f" WHERE {' AND '.join(clauses)} ORDER BY turns_16_on, child_id LIMIT ?",
        [*params, limit]).all()
    return opened(rows, texts)


def open_concern_count(tx: Tx, *, region_code: str | None = None,
                       school: str | None = None) -> int:
    """How many concerns (情况报告) are not yet resolved, within a region and school."""
    clauses, params = scope_clauses(region_code, school)
    clauses.append("resolved_on IS NULL")
    row = tx.execute(f"SELECT COUNT(*) AS n FROM reg_concerns WHERE {' AND '.join(clauses)}",
                     params).one()
    return int(row["n"]) if row is not None else 0


def volunteer_rows(tx: Tx, volunteer_ids: Iterable[str],
                   texts: PersonalTexts) -> dict[str, Row]:
    """The volunteers' register rows (name opened, region, unit) of these ids, by id."""
    wanted = sorted(set(volunteer_ids))
    if not wanted:
        return {}
    rows = tx.execute("SELECT volunteer_id, name, region_code, unit FROM reg_volunteers"
                      f" WHERE volunteer_id IN ({', '.join('?' * len(wanted))})", wanted).all()
    return {row["volunteer_id"]: row for row in opened(rows, texts)}
