"""How a view's batch reaches its tables: whatever way the rows are sent (one INSERT, a
multi-row INSERT, or PostgreSQL's COPY for a long run of plain INSERTs), the tables hold
exactly what the view wrote, in the same transaction as its position."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from projections.projection import View
from storage.sql import Tx
from storage.views import ViewStore
from tests.integration.conftest import EACH_STORE

#: Texts a COPY must carry unchanged: separators, escapes, quotes, Chinese, empty.
AWKWARD = ["tab\there", "line\nbreak", "back\\slash", "\\N", "'quoted'", '"double"',
           "留守儿童 爱心妈妈", "", "comma,semicolon;", "\r\n"]


class Notes(View):
    """A view that writes one row per event, as the timeline and the hash chain do."""

    name = "notes"
    tables = ("notes",)
    schema = ("CREATE TABLE IF NOT EXISTS notes (position BIGINT PRIMARY KEY,"
              " text TEXT, amount INTEGER, big BIGINT)",)

    def apply(self, event: Any, tx: Tx) -> None:
        tx.execute("INSERT INTO notes (position, text, amount, big) VALUES (?, ?, ?, ?)",
                   (tx.position, *event))


def rows_for(count: int) -> list[tuple[int, tuple[Any, ...]]]:
    return [(position, (AWKWARD[position % len(AWKWARD)] if position % 7 else None,
                        position - 50, 2**40 + position))
            for position in range(1, count + 1)]


def applied(view_store: ViewStore, events: Sequence[tuple[int, tuple[Any, ...]]]) -> list[Any]:
    recorder = view_store.recorder(Notes)
    recorder.apply_batch(Notes(recorder), events, Tracking("test", events[-1][0]))
    with recorder.read() as tx:
        found = tx.execute("SELECT * FROM notes ORDER BY position").all()
    assert recorder.max_tracking_id("test") == events[-1][0]
    return [(row["position"], (row["text"], row["amount"], row["big"])) for row in found]


@pytest.mark.parametrize("count", [1, 5, 200], ids=["one", "a few", "a long run"])
@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_the_tables_hold_exactly_the_rows_the_view_wrote(view_store: ViewStore,
                                                        count: int) -> None:
    events = rows_for(count)
    assert applied(view_store, events) == events


class Mixed(View):
    """Long runs of INSERTs with an UPDATE and a DELETE of their rows between them."""

    name = "mixed"
    tables = ("mixed",)
    schema = ("CREATE TABLE IF NOT EXISTS mixed (position BIGINT PRIMARY KEY, text TEXT)",)

    def apply(self, event: Any, tx: Tx) -> None:
        tx.execute("INSERT INTO mixed (position, text) VALUES (?, ?)", (tx.position, event))
        if tx.position == 20:
            tx.execute("UPDATE mixed SET text = 'changed' WHERE position = 3")
        if tx.position == 40:
            tx.execute("DELETE FROM mixed WHERE position = 21")


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_writes_between_long_runs_apply_in_the_order_they_were_made(
        view_store: ViewStore) -> None:
    recorder = view_store.recorder(Mixed)
    recorder.apply_batch(Mixed(recorder), [(n, f"row {n}") for n in range(1, 61)],
                         Tracking("test", 60))
    with recorder.read() as tx:
        found = {row["position"]: row["text"]
                 for row in tx.execute("SELECT * FROM mixed").all()}
    assert found == {n: "changed" if n == 3 else f"row {n}" for n in range(1, 61) if n != 21}


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_on_postgres_a_long_run_goes_as_one_copy_and_anything_else_as_inserts(
        view_store: ViewStore, monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[int] = []
    copy = Tx._copy
    monkeypatch.setattr(Tx, "_copy", lambda tx, statement, rows: (
        copied.append(len(rows)), copy(tx, statement, rows)))
    applied(view_store, rows_for(200))
    mixed = view_store.recorder(Mixed)
    mixed.apply_batch(Mixed(mixed), [(n, 1.5 if n == 7 else f"{n}") for n in range(1, 31)],
                      Tracking("test", 30))  # a float: not a value COPY takes as INSERT does
    assert copied == [200]


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_a_batch_that_fails_leaves_neither_rows_nor_position(view_store: ViewStore) -> None:
    recorder = view_store.recorder(Notes)
    events = [*rows_for(100), (100, ("the same position twice", 0, 0))]
    with pytest.raises(Exception):  # noqa: B017 - the store's own integrity error
        recorder.apply_batch(Notes(recorder), events, Tracking("test", 100))
    with recorder.read() as tx:
        assert tx.execute("SELECT COUNT(*) AS n FROM notes").scalar() == 0
    assert recorder.max_tracking_id("test") is None
