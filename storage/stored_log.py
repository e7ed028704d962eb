"""The event log as stored: rows read raw, not decoded, not trusted.

The hash chain, its verification and ``aixin export`` need the rows exactly as the
store holds them (the state still encrypted and compressed), and the verification must
survive rows altered by hand into shapes the library would refuse to read (a state
turned to text, a NULL, an originator id that is not one). So this reads the events
table of the application's recorder with plain SQL, and hands the values back as found.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresDatastore

from storage.sql import Tx


@dataclass(frozen=True)
class StoredRow:
    """One row of the events table: its position and four stored fields, as found."""

    id: int  # the log position (notification id)
    originator_id: Any  # a UUID unless altered by hand
    originator_version: Any  # an int unless altered by hand
    topic: Any  # a str unless altered by hand
    state: Any  # bytes unless altered by hand


class StoredLog:
    """The rows of one application's events table, in position order."""

    def __init__(self, app: Any) -> None:
        recorder = app.recorder
        self._recorder = recorder
        self._datastore = getattr(recorder, "datastore", None)  # None: held in memory
        table = getattr(recorder, "events_table_name", "")
        if isinstance(self._datastore, PostgresDatastore):
            self._engine: Any = "postgres"
            source, position = f'"{self._datastore.schema}"."{table}"', "notification_id"
        else:
            self._engine, source, position = "sqlite", f'"{table}"', "rowid"
        self._select = (f"SELECT {position} AS id, originator_id, originator_version, topic,"
                        f" state FROM {source} WHERE {position} > ? AND {position} <= ?"
                        f" ORDER BY {position} LIMIT ?")

    def rows(self, after: int, upto: int, limit: int) -> list[StoredRow]:
        """At most ``limit`` rows at positions after ``after`` up to ``upto``."""
        if self._datastore is None:  # the in-memory store of unit tests: no SQL to alter
            return [StoredRow(n.id, n.originator_id, n.originator_version, n.topic, n.state)
                    for n in self._recorder.select_notifications(
                        start=after, stop=upto, limit=limit, inclusive_of_start=False)]
        with self._datastore.transaction(commit=False) as cursor:
            found = Tx(cursor, self._engine).execute(self._select, (after, upto, limit)).all()
        return [StoredRow(int(row["id"]), _uuid(row["originator_id"]),
                          row["originator_version"], row["topic"], _bytes(row["state"]))
                for row in found]

    def scan(self, *, after: int = 0, page: int = 1000) -> Iterator[StoredRow]:
        """Every row after ``after``, a page at a time (memory stays constant)."""
        while True:
            found = self.rows(after, 2**62, page)
            yield from found
            if len(found) < page:
                return
            after = found[-1].id


def _uuid(value: Any) -> Any:
    """SQLite keeps originator ids as hex text, PostgreSQL as uuid: the same UUID."""
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            return value
    return value


def _bytes(value: Any) -> Any:
    return bytes(value) if isinstance(value, (memoryview, bytearray)) else value
