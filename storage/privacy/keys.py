"""The data keys (数据密钥), each wrapped by the key-encryption key, in a table beside the log.

One data key per child, per volunteer and per pairing; a key *concerns* subjects (the
children or volunteer its texts are about). Destroying a subject's keys (``shred``)
overwrites each wrapped key, then deletes it, leaving a tombstone so that the key is never
made again under the same id: texts sealed with it stay unreadable for good.

Keys are kept unwrapped in memory while no key is destroyed: every ``cache_seconds`` the
store asks the table when a key was last destroyed, and forgets every key it holds if that
changed, so another process's erasure is followed within that time without asking for each
key again (a rebuild reads each record's key thousands of times). The ciphers made on them
are kept for the :data:`CIPHERS_HELD` keys used last only (an AES-GCM object holds about
2 KiB, an AES-SIV one about 4 KiB, against the key's 32 bytes), so a process's memory does
not grow with the number of records.

The keys that a save's events will be sealed with are made together, in one transaction
(:meth:`KeyStore.make_keys`), before any of those events is stored: a key is durable before
anything sealed with it is.
"""

from __future__ import annotations

import base64
import hmac
import math
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESSIV
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore

from storage.beside import TablesBesideTheLog
from storage.migrations import Migration, create, widen_real_columns

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS data_keys ("
    " key_id TEXT PRIMARY KEY, wrapped TEXT, created DOUBLE PRECISION NOT NULL,"
    " destroyed DOUBLE PRECISION)",
    "CREATE TABLE IF NOT EXISTS data_key_subjects ("
    " subject_id TEXT NOT NULL, key_id TEXT NOT NULL, PRIMARY KEY (subject_id, key_id))",
    "CREATE INDEX IF NOT EXISTS data_keys_destroyed ON data_keys (destroyed)",
)
_NONCE = 12
#: Data keys held in memory at most (a county's log has a few tens of thousands).
_HELD = 100_000
#: Keys whose ciphers (AES-GCM, AES-SIV) are kept made, the ones used last; and whose
#: subjects are remembered as tied. A rebuild reads the log in order of recording, where a
#: record's events lie close together; making a cipher again costs microseconds.
CIPHERS_HELD = 4_096
#: Key ids asked for in one statement at most.
_PER_STATEMENT = 500
#: What the read models' keys are derived for (key separation from the events' AES-GCM).
_READ_MODELS = b"aixin: texts kept by read models"
C = TypeVar("C", AESGCM, AESSIV)
V = TypeVar("V")


class LeastRecentlyUsed(Generic[V]):
    """At most ``bound`` values by key; adding one more lets go of the one used longest ago."""

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self._held: OrderedDict[str, V] = OrderedDict()

    def get(self, key: str) -> V | None:
        value = self._held.get(key)
        if value is not None:
            self._held.move_to_end(key)
        return value

    def put(self, key: str, value: V) -> V:
        self._held[key] = value
        self._held.move_to_end(key)
        if len(self._held) > self.bound:
            self._held.popitem(last=False)
        return value

    def pop(self, key: str) -> None:
        self._held.pop(key, None)

    def clear(self) -> None:
        self._held.clear()

    def __len__(self) -> int:
        return len(self._held)


def seal_bytes(cipher: AESGCM, data: bytes, bound_to: bytes) -> str:
    """``data`` sealed with AES-GCM under a fresh nonce, bound to ``bound_to`` (its AAD):
    base64 of nonce and ciphertext."""
    nonce = os.urandom(_NONCE)
    return base64.b64encode(nonce + cipher.encrypt(nonce, data, bound_to)).decode()


def open_bytes(cipher: AESGCM, sealed: str, bound_to: bytes) -> bytes:
    """What :func:`seal_bytes` sealed (InvalidTag if altered or bound to something else)."""
    raw = base64.b64decode(sealed)
    return cipher.decrypt(raw[:_NONCE], raw[_NONCE:], bound_to)


