"""How a view's batch reaches its tables: whatever way the rows are sent (one INSERT, a
multi-row INSERT, or PostgreSQL's COPY for a long run of appends), the tables hold exactly
what the view wrote, in the order it wrote it, in the same transaction as its position."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import Tracking
from psycopg import pq

from projections.projection import View
from storage.recorders import PostgresViewRecorder
from storage.sql import Tx
from storage.views import ViewStore
from tests.integration.conftest import EACH_STORE

#: Texts a COPY must carry unchanged: separators, escapes, quotes, Chinese, empty.
AWKWARD = ["tab\there", "line\nbreak", "back\\slash", "\\N", "'quoted'", '"double"',
           "留守儿童 爱心妈妈", "", "comma,semicolon;", "\r\n"]
COLUMNS = ("position", "text", "amount", "big", "blob")


def table(name: str) -> str:
    return (f"CREATE TABLE IF NOT EXISTS {name} (position BIGINT PRIMARY KEY, text TEXT,"
            " amount INTEGER, big BIGINT, blob BYTEA)")


class Notes(View):
    """A view that appends one row per event, as the timeline and the hash chain do, and
    inserts the same row into a table of its own; every ``read_every``-th event it reads
    how many rows it has appended and keeps that count."""

    name = "notes"
    tables = ("notes", "kept", "counts")
    schema = (table("notes"), table("kept"),
              "CREATE TABLE IF NOT EXISTS counts (position BIGINT PRIMARY KEY, seen BIGINT)")
    read_every = 50

    def apply(self, event: Any, tx: Tx) -> None:
        tx.append("notes", COLUMNS, [(tx.position, *event)])
        tx.insert("kept", COLUMNS, [(tx.position, *event)])
        if self.read_every and tx.position % self.read_every == 0:
            seen = tx.execute("SELECT COUNT(*) AS n FROM notes").scalar()
            tx.insert("counts", ("position", "seen"), [(tx.position, seen)])


def rows_for(count: int) -> list[tuple[int, tuple[Any, ...]]]:
    return [(position, (AWKWARD[position % len(AWKWARD)] if position % 7 else None,
                        position - 50, 2**40 + position if position % 5 else None,
                        bytes([position % 256, 0, 255]) if position % 3 else None))
            for position in range(1, count + 1)]


class Unread(Notes):
    """The same writes, never read in the batch."""

    name = "unread"
    read_every = 0


def applied(view_store: ViewStore, events: Sequence[tuple[int, tuple[Any, ...]]],
            view: type[Notes] = Notes) -> dict[str, list[Any]]:
    recorder = view_store.recorder(view)
    recorder.apply_batch(view(recorder), events, Tracking("test", events[-1][0]))
    assert recorder.max_tracking_id("test") == events[-1][0]
    found: dict[str, list[Any]] = {}
    with recorder.read() as tx:
        for name in ("notes", "kept"):
            found[name] = [
                (row["position"], (row["text"], row["amount"], row["big"],
                                   None if row["blob"] is None else bytes(row["blob"])))
                for row in tx.execute(f"SELECT * FROM {name} ORDER BY position").all()]
        found["counts"] = [(row["position"], row["seen"]) for row in
                           tx.execute("SELECT * FROM counts ORDER BY position").all()]
    return found


@pytest.mark.parametrize("count", [1, 5, 200], ids=["one", "a few", "a long run"])
@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_the_tables_hold_exactly_the_rows_the_view_wrote(view_store: ViewStore,
                                                        count: int) -> None:
    events = rows_for(count)
    found = applied(view_store, events)
    assert found["notes"] == found["kept"] == events
    assert found["counts"] == [(n, n) for n in range(50, count + 1, 50)]


class Mixed(View):
    """Long runs of appends with an UPDATE and a DELETE of their rows between them."""

    name = "mixed"
    tables = ("mixed",)
    schema = ("CREATE TABLE IF NOT EXISTS mixed (position BIGINT PRIMARY KEY, text TEXT)",)

    def apply(self, event: Any, tx: Tx) -> None:
        tx.append("mixed", ("position", "text"), [(tx.position, event)])
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


@contextmanager
def server_replies(recorder: PostgresViewRecorder, path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The commands PostgreSQL says it completed on the recorder's connections while inside
    (its ``CommandComplete`` replies, such as ``COPY 200`` or ``INSERT 0 1``), from libpq's
    trace of the protocol."""
    replies: list[str] = []
    connection = recorder.datastore.get_connection

    @contextmanager
    def traced() -> Iterator[Any]:
        with connection() as conn, path.open("a") as trace:
            conn.pgconn.trace(trace.fileno())
            conn.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
            try:
                yield conn
            finally:
                conn.pgconn.untrace()

    monkeypatch.setattr(recorder.datastore, "get_connection", traced)
    yield replies
    monkeypatch.undo()
    replies += re.findall(r'^B\t\d+\tCommandComplete\t "([^"]*)"$', path.read_text(), re.M)


