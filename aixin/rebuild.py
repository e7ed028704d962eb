"""Rebuilding views in several processes: the views shared out, each share rebuilt apart.

One process rebuilding every view reads and decodes the log once, but applies it to the
views one after another on one core (Python's threads share one: the views' own work holds
it). With cores to spare, the views are shared out among processes by what each costs to
rebuild (``View.rebuild_cost``); each process reads the log for its share and rebuilds it
exactly as one process would (``ViewRunner.rebuild_together``: a new generation, put in
service when caught up, the one in service answering meanwhile). A process that fails
before its views are caught up leaves them as they were in service; the others finish
theirs.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait

from aixin.settings import Settings
from projections.projection import View

Progress = Callable[[int, int | None], None]


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
                         progress: Progress | None = None) -> int:
    """Rebuild ``views`` from zero, shared among ``processes`` processes; returns the events
    applied, summed over the views. ``progress`` hears how much of the log the slowest
    share has read. Raises if any share failed (the others are rebuilt all the same)."""
    groups = shares(views, processes)
    if len(groups) == 1:
        return _rebuild(settings, groups[0], progress)
    context = multiprocessing.get_context("spawn")  # nothing of this process's connections
    readers: list[Connection] = []
    writers: list[Connection] = []
    workers = []
    for index, group in enumerate(groups):
        reader, writer = context.Pipe(duplex=False)  # one each: a killed one blocks no other
        workers.append(context.Process(
            target=_rebuild_share, daemon=True, name=f"rebuild-{index}",
            args=(settings, [view.name for view in group], writer)))
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


def _rebuild(settings: Settings, views: Sequence[type[View]], progress: Progress | None) -> int:
    from aixin.bootstrap import build_register, build_runner

    register = build_register(settings)
    runner = build_runner(settings, register)
    try:
        return runner.rebuild_together(views, progress=progress)
    finally:
        runner.store.close()
        register.close()


def _rebuild_share(settings: Settings, names: list[str], parent: Connection) -> None:
    """One process's share (run in the child process), told to the parent as it goes."""
    from projections.catalog import BY_NAME

    try:
        applied = _rebuild(settings, [BY_NAME[name] for name in names],
                           lambda done, total: parent.send(("read", done, total)))
    except BaseException as error:  # told to the parent, which raises it
        parent.send(("failed", f"{type(error).__name__}: {error}"))
        raise
    parent.send(("done", applied))
    parent.close()
