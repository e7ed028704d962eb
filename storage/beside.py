"""Stores of the service's own beside the event log: a few tables in a SQLite file of the
data folder, or in a PostgreSQL schema of their own (idempotency keys, reports' files, data
keys, login failures), spoken to through the read side's small SQL dialect.

And the one pool of PostgreSQL connections that every store of a process draws from
(:class:`ProcessPool`): the event log, each view and the tables beside the log each have a
datastore of their own (a schema of their own), but not connections of their own, so a
process holds at most ``AIXIN_POSTGRES_POOL_SIZE`` connections whatever it opens.
"""

from __future__ import annotations

import os
import select
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from threading import BoundedSemaphore, Lock, current_thread, local
from typing import Any, ClassVar
from weakref import WeakKeyDictionary

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from psycopg import Connection, OperationalError
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from storage.migrations import Migration, create_versions, migrate
from storage.sql import Engine, Tx, idempotent_ddl


def engine_of(datastore: SQLiteDatastore | PostgresDatastore) -> Engine:
    return "postgres" if isinstance(datastore, PostgresDatastore) else "sqlite"


class TablesBesideTheLog:
    """Tables made and brought up to date at start by the store's migrations (safe when
    several processes start at once; ``storage.migrations``), and transactions on them with
    the schema's search path set."""

    #: The store's name among the versions its datastore keeps.
    store: ClassVar[str]
    #: The store's migrations, numbered from 1; a later shape is a new one at the end.
    migrations: ClassVar[tuple[Migration, ...]]

    def __init__(self, datastore: SQLiteDatastore | PostgresDatastore) -> None:
        self.datastore = datastore
        self.engine: Engine = engine_of(datastore)
        idempotent_ddl(self._migrate)

    def _migrate(self) -> None:
        with self._tx() as tx:
            create_versions(tx)
        with self._tx() as tx:
            migrate(tx, self.store, self.migrations)

    @contextmanager
    def _tx(self, *, commit: bool = True) -> Iterator[Tx]:
        with self.datastore.transaction(commit=commit) as cursor:
            if isinstance(self.datastore, PostgresDatastore):
                cursor.execute(f'SET LOCAL search_path TO "{self.datastore.schema}"')
            yield Tx(cursor, self.engine)

    def close(self) -> None:
        self.datastore.close()


# -- one pool of PostgreSQL connections per process ---------------------------------------

#: The follower's thread that LISTENs on the log's channel (``projections.follower``): it
#: holds its connection for as long as it listens, so it has one of its own, beyond the bound.
LISTENING_THREAD = "aixin-listen"
#: Seconds a transaction waits for a connection before it gives up (``PoolTimeout``, an
#: ``OperationalError``: transient, retried where the caller retries).
WAIT = 30.0
#: The idle-in-transaction timeout of a session, unless its store says otherwise: the event
#: store's (the library's default), so a process frozen mid-append cannot hold the log's lock.
SESSION_IDLE_MS = 5000
#: Seconds a pool keeps retrying, backing off, to open a connection the server refuses.
RECONNECT = 300.0


@dataclass(frozen=True)
class Server:
    """A PostgreSQL server and who connects to it."""

    dbname: str
    host: str
    port: int
    user: str
    password: str


