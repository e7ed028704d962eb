"""What a quarterly report needs of a child's moves and corrections (动态管理): each change of
region (迁出), of school (升学、转学) and each corrected sex or birth date (更正), with its
business date and the instant it was recorded, so that a report counts a child where it was
on the quarter's last day, as known at the report's instant.

A move holds from its date; a correction holds on every date (the record was always so) from
the instant it was recorded. The child's place at registration stays in ``rf_children``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from domain.dated import Dated, value_on, with_fact
from storage.sql import Row, Tx

MOVES_TABLES = ("rf_child_moves", "rf_child_places")
MOVES_SCHEMA = (
    # where each child is now (its latest move): later facts about it are placed there
    "CREATE TABLE IF NOT EXISTS rf_child_places ("
    " child_id TEXT PRIMARY KEY, region_code TEXT NOT NULL, township TEXT NOT NULL,"
    " school TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS rf_child_moves ("
    " position BIGINT PRIMARY KEY, child_id TEXT NOT NULL, kind TEXT NOT NULL,"
    " value TEXT NOT NULL, occurred_on TEXT NOT NULL, recorded_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS rf_child_moves_child ON rf_child_moves (child_id)",
    "CREATE INDEX IF NOT EXISTS rf_child_moves_value ON rf_child_moves (kind, value)",
)
#: The corrections a report reads (the others change no figure).
CORRECTED = frozenset({"sex", "birth_date"})


def record_move(tx: Tx, child_id: str, kind: str, value: str, occurred_on: str,
                recorded_at: str) -> None:
    """A change of the child's ``kind`` (``region``, ``school``, ``sex``, ``birth_date``)."""
    tx.append(
        "rf_child_moves",
        ("position", "child_id", "kind", "value", "occurred_on", "recorded_at"),
        [(tx.position, child_id, kind, value, occurred_on, recorded_at)])


def record_place(tx: Tx, child_id: str, region_code: str, township: str, school: str) -> None:
    """Where a child registered is: its place at registration, until it moves."""
    tx.insert("rf_child_places", ("child_id", "region_code", "township", "school"),
              [(child_id, region_code, township, school)])


def follow_move(tx: Tx, child_id: str, kind: str, value: str, township: str,
                occurred_on: str | None = None) -> bool:
    """The child's place after a move (``region``, with its ``township``, or ``school``)
    dated ``occurred_on``, recorded with :func:`record_move` first: where the move with the
    latest business date took it (a move entered late, dated before one recorded already,
    changes only the history; without a date, the move is taken as the latest). Returns
    whether the place changed."""
    if occurred_on is not None and tx.execute(
            "SELECT 1 FROM rf_child_moves WHERE child_id = ? AND kind = ? AND occurred_on > ?",
            (child_id, kind, occurred_on)).one() is not None:
        return False
    if kind == "region":
        tx.execute("UPDATE rf_child_places SET region_code = ?, township = ? WHERE child_id = ?",
                   (value, township, child_id))
    else:
        tx.execute("UPDATE rf_child_places SET school = ? WHERE child_id = ?", (value, child_id))
    return True


def moved_into(tx: Tx, prefix: str, at: str) -> list[str]:
    """The children moved into a region (a division-code prefix) by a move known at ``at``."""
    rows = tx.execute("SELECT DISTINCT child_id FROM rf_child_moves WHERE kind = 'region'"
                      " AND value LIKE ? AND recorded_at <= ?", [prefix + "%", at]).all()
    return [row["child_id"] for row in rows]


def as_they_were(tx: Tx, children: Mapping[str, Row], day: date,
                 at: str) -> dict[str, dict[str, Any]]:
    """Each child's region, school, sex and birth date on ``day`` as known at ``at``: its
    registration's, changed by the moves dated by ``day`` and every correction, known by
    ``at``."""
    changes: dict[str, list[Row]] = {}
    for chunk in _chunks(sorted(children)):
        for row in tx.execute(
                "SELECT child_id, kind, value, occurred_on FROM rf_child_moves WHERE child_id IN"
                f" ({', '.join('?' * len(chunk))}) AND recorded_at <= ? ORDER BY position",
                [*chunk, at]).all():
            changes.setdefault(row["child_id"], []).append(row)
    found = {}
    for child_id, child in children.items():
        registered_on = date.fromisoformat(child["registered_on"])
        histories: dict[str, list[Dated[str]]] = {
            "region": [Dated(registered_on, child["region_code"])],
            "school": [Dated(registered_on, child["school"])]}
        now = {"sex": child["sex"], "birth_date": child["birth_date"]}
        for change in changes.get(child_id, []):
            if change["kind"] in CORRECTED:
                now[change["kind"]] = change["value"]
            else:
                histories[change["kind"]] = with_fact(histories[change["kind"]], Dated(
                    date.fromisoformat(change["occurred_on"]), change["value"]))
        found[child_id] = {**now, **{kind: value_on(history, day) or history[0].value
                                     for kind, history in histories.items()}}
    return found


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for first in range(0, len(ids), size):
        yield ids[first:first + size]
