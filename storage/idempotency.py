"""Durable Idempotency-Key records: the same key and body replay the first response.

Kept in the service's own database (a SQLite file beside the log, or a PostgreSQL
schema), so a retry after a restart still replays; keys are kept at least 24 hours.

A stored response is sealed (AES-GCM under a key derived from the key-encryption key, bound
to its caller and key): it carries children's personal data. Beside it, in clear, only the
ids it mentions, so that an erasure finds the responses to redact.
"""

from __future__ import annotations

import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import IntegrityError
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from domain.personal import ERASED
from storage.beside import TablesBesideTheLog
from storage.migrations import Migration, add_column, create, widen_real_columns
from storage.privacy.keys import open_bytes, seal_bytes
from storage.views import truncate_wal

KEEP_SECONDS = 48 * 3600  # at least the 24 hours clients are promised
#: A claim older than this was left by a process that died (or is very slow): another try
#: takes it over. Safe whatever became of the first: whether its command was recorded is
#: known to the log (``domain.application.commands``), and a recorded one records nothing.
PENDING_SECONDS = 10

_SCHEMA = ("CREATE TABLE IF NOT EXISTS idempotency_keys ("
           " owner TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,"
           " status INTEGER, body TEXT, headers TEXT, created DOUBLE PRECISION NOT NULL,"
           " PRIMARY KEY (owner, key))")
#: What a sealed body starts with (a body stored before sealing reads as it is).
_SEALED = "sealed:"
_IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Stored:
    fingerprint: str
    status: int | None  # None while the first request is still being answered
    body: bytes
    headers: dict[str, str]
    created: float


class IdempotencyStore(TablesBesideTheLog):
    """Claims, completes and looks up keys, per caller."""

    store = "idempotency_keys"
    migrations = (
        Migration(1, "keys and their answers", create(_SCHEMA)),
        Migration(2, "the ids an answer mentions, for erasure to find it",
                  add_column("idempotency_keys", "mentions", "TEXT")),
        Migration(3, "times kept as REAL widened", widen_real_columns),
    )

    def __init__(self, datastore: SQLiteDatastore | PostgresDatastore, key: bytes) -> None:
        super().__init__(datastore)
        self._cipher = AESGCM(hmac.digest(key, b"aixin: stored responses", "sha256"))
        self._fingerprints = hmac.digest(key, b"aixin: request fingerprints", "sha256")

    def fingerprint(self, *parts: bytes) -> str:
        """What identifies a request (its path, query and body) without telling it: keyed,
        as the log keeps it for good and a body may hold a short personal text."""
        return hmac.new(self._fingerprints, b"\n".join(parts), "sha256").hexdigest()

    def claim(self, owner: str, key: str, fingerprint: str,
              now: float | None = None) -> Stored | None:
        """Claim the key for a first request (None), or return what is stored for it.
        ``now``, the claim's instant, is also its token: only the try that holds the claim
        completes or releases it (a claim taken over is no longer the first try's)."""
        now = time.time() if now is None else now
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
        body = self._open(owner, key, row["body"] or "")
        return Stored(row["fingerprint"], row["status"], body.encode(),
                      json.loads(row["headers"] or "{}"), row["created"])

    def complete(self, owner: str, key: str, status: int, body: bytes,
                 headers: dict[str, str], claimed_at: float | None = None) -> bool:
        """Keep the answer to the claimed key; with ``claimed_at``, only while that claim
        holds it (False: another try took it over, and its answer stands)."""
        text = body.decode()
        held, params = _held(claimed_at)
        with self._tx(commit=True) as tx:
            tx.execute(
                "UPDATE idempotency_keys SET status = ?, body = ?, headers = ?, mentions = ?"
                f" WHERE owner = ? AND key = ?{held}",
                (status, self._seal(owner, key, text), json.dumps(headers), _mentions(text),
                 owner, key, *params))
            return tx.rowcount > 0

    def release(self, owner: str, key: str, claimed_at: float | None = None) -> None:
        """Forget a claim whose request was not answered (a retry is handled again; the log
        knows whether its command was recorded); with ``claimed_at``, only that claim."""
        held, params = _held(claimed_at)
        with self._tx(commit=True) as tx:
            tx.execute(f"DELETE FROM idempotency_keys WHERE owner = ? AND key = ?{held}",
                       (owner, key, *params))

    def purge(self, now: float | None = None) -> None:
        with self._tx(commit=True) as tx:
            tx.execute("DELETE FROM idempotency_keys WHERE created < ?",
                       ((now or time.time()) - KEEP_SECONDS,))

    def redact(self, subject_id: str) -> int:
        """Erase the personal texts of the stored responses that mention ``subject_id`` (a
        child whose personal data is erased): a retry still replays the same status and
        ids, with every personal field reading ``"[已删除]"``. Returns how many changed."""
        changed = 0
        with self._tx(commit=True) as tx:
            if self.engine == "sqlite":  # the old text leaves no copy in the file
                tx.execute("PRAGMA secure_delete = ON")
            rows = tx.execute("SELECT owner, key, body FROM idempotency_keys"
                              " WHERE mentions LIKE ? OR body LIKE ?",
                              (f"%,{subject_id},%", f"%{subject_id}%")).all()
            for row in rows:
                owner, key = row["owner"], row["key"]
                stored = self._open(owner, key, row["body"] or "")
                body = redacted_body(stored)
                if body != stored or not (row["body"] or "").startswith(_SEALED):
                    tx.execute("UPDATE idempotency_keys SET body = ? WHERE owner = ? AND key = ?",
                               (self._seal(owner, key, body), owner, key))
                    changed += 1
        if self.engine == "sqlite":  # nor in the write-ahead log
            truncate_wal(self.datastore)
        return changed

    def _seal(self, owner: str, key: str, body: str) -> str:
        return _SEALED + seal_bytes(self._cipher, body.encode(), f"{owner}\n{key}".encode())

    def _open(self, owner: str, key: str, stored: str) -> str:
        if not stored.startswith(_SEALED):
            return stored
        return open_bytes(self._cipher, stored[len(_SEALED):],
                          f"{owner}\n{key}".encode()).decode()


def _held(claimed_at: float | None) -> tuple[str, tuple[float, ...]]:
    """The condition that the claim made at ``claimed_at`` still stands, unanswered."""
    if claimed_at is None:
        return " AND status IS NULL", ()
    return " AND status IS NULL AND created = ?", (claimed_at,)


def _mentions(body: str) -> str:
    """The ids a response mentions, as ``,id,id,`` (found by ``LIKE '%,id,%'``)."""
    ids = sorted(set(_IDS.findall(body)))
    return "," + ",".join(ids) + "," if ids else ""


#: The keys under which a response carries a personal text (see ``domain.personal``).
PERSONAL_KEYS = frozenset({
    "name", "id_number", "address", "village_contact", "income_source", "phone",
    "work_location", "health", "study", "psychology", "by", "description", "action", "notes",
    "email", "experience"})


def redacted_body(body: str) -> str:
    """A JSON response with every non-empty personal text erased."""
    try:
        data = json.loads(body)
    except ValueError:
        return body
    return json.dumps(_erased(data), ensure_ascii=False, separators=(",", ":"))


def _erased(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: ERASED if key in PERSONAL_KEYS and isinstance(item, str) and item
                else _erased(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_erased(item) for item in value]
    return value
