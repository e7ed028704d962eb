"""The register the demo fills: the same use cases, on the demo's clock, saved in batches.

- **The clock.** The demo enters two years of records in a few minutes, so both of the
  programme's clocks follow the demo's day: "today" (the business-date checks: nothing is dated
  after the day it is entered) and the log's clock (the instant each event is recorded, which
  as-known-at histories, late-record flags and reports read). :func:`demo_log_clock` sets the log's
  clock, ``eventsourcing.domain.datetime_now_with_tzinfo``, the one :mod:`domain.application.access`
  names too, for the length of the build only.
- **Batches.** Each command's changes are kept and saved with the next ones, many aggregates per
  transaction, in the order the commands were given (an aggregate changed again after another
  one is saved first, so the log's order is the commands' order). The demo is the store's only
  writer while it runs, so what it saved stays in memory for the next command. The system's own
  steps (the projector and its policy, reminders, reports) run :meth:`DemoRegister.unbatched`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

import eventsourcing.domain
from eventsourcing.domain import Aggregate
from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool, SQLiteDatastore

from domain.application import CareRegister
from domain.errors import NotFound

A = TypeVar("A", bound=Aggregate)

#: Aggregates saved per transaction at most.
BATCH = 400


class DemoClock:
    """The demo's day, and the instants events are recorded at on it: from 08:30 programme time,
    half a second apart, in the order they are recorded (on today, no later than now)."""

    def __init__(self, day: date, timezone: str = "Asia/Shanghai") -> None:
        self.zone = ZoneInfo(timezone)
        self.day = day
        self._count = 0

    def enter(self, day: date) -> None:
        if day != self.day:
            self.day, self._count = day, 0

    def today(self) -> date:
        return self.day

    def instant(self) -> datetime:
        """The next instant of the day; never later than the real clock (on today itself)."""
        self._count += 1
        start = datetime.combine(self.day, time(8, 30), self.zone)
        stamp = (start + timedelta(milliseconds=500 * self._count)).astimezone(UTC)
        return min(stamp, datetime.now(UTC))


@contextmanager
def demo_log_clock(clock: DemoClock) -> Iterator[None]:
    """Events are recorded at the demo clock's instants while the block runs."""
    real = eventsourcing.domain.datetime_now_with_tzinfo
    eventsourcing.domain.datetime_now_with_tzinfo = clock.instant  # type: ignore[assignment]
    try:
        yield
    finally:
        eventsourcing.domain.datetime_now_with_tzinfo = real  # type: ignore[assignment]


class DemoRegister(CareRegister):
    """:class:`CareRegister` saving in batches, its instants the log's clock (see the module).

    Built like the service's register (``build_register(settings, clock=..., kind=DemoRegister)``),
    so it stores exactly what the service would, sealed personal fields included.
    """

    #: The service's name: the store's tables and the views' positions are named after it.
    name = CareRegister.name

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: dict[UUID, Any] = {}  # changed, not saved yet, in order of change
        self._saved: dict[UUID, Any] = {}  # saved by the demo: the latest state
        self._batching = True

    def now(self) -> datetime:
        """Reports and reminders are stamped by the log's clock (the demo's, while it runs)."""
        return eventsourcing.domain.datetime_now_with_tzinfo()

    def relax_durability(self) -> None:
        """On SQLite, commit without waiting for the disk (``synchronous=NORMAL``), as the
        views do: a demo interrupted by a power cut is built again, not repaired."""
        datastore = getattr(self.recorder, "datastore", None)
        if isinstance(datastore, SQLiteDatastore):
            name, timeout = datastore.pool.db_name, datastore.pool.lock_timeout
            datastore.pool.close()
            datastore.pool = _NoWaitPool(db_name=name, lock_timeout=timeout)

    def flush(self) -> None:
        """Save every pending change, in order, in one transaction."""
        if self._pending:
            aggregates = list(self._pending.values())
            self._pending.clear()
            self.save(*aggregates)
            self._saved.update((a.id, a) for a in aggregates)

    @contextmanager
    def unbatched(self) -> Iterator[None]:
        """Each change saved at once (the system's own steps, which read the log)."""
        self.flush()
        self._batching = False
        try:
            yield
        finally:
            self._batching = True

    def _get(self, cls: type[A], aggregate_id: UUID, expected_version: int | None = None) -> A:
        held = self._held(cls, aggregate_id)
        return super()._get(cls, aggregate_id, expected_version) if held is None else held

    def _read(self, cls: type[A], aggregate_id: UUID) -> A:
        held = self._held(cls, aggregate_id)
        return super()._read(cls, aggregate_id) if held is None else held

    def _held(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate as the demo last changed it (saved or not yet), if it did."""
        if aggregate_id in self._pending and next(reversed(self._pending)) != aggregate_id:
            self.flush()  # changed before another aggregate: that order goes to the log first
        aggregate = self._pending.get(aggregate_id) or self._saved.get(aggregate_id)
        if aggregate is None:
            return None
        if not isinstance(aggregate, cls):
            raise NotFound(f"no {cls.__name__.lower()} {aggregate_id}")
        return aggregate

    def _commit(self, *aggregates: Any) -> None:
        if not self._batching:
            super()._commit(*aggregates)
            self._saved.update((a.id, a) for a in aggregates)
            return
        for aggregate in aggregates:
            self._pending[aggregate.id] = aggregate
        if len(self._pending) >= BATCH:
            self.flush()


class _NoWaitPool(SQLiteConnectionPool):
    def _create_connection(self) -> SQLiteConnection:
        connection = super()._create_connection()
        connection._sqlite_conn.execute("PRAGMA synchronous=NORMAL")
        return connection
