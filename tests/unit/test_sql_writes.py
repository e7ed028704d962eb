"""What a view writes, said by the view: ``Tx.insert`` and ``Tx.append`` put exactly the rows
given into their tables, in the order they were made, whether held back for a batch or not,
and a read inside a batch sees every write made before it (SQLite in memory)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from storage.sql import Tx

#: Values a view writes: NULL, bytes, integers too big for 32 bits, Chinese and awkward text.
VALUES: list[Any] = [None, b"\x00\xffbytes", 2**62 + 7, -(2**40), "留守儿童 爱心妈妈", "",
                     "tab\there", "line\nbreak", "back\\slash", "\\N", "'quoted'"]

COLUMNS = ("position", "text", "amount", "blob")


def row(n: int) -> tuple[Any, ...]:
    """A row holding the ``n``-th of the values in the column of its kind."""
    value = VALUES[n % len(VALUES)]
    return (n, value if isinstance(value, str) else None,
            value if isinstance(value, int) else n, value if isinstance(value, bytes) else None)


@pytest.fixture
def cursor() -> Iterator[sqlite3.Cursor]:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    cursor = connection.cursor()
    for table in ("notes", "entries"):
        cursor.execute(f"CREATE TABLE {table} (position INTEGER PRIMARY KEY, text TEXT,"
                       " amount INTEGER, blob BLOB)")
    cursor.execute("CREATE TABLE days (key TEXT PRIMARY KEY, day TEXT)")
    cursor.execute("BEGIN")
    yield cursor
    connection.close()


def read(cursor: sqlite3.Cursor, table: str) -> list[tuple[Any, ...]]:
    return cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM {table} ORDER BY position").fetchall()


@pytest.mark.parametrize("deferred", [True, False], ids=["in a batch", "alone"])
def test_inserted_and_appended_rows_read_back_exactly(cursor: sqlite3.Cursor,
                                                      deferred: bool) -> None:
    tx = Tx(cursor, "sqlite", deferred=deferred)
    rows = [row(n) for n in range(1, 301)]
    for first in range(0, 300, 7):  # runs of several calls, as views make them
        tx.insert("notes", COLUMNS, rows[first:first + 7])
        tx.append("entries", COLUMNS, rows[first:first + 7])
    tx.flush()
    assert read(cursor, "notes") == rows
    assert read(cursor, "entries") == rows


def test_a_read_in_a_batch_sees_every_write_made_before_it(cursor: sqlite3.Cursor) -> None:
    tx = Tx(cursor, "sqlite", deferred=True)
    seen = []
    for n in range(1, 41):
        tx.append("entries", COLUMNS, [row(n)])
        if n % 10 == 0:
            tx.execute("UPDATE entries SET text = 'changed' WHERE position = ?", (n - 5,))
            tx.insert("notes", COLUMNS, [row(n)])
            seen.append((tx.execute("SELECT COUNT(*) FROM entries").scalar(),
                         tx.execute("SELECT text FROM entries WHERE position = ?",
                                    (n - 5,)).scalar(),
                         tx.execute("SELECT COUNT(*) FROM notes").scalar()))
    assert seen == [(10, "changed", 1), (20, "changed", 2), (30, "changed", 3),
                    (40, "changed", 4)]


def test_nothing_is_written_before_a_read_or_a_flush(cursor: sqlite3.Cursor) -> None:
    tx = Tx(cursor, "sqlite", deferred=True)
    tx.append("entries", COLUMNS, [row(1), row(2)])
    tx.insert("notes", COLUMNS, [row(3)])
    assert cursor.execute("SELECT COUNT(*) FROM entries").fetchone() == (0,)
    tx.flush()
    assert cursor.execute("SELECT COUNT(*) FROM entries").fetchone() == (2,)
    assert read(cursor, "notes") == [row(3)]


def test_more_rows_than_one_statement_takes_go_in_several(cursor: sqlite3.Cursor) -> None:
    tx = Tx(cursor, "sqlite", deferred=True)
    rows = [row(n) for n in range(1, 12_001)]  # 48,000 parameters
    tx.append("entries", COLUMNS, rows)
    tx.flush()
    assert read(cursor, "entries") == rows


LATER = ("ON CONFLICT (key) DO UPDATE SET day = CASE WHEN excluded.day > days.day"
         " THEN excluded.day ELSE days.day END")


def test_rows_with_a_conflict_clause_may_repeat_a_key_unless_said_distinct(
        cursor: sqlite3.Cursor) -> None:
    tx = Tx(cursor, "sqlite", deferred=True)
    tx.insert("days", ("key", "day"), [("a", "2026-03-01"), ("b", "2026-01-01")],
              on_conflict=LATER, distinct=True)
    tx.insert("days", ("key", "day"), [("a", "2026-02-01"), ("a", "2026-04-01"),
                                       ("b", "2025-12-31")], on_conflict=LATER)
    tx.insert("days", ("key", "day"), [("b", "2026-05-01")], on_conflict=LATER, distinct=True)
    tx.flush()
    assert dict(cursor.execute("SELECT key, day FROM days").fetchall()) == {
        "a": "2026-04-01", "b": "2026-05-01"}


def test_a_batch_adds_nothing_for_no_rows(cursor: sqlite3.Cursor) -> None:
    tx = Tx(cursor, "sqlite", deferred=True)
    tx.insert("notes", COLUMNS, [])
    tx.append("entries", COLUMNS, iter(()))
    tx.flush()
    assert read(cursor, "notes") == read(cursor, "entries") == []


def test_rows_held_after_a_change_are_not_sent_before_it(cursor: sqlite3.Cursor) -> None:
    tx = Tx(cursor, "sqlite", deferred=True)
    tx.append("entries", ("position", "text"), [(1, "first")])
    tx.insert("notes", ("position", "text"), [(1, "a note")])
    tx.execute("UPDATE entries SET text = 'changed'")
    tx.insert("notes", ("position", "text"), [(2, "another")])
    tx.append("entries", ("position", "text"), [(2, "second")])
    tx.execute("DELETE FROM notes WHERE position = 1")
    tx.append("entries", ("position", "text"), [(3, "third")])
    tx.flush()
    assert cursor.execute("SELECT position, text FROM entries").fetchall() == [
        (1, "changed"), (2, "second"), (3, "third")]
    assert cursor.execute("SELECT position, text FROM notes").fetchall() == [(2, "another")]


def test_rows_of_one_table_keep_their_order_among_other_tables_rows(
        cursor: sqlite3.Cursor) -> None:
    tx = Tx(cursor, "sqlite", deferred=True)
    for n, day in enumerate(["2026-03-01", "2026-01-01", "2026-05-01", "2026-02-01"]):
        tx.insert("days", ("key", "day"), [("a", day)],
                  on_conflict="ON CONFLICT (key) DO UPDATE SET day = excluded.day")
        tx.append("entries", COLUMNS, [row(n)])
    tx.flush()
    assert cursor.execute("SELECT day FROM days").fetchall() == [("2026-02-01",)]
    assert read(cursor, "entries") == [row(n) for n in range(4)]
