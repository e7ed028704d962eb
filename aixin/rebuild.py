"""Rebuilding views in several processes: the views shared out, the log decoded once.

One process rebuilding every view reads and decodes the log once, but applies it to the
views one after another on one core (Python's threads share one: the views' own work holds
it). With cores to spare, the views are shared out among processes by what each costs to
rebuild (``View.rebuild_cost``).

By folding (``projections.bulk``, the default), this process reads and decodes the log a
segment of up to :data:`SEGMENT` events at a time and forks one process per share for each
segment (for the last, one per costly view): the children find the decoded events in their
memory as the parent left them (copy-on-write), fold them into their views' fold databases
with a register of their own (its own connections: a policy issues its commands through it),
and end; meanwhile the parent decodes the next segment, and each share forks for it as soon
as its own child has ended. The children of the last segment make their views' new
generations whole; once all have, the parent puts them in service together, applies what was
recorded meanwhile and drops the old generations.

Replaying the incremental handlers instead (``bulk=False``), each process reads the log
for its share and rebuilds it exactly as one process would.

Either way a new generation is put in service only whole, the one in service answering
meanwhile; by folding, a process that fails leaves every view as it was in service.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from aixin.settings import Settings
from projections.projection import View
from storage.collecting import after_fork, collector_paused

Progress = Callable[[int, int | None], None]

#: Events decoded by the parent, and folded by the children, per fork (at most).
SEGMENT = 250_000
#: Decoded segments the parent holds for the shares that have yet to fork on them.
AHEAD = 2
#: A view costing this much (``View.rebuild_cost``) folds the last segment in a child of
#: its own, where the share's other views wait for none of its held rows and indexes.
ALONE_AT_THE_END = 4
#: How much less the children's claim on a core weighs than the parent's (``nice``): the
#: parent decodes for them all, so it decodes first.
CHILDREN_NICER = 5


def shares(views: Sequence[type[View]], processes: int) -> list[list[type[View]]]:
    """The views shared among at most ``processes`` processes, their costs as even as can
    be (the costliest first, each to the share costing least so far)."""
    count = max(1, min(processes, len(views)))
    made: list[list[type[View]]] = [[] for _ in range(count)]
    costs = [0] * count
    for view in sorted(views, key=lambda view: -view.rebuild_cost):
        least = costs.index(min(costs))
        made[least].append(view)
        costs[least] += view.rebuild_cost
    return [share for share in made if share]


def rebuild_in_processes(settings: Settings, views: Sequence[type[View]], processes: int,
                         progress: Progress | None = None, *, bulk: bool = True) -> int:
    """Rebuild ``views`` from zero, shared among ``processes`` processes; returns the events
    applied, summed over the views. ``progress`` hears how much of the log has been read
    (by the slowest share, replaying). ``bulk``: by folding, the log decoded once (see the
    module's text). Raises if any share failed."""
    groups = shares(views, processes)
    if len(groups) == 1:
        return _rebuild(settings, groups[0], progress, bulk)
    if bulk:
        try:
            return _fold_in_processes(settings, groups, progress)
        except RuntimeError:
            raise
        except Exception as error:
            raise RuntimeError(f"rebuilding {', '.join(view.name for view in views)} failed: "
                               f"{type(error).__name__}: {error}") from error
    context = multiprocessing.get_context("spawn")  # nothing of this process's connections
    readers: list[Connection] = []
    writers: list[Connection] = []
    workers = []
    for index, group in enumerate(groups):
        reader, writer = context.Pipe(duplex=False)  # one each: a killed one blocks no other
        workers.append(context.Process(
            target=_rebuild_share, daemon=True, name=f"rebuild-{index}",
            args=(settings, [view.name for view in group], writer, bulk)))
        readers.append(reader)
        writers.append(writer)
    read = [0] * len(groups)
    totals: list[int | None] = [None] * len(groups)
    applied: dict[int, int] = {}
    failures: dict[int, str] = {}
    try:
        for worker, writer in zip(workers, writers, strict=True):
            worker.start()
            writer.close()  # the child's now: its end of file is the child's end
        listening = set(range(len(groups)))
        while listening:
            for ready in wait([readers[index] for index in listening]):
                index = readers.index(ready)  # type: ignore[arg-type]
                try:
                    kind, *rest = readers[index].recv()
                except EOFError:  # it ended: what it said came before
                    listening.discard(index)
                    workers[index].join()
                    if index not in applied and index not in failures:
                        failures[index] = f"ended with exit code {workers[index].exitcode}"
                    continue
                if kind == "read":
                    read[index], totals[index] = rest
                    if progress is not None:
                        known = [total for total in totals if total is not None]
                        progress(min(read), max(known) if known else None)
                elif kind == "done":
                    applied[index] = rest[0]
                else:
                    failures[index] = rest[0]
    finally:
        for worker in workers:
            if worker.is_alive():  # interrupted here: the others stop too
                worker.terminate()
            worker.join()
    if failures:
        raise RuntimeError("; ".join(
            f"rebuilding {', '.join(view.name for view in groups[index])} failed: {why}"
            for index, why in sorted(failures.items())))
    return sum(applied.values())


def _rebuild(settings: Settings, views: Sequence[type[View]], progress: Progress | None,
             bulk: bool = True) -> int:
    from aixin.bootstrap import build_register, build_runner

    register = build_register(settings)
    runner = build_runner(settings, register)
    runner.bulk_rebuild = bulk
    try:
        return runner.rebuild_together(views, progress=progress)
    finally:
        runner.store.close()
        register.close()


def _rebuild_share(settings: Settings, names: list[str], parent: Connection,
                   bulk: bool = False) -> None:
    """One process's share (run in the child process), told to the parent as it goes."""
    from projections.catalog import BY_NAME

    try:
        applied = _rebuild(settings, [BY_NAME[name] for name in names],
                           lambda done, total: parent.send(("read", done, total)), bulk)
    except BaseException as error:  # told to the parent, which raises it
        parent.send(("failed", f"{type(error).__name__}: {error}"))
        raise
    parent.send(("done", applied))
    parent.close()


def _fold_in_processes(settings: Settings, groups: list[list[type[View]]],
                       progress: Progress | None) -> int:
    """Fold the shares in forked children, a decoded stretch of the log at a time."""
    from aixin.bootstrap import build_register, build_runner
    from projections.bulk import BulkRebuild, decoded

    register = build_register(settings)
    runner = build_runner(settings, register)
    views = [view for group in groups for view in group]
    bulk = BulkRebuild(register, runner.store, views)
    context = multiprocessing.get_context("fork")
    try:
        if not register.recorder.max_notification_id():
            from projections.bulk import rebuild_in_bulk

            return rebuild_in_bulk(runner, views, progress)  # nothing to share out
        bulk.start()
        runner.texts.hold_keys()  # the whole log is decoded: every record's key is read
        paths = {view.name: str(bulk.fold_path(view)) for view in views}
        head = register.recorder.max_notification_id() or 0
        size = runner.rebuild_batch_size or runner.batch_size
        stretches = decoded(register, size=size, progress=progress)
        try:
            with collector_paused():  # see _Segments
                shared = _Shares(context, settings, groups, paths, head)
                applied = shared.fold(_Segments(stretches, head, size))
            if missing := [view.name for view in views if view.name not in shared.whole]:
                raise RuntimeError(f"rebuilding {', '.join(missing)} failed: not made whole")
        except BaseException:
            bulk.abandon()  # every child has ended: what some made whole goes too
            raise
        return applied + bulk.finish(runner)
    finally:
        bulk.clean()
        runner.store.close()
        register.close()


class _Segments:
    """The log decoded a segment at a time, a stretch per call.

    The first segment is small, so that the children start folding soon after the parent
    starts decoding (until then a core idles); each after it is twice the one before, up to
    :data:`SEGMENT`. The cycle collector is paused meanwhile: a segment's events all live
    until every share has forked on it, and each collection walked them all again (it
    doubled the CPU of decoding, measured)."""

    def __init__(self, stretches: Iterator[Any], head: int, size: int) -> None:
        self.stretches, self.head, self.size = stretches, head, size
        self.filling: list[Any] = []
        self.wanted = max(1, SEGMENT // 16 // size)
        self.made = 0  # segments completed so far
        self.ended = False

    def step(self) -> list[Any] | None:
        """Decode one stretch more; the segment it completes, if it completes one."""
        stretch = next(self.stretches, None)
        if stretch is not None:
            self.filling.append(stretch)
        if stretch is None or stretch[0][-1].id >= self.head:
            self.ended = True  # what was recorded meanwhile is applied incrementally after
        elif len(self.filling) < self.wanted:
            return None
        if not self.filling:
            raise RuntimeError("the log ended before the position read when the rebuild began")
        segment, self.filling = self.filling, []
        self.made += 1
        self.wanted = min(self.wanted * 2, max(1, SEGMENT // self.size))
        return segment


@dataclass
class _Job:
    """Views to fold through one segment, in a child forked for them."""

    share: int
    views: list[type[View]]
    at: int  # the segment's number
    part: list[Any]  # its decoded stretches
    last: bool  # the last segment: the child makes its views' new generations whole
    head: int  # the events in the log
    child: Any = None
    reader: Connection | None = None

    @property
    def cost(self) -> float:
        """What the job costs, in µs per event of the log: its views' folding of its
        segment, and in the last segment their finishing."""
        share = sum(len(stretch[0]) for stretch in self.part) / max(1, self.head)
        return sum(view.rebuild_cost * share + (view.finish_cost if self.last else 0)
                   for view in self.views)


class _Shares:
    """Each share folds the segments one after another, each in a child forked for it; at
    most as many children run at once as there are shares.

    The shares do not wait for each other: a share whose child has ended forks the next as
    soon as its segment is decoded, and the parent decodes ahead while the slowest share
    still needs at most :data:`AHEAD` segments, so that a share that costs less in one
    segment does not leave its core idle. The last segment, which also makes each view's
    held rows and indexes, is folded a costly view to a child (:func:`_apart`), and a child
    that ends makes room for whichever is waiting, of any share, the costliest first: a core
    freed early takes the views of a share that is still behind."""

    def __init__(self, context: Any, settings: Settings, groups: list[list[type[View]]],
                 paths: dict[str, str], head: int) -> None:
        self.context, self.settings, self.groups = context, settings, groups
        self.paths, self.head = paths, head
        self.whole: set[str] = set()  # the views made whole (their last segment folded)

    def fold(self, segments: _Segments) -> int:
        """Fold every segment into every share; the events applied, summed."""
        decoded: dict[int, list[Any]] = {}  # segments some share has yet to take
        following = [0] * len(self.groups)  # the segment each share takes next
        waiting: list[_Job] = []
        running: dict[Connection, _Job] = {}
        last: int | None = None
        applied = 0
        try:
            while last is None or min(following) <= last or waiting or running:
                busy = {job.share for job in (*waiting, *running.values())}
                for index, group in enumerate(self.groups):
                    if index not in busy and following[index] in decoded:
                        at = following[index]
                        waiting += [_Job(index, views, at, decoded[at], at == last,
                                         self.head)
                                    for views in (_apart(group) if at == last else [group])]
                        following[index] += 1
                waiting.sort(key=lambda job: (job.at, -job.cost))
                while waiting and len(running) < len(self.groups):
                    job = waiting.pop(0)
                    job.child, job.reader = _fork(self.context, self.settings, job.views,
                                                  self.paths, job.part, self.head, job.last)
                    running[job.reader] = job
                for taken in [at for at in decoded if at < min(following)]:
                    del decoded[taken]  # every share has it
                decoding = not segments.ended and len(decoded) < AHEAD
                if decoding:
                    segment = segments.step()
                    if segment is not None:
                        decoded[segments.made - 1] = segment
                        if segments.ended:
                            last = segments.made - 1
                if not running and not decoding:
                    raise RuntimeError("folding stalled: no share running, none to decode")
                for ready in wait(list(running), 0 if decoding else None):
                    applied += self._ended(running.pop(ready))  # type: ignore[arg-type]
            return applied
        finally:
            for job in running.values():
                if job.child.is_alive():  # a share failed: the others stop too
                    job.child.terminate()
                job.child.join()

    def _ended(self, job: _Job) -> int:
        """The events a job's ended child applied; raises what it failed with."""
        assert job.reader is not None
        try:
            kind, value = job.reader.recv()
        except EOFError:
            kind, value = "failed", None
        job.child.join()
        if kind == "done":
            if job.last:
                self.whole.update(view.name for view in job.views)
            return int(value)
        why = value or f"ended with exit code {job.child.exitcode}"
        raise RuntimeError(f"rebuilding {', '.join(view.name for view in job.views)}"
                           f" failed: {why}")


def _apart(group: list[type[View]]) -> list[list[type[View]]]:
    """A share's views for the last segment: each costly view a job of its own, the others
    together (a child costs a fork, a register and a read of its views' states)."""
    alone = [[view] for view in group if view.rebuild_cost >= ALONE_AT_THE_END]
    rest = [view for view in group if view.rebuild_cost < ALONE_AT_THE_END]
    return alone + ([rest] if rest else [])


def _fork(context: Any, settings: Settings, group: list[type[View]], paths: dict[str, str],
          part: list[Any], head: int, last: bool) -> tuple[Any, Connection]:
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_fold_share, daemon=True, name="fold",
                            args=(settings, [view.name for view in group], paths, part, head,
                                  last, writer))
    child.start()
    writer.close()
    return child, reader


def _fold_share(settings: Settings, names: list[str], paths: dict[str, str],
                part: list[Any], head: int, last: bool, parent: Connection) -> None:
    """In a forked child: fold the decoded stretch into this share's views (a register
    of its own, none of the parent's connections touched); the last segment's children make
    their views' new generations whole."""
    from pathlib import Path

    from aixin.bootstrap import build_register, build_view_store
    from projections.bulk import BulkRebuild, OwnFold, fold_stretch
    from projections.catalog import BY_NAME

    after_fork()  # the collector stays paused, as the parent forked it: this child folds and ends
    gc.freeze()  # the parent's objects, the decoded events among them: left as they are
    try:
        with contextlib.suppress(OSError):  # where a policy refuses it, at the same weight
            os.nice(CHILDREN_NICER)
        register = build_register(settings)
        store = build_view_store(settings)
        views = [BY_NAME[name] for name in names]
        register_texts = getattr(register, "personal_data", None)
        if register_texts is not None:
            register_texts.hold_keys()
        bulk = BulkRebuild(register, store, views)
        folds = [bulk.open_fold(view, Path(paths[view.name])) for view in views]
        applied = 0
        for stretch in part:
            applied += fold_stretch(folds, register, stretch,
                                    more_to_come=stretch[0][-1].id < head)
        if last:
            for fold in folds:
                bulk.install(fold)
        else:  # the next stretch's process takes the folds up where this one leaves them
            for fold in folds:
                if isinstance(fold, OwnFold):
                    fold.keep()
        for fold in folds:
            fold.close()
        store.close()
        register.close()
    except BaseException as error:
        parent.send(("failed", f"{type(error).__name__}: {error}"))
        raise
    parent.send(("done", applied))
    parent.close()
