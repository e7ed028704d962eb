"""Login throttling (登录限流): repeated wrong passwords lock a username, and an address, a while.

A failure counts for ``window`` seconds. Once a username has ``max_failures`` failures in the
window (or a client address ``max_per_address``), every login for it is refused with 429 and
``Retry-After`` until enough of them have aged out, even with the right password; the
password is then not even checked. A successful login clears the username's failures.

Each login is counted before its password is checked, in one transaction with the count that
admits it (:meth:`LoginThrottle.attempt`), holding a lock that makes concurrent logins take
turns (SQLite's single writer; ``LOCK TABLE`` on PostgreSQL): however many wrong passwords
arrive at once, from however many processes, at most ``max_failures`` of them are checked.
The attempt stays counted as a failure unless the password was right.

Failures are kept in the service's own database beside the log (the idempotency keys' SQLite
file or PostgreSQL schema), not in the process: every API process of a deployment
(``AIXIN_WEB_WORKERS``) and every restart sees the same count, so attempts cannot be
multiplied by spreading them over processes. Only SHA-256 digests of the username and the
address are kept, with the instant; never the password.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from storage.beside import TablesBesideTheLog
from storage.migrations import Migration, add_column, create
from storage.sql import Tx

# ``attempt``: the login that counted the failure, so that a right password takes back its own.
_SCHEMA = ("CREATE TABLE IF NOT EXISTS login_failures ("
           " subject TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)",
           "CREATE INDEX IF NOT EXISTS login_failures_subject ON login_failures (subject, at)")


def _subject(kind: str, value: str) -> str:
    return kind + ":" + hashlib.sha256(value.strip().lower().encode()).hexdigest()


@dataclass(frozen=True)
class Attempt:
    """A login admitted to the password check, counted as a failure until it succeeds."""

    id: str
    username: str
    address: str


class Throttled(Exception):
    """Too many failures: no login for this username or address for ``retry_after`` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} seconds")
        self.retry_after = retry_after


class LoginThrottle(TablesBesideTheLog):
    """Counts failed logins per username and per address, and says how long to wait."""

    store = "login_failures"
    migrations = (
        Migration(1, "failed logins by subject and time", create(*_SCHEMA)),
        Migration(2, "each failure names its attempt, so a success takes back its own",
                  add_column("login_failures", "attempt", "TEXT")),
    )

    def __init__(self, datastore: SQLiteDatastore | PostgresDatastore, *, max_failures: int,
                 max_per_address: int, window: float,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(datastore)
        self.limits = {"user": max_failures, "address": max_per_address}
        self.window = window
        self.clock = clock

    def attempt(self, username: str, address: str) -> Attempt:
        """Admit a login to the password check and count it as a failure, or raise
        :class:`Throttled`; the count and the decision are one step for every process."""
        now = self.clock()
        attempt = Attempt(secrets.token_hex(16), username, address)
        with self._tx() as tx:
            self._take_turn(tx, now)
            wait = self._wait(tx, username, address, now)
            if wait is None:
                self._count(tx, username, address, now, attempt.id)
        if wait is not None:
            raise Throttled(wait)
        return attempt

    def succeeded(self, attempt: Attempt) -> None:
        """The right password: the username's failures are forgiven, and the attempt is not
        counted against its address."""
        with self._tx() as tx:
            tx.execute("DELETE FROM login_failures WHERE subject = ? OR attempt = ?",
                       (_subject("user", attempt.username), attempt.id))

    def wait(self, username: str, address: str) -> int | None:
        """Seconds before a login for this username from this address may be tried again
        (None: it may be tried now)."""
        with self._tx(commit=False) as tx:
            return self._wait(tx, username, address, self.clock())

    def failed(self, username: str, address: str) -> None:
        """Count a failure for both without a login (an attempt counts its own)."""
        now = self.clock()
        with self._tx() as tx:
            self._take_turn(tx, now)
            self._count(tx, username, address, now, None)

    def _take_turn(self, tx: Tx, now: float) -> None:
        """Wait for the logins before this one to finish counting, then forget expired
        failures. On SQLite the ``DELETE`` is the turn: a write takes the one writer's lock
        before the transaction reads anything, so the count below sees every earlier login."""
        if self.engine == "postgres":  # conflicts with itself, not with plain reads
            tx.execute("LOCK TABLE login_failures IN SHARE ROW EXCLUSIVE MODE")
        tx.execute("DELETE FROM login_failures WHERE at <= ?", (now - self.window,))

    def _wait(self, tx: Tx, username: str, address: str, now: float) -> int | None:
        waits = []
        for kind, value in (("user", username), ("address", address)):
            rows = tx.execute("SELECT at FROM login_failures WHERE subject = ? AND at > ?"
                              " ORDER BY at DESC", (_subject(kind, value),
                                                    now - self.window)).all()
            limit = self.limits[kind]
            if len(rows) >= limit:  # allowed again when the limit-th latest ages out
                waits.append(rows[limit - 1]["at"] + self.window - now)
        return max(1, math.ceil(max(waits))) if waits else None

    @staticmethod
    def _count(tx: Tx, username: str, address: str, now: float,
               attempt: str | None) -> None:
        tx.executemany("INSERT INTO login_failures (subject, at, attempt) VALUES (?, ?, ?)",
                       [(_subject("user", username), now, attempt),
                        (_subject("address", address), now, attempt)])
