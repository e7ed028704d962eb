"""A child's timeline as the console's child page reads it: the child's own facts by the day
they happened (newest first), and the reads of its record (查阅档案) summed up apart, so that
opening the page does not bury what happened to the child under who looked at it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from projections.events import iso
from projections.timeline import instant, merged_records
from storage.sql import Row, Tx

#: The entries that are reads of the record, not facts about the child.
READS = ("RecordWasRead",)


@dataclass(frozen=True)
class ReadsSeen:
    """How many times the record was read, and the first and the last of those reads (UTC
    instants as stored), within the bounds asked."""

    count: int
    first: str | None
    last: str | None


def _bounds(tx: Tx, child_id: object, occurred_until: date | None,
            recorded_until: datetime | None) -> tuple[list[str], list[Any]]:
    """The child's entries (and those of the records merged into it by ``recorded_until``)
    within the bounds."""
    children = [str(child_id), *merged_records(tx, child_id, recorded_until)]
    clauses = [f"child_id IN ({', '.join('?' * len(children))})"]
    params: list[Any] = list(children)
    if occurred_until is not None:
        clauses.append("occurred_on <= ?")
        params.append(iso(occurred_until))
    if recorded_until is not None:
        clauses.append("recorded_at <= ?")
        params.append(instant(recorded_until))
    return clauses, params


def facts_by_day(tx: Tx, child_id: object, *, occurred_until: date | None = None,
                 recorded_until: datetime | None = None, limit: int = 100) -> list[Row]:
    """The child's ``limit`` latest entries other than reads, by the day they happened, the
    newest first (the same day: the later recorded first). ``details`` decoded to a dict."""
    clauses, params = _bounds(tx, child_id, occurred_until, recorded_until)
    clauses.append("event_type NOT IN (" + ",".join("?" * len(READS)) + ")")
    rows = tx.execute("SELECT * FROM tl_entries WHERE " + " AND ".join(clauses)
                      + " ORDER BY occurred_on DESC, position DESC LIMIT ?",
                      [*params, *READS, limit]).all()
    return [{**row, "details": json.loads(row["details"])} for row in rows]


def reads_seen(tx: Tx, child_id: object, *, occurred_until: date | None = None,
               recorded_until: datetime | None = None) -> ReadsSeen:
    """The reads of the child's record within the same bounds, counted."""
    clauses, params = _bounds(tx, child_id, occurred_until, recorded_until)
    clauses.append("event_type IN (" + ",".join("?" * len(READS)) + ")")
    row = tx.execute("SELECT COUNT(*) AS n, MIN(recorded_at) AS first_at,"
                     " MAX(recorded_at) AS last_at FROM tl_entries WHERE "
                     + " AND ".join(clauses), [*params, *READS]).one()
    if row is None:
        return ReadsSeen(0, None, None)
    return ReadsSeen(int(row["n"]), row["first_at"], row["last_at"])
