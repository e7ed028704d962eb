"""Running views: catch up in batches, follow the log, rebuild from zero, report lag.

An event a view cannot apply (a fault in the view's code, a value its database refuses)
must not hold up every event after it, nor the other views: the batch that holds it is
applied again one event at a time, the event is *set aside* (recorded with the error,
beside the view's position, in the same transaction) and the view goes on. What is set
aside is reported (``/health``, ``aixin projections status``) and applied again by a
rebuild of the view, once the fault is mended. A lost connection is not such a fault: it
is raised, and the batch is tried again later from the committed position.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Tracking

from domain.application.base import PersonalTexts
from projections.applying import SetAside, Target
from projections.personal import texts_of
from projections.projection import View
from storage.collecting import collector_paused
from storage.recorders import ViewRecorder
from storage.views import ViewStore, recorded_shape

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
    #: Events per transaction while rebuilding from zero (None: ``batch_size``). A view
    #: folds a batch's contacts into one change per pairing, and a batch of the log touches
    #: most active pairings whatever its size: the larger the batch, the fewer changes.
    rebuild_batch_size: int | None = None
    #: Pause Python's cycle collector while each batch is applied (``storage.collecting``)
    #: when the views are as far behind as a rebuild's batch (a rebuild, a projector started
    #: after a long stop): a follower a batch behind leaves it alone. Turned off only to
    #: measure what the pause saves (``bench/rebuild.py``).
    pause_collector: bool = True
    #: Rebuild from zero by folding each view in a private database and writing it once
    #: (``projections.bulk``); off, a rebuild replays the incremental handlers batch by
    #: batch into the new generation (kept to compare them: ``bench/rebuild.py``).
    bulk_rebuild: bool = True
    #: Set by a follower in this process: asks it to catch up now rather than at its next poll.
    waker: Callable[[], None] | None = None
    _made: threading.local = field(default_factory=threading.local, init=False, repr=False,
                                   compare=False)

    @property
    def texts(self) -> PersonalTexts:
        """How the views keep personal texts (to open a name read from a register)."""
        return texts_of(self.app)

    def catch_up(self, view: type[View], *, generation: int | None = None,
                 limit: int | None = None) -> int:
        """Apply every event the view has not seen yet; returns how many were applied.

        Each batch and its position commit together, so a crash mid-way loses at most
        the batch in flight, which the next run applies again from the committed position.
        """
        return self.catch_up_together([view], generation=generation, limit=limit)

    def catch_up_together(self, views: Sequence[type[View]], *,
                          generation: int | None = None, limit: int | None = None,
                          generations: Mapping[str, int] | None = None,
                          progress: Callable[[int, int | None], None] | None = None,
                          batch_size: int | None = None) -> int:
        """Catch several views up reading the log once: each batch of the log is read and
        decoded once, then applied to each view that has not seen it, in that view's own
        transaction with its position. Returns the events applied, summed over the views.
        ``generations`` names each view's generation where it is not ``generation``;
        ``progress`` is told after each batch how many events of how many were read;
        ``batch_size`` is the events per batch where it is not the runner's. Further behind
        than a rebuild's batch (a rebuild, a projector started after a long stop), every data
        key is read at once first, rather than one per record as its texts are opened, and
        Python's cycle collector is paused while each batch is applied; a follower a few
        batches behind after a burst of writes reads only the keys it needs, collector running.
        """
        batch_size = batch_size or self.batch_size
        chosen = generations or {}
        # Where each view stands: the generations' pointers and the positions each read
        # once for all the views (on PostgreSQL), not twice a view on every pass.
        recorders = self.store.recorders(
            views, {view.name: chosen.get(view.name, generation) for view in views})
        positions = self.store.positions(recorders, self.app.name)
        targets = [self._target(view, recorder, position)
                   for view, recorder, position in zip(views, recorders, positions, strict=True)]
        if not targets:
            return 0
        position = start = min(target.position for target in targets)
        head = self.app.recorder.max_notification_id() or 0
        far_behind = head - position > (self.rebuild_batch_size or self.batch_size)
        if far_behind:
            self.texts.hold_keys()  # as far behind as a rebuild: most records' texts are opened
        pause = far_behind and self.pause_collector
        read = applied = 0
        while limit is None or read < limit:
            size = batch_size if limit is None else min(batch_size, limit - read)
            with collector_paused() if pause else nullcontext():
                notifications = self.app.recorder.select_notifications(
                    start=position, limit=size, inclusive_of_start=False)
                if not notifications:
                    break
                last = notifications[-1].id
                lowest = min(target.position for target in targets)
                events = [(n.id, self.app.mapper.to_domain_event(n)) for n in notifications
                          if n.id > lowest]
                more = last < head  # the head as read at the start: later events come after
                moved = self._moved_together(targets, events, last)
                applied += sum(moved.values())
                for target in targets:
                    target.projection.read_along(notifications)
                    if id(target) not in moved:
                        applied += target.apply(self.app.name, events, last, more)
            position, read = last, read + len(notifications)
            if progress is not None:
                progress(read, None if limit is not None else max(read, head - start))
        return applied

    def _moved_together(self, targets: Sequence[Target], events: Sequence[tuple[int, Any]],
                        last: int) -> dict[int, int]:
        """The views that keep nothing of the batch's events they have not seen (a pass of
        contacts means nothing to most registers), moved to ``last`` in one transaction
        rather than one each (:meth:`storage.views.ViewStore.advance`); none where the
        store cannot, or another runner moved one of them first (each is then applied on
        its own, as any other). Returns how many events each passed over, by ``id`` of
        its target."""
        idle = [target for target in targets
                if target.position < last and target.passes_over(events)]
        if len(idle) < 2 or not self.store.advance([target.recorder for target in idle],
                                                   Tracking(self.app.name, last)):
            return {}
        moved = {}
        for target in idle:
            moved[id(target)] = len(target.unseen(events))
            target.moved_to(last)
        return moved

    def _target(self, view: type[View], recorder: ViewRecorder, position: int) -> Target:
        """The view's projection for this recorder, whose committed position is ``position``,
        made once per thread and kept: what a view remembers across batches (places, a
        pairing's children) is not read again on every pass; one per thread, as a projection
        holds its batch while applying it. Made afresh when the committed position is not
        where this projection left it: another runner (the projector, a worker catching a
        view up) applied events it did not see, which may have changed what it remembers (a
        child moved)."""
        made: dict[ViewRecorder, View] = self._made.__dict__.setdefault("views", {})
        projection = made.get(recorder)
        if projection is None or projection.followed_to not in (None, position):
            projection = made[recorder] = view.for_app(recorder, self.app)

        def remake() -> View:  # what it remembers may hold part of a failed batch
            made[recorder] = view.for_app(recorder, self.app)
            return made[recorder]

        return Target(recorder, projection, position, remake)

    def catch_up_all(self) -> int:
        return self.catch_up_together(self.views)

    def refresh(self, on: date, limit: int | None = None) -> int:
        """Bring date-dependent views (duty status) up to ``on``, at most ``limit`` records
        of each view in this call (None: all); returns how many were refreshed."""
        refreshed = 0
        for view in self.views:
            refresh = getattr(view, "refresh", None)
            if refresh is not None:
                with self.store.recorder(view).write() as tx:
                    refreshed += int(refresh(tx, on, limit))
        return refreshed

    def position(self, view: type[View]) -> int:
        return self.store.recorder(view).max_tracking_id(self.app.name) or 0

    def set_aside(self) -> dict[str, list[SetAside]]:
        """The events each view set aside (views that set none aside are left out)."""
        found: dict[str, list[SetAside]] = {}
        for view in self.views:
            with self.store.recorder(view).read() as tx:
                rows = tx.execute("SELECT position, error, at FROM set_aside"
                                  " ORDER BY position").all()
            if rows:
                found[view.name] = [SetAside(int(row["position"]), str(row["error"]),
                                             float(row["at"])) for row in rows]
        return found

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

    def open_views(self) -> None:
        """Open every view's generation in service, making its tables if they are not there
        yet: done before a service answers, a first write's wait for the views (read your
        writes) waits for its events, not for the tables to be made."""
        for view in self.views:
            self.store.recorder(view)

    def reshape(self) -> list[str]:
        """Rebuild the views whose generation in service was built to another shape than
        theirs (the tables or their making changed since: an upgrade); returns the names of
        the views rebuilt.

        A generation is given its shape when it is made (``storage.views``); one with none
        was made by a version before shapes were recorded, and is rebuilt too, as its tables
        may be of an older shape. Processes that share the views do this one at a time,
        each checking anew."""
        with self.store.exclusively():
            stale = [view for view in self.views
                     if recorded_shape(self.store.recorder(view)) != view.shape()]
            if stale:
                log.warning("rebuilding views of an older shape: %s",
                            ", ".join(view.name for view in stale))
                self.rebuild_together(stale)
        return [view.name for view in stale]

    def rebuild(self, view: type[View]) -> int:
        """Rebuild ``view`` from zero into a new generation, then put it in service."""
        return self.rebuild_together([view])

    def rebuild_together(self, views: Sequence[type[View]] | None = None, *,
                         progress: Callable[[int, int | None], None] | None = None) -> int:
        """Rebuild views (default: all) from zero, reading the log once for all of them.

        Each is built into a new generation while the one in service keeps answering; once
        caught up it takes over, and events recorded meanwhile are applied before the old
        generation is dropped. With ``bulk_rebuild`` each view is folded in a private
        database and written once (``projections.bulk``); otherwise its incremental
        handlers are replayed into the new generation batch by batch.
        """
        views = list(self.views if views is None else views)
        if self.bulk_rebuild:
            from projections.bulk import rebuild_in_bulk

            return rebuild_in_bulk(self, views, progress)
        old = {view.name: self.store.current_generation(view.name) for view in views}
        new = {name: generation + 1 for name, generation in old.items()}
        for view in views:
            self.store.drop(view.name, new[view.name])  # a rebuild that died half-way
        applied = self.catch_up_together(views, generations=new,  # one read of the log
                                         progress=progress, batch_size=self.rebuild_batch_size)
        self.store.promote_all(new)
        applied += self.catch_up_together(views)
        for view in views:
            self.store.drop(view.name, old[view.name])
            log.info("rebuilt view %s into generation %d", view.name, new[view.name])
        return applied
