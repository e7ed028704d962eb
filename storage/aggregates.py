"""Aggregates read many at a time: a page of records (a register's 500 children) in two
statements, not two per record.

The library's repository reads one aggregate at a time: its latest snapshot, then the events
after it, two round trips a record. A register exported in full asks for tens of thousands of
records in id order, so :class:`AggregatesInPages` reads a page's snapshots in one statement
and its events in another, and builds each record as the repository would (the latest
snapshot, then the events after it, each decoded by the application's mapper: personal
texts opened with their record's data key, or ``[已删除]`` once it is destroyed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresDatastore

from storage.sql import Engine, Tx

#: Records asked for in one statement at most.
PER_STATEMENT = 500


class AggregatesInPages:
    """The application's aggregates, read a page of ids at a time."""

    def __init__(self, app: Application[UUID]) -> None:
        self._app = app
        recorder = app.recorder
        self._datastore = getattr(recorder, "datastore", None)  # None: held in memory
        self._engine: Engine = ("postgres" if isinstance(self._datastore, PostgresDatastore)
                                else "sqlite")
        self._events = self._table(getattr(recorder, "events_table_name", ""))
        snapshots = app.snapshots
        self._snapshots = (self._table(getattr(snapshots.recorder, "events_table_name", ""))
                           if snapshots is not None else "")

    def _table(self, name: str) -> str:
        if isinstance(self._datastore, PostgresDatastore):
            return f'"{self._datastore.schema}"."{name}"'
        return f'"{name}"'

    def get(self, ids: Sequence[UUID]) -> dict[UUID, Any]:
        """The aggregates of ``ids`` as they stand now, by id; an id with no record is left
        out."""
        found: dict[UUID, Any] = {}
        for first in range(0, len(ids), PER_STATEMENT):
            found.update(self._page(ids[first:first + PER_STATEMENT]))
        return found

    def _page(self, ids: Sequence[UUID]) -> dict[UUID, Any]:
        if not ids:
            return {}
        if self._datastore is None:  # the in-memory store of unit tests: one at a time
            return self._one_by_one(ids)
        keys = [str(i) if self._engine == "postgres" else i.hex for i in ids]
        marks = ", ".join("?" * len(keys))
        with self._datastore.transaction(commit=False) as cursor:
            tx = Tx(cursor, self._engine)
            snapshots = (tx.execute(
                "SELECT originator_id, originator_version, topic, state FROM"
                f" {self._snapshots} WHERE originator_id IN ({marks})"
                " ORDER BY originator_id, originator_version", keys).all()
                if self._snapshots else [])
            events = tx.execute(
                "SELECT originator_id, originator_version, topic, state FROM"
                f" {self._events} WHERE originator_id IN ({marks})"
                " ORDER BY originator_id, originator_version", keys).all()
        latest = {_uuid(row["originator_id"]): row for row in snapshots}  # the last one wins
        after = {originator: row["originator_version"] for originator, row in latest.items()}
        rows: dict[UUID, list[dict[str, Any]]] = {i: [] for i in ids}
        for row in events:
            originator = _uuid(row["originator_id"])
            if row["originator_version"] > after.get(originator, 0):
                rows.setdefault(originator, []).append(row)
        built: dict[UUID, Any] = {}
        for originator, own in rows.items():
            aggregate = (self._decoded(latest[originator], snapshot=True).mutate(None)
                         if originator in latest else None)
            for row in own:  # as the library's project_aggregate, without its protocol check
                aggregate = self._decoded(row, snapshot=False).mutate(aggregate)
            if aggregate is not None:
                built[originator] = aggregate
        return built

    def _decoded(self, row: dict[str, Any], *, snapshot: bool) -> Any:
        store = self._app.snapshots if snapshot else self._app.events
        assert store is not None
        return store.mapper.to_domain_event(StoredEvent(
            originator_id=_uuid(row["originator_id"]),
            originator_version=int(row["originator_version"]),
            topic=row["topic"], state=bytes(row["state"])))

    def _one_by_one(self, ids: Iterable[UUID]) -> dict[UUID, Any]:
        found: dict[UUID, Any] = {}
        for aggregate_id in ids:
            try:
                found[aggregate_id] = self._app.repository.get(aggregate_id)
            except AggregateNotFoundError:
                continue
        return found


def _uuid(value: Any) -> UUID:
    """SQLite keeps originator ids as hex text, PostgreSQL as uuid: the same UUID."""
    return value if isinstance(value, UUID) else UUID(str(value))
