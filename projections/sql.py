"""One small SQL dialect for the read side, spoken to SQLite and PostgreSQL alike.

Projections write their SQL once with ``?`` placeholders and portable types; this
module adapts the placeholders and hands back rows as dicts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

import psycopg

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
        self._pending: list[tuple[str, list[tuple[Any, ...]]]] = []
        self._deferred = deferred
        #: In PostgreSQL's pipeline mode: waits for every result sent so far, so that the
        #: next statement's result is not taken for a write's (psycopg would mix them up).
        self._sync = sync
        self._raw: Any = None

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.engine == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Tx:
        """Run ``sql``. With ``deferred`` (the recorders' batches), a write is held back
        and sent with the writes that follow it (one ``executemany`` per run of the same
        statement); a read first sends every write held back, so what it reads is exactly
        what sequential execution would give."""
        statement = self._sql(sql)
        if self._deferred and _is_write(statement):
            if self._pending and self._pending[-1][0] == statement:
                self._pending[-1][1].append(tuple(params))
            else:
                self._pending.append((statement, [tuple(params)]))
            return self
        self.flush()
        self._cursor.execute(statement, tuple(params))
        return self

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if self._deferred:
            for row in rows:
                self.execute(sql, row)
        else:
            self._cursor.executemany(self._sql(sql), [tuple(row) for row in rows])

    def flush(self) -> None:
        """Send the writes held back, in order (the recorders call it before committing).

        A run of the same plain ``INSERT ... VALUES (...)`` goes as multi-row INSERTs;
        any other run as one ``executemany``.
        """
        pending, self._pending = self._pending, []
        for statement, rows in pending:
            if len(rows) == 1:
                self._cursor.execute(statement, rows[0])
            elif (values := _PLAIN_INSERT.match(statement)) is not None:
                head, width = values.group(1), len(rows[0])
                per_statement = max(1, _MAX_PARAMS // width)
                for first in range(0, len(rows), per_statement):
                    chunk = rows[first:first + per_statement]
                    params = [value for row in chunk for value in row]
                    if self.engine == "postgres":
                        # Numbered parameters on a raw cursor: psycopg would otherwise
                        # parse the long statement for its placeholders on every batch.
                        raw = self._raw or psycopg.RawCursor(self._cursor.connection)
                        self._raw = raw
                        raw.execute(_numbered(head, width, len(chunk)), params)
                    else:
                        self._cursor.execute(_many(head, width, len(chunk)), params)
            else:
                self._cursor.executemany(statement, rows)
        if pending and self._sync is not None:
            self._sync()

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


#: ``INSERT INTO t (a, b) VALUES (?, ?)`` and nothing after: rows can be sent together.
_PLAIN_INSERT = re.compile(r"^(\s*INSERT\s+INTO\s+\S+\s*\([^)]*\)\s*VALUES\s*)"
                           r"(\((?:\s*(?:\?|%s)\s*,)*\s*(?:\?|%s)\s*\))\s*$",
                           re.IGNORECASE | re.DOTALL)
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


def _is_write(statement: str) -> bool:
    return statement.lstrip()[:6].upper() in {"INSERT", "UPDATE", "DELETE"}


def _as_dict(row: Any, cursor: Any) -> Row:
    if isinstance(row, Mapping):
        return dict(row)
    if hasattr(row, "keys"):
        return {key: row[key] for key in row.keys()}  # noqa: SIM118 - sqlite3.Row
    names = [column[0] for column in cursor.description]
    return dict(zip(names, row, strict=True))