class ProcessPool:
    """The PostgreSQL connections of one process, shared by every store it opens (the event
    log, every view and generation, the tables beside the log): at most ``size``, plus the
    follower's listening connection.

    A transaction begun while the same thread already holds a connection (a view applying a
    batch reads data keys) draws from a share of its own (``nested``, a quarter of the size,
    at least one); the rest serve the first connection of a thread. So threads that each hold
    a connection and want a second wait only on such seconds, which are given back without
    waiting for anything: no two threads can hold each other up. Nothing is opened before it
    is needed; connections idle for ten minutes are closed, and each is checked before it is
    handed out (one dropped while idle is replaced, never handed out).

    After the server has dropped every connection (a failover, a restart), the pool does not
    storm it: broken connections are found by the check and discarded, new ones are opened
    only as transactions ask for them, one at a time and never beyond ``size``, and an
    attempt the server refuses is retried by psycopg_pool after 1 s, 2 s, 4 s... each with
    ±10 % jitter, for :data:`RECONNECT` seconds; the transaction asking waits at most
    ``wait`` seconds. The gates above bound how many threads wait on the pool, so no queue
    of waiting clients (``max_waiting``) is needed.
    """

    def __init__(self, server: Server, size: int, *, wait: float = WAIT) -> None:
        self.size = connections_per_process(size)
        self.nested = max(1, self.size // 4)
        self.first = self.size - self.nested
        self.wait = wait
        self._gates = {"first": BoundedSemaphore(self.first),
                       "nested": BoundedSemaphore(self.nested),
                       "listen": BoundedSemaphore(1)}
        self._held = local()
        self._idle_ms: WeakKeyDictionary[Any, int] = WeakKeyDictionary()
        self._lock = Lock()
        self.users = 0
        self._pool: ConnectionPool[Any] = ConnectionPool(
            kwargs={"dbname": server.dbname, "host": server.host, "port": server.port,
                    "user": server.user, "password": server.password,
                    "application_name": application_name(), "row_factory": dict_row},
            connection_class=Connection, min_size=0, max_size=self.size, open=False,
            configure=_configure, check=_check, timeout=wait,
            reconnect_timeout=RECONNECT,
            name=f"aixin-{os.getpid()}")

    def holds_connection(self) -> bool:
        """Whether the calling thread holds one of this pool's connections already."""
        return getattr(self._held, "depth", 0) > 0

    @contextmanager
    def connection(self, *, idle_ms: int = SESSION_IDLE_MS) -> Iterator[Any]:
        """A connection for one use, in autocommit mode, its session's idle-in-transaction
        timeout ``idle_ms`` (0: none)."""
        depth = getattr(self._held, "depth", 0)
        listening = current_thread().name == LISTENING_THREAD
        if listening and self._pool.max_size == self.size:
            with self._lock:  # room for the listening connection, in this process only
                self._pool.resize(0, self.size + 1)
        gate = self._gates["listen" if listening else "nested" if depth else "first"]
        if not gate.acquire(timeout=self.wait):
            raise PoolTimeout(f"no PostgreSQL connection free in this process's pool of "
                              f"{self.size} within {self.wait:g} s")
        self._held.depth = depth + 1
        try:
            with self._pool.connection(timeout=self.wait) as connection:
                if self._idle_ms.get(connection, SESSION_IDLE_MS) != idle_ms:
                    connection.execute(f"SET idle_in_transaction_session_timeout = {idle_ms:d}")
                    self._idle_ms[connection] = idle_ms
                yield connection
        finally:
            self._held.depth = depth
            gate.release()

    def open(self) -> None:
        if self._pool.closed:
            with self._lock:
                if self._pool.closed:
                    self._pool.open(wait=False)

    def close(self) -> None:
        self._pool.close()


def connections_per_process(pool_size: int) -> int:
    """The most connections a process holds (``AIXIN_POSTGRES_POOL_SIZE``, at least 2: one
    for a thread's first transaction, one for a transaction begun inside it), besides the
    projector's listening one."""
    return max(2, pool_size)


def application_name() -> str:
    """How the server lists this process's connections (``pg_stat_activity``): ``PGAPPNAME``
    (each ``aixin`` command names its role, ``aixin-api``, ``aixin-projector``,
    ``aixin-worker``, followed by ``:`` and the deployment's schema where it has one, unless
    the environment names it already), else ``aixin``."""
    return (os.environ.get("PGAPPNAME") or "aixin")[:63]


def _check(connection: Any) -> None:
    """Before a connection is handed out, find one the server has hung up on (a failover, a
    restart, ``pg_terminate_backend``) without a round trip for every transaction: an idle
    connection's socket has nothing to read unless the server wrote to it (its farewell, or a
    notification), and only then is the server asked (``ConnectionPool.check_connection``),
    which raises for a broken connection and so has the pool discard it."""
    if connection.closed or connection.broken:
        raise OperationalError("the connection is closed")
    waiting = select.poll()  # poll, not select: a busy process's descriptors pass 1024
    waiting.register(connection.pgconn.socket, select.POLLIN)
    if waiting.poll(0):
        ConnectionPool.check_connection(connection)


def _configure(connection: Any) -> None:
    connection.autocommit = True
    connection.execute(f"SET idle_in_transaction_session_timeout = {SESSION_IDLE_MS:d}")


_pools: dict[tuple[int, Server, int], ProcessPool] = {}
_pools_lock = Lock()


def process_pool(server: Server, size: int) -> ProcessPool:
    """This process's pool for ``server`` (made on first use; a forked child makes its own)."""
    key = (os.getpid(), server, connections_per_process(size))
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = ProcessPool(server, size)
        pool.users += 1
        return pool


def _release(pool: ProcessPool) -> None:
    with _pools_lock:
        pool.users -= 1
        if pool.users > 0:
            return
        for key, held in list(_pools.items()):
            if held is pool:
                del _pools[key]
    pool.close()


class PooledConnections:
    """What one datastore sees as its pool: its process's pool, with the datastore's own
    idle-in-transaction timeout; closing it gives the process's pool back (closed with its
    last user)."""

    def __init__(self, pool: ProcessPool, *, idle_ms: int) -> None:
        self.process_pool = pool
        self.idle_ms = idle_ms
        self._released = False

    def open(self, wait: bool = False, timeout: float = WAIT) -> None:
        if self._released:
            raise PoolClosed("the datastore was closed")
        self.process_pool.open()

    def connection(self, timeout: float | None = None) -> Any:
        return self.process_pool.connection(idle_ms=self.idle_ms)

    def close(self) -> None:
        if not self._released:
            self._released = True
            _release(self.process_pool)

    def __enter__(self) -> PooledConnections:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def share_process_pool(datastore: PostgresDatastore, server: Server, size: int) -> None:
    """Make ``datastore`` draw from its process's pool instead of a pool of its own (which
    is closed before it opened any connection)."""
    own = datastore.pool
    datastore.pool = PooledConnections(  # type: ignore[assignment]
        process_pool(server, size),
        idle_ms=int(datastore.idle_in_transaction_session_timeout * 1000))
    own.close()


def pooled_datastore(server: Server, size: int, schema: str) -> PostgresDatastore:
    """A datastore on the PostgreSQL schema ``schema`` that draws from its process's pool;
    its sessions have no idle-in-transaction timeout (a view may apply a long batch)."""
    datastore = PostgresDatastore(dbname=server.dbname, host=server.host, port=server.port,
                                  user=server.user, password=server.password, schema=schema)
    share_process_pool(datastore, server, size)
    return datastore
