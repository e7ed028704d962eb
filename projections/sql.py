"""One small SQL dialect for the read side, spoken to SQLite and PostgreSQL alike.

Projections write their SQL once with ``?`` placeholders and portable types; this
module adapts the placeholders and hands back rows as dicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

Engine = Literal["sqlite", "postgres"]
Row = dict[str, Any]


class Tx:
    """A cursor inside one read or write transaction of a view's database."""

    def __init__(self, cursor: Any, engine: Engine) -> None:
        self._cursor = getattr(cursor, "sqlite_cursor", cursor)  # unwrap the library's
        self.engine = engine
        #: While a batch is applied: the log position (notification id) of the event.
        self.position = 0

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.engine == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Tx:
        self._cursor.execute(self._sql(sql), tuple(params))
        return self

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._cursor.executemany(self._sql(sql), [tuple(row) for row in rows])

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


def _as_dict(row: Any, cursor: Any) -> Row:
    if isinstance(row, Mapping):
        return dict(row)
    if hasattr(row, "keys"):
        return {key: row[key] for key in row.keys()}  # noqa: SIM118 - sqlite3.Row
    names = [column[0] for column in cursor.description]
    return dict(zip(names, row, strict=True))
