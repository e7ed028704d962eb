"""One small SQL dialect for the read side, spoken to SQLite and PostgreSQL alike.

Projections write their SQL once with ``?`` placeholders and portable types; this
module adapts the placeholders and hands back rows as dicts. Rows a view adds it names
by table and columns (``Tx.insert``, ``Tx.append``), so that a batch's rows are sent in
as few statements as each database allows: multi-row INSERTs, or PostgreSQL's COPY.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Any, Literal

import psycopg
from eventsourcing.persistence import IntegrityError, InternalError, ProgrammingError

Engine = Literal["sqlite", "postgres"]
Row = dict[str, Any]


class Tx:
    """A cursor inside one read or write transaction of a view's database.

    Reads and changes are SQL (:meth:`execute`); rows added say so: :meth:`insert` (rows into
    a table) and :meth:`append` (rows into a table where rows are only ever added, the
    timeline's and the report's facts, sent on PostgreSQL by COPY when the run is long).
    """

    def __init__(self, cursor: Any, engine: Engine, *, deferred: bool = False,
                 sync: Callable[[], None] | None = None) -> None:
        self._cursor = getattr(cursor, "sqlite_cursor", cursor)  # unwrap the library's
        self.engine = engine
        #: While a batch is applied: the log position (notification id) of the event.
        self.position = 0
        #: While a batch is applied: whether the log holds more events right after it (a
        #: view far behind, rebuilding or catching up, may leave costly work to the end).
        self.more_to_come = False
        #: Writes not sent yet, in order: each how it is sent and its rows.
        self._pending: list[tuple[_Write, list[tuple[Any, ...]]]] = []
        self._deferred = deferred
        #: In PostgreSQL's pipeline mode: waits for every result sent so far, so that the
        #: next statement's result is not taken for a write's (psycopg would mix them up).
        self._sync = sync
        self._raw: Any = None

    def _sql(self, sql: str) -> str:
        return _placeholders(sql) if self.engine == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Tx:
        """Run ``sql``. With ``deferred`` (the recorders' batches), a change (``INSERT ...
        SELECT``, ``UPDATE``, ``DELETE``) is held back and sent with the writes that follow
        it (one ``executemany`` per run of the same statement); anything else first sends
        every write held back, so what it reads is exactly what sequential execution gives."""
        if self._deferred and _is_write(sql):
            self._hold(_statement(sql, self.engine), [tuple(params)])
            return self
        self.flush()
        self._cursor.execute(self._sql(sql), tuple(params))
        return self

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run the change ``sql`` once per row."""
        if self._deferred:
            self._hold(_statement(sql, self.engine), [tuple(row) for row in rows])
        else:
            self._cursor.executemany(self._sql(sql), [tuple(row) for row in rows])

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
               on_conflict: str = "", distinct: bool = False) -> None:
        """Add ``rows`` (values in the order of ``columns``) to ``table``.

        ``on_conflict`` is PostgreSQL's and SQLite's clause (``ON CONFLICT (key) DO ...``).
        Plain rows, and rows with a clause that ``distinct`` says share no key, go as
        multi-row statements (PostgreSQL refuses one that would update a row twice); rows
        with a clause otherwise one statement each, pipelined on PostgreSQL."""
        held = [tuple(row) for row in rows]
        if held:
            self._hold(_insert(table, tuple(columns), on_conflict, distinct, self.engine), held)

    def append(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Add ``rows`` to ``table``, a table whose rows are only ever added: like
        :meth:`insert`, but on PostgreSQL a long run of them, once out of pipeline mode,
        goes as one ``COPY`` (several times cheaper than INSERTs for the server and the
        client alike; a rebuild writes a row per event into the timeline and the facts)."""
        held = [tuple(row) for row in rows]
        if held:
            self._hold(_append(table, tuple(columns), self.engine), held)

    def update_from_values(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """``UPDATE t SET ... FROM (VALUES {rows}) AS v WHERE ...``: many rows changed by one
        statement per chunk. ``{rows}`` stands for the rows' parameters; in the statement the
        values are ``v.column1``, ``v.column2``... (the name both databases give them; cast
        them, ``CAST(v.column2 AS INTEGER)``, where a type matters). Rows must not repeat a key.
        """
        if rows:
            self._hold(_from_values(sql, self.engine), [tuple(row) for row in rows])

    def _hold(self, write: _Write, rows: list[tuple[Any, ...]]) -> None:
        """Keep ``rows`` to send with the writes that follow (or send them now, outside a
        batch). Rows of the same write join its run before them: the run just before, or,
        for rows inserted or appended, the last one of their table since the last change
        of another kind (rows added to other tables in between change nothing it sees)."""
        pending = self._pending
        if write.runs:
            for index in range(len(pending) - 1, -1, -1):
                held = pending[index][0]
                if held is write:
                    pending[index][1].extend(rows)
                    break
                if not (write.table and held.table) or held.table == write.table:
                    pending.append((write, rows))
                    break
            else:
                pending.append((write, rows))
        else:
            pending.append((write, rows))
        if not self._deferred:
            self.flush()

    @property
    def rowcount(self) -> int:
        """The rows the last statement sent changed (a write held back has changed none)."""
        return int(self._cursor.rowcount)

    def flush(self, *, until_copy: bool = False) -> None:
        """Send the writes held back, in order (the recorders call it before committing).

        A run of rows goes as multi-row statements where its write allows, on PostgreSQL
        outside pipeline mode as one COPY if it is a long run of appends; a run of another
        change as one ``executemany``. ``until_copy``: stop before the first run that would
        go as a COPY once out of pipeline mode, and keep it and what follows for the next
        flush (:meth:`flush_copying`).
        """
        pending, self._pending = self._pending, []
        for index, (write, rows) in enumerate(pending):
            if self._copyable(write, rows):
                if until_copy:
                    self._pending = pending[index:]
                    break
                if self._sync is None:
                    self._copy(write, rows)
                    continue
            if len(rows) == 1 and write.each:
                self._cursor.execute(write.each, rows[0])
            elif write.head:
                self._multi_row(write.head, write.tail, rows)
            else:
                self._cursor.executemany(write.each, rows)
        if pending and self._sync is not None:
            self._sync()

    def flush_copying(self) -> None:
        """Send what is held back once the connection has left pipeline mode (where COPY
        cannot run): each long run of appends as one COPY, each stretch of other writes
        between them in pipeline mode again (one round trip for the stretch, not one per
        statement)."""
        self._sync = None
        while self._pending:
            write, rows = self._pending[0]
            if self._copyable(write, rows):
                del self._pending[0]
                self._copy(write, rows)
                continue
            with self._cursor.connection.pipeline() as pipeline:
                self._sync = pipeline.sync
                self.flush(until_copy=True)
            self._sync = None

    def _copy(self, write: _Write, rows: list[tuple[Any, ...]]) -> None:
        with self._cursor.copy(write.copy) as stream:
            for row in rows:
                stream.write_row(row)

    def _copyable(self, write: _Write, rows: list[tuple[Any, ...]]) -> bool:
        """A long run of appends whose values COPY takes exactly as INSERT would: text,
        whole numbers, bytes and NULLs (COPY converts a value by its Python type, not by
        its column's: a float into an INTEGER column, a bool or a datetime into TEXT,
        would be refused or written otherwise)."""
        return (bool(write.copy) and len(rows) >= _COPY_FROM
                and _COPY_TYPES.issuperset(map(type, chain.from_iterable(rows))))

    def _multi_row(self, head: str, tail: str, rows: list[tuple[Any, ...]]) -> None:
        """``head`` + the rows' placeholders + ``tail``, as few statements as the databases'
        parameter limits allow."""
        width = len(rows[0])
        per_statement = max(1, _MAX_PARAMS // width)
        for first in range(0, len(rows), per_statement):
            chunk = rows[first:first + per_statement]
            params = [value for row in chunk for value in row]
            if self.engine == "postgres":
                # Numbered parameters on a raw cursor: psycopg would otherwise parse the
                # long statement for its placeholders on every batch.
                raw = self._raw or psycopg.RawCursor(self._cursor.connection)
                self._raw = raw
                raw.execute(_numbered(head, width, len(chunk)) + tail, params)
            else:
                self._cursor.execute(_many(head, width, len(chunk)) + tail, params)

    def all(self) -> list[Row]:
        return [_as_dict(row, self._cursor) for row in self._cursor.fetchall()]

    def one(self) -> Row | None:
        row = self._cursor.fetchone()
        return None if row is None else _as_dict(row, self._cursor)

    def scalar(self) -> Any:
        row = self._cursor.fetchone()
        if row is None:
            return None
        return next(iter(row.values())) if isinstance(row, Mapping) else row[0]


@dataclass(frozen=True, slots=True, eq=False)
class _Write:
    """How a run of held-back rows is sent: ``each`` once per row; or, where ``head`` is
    set, ``head`` + the rows' VALUES + ``tail`` as multi-row statements; or, where ``copy``
    is set and the run long, that COPY. ``runs``: whether rows of a later hold of the same
    write join this run (not when they might repeat a key the run updates). ``table``: the
    only table the write touches, for rows inserted or appended ("": any table)."""

    table: str = ""
    each: str = ""
    head: str = ""
    tail: str = ""
    copy: str = ""
    runs: bool = True


@lru_cache(maxsize=1024)
def _statement(sql: str, engine: Engine) -> _Write:
    return _Write(each=_placeholders(sql) if engine == "postgres" else sql)


@lru_cache(maxsize=256)
def _insert(table: str, columns: tuple[str, ...], on_conflict: str, distinct: bool,
            engine: Engine) -> _Write:
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    mark = "%s" if engine == "postgres" else "?"
    tail = f" {on_conflict}" if on_conflict else ""
    each = head + "(" + ", ".join([mark] * len(columns)) + ")" + tail
    if on_conflict and not distinct:
        return _Write(table=table, each=each)
    return _Write(table=table, each=each, head=head, tail=tail, runs=not on_conflict)


@lru_cache(maxsize=256)
def _append(table: str, columns: tuple[str, ...], engine: Engine) -> _Write:
    plain = _insert(table, columns, "", False, engine)
    copy = f"COPY {table} ({', '.join(columns)}) FROM STDIN" if engine == "postgres" else ""
    return _Write(table=table, each=plain.each, head=plain.head, copy=copy)


@lru_cache(maxsize=256)
def _from_values(sql: str, engine: Engine) -> _Write:
    head, _, tail = (_placeholders(sql) if engine == "postgres" else sql).partition("{rows}")
    return _Write(head=head, tail=tail, runs=False)


#: Rows below which a COPY is not worth its round trip.
_COPY_FROM = 16
#: Python types whose values COPY writes to a column as INSERT does (``bool`` excluded).
_COPY_TYPES = frozenset({str, int, bytes, type(None)})

#: Parameters per statement, below SQLite's and PostgreSQL's limits.
_MAX_PARAMS = 30_000


@lru_cache(maxsize=256)
def _numbered(head: str, width: int, rows: int) -> str:
    """``head`` followed by ``rows`` rows of ``width`` PostgreSQL parameters ($1, $2...)."""
    return head + ",".join(
        "(" + ",".join(f"${row * width + column + 1}" for column in range(width)) + ")"
        for row in range(rows))


@lru_cache(maxsize=256)
def _many(head: str, width: int, rows: int) -> str:
    """``head`` followed by ``rows`` rows of ``width`` SQLite parameters."""
    return head + ",".join(["(" + ",".join("?" * width) + ")"] * rows)


@lru_cache(maxsize=1024)
def _placeholders(sql: str) -> str:
    """``sql`` with PostgreSQL's ``%s`` for each ``?`` (views' statements are few and
    repeated for every event: each is converted once)."""
    return sql.replace("?", "%s")


@lru_cache(maxsize=1024)
def _is_write(statement: str) -> bool:
    return statement.lstrip()[:6].upper() in {"INSERT", "UPDATE", "DELETE"}


def _as_dict(row: Any, cursor: Any) -> Row:
    if type(row) is dict:  # psycopg's dict rows: a new dict for each row already
        return row
    if isinstance(row, Mapping):
        return dict(row)
    if hasattr(row, "keys"):
        return {key: row[key] for key in row.keys()}  # noqa: SIM118 - sqlite3.Row
    names = [column[0] for column in cursor.description]
    return dict(zip(names, row, strict=True))


#: What PostgreSQL answers when processes starting together run the same idempotent DDL
#: ("already exists", "tuple concurrently updated"): the next attempt finds it made.
_CONCURRENT_DDL = (IntegrityError, InternalError, ProgrammingError)


def idempotent_ddl(action: Callable[[], object], attempts: int = 6) -> None:
    """Run ``action`` (``CREATE ... IF NOT EXISTS`` and the like), again if another process
    ran the same at the same moment; an error that lasts is raised."""
    for attempt in range(attempts):
        try:
            action()
            return
        except _CONCURRENT_DDL:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def literal_like(text: str) -> str:
    """``text`` to be found as it is by ``LIKE ... ESCAPE '\\'``: its ``%`` and ``_`` (and
    the escape character itself) match only themselves, not any text or character."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def starts_with(column: str) -> str:
    """A condition that ``column`` starts with the parameter given by :func:`prefix`
    (a division code's region: ``4208`` holds ``420821101``), wildcards taken literally."""
    return f"{column} LIKE ? ESCAPE '\\'"


def prefix(text: str) -> str:
    """The parameter of :func:`starts_with` for the prefix ``text``."""
    return literal_like(text) + "%"