def copies(replies: list[str]) -> list[str]:
    return [reply for reply in replies if reply.startswith("COPY")]


def inserted(replies: list[str]) -> int:
    return sum(int(reply.split()[-1]) for reply in replies if reply.startswith("INSERT"))


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_on_postgres_a_batch_appends_its_rows_by_one_copy(
        view_store: ViewStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = view_store.recorder(Unread)
    assert isinstance(recorder, PostgresViewRecorder)
    with server_replies(recorder, tmp_path / "trace", monkeypatch) as replies:
        found = applied(view_store, rows_for(120), Unread)
    assert copies(replies) == ["COPY 120"]  # the inserts between them are no other table's
    assert inserted(replies) == 120 + 1  # the kept rows, the position
    assert found["notes"] == found["kept"] == rows_for(120)


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_on_postgres_appends_before_a_read_go_as_inserts_and_the_last_run_as_a_copy(
        view_store: ViewStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = view_store.recorder(Notes)
    assert isinstance(recorder, PostgresViewRecorder)
    with server_replies(recorder, tmp_path / "trace", monkeypatch) as replies:
        found = applied(view_store, rows_for(120))
    # A read sends what is held back in pipeline mode, where COPY cannot run.
    assert copies(replies) == ["COPY 20"]
    assert inserted(replies) == 100 + 120 + 2 + 1  # appended, kept, counts, the position
    assert found["notes"] == found["kept"] == rows_for(120)


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_on_postgres_values_copy_would_write_otherwise_go_as_inserts(
        view_store: ViewStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = view_store.recorder(Mixed)
    assert isinstance(recorder, PostgresViewRecorder)
    events = [(n, 1.5 if n == 7 else True if n == 8 else f"{n}") for n in range(1, 31)]
    with server_replies(recorder, tmp_path / "trace", monkeypatch) as replies:
        recorder.apply_batch(Mixed(recorder), events, Tracking("test", 30))
    assert copies(replies) == []
    with recorder.read() as tx:
        found = {row["position"]: row["text"]
                 for row in tx.execute("SELECT * FROM mixed").all()}
    assert (found[3], found[7], found[8], found[30]) == ("changed", "1.5", "true", "30")


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_on_postgres_a_write_outside_a_batch_copies_a_long_run_too(
        view_store: ViewStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = view_store.recorder(Mixed)
    assert isinstance(recorder, PostgresViewRecorder)
    with server_replies(recorder, tmp_path / "trace", monkeypatch) as replies, \
            recorder.write() as tx:
        tx.append("mixed", ("position", "text"), [(n, f"{n}") for n in range(1, 101)])
        tx.execute("UPDATE mixed SET text = 'changed' WHERE position = 3")
        tx.append("mixed", ("position", "text"), [(n, f"{n}") for n in range(101, 106)])
    assert copies(replies) == ["COPY 100"]
    with recorder.read() as tx:
        assert tx.execute("SELECT COUNT(*) AS n FROM mixed").scalar() == 105
        assert tx.execute("SELECT text FROM mixed WHERE position = 3").scalar() == "changed"


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_a_batch_that_fails_leaves_neither_rows_nor_position(view_store: ViewStore) -> None:
    recorder = view_store.recorder(Notes)
    events = [*rows_for(100), (100, ("the same position twice", 0, 0, None))]
    with pytest.raises(Exception):  # noqa: B017 - the store's own integrity error
        recorder.apply_batch(Notes(recorder), events, Tracking("test", 100))
    with recorder.read() as tx:
        assert tx.execute("SELECT COUNT(*) AS n FROM notes").scalar() == 0
    assert recorder.max_tracking_id("test") is None
