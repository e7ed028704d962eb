"""Where views live, and how a rebuilt view takes over from the one in service.

Each view has generations: a SQLite file per generation under the data folder, or a
PostgreSQL schema per generation beside the event tables. A small pointer says which
generation is in service, so a rebuild fills a new generation while the old one keeps
answering, then the pointer moves in one step.
"""

from __future__ import annotations

import fcntl
import re
import sqlite3
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from threading import RLock
from typing import Any, ClassVar, Protocol

import psycopg.errors
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import (
    SQLITE3_DEFAULT_LOCK_TIMEOUT,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteDatastore,
)

from storage.beside import Server, pooled_datastore
from storage.recorders import PostgresViewRecorder, SQLiteViewRecorder, ViewRecorder
from storage.sql import Engine, idempotent_ddl

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class StoredView(Protocol):
    """What the store needs of a view's class: its name and its tables' statements."""

    name: str
    schema: ClassVar[tuple[str, ...]]

    @classmethod
    def shape(cls) -> str:
        """What a generation of the view is built to (its tables and their making)."""
        ...


@dataclass(frozen=True)
class PostgresParams:
    dbname: str
    host: str
    port: int
    user: str
    password: str
    schema_prefix: str = "view"
    #: The connections of the whole process (``AIXIN_POSTGRES_POOL_SIZE``): every view and
    #: generation has a datastore of its own, and all of them draw from the process's one
    #: pool (``storage.beside.ProcessPool``), with the event log and the tables beside it.
    pool_size: int = 5

    @property
    def server(self) -> Server:
        return Server(dbname=self.dbname, host=self.host, port=self.port, user=self.user,
                      password=self.password)


