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

    @contextmanager
    def _tx(self, *, commit: bool = True) -> Iterator[Tx]:
        with self.datastore.transaction(commit=commit) as cursor:
            if isinstance(self.datastore, PostgresDatastore):
                cursor.execute(f'SET LOCAL search_path TO "{self.datastore.schema}"')
            yield Tx(cursor, self.engine)

    def close(self) -> None:
        self.datastore.close()
