"""A child's timeline read newest first (the console's child page): however busy the record,
the latest entries are the ones shown."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from projections.events import iso
from projections.timeline import instant
from storage.sql import Row, Tx


def latest_entries(tx: Tx, child_id: object, *, occurred_until: date | None = None,
                   recorded_until: datetime | None = None, limit: int = 100) -> list[Row]:
    """The child's ``limit`` latest entries, newest first (log order reversed): those that
    happened on or before ``occurred_until`` and were recorded at or before
    ``recorded_until``. Each row has ``details`` decoded to a dict."""
    clauses = ["child_id = ?"]
    params: list[Any] = [str(child_id)]
    if occurred_until is not None:
        clauses.append("occurred_on <= ?")
        params.append(iso(occurred_until))
    if recorded_until is not None:
        clauses.append("recorded_at <= ?")
        params.append(instant(recorded_until))
    rows = tx.execute("SELECT * FROM tl_entries WHERE " + " AND ".join(clauses)
                      + " ORDER BY position DESC LIMIT ?", [*params, limit]).all()
    return [{**row, "details": json.loads(row["details"])} for row in rows]
