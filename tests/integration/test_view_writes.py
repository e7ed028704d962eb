"""How a view's batch reaches its tables: whatever way the rows are sent (one INSERT, a
multi-row INSERT, or PostgreSQL's COPY for a long run of plain INSERTs), the tables hold
exactly what the view wrote, in the same transaction as its position."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from eventsourcing.persistence import Tracking

from projections.projection import View
from projections.sql import Tx
from projections.store import ViewStore

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
def test_the_tables_hold_exactly_the_rows_the_view_wrote(view_store: ViewStore,
                                                        count: int) -> None:
    events = rows_for(count)
    assert applied(view_store, events) == events


def test_a_batch_that_fails_leaves_neither_rows_nor_position(view_store: ViewStore) -> None:
    recorder = view_store.recorder(Notes)
    events = [*rows_for(100), (100, ("the same position twice", 0, 0))]
    with pytest.raises(Exception):  # noqa: B017 - the store's own integrity error
        recorder.apply_batch(Notes(recorder), events, Tracking("test", 100))
    with recorder.read() as tx:
        assert tx.execute("SELECT COUNT(*) AS n FROM notes").scalar() == 0
    assert recorder.max_tracking_id("test") is None
