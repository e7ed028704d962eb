"""Tracking recorders that also hold a view's tables: change and position, one commit.

The library's tracking recorders keep "how far have I read the log"; these keep the
view's tables beside it, in the same SQLite file or the same PostgreSQL schema, so a
batch of changes and its position commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder

from storage.sql import Engine, Tx

#: Events a view could not apply, set aside so that the others go on (see
#: ``projections.runner``): kept with the view, in its own file or schema.
SET_ASIDE_SCHEMA = ("CREATE TABLE IF NOT EXISTS set_aside (position BIGINT PRIMARY KEY,"
                    " error TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)",
                    # The shape of the view's tables this generation was built to (its
                    # ``View.shape()``): a generation of another shape is rebuilt.
                    "CREATE TABLE IF NOT EXISTS view_shape (shape TEXT PRIMARY KEY)")



class AppliedInBatches(Protocol):
    """What a recorder needs of a view: to apply a batch of events in a transaction."""

    def apply_all(self, events: Sequence[tuple[int, Any]], tx: Tx) -> None: ...


class SQLiteViewRecorder(SQLiteTrackingRecorder):
    """A view in its own SQLite file, with the library's ``tracking`` table."""

    engine: Engine = "sqlite"

    def __init__(self, datastore: SQLiteDatastore, *, schema: Sequence[str]) -> None:
        self.view_schema = tuple(schema)  # read by the library's __init__
        super().__init__(datastore)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.view_schema,
                *SET_ASIDE_SCHEMA]

    def apply_batch(self, view: AppliedInBatches, events: Sequence[tuple[int, Any]],
                    tracking: Tracking, *, more_to_come: bool = False) -> None:
        """Apply ``events`` and record ``tracking``: one transaction."""
        with self.datastore.transaction(commit=True) as cursor:
            tx = Tx(cursor, self.engine, deferred=True)
            tx.more_to_come = more_to_come
            view.apply_all(events, tx)
            tx.flush()
            self._insert_tracking(cursor, tracking)

    def set_aside(self, tracking: Tracking, error: str, at: float) -> None:
        """Record that the event at ``tracking`` was not applied, and move past it."""
        with self.datastore.transaction(commit=True) as cursor:
            Tx(cursor, self.engine).insert("set_aside", ("position", "error", "at"),
                                           [(tracking.notification_id, error, at)])
            self._insert_tracking(cursor, tracking)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        with self.datastore.transaction(commit=False) as cursor:
            yield Tx(cursor, self.engine)

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A write transaction outside a batch (a daily refresh); no position moves."""
        with self.datastore.transaction(commit=True) as cursor:
            tx = Tx(cursor, self.engine, deferred=True)
            yield tx
            tx.flush()


class PostgresViewRecorder(PostgresTrackingRecorder):
    """A view in its own PostgreSQL schema, with the library's tracking table there."""

    engine: Engine = "postgres"

    def __init__(self, datastore: PostgresDatastore, *, schema: Sequence[str]) -> None:
        super().__init__(datastore, tracking_table_name="tracking")
        self.view_schema = tuple(schema)
        self._search_path = f'SET LOCAL search_path TO "{datastore.schema}"'

    def create_table(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.datastore.schema}"')
        super().create_table()
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self._search_path)
            for statement in (*self.view_schema, *SET_ASIDE_SCHEMA):
                cursor.execute(statement)

    def apply_batch(self, view: AppliedInBatches, events: Sequence[tuple[int, Any]],
                    tracking: Tracking, *, more_to_come: bool = False) -> None:
        """Apply ``events`` and record ``tracking``: one transaction."""
        with self.datastore.transaction(commit=True) as cursor:
            with cursor.connection.pipeline() as pipeline:
                # Pipeline mode: writes are sent without waiting for each reply, so a batch
                # costs a few round trips, not one per statement; a read syncs the pipeline.
                cursor.execute(self._search_path)
                tx = Tx(cursor, self.engine, deferred=True, sync=pipeline.sync)
                tx.more_to_come = more_to_come
                view.apply_all(events, tx)
                tx.flush(until_copy=True)
                self._insert_tracking(cursor, tracking)
            # Out of pipeline mode, where COPY runs: what is held back from the first long
            # run of appends on (each such run one COPY, the writes between them in order).
            tx.flush_copying()

    def set_aside(self, tracking: Tracking, error: str, at: float) -> None:
        """Record that the event at ``tracking`` was not applied, and move past it."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self._search_path)
            Tx(cursor, self.engine).insert("set_aside", ("position", "error", "at"),
                                           [(tracking.notification_id, error, at)])
            self._insert_tracking(cursor, tracking)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._search_path)
            yield Tx(cursor, self.engine)

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A write transaction outside a batch (a daily refresh); no position moves."""
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(self._search_path)
            tx = Tx(cursor, self.engine, deferred=True)
            yield tx
            tx.flush()


ViewRecorder = SQLiteViewRecorder | PostgresViewRecorder
