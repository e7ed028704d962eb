"""Two records of one child merged (合并重复档案), as the quarterly report reads them: one
child, not two, and no child leaving the programme.

A merge is recorded on the duplicate as a kind of exit (it leaves the register), but the
child did not leave: the report counts neither an exit nor its reason. From the instant the
merge was recorded on, the duplicate is not counted in any quarter (the record kept counts the
child), so a quarter before the merge reads two records as known before it and one after.
``rf_merges`` keeps each merge with its recorded instant, so that the figures as known at an
instant before the merge come out as they did.
"""

from __future__ import annotations

from storage.sql import Tx

MERGES_TABLES = ("rf_merges",)
MERGES_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS rf_merges ("
    " duplicate_id TEXT PRIMARY KEY, surviving_id TEXT NOT NULL, merged_on TEXT NOT NULL,"
    " recorded_at TEXT NOT NULL)",
)


def record_merge(tx: Tx, duplicate_id: str, surviving_id: str, merged_on: str,
                 recorded_at: str) -> None:
    """The duplicate merged into the surviving record on ``merged_on``, recorded then."""
    tx.append("rf_merges", ("duplicate_id", "surviving_id", "merged_on", "recorded_at"),
              [(duplicate_id, surviving_id, merged_on, recorded_at)])


def not_merged(column: str) -> str:
    """A condition on a child's id ``column``, with one parameter (the instant known at): the
    child is not, as known then, a duplicate merged into another."""
    return f"{column} NOT IN (SELECT duplicate_id FROM rf_merges WHERE recorded_at <= ?)"
