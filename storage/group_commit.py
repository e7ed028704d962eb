"""Group commit: the saves of one process that arrive together are committed together.

The library appends each save in a transaction of its own, under the events table's
exclusive lock (so that positions are handed out in commit order): concurrent requests
queue on that lock one commit at a time. Here a save from a request's thread hands its
stored events to the process's writer and waits; the writer takes what is waiting (at most
``most`` saves, gathered for at most ``window`` seconds after the first arrived, or just
what arrived while its previous transaction was committed), takes the lock once, inserts
every save's events in one statement, commits, and only then answers each save.

A save whose events clash with events already recorded (a version another writer took
first, a keyed command recorded by an earlier try) is left out of the group alone and
answered with the library's ``IntegrityError``, so the application's own handling (a fresh
read and a new try, or the replay of the recorded command) runs as before; the rest of the
batch is committed. A failure of the transaction itself (the connection lost) fails every
save of the batch, none of them answered as recorded; each is then tried again as the
library tries a failed append (and, as there, a try whose commit did happen unseen is
refused as a clash: a keyed command is then answered as its first try). The log's channel
is notified once per committed batch.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from threading import Condition, Thread
from typing import Any

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

#: Seconds a closing writer has to commit what is still waiting before it is left behind.
DRAIN_SECONDS = 30.0


class WriterClosed(RuntimeError):
    """The process's writer was closed: a save appends alone."""


@dataclass
class Save:
    """One save waiting for the writer: its stored events, and where its answer goes."""

    events: Sequence[StoredEvent]
    answer: Future[list[int]] = field(default_factory=Future)
    arrived: float = field(default_factory=time.monotonic)


class GroupWriter:
    """The writer of one application recorder in one process: gathers saves, commits them
    in one transaction, answers each (``transactions`` and ``saves`` count what it
    committed)."""

    def __init__(self, recorder: PostgresApplicationRecorder, *, most: int,
                 window: float) -> None:
        if most < 2:
            raise ValueError("a group of saves holds at least 2")
        self.recorder = recorder
        self.most = most
        self.window = window
        self.transactions = 0
        self.saves = 0
        self._waiting: deque[Save] = deque()
        self._changed = Condition()
        self._closing = False
        self._thread: Thread | None = None
        self._pid = 0

    @property
    def accepting(self) -> bool:
        return not self._closing

    @property
    def waiting(self) -> int:
        """Saves queued and not yet taken into a transaction."""
        with self._changed:
            return len(self._waiting)

    def submit(self, events: Sequence[StoredEvent]) -> Future[list[int]]:
        """Queue one save; its future gives the events' positions once committed."""
        save = Save(events)
        with self._changed:
            if self._closing:
                raise WriterClosed("the group writer is closed")
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._start()
            self._waiting.append(save)
            self._changed.notify()
        return save.answer

    def close(self) -> None:
        """Commit what is waiting, then stop (saves submitted later are refused)."""
        with self._changed:
            self._closing = True
            self._changed.notify()
            thread = self._thread if self._pid == os.getpid() else None
        if thread is not None:
            thread.join(DRAIN_SECONDS)

    def _start(self) -> None:
        if self._pid != os.getpid():
            self._waiting.clear()  # a forked copy's queue belongs to the parent's writer
        self._pid = os.getpid()
        self._thread = Thread(target=self._run, name="aixin-group-commit", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (batch := self._gather()) is not None:
            self._commit(batch)

    def _gather(self) -> list[Save] | None:
        """The next batch: what is waiting, up to ``most``, once the first has waited
        ``window``; None once closed and drained."""
        with self._changed:
            while not self._waiting and not self._closing:
                self._changed.wait()
            if not self._waiting:
                return None
            if self.window > 0:
                until = self._waiting[0].arrived + self.window
                while len(self._waiting) < self.most and not self._closing:
                    left = until - time.monotonic()
                    if left <= 0:
                        break
                    self._changed.wait(left)
            count = min(self.most, len(self._waiting))
            return [self._waiting.popleft() for _ in range(count)]

    def _commit(self, batch: list[Save]) -> None:
        try:
            outcomes = self._insert(batch)
        except BaseException as error:  # the transaction failed: no save of it is answered
            for save in batch:
                save.answer.set_exception(_copy(error))
            if not isinstance(error, Exception):
                raise
            return
        self.transactions += 1
        for save, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, IntegrityError):
                save.answer.set_exception(outcome)
            else:
                self.saves += 1
                save.answer.set_result(outcome)

    def _insert(self, batch: list[Save]) -> list[list[int] | IntegrityError]:
        """Each save's positions, or its clash. A batch is inserted in one statement; if an
        event of it is recorded already, the transaction is given up and done again with
        the clashing saves left out (found under the same lock, so nothing changes between
        the check and the insert)."""
        try:
            return self._transaction(batch, check=False)
        except IntegrityError:
            return self._transaction(batch, check=True)

    def _transaction(self, batch: list[Save], *,
                     check: bool) -> list[list[int] | IntegrityError]:
        recorder = self.recorder
        with recorder.datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as cursor:
            recorder._lock_table(cursor)
            clashes = self._clashes(cursor, batch) if check else [None] * len(batch)
            kept = [event for save, clash in zip(batch, clashes, strict=True)
                    if clash is None for event in save.events]
            positions: list[int] = []
            if kept:
                recorder._notify_channel(cursor)  # delivered when committed
                positions = self._insert_events(cursor, kept)
        outcomes: list[list[int] | IntegrityError] = []
        for save, clash in zip(batch, clashes, strict=True):
            if clash is not None:
                outcomes.append(clash)
            else:
                outcomes.append(positions[:len(save.events)])
                positions = positions[len(save.events):]
        return outcomes

    def _clashes(self, cursor: Any, batch: list[Save]) -> list[IntegrityError | None]:
        """For each save, the clash that refuses it: one of its events is recorded already,
        or is an event of an earlier save of the batch; None for the others."""
        recorder = self.recorder
        cursor.execute(SQL(
            "SELECT originator_id, originator_version FROM {schema}.{table}"
            " WHERE (originator_id, originator_version) IN"
            " (SELECT * FROM unnest(%s::{kind}[], %s::bigint[]))").format(
                schema=Identifier(recorder.datastore.schema),
                table=Identifier(recorder.events_table_name),
                kind=Identifier(recorder.datastore.originator_id_type)),
            ([e.originator_id for s in batch for e in s.events],
             [e.originator_version for s in batch for e in s.events]))
        taken = {(str(row["originator_id"]), row["originator_version"])
                 for row in cursor.fetchall()}
        clashes: list[IntegrityError | None] = []
        for save in batch:
            own = [(str(e.originator_id), e.originator_version) for e in save.events]
            twice = [key for key in own if key in taken] or (
                own if len(set(own)) < len(own) else [])
            if twice:
                clashes.append(IntegrityError(f"an event of {twice[0][0]} at version "
                                              f"{twice[0][1]} is recorded already"))
            else:
                clashes.append(None)
                taken.update(own)
        return clashes

    def _insert_events(self, cursor: Any, events: Sequence[StoredEvent]) -> list[int]:
        recorder = self.recorder
        rows = [recorder.construct_pg_stored_event(e.originator_id, e.originator_version,
                                                   e.topic, e.state) for e in events]
        cursor.execute(recorder.insert_events_statement, (rows,))
        return [row["notification_id"] for row in cursor.fetchall()]


