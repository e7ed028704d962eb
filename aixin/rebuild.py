"""Rebuilding views in several processes: the views shared out, each share rebuilt apart.

One process rebuilding every view reads and decodes the log once, but applies it to the
views one after another on one core (Python's threads share one: the views' own work holds
it). With cores to spare, the views are shared out among processes by what each costs to
rebuild (``View.rebuild_cost``); each process reads the log for its share and rebuilds it
exactly as one process would (``ViewRunner.rebuild_together``: a new generation, put in
service when caught up, the one in service answering meanwhile). A process that fails
leaves the views it was rebuilding as they were in service; the others finish theirs.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable, Sequence
from typing import Any

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
    messages: Any = context.Queue()
    workers = [context.Process(target=_rebuild_share, daemon=True,
                               args=(settings, [view.name for view in group], index, messages),
                               name=f"rebuild-{index}")
               for index, group in enumerate(groups)]
    for worker in workers:
        worker.start()
    read: dict[int, int] = dict.fromkeys(range(len(groups)), 0)
    totals: dict[int, int | None] = dict.fromkeys(range(len(groups)))
    applied: dict[int, int] = {}
    failures: dict[int, str] = {}
    gone: set[int] = set()  # ended without a word, as of the last wait for one
    while len(applied) + len(failures) < len(groups):
        try:
            kind, index, *rest = messages.get(timeout=1)
        except queue.Empty:
            # A process that ended found silent twice, a second apart (its last words may
            # still be on their way when it is first seen ended), died without telling.
            for index in gone - set(applied) - set(failures):
                failures[index] = f"ended with exit code {workers[index].exitcode}"
            gone = {index for index, worker in enumerate(workers) if not worker.is_alive()}
            continue
        if kind == "read":
            read[index], totals[index] = rest
            if progress is not None:
                known = [total for total in totals.values() if total is not None]
                progress(min(read.values()), max(known) if known else None)
        elif kind == "done":
            applied[index] = rest[0]
        else:
            failures[index] = rest[0]
    for worker in workers:
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


def _rebuild_share(settings: Settings, names: list[str], index: int, messages: Any) -> None:
    """One process's share (run in the child process)."""
    from projections.catalog import BY_NAME

    try:
        applied = _rebuild(settings, [BY_NAME[name] for name in names],
                           lambda done, total: messages.put(("read", index, done, total)))
    except BaseException as error:  # told to the parent, which raises it
        messages.put(("failed", index, f"{type(error).__name__}: {error}"))
        raise
    messages.put(("done", index, applied))
