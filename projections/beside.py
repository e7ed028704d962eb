"""Stores of the service's own beside the event log: a few tables in a SQLite file of the
data folder, or in a PostgreSQL schema of their own (idempotency keys, reports' files, data
keys, login failures), spoken to through the read side's small SQL dialect."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from projections.sql import Engine, Tx, idempotent_ddl


def engine_of(datastore: SQLiteDatastore | PostgresDatastore) -> Engine:
    return "postgres" if isinstance(datastore, PostgresDatastore) else "sqlite"


class TablesBesideTheLog:
    """Tables made at start (safe when several processes start at once) and transactions
    on them with the schema's search path set."""

    def __init__(self, datastore: SQLiteDatastore | PostgresDatastore,
                 statements: Sequence[str]) -> None:
        self.datastore = datastore
        self.engine: Engine = engine_of(datastore)
        idempotent_ddl(lambda: self._create(statements))

    def _create(self, statements: Sequence[str]) -> None:
        with self._tx() as tx:
            for statement in statements:
                tx.execute(statement)
            if self.engine == "postgres":
                _widen_real_columns(tx)

    @contextmanager
    def _tx(self, *, commit: bool = True) -> Iterator[Tx]:
        with self.datastore.transaction(commit=commit) as cursor:
            if isinstance(self.datastore, PostgresDatastore):
                cursor.execute(f'SET LOCAL search_path TO "{self.datastore.schema}"')
            yield Tx(cursor, self.engine)

    def close(self) -> None:
        self.datastore.close()


def _widen_real_columns(tx: Tx) -> None:
    """Widen to ``DOUBLE PRECISION`` any ``REAL`` column left by a store made before these
    tables' times were kept as doubles: PostgreSQL's ``REAL`` is a 4-byte float, which rounds
    a Unix time to 128 seconds (a claim in flight could look a minute old; two destructions of
    keys a minute apart, like one). No table here declares a ``REAL`` column, so any found
    is such a leftover; the statement is a no-op once done."""
    for row in tx.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND data_type = 'real'"
            " ORDER BY table_name, column_name").all():
        tx.execute(f'ALTER TABLE "{row["table_name"]}" ALTER COLUMN "{row["column_name"]}"'
                   " TYPE DOUBLE PRECISION")