def _copy(error: BaseException) -> BaseException:
    """An exception of its own for each waiting save (one raised in many threads at once
    would have its traceback rewritten by each)."""
    try:
        copied = type(error)(*error.args)
    except Exception:  # an exception whose constructor takes other arguments
        copied = OperationalError(str(error))
    copied.__cause__ = error
    return copied


class GroupCommitRecorder(PostgresApplicationRecorder):
    """The library's PostgreSQL application recorder, its appends committed in groups by
    the process's :class:`GroupWriter` once :meth:`group_commits` is called."""

    writer: GroupWriter | None = None

    def group_commits(self, *, most: int, window: float) -> None:
        """Commit appends in groups of at most ``most`` (below 2: each alone), gathered for
        at most ``window`` seconds after the first."""
        self.writer = GroupWriter(self, most=most, window=window) if most >= 2 else None

    def close_writer(self) -> None:
        """Commit the appends waiting, then append each alone again."""
        if self.writer is not None:
            self.writer.close()

    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        writer = self.writer
        if (writer is None or not writer.accepting or not stored_events
                or any(value is not None for value in kwargs.values())  # a tracking record
                or self.datastore.enable_db_functions or self._holds_a_connection()):
            return super().insert_events(stored_events, **kwargs)
        return self._insert_in_group(writer, stored_events)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _insert_in_group(self, writer: GroupWriter,
                         stored_events: Sequence[StoredEvent]) -> list[int]:
        try:
            return writer.submit(stored_events).result()
        except WriterClosed:  # closed meanwhile
            return list(super().insert_events(stored_events) or ())

    def _holds_a_connection(self) -> bool:
        """Whether this thread holds one of the process's connections already (inside a
        transaction of another store): it appends alone, as waiting for the writer, which
        needs a connection of the same pool, could wait for its own."""
        pool = getattr(self.datastore.pool, "process_pool", None)  # storage.beside's
        return pool is not None and bool(pool.holds_connection())
