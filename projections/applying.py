"""Applying a batch of the log to one view, and what to do with an event it cannot apply.

An event a view cannot apply (a fault in the view's code, a value its database refuses)
must not hold up every event after it, nor the other views: the batch that holds it is
applied again one event at a time, the event is *set aside* (recorded with the error,
beside the view's position, in the same transaction) and the view goes on. A lost
connection is not such a fault: it is raised, and the batch is tried again later from the
committed position. Used by the incremental runner (``projections.runner``) and by the
rebuild that folds views in private databases (``projections.bulk``).
"""

from __future__ import annotations

import logging
import sqlite3
import time
import traceback
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import psycopg.errors
from eventsourcing import persistence
from eventsourcing.persistence import IntegrityError, Tracking
from psycopg_pool import PoolTimeout

from domain.errors import StaleVersion
from projections.projection import View
from storage.recorders import ViewRecorder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SetAside:
    """An event a view could not apply: its position in the log, the error, when."""

    position: int
    error: str
    at: float


#: Errors that say nothing about the events: the batch is tried again as it is, later.
TRANSIENT: tuple[type[BaseException], ...] = (
    persistence.OperationalError, persistence.InterfaceError, psycopg.OperationalError,
    psycopg.InterfaceError, psycopg.errors.IdleInTransactionSessionTimeout,
    psycopg.errors.TransactionTimeout, sqlite3.OperationalError, PoolTimeout,
    ConnectionError, TimeoutError,
    StaleVersion)  # a policy's command raced another writer: tried again, it goes through
#: ... except these, which an event's own values cause (a text too long for an index).
OF_THE_EVENT: tuple[type[BaseException], ...] = (psycopg.errors.ProgramLimitExceeded,)


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` is the store's (a lost connection, a busy database, a timeout),
    not the event's: the error itself, or what it was raised from."""
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and len(chain) < 20:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    if any(isinstance(link, OF_THE_EVENT) for link in chain):
        return False
    return any(isinstance(link, TRANSIENT) for link in chain)


@dataclass
class Target:
    """One view being caught up: its recorder, its projection, how far it has applied."""

    recorder: ViewRecorder
    projection: View
    position: int
    remake: Callable[[], View]

    def apply(self, app_name: str, events: Sequence[tuple[int, Any]], last: int,
              more_to_come: bool) -> int:
        """Apply the events after this view's position, committing ``last`` with them."""
        if last <= self.position:
            return 0
        unseen = self.unseen(events)
        try:
            self.recorder.apply_batch(self.projection, unseen, Tracking(app_name, last),
                                      more_to_come=more_to_come)
        except Exception as error:
            # What the projection remembers may hold part of the batch that failed (a read
            # made in its transaction): the next batch starts from a projection made afresh.
            self.projection = self.remake()
            if is_transient(error):
                raise
            self.position = self.recorder.max_tracking_id(app_name) or 0
            if self.position >= last:  # another runner committed this batch first
                return 0
            # an event the view cannot apply (its own constraint refused it, perhaps)
            return self._one_by_one(app_name, self.unseen(unseen), last)
        self.moved_to(last)
        return len(unseen)

    def unseen(self, events: Sequence[tuple[int, Any]]) -> Sequence[tuple[int, Any]]:
        """The events after this view's position (all of them, not copied, when the batch
        lies wholly after it)."""
        if not events or events[0][0] > self.position:
            return events
        return [(position, event) for position, event in events if position > self.position]

    def passes_over(self, events: Sequence[tuple[int, Any]]) -> bool:
        """Whether the view keeps nothing of the events after its position (see
        :meth:`projections.projection.View.passes_over`)."""
        return self.projection.passes_over(self.unseen(events))

    def moved_to(self, position: int) -> None:
        """The view's position is now ``position``, committed, and its projection has
        followed the log there (what it remembers is true up to there)."""
        self.position = self.projection.followed_to = position

    def _one_by_one(self, app_name: str, events: Sequence[tuple[int, Any]], last: int) -> int:
        """Apply a batch that failed one event at a time, setting aside what fails."""
        applied = 0
        for position, event in events:
            try:
                self.recorder.apply_batch(self.projection, [(position, event)],
                                          Tracking(app_name, position))
                applied += 1
            except Exception as error:
                self.projection = self.remake()
                if is_transient(error):
                    raise
                if (self.recorder.max_tracking_id(app_name) or 0) >= position:
                    self.position = position  # another runner applied it first
                    continue
                log.error("view %s set aside the event at position %d: %s",
                          self.projection.name, position, _described(error, event))
                with suppress(IntegrityError):  # another runner set it aside first
                    self.recorder.set_aside(Tracking(app_name, position),
                                            _described(error, event), time.time())
            self.position = position
        self.moved_to(max(self.position, last))
        return applied


def _described(error: BaseException, event: Any) -> str:
    """What went wrong, for the people who mend it: the error's kind, where it was raised
    and the event's kind. Not the error's message: it may quote a child's record."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if "site-packages" not in frame.filename]
    innermost = ours or frames  # the innermost line of the views' own code
    frame = innermost[-1] if innermost else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    return f"{type(error).__name__}{where} applying {type(event).__qualname__}"