@dataclass
class ViewStore:
    """Opens the recorders of views, by name and generation."""

    engine: Engine
    sqlite_dir: Path | None = None
    postgres: PostgresParams | None = None
    _open: dict[tuple[str, int], ViewRecorder] = field(default_factory=dict)
    _lock: RLock = field(default_factory=RLock)

    # -- the generation pointer -----------------------------------------------------------

    def current_generation(self, name: str) -> int:
        """The generation in service (1 until a rebuild has finished)."""
        _check(name)
        if self.engine == "sqlite":
            pointer = self._sqlite_path(name, 0).with_suffix(".current")
            return int(pointer.read_text()) if pointer.exists() else 1
        with self._pointer_store().transaction(commit=False) as cursor:
            cursor.execute(f"SELECT generation FROM {self._pointers_name()} WHERE name = %s",
                           (name,))
            row = cursor.fetchone()
        return int(row["generation"]) if row else 1

    def current_generations(self, names: Sequence[str]) -> dict[str, int]:
        """The generation in service of each view named: on PostgreSQL one read of the
        pointers for all of them (a follower asks on every pass)."""
        for name in names:
            _check(name)
        if self.engine == "sqlite" or not names:
            return {name: self.current_generation(name) for name in names}
        with self._pointer_store().transaction(commit=False) as cursor:
            cursor.execute(f"SELECT name, generation FROM {self._pointers_name()}"
                           " WHERE name = ANY(%s)", (list(names),))
            found = {row["name"]: int(row["generation"]) for row in cursor.fetchall()}
        return {name: found.get(name, 1) for name in names}

    def positions(self, recorders: Sequence[ViewRecorder], app_name: str) -> list[int]:
        """How far each recorder's view has applied ``app_name``'s log (0: not at all): on
        PostgreSQL one read of every view's tracking table (a follower asks on every
        pass)."""
        tables = [f'"{recorder.datastore.schema}"."{recorder.tracking_table_name}"'
                  for recorder in recorders if isinstance(recorder, PostgresViewRecorder)]
        if len(tables) < 2 or len(tables) != len(recorders):  # SQLite: a file each
            return [recorder.max_tracking_id(app_name) or 0 for recorder in recorders]
        reads = ", ".join(f"(SELECT MAX(notification_id) FROM {table}"
                          f" WHERE application_name = %(app)s) AS p{index}"
                          for index, table in enumerate(tables))
        with self._pointer_store().transaction(commit=False) as cursor:
            cursor.execute(f"SELECT {reads}", {"app": app_name})
            row = cursor.fetchone()
        assert row is not None
        return [int(row[f"p{index}"] or 0) for index in range(len(recorders))]

    def advance(self, recorders: Sequence[ViewRecorder], tracking: Tracking) -> bool:
        """Move the views of ``recorders`` to ``tracking``'s position in one transaction,
        for a batch of the log that none of them keeps anything of (PostgreSQL, where every
        view's tables are in one database). False, and nothing moved, where the store
        cannot (SQLite: a file a view) or another runner moved one of them there first."""
        chosen = [recorder for recorder in recorders
                  if isinstance(recorder, PostgresViewRecorder)]
        if not chosen or len(chosen) != len(recorders):
            return False
        try:
            with self._pointer_store().transaction(commit=True) as cursor:
                for recorder in chosen:
                    recorder._insert_tracking(cursor, tracking)
        except (IntegrityError, psycopg.errors.IntegrityError):
            return False
        return True

    def promote_all(self, generations: dict[str, int]) -> None:
        """Put each view's generation of ``generations`` in service: on PostgreSQL in one
        transaction (the views answer from the new generations together); on SQLite a
        pointer file a view, each moved whole."""
        for name in generations:
            _check(name)
        if self.engine == "sqlite":
            for name, generation in generations.items():
                pointer = self._sqlite_path(name, 0).with_suffix(".current")
                temporary = pointer.with_suffix(".current.tmp")
                temporary.write_text(str(generation))
                temporary.replace(pointer)
            return
        with self._pointer_store().transaction(commit=True) as cursor:
            cursor.executemany(
                f"INSERT INTO {self._pointers_name()} (name, generation) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET generation = EXCLUDED.generation",
                list(generations.items()))

    def promote(self, name: str, generation: int) -> None:
        """Put ``generation`` in service."""
        self.promote_all({name: generation})

    def drop(self, name: str, generation: int) -> None:
        """Remove a generation no longer in service."""
        recorder = self._open.pop((name, generation), None)
        if recorder is not None:
            recorder.datastore.close()
        if self.engine == "sqlite":
            base = self._sqlite_path(name, generation)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{base}{suffix}").unlink(missing_ok=True)
            return
        with self._pointer_store().transaction(commit=True) as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{self._schema(name, generation)}" CASCADE')

    # -- recorders ------------------------------------------------------------------------

    def recorder(self, view: type[StoredView], generation: int | None = None) -> ViewRecorder:
        """The recorder of ``view``'s generation (default: the one in service)."""
        number = self.current_generation(view.name) if generation is None else generation
        return self._recorder(view, number)

    def recorders(self, views: Sequence[type[StoredView]],
                  generations: Mapping[str, int | None]) -> list[ViewRecorder]:
        """The recorders of ``views``, each of its generation in ``generations`` or else the
        one in service (the pointers read once for all of them)."""
        current = self.current_generations(
            [view.name for view in views if generations.get(view.name) is None])
        chosen = [generations.get(view.name) for view in views]
        return [self._recorder(view, current[view.name] if number is None else number)
                for view, number in zip(views, chosen, strict=True)]

    def _recorder(self, view: type[StoredView], number: int) -> ViewRecorder:
        """The generation's recorder, made once. It is made outside the lock: making it
        waits for a connection, and a thread holding one may want the lock meanwhile (the
        follower's pass holds its first connection throughout). Two threads making the same
        one at once each make it (its statements are idempotent); the first kept is used."""
        key = (view.name, number)
        if (opened := self._open.get(key)) is not None:
            return opened
        made = self._construct(view, number)
        with self._lock:
            kept = self._open.setdefault(key, made)
        if kept is not made:
            made.datastore.close()
        return kept

    @contextmanager
    def exclusively(self) -> Iterator[None]:
        """One process at a time in the block, among all that share these views (a lock
        file beside the SQLite views; an advisory lock of the PostgreSQL server)."""
        if self.engine == "sqlite":
            assert self.sqlite_dir is not None
            self.sqlite_dir.mkdir(parents=True, exist_ok=True)
            with open(self.sqlite_dir / "views.lock", "a+b") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(lock, fcntl.LOCK_UN)
            return
        key = zlib.crc32(self._pointer_schema().encode())  # one lock per set of views
        with self._pointer_store().get_connection() as connection:
            connection.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                connection.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def checkpoint(self) -> None:
        """Fold the SQLite views' write-ahead logs into their files and empty them, so a
        personal text just overwritten (an erasure) leaves no old copy in a ``-wal`` file.
        PostgreSQL's own WAL is the server's to recycle: nothing to do here."""
        if self.engine != "sqlite":
            return
        with self._lock:
            datastores = [recorder.datastore for recorder in self._open.values()]
        for datastore in datastores:
            truncate_wal(datastore)

    def close(self) -> None:
        with self._lock:
            for recorder in self._open.values():
                recorder.datastore.close()
            self._open.clear()
            if self._pointers is not None:
                self._pointers.close()
                self._pointers = None

    # -- a generation written at once (``projections.bulk``) -------------------------------

    def fold_path(self, name: str, generation: int) -> Path:
        """Where a SQLite generation is written before it takes its place (beside it, so
        that it takes it by a rename)."""
        _check(name)
        assert self.sqlite_dir is not None
        self.sqlite_dir.mkdir(parents=True, exist_ok=True)
        return Path(f"{self._sqlite_path(name, generation)}.fold")

    def install_file(self, view: type[StoredView], generation: int, folded: Path) -> None:
        """Put a SQLite generation written whole at ``folded`` (its tables, position and
        shape) in its place by a rename; :meth:`promote_all` puts it in service."""
        self.drop(view.name, generation)
        folded.replace(self._sqlite_path(view.name, generation))

    def bare_generation(self, view: type[StoredView], generation: int) -> PostgresViewRecorder:
        """A new PostgreSQL generation of ``view`` with its tables and none of their indexes
        (its position's and shape's tables too), for rows to be copied in; not in service,
        not kept open by the store (the caller closes its datastore).

        Its tables' primary keys and unique constraints are indexes too: each is set aside
        (its definition, as PostgreSQL states it, kept in the generation's ``bare_keys``) and
        made again by :meth:`install_bare`, so that rows are copied into tables with no
        index to keep in order, row by row. Asked again for the same generation (by the
        process folding the next stretch of the log), it finds them already set aside."""
        tables, _ = split_schema(view.schema)
        recorder = PostgresViewRecorder(self._pg_datastore(self._schema(view.name, generation)),
                                        schema=tables)
        idempotent_ddl(recorder.create_table)
        _set_keys_aside(recorder, table_names(view.schema))
        return recorder

    def install_bare(self, view: type[StoredView], generation: int,
                     recorder: PostgresViewRecorder, tracking: Tracking) -> None:
        """In one transaction: build the indexes of a generation filled by
        :meth:`bare_generation`, gather its tables' statistics, record its position and
        shape. :meth:`promote_all` puts it in service; until then the generation in service
        answers."""
        _, indexes = split_schema(view.schema)
        with recorder.datastore.transaction(commit=True) as cursor:
            cursor.execute(f'SET LOCAL search_path TO "{recorder.datastore.schema}"')
            _make_keys_again(cursor)
            for statement in indexes:
                cursor.execute(statement)
            for table in table_names(view.schema):
                cursor.execute(f"ANALYZE {table}")
            if tracking.notification_id:
                recorder._insert_tracking(cursor, tracking)
            cursor.execute("INSERT INTO view_shape (shape) VALUES (%s)", (view.shape(),))

    def _construct(self, view: type[StoredView], generation: int) -> ViewRecorder:
        recorder: ViewRecorder
        if self.engine == "sqlite":
            assert self.sqlite_dir is not None
            self.sqlite_dir.mkdir(parents=True, exist_ok=True)
            datastore = ViewFileDatastore(str(self._sqlite_path(view.name, generation)))
            recorder = SQLiteViewRecorder(datastore, schema=view.schema)
        else:
            assert self.postgres is not None
            datastore_pg = self._pg_datastore(self._schema(view.name, generation))
            recorder = PostgresViewRecorder(datastore_pg, schema=view.schema)
        new = not _has_tracking(recorder)
        idempotent_ddl(recorder.create_table)
        if new:  # a generation made now is made to the view's shape
            record_shape(recorder, view.shape())
        return recorder

    def _sqlite_path(self, name: str, generation: int) -> Path:
        assert self.sqlite_dir is not None
        suffix = "" if generation <= 1 else f".g{generation}"
        return self.sqlite_dir / f"{name}{suffix}.sqlite3"

    def _schema(self, name: str, generation: int) -> str:
        assert self.postgres is not None
        return f"{self.postgres.schema_prefix}_{name}_g{generation}"

    _pointers: PostgresDatastore | None = None

    def _pointers_name(self) -> str:
        return f'"{self._pointer_schema()}".generations'

    def _pointer_table(self) -> str:
        return (f"CREATE TABLE IF NOT EXISTS {self._pointers_name()} "
                "(name text PRIMARY KEY, generation integer NOT NULL)")

    def _pointer_store(self) -> PostgresDatastore:
        """The datastore of the generations' pointers, made once, outside the lock (as
        :meth:`_recorder`'s)."""
        if (pointers := self._pointers) is not None:
            return pointers
        made = self._pg_datastore(self._pointer_schema())
        _ddl(made, self._pointer_table())
        with self._lock:
            if self._pointers is None:
                self._pointers = made
                return made
            kept = self._pointers
        made.close()
        return kept

    def _pointer_schema(self) -> str:
        assert self.postgres is not None
        return f"{self.postgres.schema_prefix}_meta"

    def _pg_datastore(self, schema: str) -> PostgresDatastore:
        assert self.postgres is not None
        datastore = pooled_datastore(self.postgres.server, self.postgres.pool_size, schema)
        _ddl(datastore, f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        return datastore


_TABLE = re.compile(r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)


#: A bare generation's primary keys and unique constraints, set aside until it is installed.
_BARE_KEYS = ("CREATE TABLE IF NOT EXISTS bare_keys (table_name TEXT NOT NULL,"
              " name TEXT NOT NULL, definition TEXT NOT NULL, PRIMARY KEY (table_name, name))")


def _set_keys_aside(recorder: PostgresViewRecorder, tables: Sequence[str]) -> None:
    """Drop the primary keys and unique constraints of ``tables`` in a bare generation,
    each kept in its ``bare_keys`` as PostgreSQL states it (one transaction)."""
    with recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(f'SET LOCAL search_path TO "{recorder.datastore.schema}"')
        cursor.execute(_BARE_KEYS)
        keys = cursor.execute(
            "SELECT c.conrelid::regclass::text AS table_name, c.conname AS name,"
            " pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c"
            " WHERE c.connamespace = current_schema()::regnamespace"
            " AND c.contype IN ('p', 'u') AND c.conrelid::regclass::text = ANY(%s)"
            " ORDER BY c.conrelid::regclass::text, c.conname", (list(tables),)).fetchall()
        for key in keys:
            cursor.execute("INSERT INTO bare_keys (table_name, name, definition)"
                           " VALUES (%s, %s, %s)", (key["table_name"], key["name"],
                                                    key["definition"]))
            cursor.execute(f'ALTER TABLE {key["table_name"]} DROP CONSTRAINT "{key["name"]}"')


def _make_keys_again(cursor: Any) -> None:
    """Make again, in the transaction of ``cursor`` (its search path on a bare generation),
    the keys :func:`_set_keys_aside` set aside; then forget them."""
    if cursor.execute("SELECT to_regclass('bare_keys') AS found").fetchone()["found"] is None:
        return
    keys = cursor.execute("SELECT table_name, name, definition FROM bare_keys"
                          " ORDER BY table_name, name").fetchall()
    for key in keys:
        cursor.execute(f'ALTER TABLE {key["table_name"]} ADD CONSTRAINT "{key["name"]}"'
                       f' {key["definition"]}')
    cursor.execute("DROP TABLE bare_keys")


def split_schema(schema: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A view's statements split into those that make its tables and those that make their
    indexes (a generation written at once gets its indexes after its rows)."""
    indexes = tuple(statement for statement in schema if index_name(statement))
    return tuple(statement for statement in schema if statement not in indexes), indexes


_INDEX_NAME = re.compile(
    r"^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)


def index_name(statement: str) -> str | None:
    """The index a statement makes (None if it makes none)."""
    found = _INDEX_NAME.match(statement)
    return None if found is None else found.group(1)


def table_names(schema: Sequence[str]) -> tuple[str, ...]:
    """The tables a view's statements make, in their order."""
    return tuple(found.group(1) for statement in schema
                 if (found := _TABLE.match(statement)) is not None)


def recorded_shape(recorder: ViewRecorder) -> str | None:
    """The shape the view's generation was built to, if one was recorded."""
    with recorder.read() as tx:
        row = tx.execute("SELECT shape FROM view_shape").one()
    return None if row is None else str(row["shape"])


def record_shape(recorder: ViewRecorder, shape: str) -> None:
    """Record the shape the view's generation is built to."""
    with recorder.write() as tx:
        tx.execute("DELETE FROM view_shape WHERE shape <> ?", (shape,))
        tx.execute("INSERT INTO view_shape (shape) VALUES (?) ON CONFLICT (shape) DO NOTHING",
                   (shape,))


def _has_tracking(recorder: ViewRecorder) -> bool:
    """Whether the view's generation has been made before (it has its position's table)."""
    with recorder.read() as tx:
        if recorder.engine == "sqlite":
            found = tx.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                               " AND name = 'tracking'").one()
            return found is not None
        row = tx.execute("SELECT to_regclass('tracking') IS NOT NULL AS found").one()
        return bool(row and row["found"])


def truncate_wal(datastore: Any) -> None:
    """``PRAGMA wal_checkpoint(TRUNCATE)`` on a SQLite datastore, outside any transaction."""
    with datastore.get_connection(commit=True) as connection:
        connection._sqlite_conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


#: Prepared statements each view connection keeps (the library's connections keep one): a
#: view's handlers and reads run a few dozen statements over and over.
STATEMENT_CACHE = 512


class _RelaxedPool(SQLiteConnectionPool):
    def _create_connection(self) -> SQLiteConnection:
        # The library's connection (WAL, rows by name, autocommit outside its transactions),
        # with a statement cache of its size.
        raw = sqlite3.connect(self.db_name, uri=True, check_same_thread=False,
                              isolation_level=None, cached_statements=STATEMENT_CACHE,
                              timeout=self.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT)
        raw.row_factory = sqlite3.Row
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=NORMAL")
        # A personal text overwritten (an erasure) leaves no copy in the file's free space.
        raw.execute("PRAGMA secure_delete=ON")
        return SQLiteConnection(sqlite_conn=raw, max_age=self.max_age)


class ViewFileDatastore(SQLiteDatastore):
    """A view's SQLite file: WAL with ``synchronous=NORMAL``.

    A view can be rebuilt from the log, and its changes and position commit together,
    so a power cut can at worst lose its last batches, never leave it inconsistent; it
    spares an fsync per batch. The event log itself keeps the library's full durability.
    """

    def __init__(self, db_name: str) -> None:
        super().__init__(db_name, lock_timeout=30)
        self.pool.close()
        self.pool = _RelaxedPool(db_name=db_name, lock_timeout=30)


def _ddl(datastore: PostgresDatastore, statement: str) -> None:
    """Run idempotent DDL; two processes creating the same thing at once both succeed."""
    def run() -> None:
        with datastore.transaction(commit=True) as cursor:
            cursor.execute(statement)

    idempotent_ddl(run)


def _check(name: str) -> None:
    if not _NAME.match(name):
        raise ValueError(f"a view's name is lower-case letters, digits and '_': {name!r}")

