"""Running views: catch up in batches, follow the log, rebuild from zero, report lag."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Tracking

from projections.projection import View
from projections.store import ViewStore

log = logging.getLogger(__name__)

#: Events applied per transaction: one commit per batch, position committed with it.
BATCH_SIZE = 500


@dataclass
class ViewRunner:
    """Applies the register's event log to a set of views."""

    app: Application
    store: ViewStore
    views: Sequence[type[View]]
    batch_size: int = BATCH_SIZE
    #: Set by a follower in this process: asks it to catch up now rather than at its next poll.
    waker: Callable[[], None] | None = None

    def catch_up(self, view: type[View], *, generation: int | None = None,
                 limit: int | None = None) -> int:
        """Apply every event the view has not seen yet; returns how many were applied.

        Each batch and its position commit together, so a crash mid-way loses at most
        the batch in flight, which the next run applies again from the committed position.
        """
        recorder = self.store.recorder(view, generation)
        projection = view(recorder)
        position = recorder.max_tracking_id(self.app.name) or 0
        applied = 0
        while limit is None or applied < limit:
            size = self.batch_size if limit is None else min(self.batch_size, limit - applied)
            notifications = self.app.recorder.select_notifications(
                start=position, limit=size, inclusive_of_start=False)
            if not notifications:
                break
            events = [(n.id, self.app.mapper.to_domain_event(n)) for n in notifications]
            try:
                recorder.apply_batch(projection, events,
                                     Tracking(self.app.name, notifications[-1].id))
            except IntegrityError:
                # another runner committed this batch first: nothing applied twice
                position = recorder.max_tracking_id(self.app.name) or 0
                continue
            position = notifications[-1].id
            applied += len(events)
        return applied

    def refresh(self, on: date) -> int:
        """Bring date-dependent views (duty status) up to ``on``; returns rows refreshed."""
        refreshed = 0
        for view in self.views:
            refresh = getattr(view, "refresh", None)
            if refresh is not None:
                with self.store.recorder(view).write() as tx:
                    refreshed += int(refresh(tx, on))
        return refreshed

    def catch_up_all(self) -> int:
        return sum(self.catch_up(view) for view in self.views)

    def position(self, view: type[View]) -> int:
        return self.store.recorder(view).max_tracking_id(self.app.name) or 0

    def lag(self) -> dict[str, int]:
        """Events recorded in the log that each view has not applied yet."""
        head = self.app.recorder.max_notification_id() or 0
        return {view.name: head - self.position(view) for view in self.views}

    def wait_for(self, position: int, timeout: float = 2.0) -> bool:
        """Read your writes: wait (bounded) until every view has applied ``position``."""
        deadline = time.monotonic() + timeout
        if self.waker is not None:
            self.waker()
        pause = 0.002
        for view in self.views:
            recorder = self.store.recorder(view)
            while (recorder.max_tracking_id(self.app.name) or 0) < position:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(pause)
                pause = min(pause * 2, 0.05)
        return True

    def rebuild(self, view: type[View]) -> int:
        """Rebuild ``view`` from zero into a new generation, then put it in service.

        The generation in service keeps answering until the new one has caught up;
        events recorded meanwhile are applied to the new one before it takes over.
        """
        old = self.store.current_generation(view.name)
        new = old + 1
        self.store.drop(view.name, new)  # a rebuild that died half-way starts again
        applied = self.catch_up(view, generation=new)
        self.store.promote(view.name, new)
        applied += self.catch_up(view, generation=new)
        self.store.drop(view.name, old)
        log.info("rebuilt view %s: %d events into generation %d", view.name, applied, new)
        return applied
