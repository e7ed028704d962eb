"""Durable Idempotency-Key records: the same key and body replay the first response.

Kept in the service's own database (a SQLite file beside the log, or a PostgreSQL
schema), so a retry after a restart still replays; keys are kept at least 24 hours.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import IntegrityError
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from projections.sql import Tx

KEEP_SECONDS = 48 * 3600  # at least the 24 hours clients are promised
PENDING_SECONDS = 60  # a claim older than this was left by a process that died

_SCHEMA = ("CREATE TABLE IF NOT EXISTS idempotency_keys ("
           " owner TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,"
           " status INTEGER, body TEXT, headers TEXT, created REAL NOT NULL,"
           " PRIMARY KEY (owner, key))")


@dataclass(frozen=True)
class Stored:
    fingerprint: str
    status: int | None  # None while the first request is still being answered
    body: bytes
    headers: dict[str, str]
    created: float


class IdempotencyStore:
    """Claims, completes and looks up keys, per caller."""

    def __init__(self, datastore: SQLiteDatastore | PostgresDatastore) -> None:
        self.datastore = datastore
        self.engine = "postgres" if isinstance(datastore, PostgresDatastore) else "sqlite"
        for attempt in range(5):
            try:
                with self._tx(commit=True) as tx:
                    tx.execute(_SCHEMA)
                break
            except IntegrityError:  # created by another process at the same moment
                time.sleep(0.05 * (attempt + 1))

    def _tx(self, *, commit: bool) -> Any:
        @contextmanager
        def scope() -> Any:
            with self.datastore.transaction(commit=commit) as cursor:
                if isinstance(self.datastore, PostgresDatastore):
                    cursor.execute(f'SET LOCAL search_path TO "{self.datastore.schema}"')
                yield Tx(cursor, self.engine)  # type: ignore[arg-type]

        return scope()

    def claim(self, owner: str, key: str, fingerprint: str) -> Stored | None:
        """Claim the key for a first request (None), or return what is stored for it."""
        now = time.time()
        try:
            with self._tx(commit=True) as tx:
                tx.execute("DELETE FROM idempotency_keys WHERE owner = ? AND key = ?"
                           " AND status IS NULL AND created < ?",
                           (owner, key, now - PENDING_SECONDS))
                tx.execute("INSERT INTO idempotency_keys (owner, key, fingerprint, created)"
                           " VALUES (?, ?, ?, ?)", (owner, key, fingerprint, now))
            return None
        except IntegrityError:
            return self.get(owner, key)

    def get(self, owner: str, key: str) -> Stored | None:
        with self._tx(commit=False) as tx:
            row = tx.execute("SELECT * FROM idempotency_keys WHERE owner = ? AND key = ?",
                             (owner, key)).one()
        if row is None:
            return None
        return Stored(row["fingerprint"], row["status"], (row["body"] or "").encode(),
                      json.loads(row["headers"] or "{}"), row["created"])

    def complete(self, owner: str, key: str, status: int, body: bytes,
                 headers: dict[str, str]) -> None:
        with self._tx(commit=True) as tx:
            tx.execute("UPDATE idempotency_keys SET status = ?, body = ?, headers = ?"
                       " WHERE owner = ? AND key = ?",
                       (status, body.decode(), json.dumps(headers), owner, key))

    def release(self, owner: str, key: str) -> None:
        """Forget a claim whose request failed before recording anything."""
        with self._tx(commit=True) as tx:
            tx.execute("DELETE FROM idempotency_keys WHERE owner = ? AND key = ?"
                       " AND status IS NULL", (owner, key))

    def purge(self, now: float | None = None) -> None:
        with self._tx(commit=True) as tx:
            tx.execute("DELETE FROM idempotency_keys WHERE created < ?",
                       ((now or time.time()) - KEEP_SECONDS,))

    def close(self) -> None:
        self.datastore.close()
