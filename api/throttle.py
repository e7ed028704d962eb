"""Login throttling (登录限流): repeated wrong passwords lock a username, and an address, a while.

A failure counts for ``window`` seconds. Once a username has ``max_failures`` failures in the
window (or a client address ``max_per_address``), every login for it is refused with 429 and
``Retry-After`` until enough of them have aged out, even with the right password; the
password is then not even checked. A successful login clears the username's failures.

Failures are kept in the service's own database beside the log (the idempotency keys' SQLite
file or PostgreSQL schema), not in the process: every API process of a deployment
(``AIXIN_WEB_WORKERS``) and every restart sees the same count, so attempts cannot be
multiplied by spreading them over processes. Only SHA-256 digests of the username and the
address are kept, with the instant; never the password.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from projections.beside import TablesBesideTheLog

_SCHEMA = ("CREATE TABLE IF NOT EXISTS login_failures ("
           " subject TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)",
           "CREATE INDEX IF NOT EXISTS login_failures_subject ON login_failures (subject, at)")


def _subject(kind: str, value: str) -> str:
    return kind + ":" + hashlib.sha256(value.strip().lower().encode()).hexdigest()


class LoginThrottle(TablesBesideTheLog):
    """Counts failed logins per username and per address, and says how long to wait."""

    def __init__(self, datastore: SQLiteDatastore | PostgresDatastore, *, max_failures: int,
                 max_per_address: int, window: float,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(datastore, _SCHEMA)
        self.limits = {"user": max_failures, "address": max_per_address}
        self.window = window
        self.clock = clock

    def wait(self, username: str, address: str) -> int | None:
        """Seconds before a login for this username from this address may be tried again
        (None: it may be tried now)."""
        now = self.clock()
        waits = []
        with self._tx() as tx:
            for kind, value in (("user", username), ("address", address)):
                rows = tx.execute("SELECT at FROM login_failures WHERE subject = ? AND at > ?"
                                  " ORDER BY at DESC", (_subject(kind, value),
                                                        now - self.window)).all()
                limit = self.limits[kind]
                if len(rows) >= limit:  # allowed again when the limit-th latest ages out
                    waits.append(rows[limit - 1]["at"] + self.window - now)
        return max(1, math.ceil(max(waits))) if waits else None

    def failed(self, username: str, address: str) -> None:
        """Count a wrong password (or unknown username) for both; forget expired ones."""
        now = self.clock()
        with self._tx() as tx:
            tx.execute("DELETE FROM login_failures WHERE at <= ?", (now - self.window,))
            tx.executemany("INSERT INTO login_failures (subject, at) VALUES (?, ?)",
                           [(_subject("user", username), now),
                            (_subject("address", address), now)])

    def succeeded(self, username: str) -> None:
        """The right password: the username's failures are forgiven."""
        with self._tx() as tx:
            tx.execute("DELETE FROM login_failures WHERE subject = ?",
                       (_subject("user", username),))
