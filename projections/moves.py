"""A child's school or region follows it (升学、转学、迁出) in a view's own tables.

Moves are often entered late: a 转学 in March may be recorded after the 升学 of September.
Where the child is now is the move with the latest business date, whatever the order they
were recorded in (among moves of the same date, the one recorded last), so each view keeps
the date of the latest move of each kind beside the rows that follow it, and a move dated
before it changes none of them (the child's history keeps it).
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.events import ChildTransferred, SchoolChanged
from projections.events import iso
from storage.sql import Tx


def moves_schema(moves: str) -> str:
    """The statement of a view's table ``moves``: the date of each child's latest move of
    each kind (``school`` or ``region_code``)."""
    return (f"CREATE TABLE IF NOT EXISTS {moves} (child_id TEXT NOT NULL, kind TEXT NOT NULL,"
            " moved_on TEXT NOT NULL, PRIMARY KEY (child_id, kind))")


def place_of(e: SchoolChanged | ChildTransferred) -> tuple[str, str]:
    """The column a move changes and its new value: ``school`` or ``region_code``."""
    return ("school", e.school) if isinstance(e, SchoolChanged) else ("region_code",
                                                                      e.region_code)


def is_latest_move(tx: Tx, moves: str, e: SchoolChanged | ChildTransferred) -> bool:
    """Whether ``e`` is the child's latest move of its kind by business date (one of the
    same date recorded later counts as later); if it is, ``moves`` remembers its date."""
    kind, _ = place_of(e)
    child_id, on = str(e.originator_id), iso(e.on)
    row = tx.execute(f"SELECT moved_on FROM {moves} WHERE child_id = ? AND kind = ?",
                     (child_id, kind)).one()
    if row is not None and row["moved_on"] > on:
        return False
    tx.execute(f"DELETE FROM {moves} WHERE child_id = ? AND kind = ?", (child_id, kind))
    tx.insert(moves, ("child_id", "kind", "moved_on"), [(child_id, kind, on)])
    return True


def is_latest_move_held(moves: dict[tuple[str, str], str],
                        e: SchoolChanged | ChildTransferred) -> bool:
    """:func:`is_latest_move` for a view folded in memory: ``moves`` holds the date of each
    child's latest move of each kind (child, kind: date), and remembers ``e``'s if it is."""
    kind, _ = place_of(e)
    key, on = (str(e.originator_id), kind), e.on.isoformat()
    if moves.get(key, on) > on:
        return False  # a move dated later is on record
    moves[key] = on
    return True


def follow_move(tx: Tx, e: SchoolChanged | ChildTransferred, *, moves: str,
                tables: Sequence[str]) -> bool:
    """升学、转学、迁出: the child's rows in ``tables`` (each with ``child_id``, ``school``
    and ``region_code``) take its new school or region when the move is its latest by date;
    returns whether they did."""
    if not is_latest_move(tx, moves, e):
        return False
    column, value = place_of(e)
    for table in tables:
        tx.execute(f"UPDATE {table} SET {column} = ? WHERE child_id = ?",
                   (value, str(e.originator_id)))
    return True