class KeyStore(TablesBesideTheLog):
    """Creates, unwraps and destroys data keys (AES-256-GCM, wrapped with AES-GCM)."""

    store = "data_keys"
    migrations = (
        Migration(1, "the data keys and whose they are", create(*_SCHEMA)),
        Migration(2, "times kept as REAL widened", widen_real_columns),
    )

    def __init__(self, datastore: SQLiteDatastore | PostgresDatastore, kek: bytes, *,
                 cache_seconds: float = 2.0) -> None:
        super().__init__(datastore)
        self._kek = AESGCM(kek)
        self._cache: dict[str, bytes | None] = {}  # None: destroyed
        self._ciphers: LeastRecentlyUsed[AESGCM] = LeastRecentlyUsed(CIPHERS_HELD)
        self._sivs: LeastRecentlyUsed[AESSIV] = LeastRecentlyUsed(CIPHERS_HELD)
        #: Subjects each key is known to be tied to in the table (beside the key itself).
        self._tied: LeastRecentlyUsed[frozenset[str]] = LeastRecentlyUsed(CIPHERS_HELD)
        self._cache_seconds = cache_seconds
        self._checked = -math.inf  # when the last destruction was last looked up
        self._last_destroyed: object = None

    def key(self, key_id: str) -> bytes | None:
        """The data key, or None if it was destroyed (or never made)."""
        self._follow_destructions()
        if key_id in self._cache:
            return self._cache[key_id]
        with self._tx(commit=False) as tx:
            row = tx.execute("SELECT wrapped FROM data_keys WHERE key_id = ?", (key_id,)).one()
        if row is None:  # not made yet: nothing to remember
            return None
        return self._remember(key_id, row["wrapped"])

    def hold_all(self) -> int:
        """Read every data key at once (the latest made, up to as many as are held) and hold
        it: a rebuild reads the whole log and opens every record's texts, so one read of
        the keys, not one per record. A destroyed key is held as destroyed; one destroyed
        afterwards is let go as any held key is (``cache_seconds``). Returns how many."""
        self._follow_destructions()
        with self._tx(commit=False) as tx:
            rows = tx.execute("SELECT key_id, wrapped FROM data_keys ORDER BY created DESC"
                              " LIMIT ?", (_HELD,)).all()
        for row in rows:
            if row["key_id"] not in self._cache:
                self._remember(row["key_id"], row["wrapped"])
        return len(rows)

    def cipher(self, key_id: str) -> AESGCM | None:
        """AES-GCM with the data key (made once per key), or None if it was destroyed."""
        return self._made(key_id, self._ciphers, AESGCM)

    def deterministic_cipher(self, key_id: str) -> AESSIV | None:
        """AES-SIV with a key derived from the data key, for texts a read model keeps
        (the same text seals the same way: a rebuilt register equals the original), or
        None if the key was destroyed (or never made)."""
        return self._made(key_id, self._sivs,
                          lambda key: AESSIV(hmac.digest(key, _READ_MODELS, "sha512")))

    def _made(self, key_id: str, made: LeastRecentlyUsed[C],
              make: Callable[[bytes], C]) -> C | None:
        """A cipher on the data key, kept made while the key is among those used last."""
        key = self.key(key_id)
        if key is None:
            return None
        cipher = made.get(key_id)
        if cipher is None:
            cipher = made.put(key_id, make(key))
        return cipher

    def _follow_destructions(self) -> None:
        """Forget every key held if a key was destroyed since the last look (at most one
        look per ``cache_seconds``)."""
        now = time.monotonic()
        if now - self._checked < self._cache_seconds:
            return
        with self._tx(commit=False) as tx:
            last = tx.execute("SELECT MAX(destroyed) AS last FROM data_keys").scalar()
        if last != self._last_destroyed:
            self._clear()
            self._last_destroyed = last
        self._checked = now

    def key_for_sealing(self, key_id: str, subjects: Iterable[str] = ()) -> bytes | None:
        """The data key to seal new texts with, made on first use and tied to ``subjects``;
        None if it was destroyed (what is sealed for an erased subject is not kept).

        A key held (made by :meth:`make_keys` for the save under way, or read before) whose
        subjects are known to be tied is given without asking the table again."""
        subjects = frozenset(subjects)
        if not self._ready(key_id, subjects):
            self.make_keys({key_id: subjects})
        return self.key(key_id)

    def make_keys(self, needed: Mapping[str, Iterable[str]]) -> None:
        """Make every key of ``needed`` (key id: the subjects it concerns) that is not made
        yet, and tie each to its subjects, all in one transaction, committed before this
        returns: a save makes the keys its events will be sealed with in one go, before any
        of them is stored, so a key is always durable before a text sealed with it is.

        A destroyed key is never made again (its tombstone stays: texts for an erased
        subject are not kept). A key whose events then fail to be saved stays, made and
        unused (an orphan key: it seals nothing and concerns only its subjects, so an
        erasure destroys it as any other). Keys held and already tied cost nothing."""
        self._follow_destructions()
        todo = {key_id: frozenset(subjects) for key_id, subjects in needed.items()}
        todo = {key_id: subjects for key_id, subjects in todo.items()
                if not self._ready(key_id, subjects)}
        if not todo:
            return
        unknown = sorted(key_id for key_id in todo if key_id not in self._cache)
        with self._tx() as tx:  # rows in one order: concurrent makers take locks alike
            stored = self._stored(tx, unknown)
            new = [key_id for key_id in unknown if key_id not in stored]
            if new:
                now = time.time()
                tx.executemany(
                    self._insert_new("data_keys (key_id, wrapped, created)", "key_id"),
                    [(key_id, self._wrap(key_id, AESGCM.generate_key(bit_length=256)), now)
                     for key_id in new])
            ties = sorted((subject, key_id) for key_id, subjects in todo.items()
                          if stored.get(key_id, "") is not None  # not a destroyed key's
                          for subject in {key_id, *subjects})
            tx.executemany(self._insert_new("data_key_subjects (subject_id, key_id)",
                                            "subject_id, key_id"), ties)
            stored.update(self._stored(tx, new))  # ours, or one another writer made first
        for key_id, wrapped in stored.items():
            self._forget(key_id)
            self._remember(key_id, wrapped)
        for key_id, subjects in todo.items():
            self._tied.put(key_id, subjects | (self._tied.get(key_id) or frozenset()))

    def _ready(self, key_id: str, subjects: frozenset[str]) -> bool:
        """The key is held and nothing is to be made or tied for it: destroyed (held as
        such), or made and tied to ``subjects`` (none asked: the key itself is enough)."""
        if key_id not in self._cache:
            return False
        if self._cache[key_id] is None or not subjects:
            return True
        return subjects <= (self._tied.get(key_id) or frozenset())

    @staticmethod
    def _stored(tx: Any, key_ids: list[str]) -> dict[str, str | None]:
        """The keys of ``key_ids`` that the table holds, wrapped (None: destroyed)."""
        stored: dict[str, str | None] = {}
        for first in range(0, len(key_ids), _PER_STATEMENT):
            chunk = key_ids[first:first + _PER_STATEMENT]
            rows = tx.execute("SELECT key_id, wrapped FROM data_keys WHERE key_id IN"
                              f" ({', '.join('?' * len(chunk))})", chunk).all()
            stored.update((row["key_id"], row["wrapped"]) for row in rows)
        return stored

    def shred(self, subject_id: str) -> list[str]:
        """Destroy every key concerning ``subject_id``: overwritten, then deleted, durably
        (committed; on SQLite with ``secure_delete`` and the write-ahead log truncated, on
        PostgreSQL the table vacuumed). Returns the ids of the keys destroyed now."""
        with self._tx() as tx:
            if self.engine == "sqlite":
                tx.execute("PRAGMA secure_delete = ON")
            rows = tx.execute("SELECT k.key_id FROM data_keys k JOIN data_key_subjects s"
                              " ON s.key_id = k.key_id WHERE s.subject_id = ?"
                              " AND k.wrapped IS NOT NULL", (subject_id,)).all()
            ids = [row["key_id"] for row in rows]
            for key_id in ids:
                junk = base64.b64encode(os.urandom(_NONCE + 48)).decode()
                tx.execute("UPDATE data_keys SET wrapped = ? WHERE key_id = ?", (junk, key_id))
                tx.execute("UPDATE data_keys SET wrapped = NULL, destroyed = ? WHERE key_id = ?",
                           (time.time(), key_id))
        for key_id in ids:
            self._forget(key_id)
            self._remember(key_id, None)
        self._compact()
        return ids

    def export(self) -> list[dict[str, Any]]:
        """Every key as stored (still wrapped) and the subjects it concerns, for an export."""
        with self._tx(commit=False) as tx:
            keys = tx.execute("SELECT key_id, wrapped, created, destroyed FROM data_keys"
                              " ORDER BY key_id").all()
            subjects = tx.execute("SELECT subject_id, key_id FROM data_key_subjects").all()
        concerning: dict[str, list[str]] = {}
        for row in subjects:
            concerning.setdefault(row["key_id"], []).append(row["subject_id"])
        return [{**row, "subjects": sorted(concerning.get(row["key_id"], []))} for row in keys]

    def restore(self, keys: Iterable[dict[str, Any]]) -> int:
        """Put exported keys (wrapped by the same key-encryption key) into this store."""
        count = 0
        with self._tx() as tx:
            for key in keys:
                if key["wrapped"]:
                    self._unwrap(key["key_id"], key["wrapped"])  # the same KEK, or refused
                tx.execute(self._insert_new("data_keys (key_id, wrapped, created, destroyed)",
                                            "key_id"),
                           (key["key_id"], key["wrapped"], key["created"], key["destroyed"]))
                for subject in key["subjects"]:
                    tx.execute(self._insert_new("data_key_subjects (subject_id, key_id)",
                                                "subject_id, key_id"), (subject, key["key_id"]))
                count += 1
        return count

    # -- wrapping, SQL --------------------------------------------------------------------

    def _wrap(self, key_id: str, key: bytes) -> str:
        return seal_bytes(self._kek, key, key_id.encode())

    def _unwrap(self, key_id: str, wrapped: str) -> bytes:
        return open_bytes(self._kek, wrapped, key_id.encode())

    def _remember(self, key_id: str, wrapped: str | None) -> bytes | None:
        """Hold the key as stored (wrapped, or None once destroyed), unwrapped."""
        if len(self._cache) > _HELD:
            self._clear()
        key = self._cache[key_id] = self._unwrap(key_id, wrapped) if wrapped else None
        return key

    def _forget(self, key_id: str) -> None:
        self._cache.pop(key_id, None)
        self._ciphers.pop(key_id)
        self._sivs.pop(key_id)
        self._tied.pop(key_id)

    def _clear(self) -> None:
        self._cache.clear()
        self._ciphers.clear()
        self._sivs.clear()
        self._tied.clear()

    @staticmethod
    def _insert_new(into: str, conflict: str) -> str:
        columns = into[into.index("(") + 1:into.index(")")].split(",")
        marks = ", ".join("?" * len(columns))
        return f"INSERT INTO {into} VALUES ({marks}) ON CONFLICT ({conflict}) DO NOTHING"

    def _compact(self) -> None:
        """Leave no copy of a destroyed key in the database's files: PostgreSQL vacuums the
        table (its connections are in autocommit); SQLite empties its write-ahead log."""
        if isinstance(self.datastore, PostgresDatastore):
            with self.datastore.get_connection() as connection:
                connection.execute(f'VACUUM "{self.datastore.schema}".data_keys')
        else:
            with self.datastore.get_connection(commit=True) as connection:
                connection._sqlite_conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
