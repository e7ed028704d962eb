"""One small SQL dialect for the read side, spoken to SQLite and PostgreSQL alike.

Projections write their SQL once with ``?`` placeholders and portable types; this
module adapts the placeholders and hands back rows as dicts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import chain
from typing import Any, Literal

import psycopg
from eventsourcing.persistence import IntegrityError, InternalError, ProgrammingError

Engine = Literal["sqlite", "postgres"]
Row = dict[str, Any]


class Tx:
    """A cursor inside one read or write transaction of a view's database."""

    def __init__(self, cursor: Any, engine: Engine, *, deferred: bool = False,
                 sync: Callable[[], None] | None = None) -> None:
        self._cursor = getattr(cursor, "sqlite_cursor", cursor)  # unwrap the library's
        self.engine = engine
        #: While a batch is applied: the log position (notification id) of the event.
        self.position = 0
        #: While a batch is applied: whether the log holds more events right after it (a
        #: view far behind, rebuilding or catching up, may leave costly work to the end).
        self.more_to_come = False
        #: Writes not sent yet: runs of the same statement, each run one ``executemany``.
        self._pending: list[tuple[str, list[tuple[Any, ...]]]] = []  # or _Distinct, _Values
        self._deferred = deferred
        #: In PostgreSQL's pipeline mode: waits for every result sent so far, so that the
        #: next statement's result is not taken for a write's (psycopg would mix them up).
        self._sync = sync
        self._raw: Any = None

    def _sql(self, sql: str) -> str:
        return _placeholders(sql) if self.engine == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Tx:
        """Run ``sql``. With ``deferred`` (the recorders' batches), a write is held back
        and sent with the writes that follow it (one ``executemany`` per run of the same
        statement); a read first sends every write held back, so what it reads is exactly
        what sequential execution would give."""
        statement = self._sql(sql)
        if self._deferred and _is_write(sql):
            if self._pending and type(self._pending[-1][0]) is str \
                    and self._pending[-1][0] == statement:
                self._pending[-1][1].append(tuple(params))
            else:
                self._pending.append((statement, [tuple(params)]))
            return self
        self.flush()
        self._cursor.execute(statement, tuple(params))
        return self

    @property
    def rowcount(self) -> int:
        """The rows the last statement sent changed (a write held back has changed none)."""
        return int(self._cursor.rowcount)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], *,
                    distinct: bool = False) -> None:
        """Run ``sql`` once per row. ``distinct`` says no two rows have the same key, so an
        ``INSERT ... ON CONFLICT ... DO UPDATE`` may go as one multi-row statement (PostgreSQL
        refuses one that would update a row twice)."""
        if not self._deferred:
            self._cursor.executemany(self._sql(sql), [tuple(row) for row in rows])
            return
        statement = self._sql(sql)
        if distinct:
            self._pending.append((_Distinct(statement), [tuple(row) for row in rows]))
            return
        for row in rows:
            self.execute(sql, row)

    def update_from_values(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """``UPDATE t SET ... FROM (VALUES {rows}) AS v WHERE ...``: many rows changed by one
        statement per chunk. ``{rows}`` stands for the rows' parameters; in the statement the
        values are ``v.column1``, ``v.column2``... (the name both databases give them; cast
        them, ``CAST(v.column2 AS INTEGER)``, where a type matters). Rows must not repeat a key.
        """
        if rows:
            self._pending.append((_Values(self._sql(sql)), [tuple(row) for row in rows]))
            if not self._deferred:
                self.flush()

    def flush(self, *, until_copy: bool = False) -> None:
        """Send the writes held back, in order (the recorders call it before committing).

        A run of the same plain ``INSERT ... VALUES (...)`` goes as multi-row INSERTs, or
        on PostgreSQL outside pipeline mode, if long, as one COPY; any other run as one
        ``executemany``. ``until_copy``: stop before the first run that would go as a COPY
        once out of pipeline mode, and keep it and what follows for the next flush.
        """
        pending, self._pending = self._pending, []
        for index, (statement, rows) in enumerate(pending):
            if not rows:
                continue
            if until_copy and self._copyable(statement, rows):
                self._pending = pending[index:]
                break
            if isinstance(statement, _Values):
                head, _, tail = statement.partition("{rows}")
                self._multi_row(head, tail, rows)
            elif len(rows) == 1:
                self._cursor.execute(statement, rows[0])
            elif self._copies(statement, rows):
                continue
            elif (values := _INSERT_VALUES.match(statement)) is not None and (
                    not values.group(3) or isinstance(statement, _Distinct)
                    or _DO_NOTHING.match(values.group(3))):
                self._multi_row(values.group(1), values.group(3) or "", rows)
            else:
                self._cursor.executemany(statement, rows)
        if pending and self._sync is not None:
            self._sync()

    def flush_copying(self) -> None:
        """Send what is held back once the connection has left pipeline mode (where COPY
        cannot run): each long run of plain INSERTs as one COPY, each stretch of other writes
        between them in pipeline mode again (one round trip for the stretch, not one per
        statement)."""
        self._sync = None
        while self._pending:
            statement, rows = self._pending[0]
            if self._copyable(statement, rows):
                del self._pending[0]
                self._copy(statement, rows)
                continue
            with self._cursor.connection.pipeline() as pipeline:
                self._sync = pipeline.sync
                self.flush(until_copy=True)
            self._sync = None

    def _copies(self, statement: str, rows: list[tuple[Any, ...]]) -> bool:
        """Send a run of a plain ``INSERT INTO t (a, b) VALUES (...)`` as PostgreSQL's
        ``COPY t (a, b) FROM STDIN``, outside pipeline mode: several times cheaper than
        INSERTs for the server and the client alike (a rebuild writes a row per event into
        the timeline, the report's facts and the hash chain). False if it does not apply.
        """
        if self._sync is not None or not self._copyable(statement, rows):
            return False
        self._copy(statement, rows)
        return True

    def _copy(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        with self._cursor.copy(_copy_of(statement)) as stream:
            for row in rows:
                stream.write_row(row)

    def _copyable(self, statement: str, rows: list[tuple[Any, ...]]) -> bool:
        """A long run of a plain INSERT whose values COPY takes exactly as INSERT would:
        text, whole numbers, bytes and NULLs (COPY converts a value by its Python type, not
        by its column's: a float into an INTEGER column, a bool or a datetime into TEXT,
        would be refused or written otherwise)."""
        return (self.engine == "postgres" and len(rows) >= _COPY_FROM
                and _copy_of(statement) is not None
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


#: ``INSERT INTO t (a, b) VALUES (?, ?)``, perhaps followed by an ``ON CONFLICT`` clause: a
#: run of them can go as one multi-row statement when nothing follows, when what follows is
#: ``DO NOTHING``, or when the rows are known to have distinct keys.
_INSERT_VALUES = re.compile(r"^(\s*INSERT\s+INTO\s+\S+\s*\([^)]*\)\s*VALUES\s*)"
                            r"(\((?:\s*(?:\?|%s)\s*,)*\s*(?:\?|%s)\s*\))"
                            r"(\s+ON\s+CONFLICT\b.*)?\s*$",
                            re.IGNORECASE | re.DOTALL)
_DO_NOTHING = re.compile(r"^\s+ON\s+CONFLICT\s*(\([^)]*\))?\s*DO\s+NOTHING\s*$",
                         re.IGNORECASE)


#: Rows below which a COPY is not worth its round trip.
_COPY_FROM = 16
#: Python types whose values COPY writes to a column as INSERT does (``bool`` excluded).
_COPY_TYPES = frozenset({str, int, bytes, type(None)})


@lru_cache(maxsize=256)
def _copy_of(statement: str) -> str | None:
    """``COPY t (a, b) FROM STDIN`` for a plain ``INSERT INTO t (a, b) VALUES (%s, %s)``
    (no ``ON CONFLICT``: a COPY cannot skip or update a row), else None."""
    found = _INSERT_VALUES.match(statement)
    if found is None or found.group(3):
        return None
    return _INTO.sub("COPY ", _VALUES_AT_END.sub(" FROM STDIN", found.group(1)), count=1)


_INTO = re.compile(r"^\s*INSERT\s+INTO\s+", re.IGNORECASE)
_VALUES_AT_END = re.compile(r"\s*VALUES\s*$", re.IGNORECASE)


class _Distinct(str):
    """A statement whose rows are known to have distinct keys (see ``Tx.executemany``)."""


class _Values(str):
    """A statement with ``{rows}`` where its rows' VALUES go (``Tx.update_from_values``)."""

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
