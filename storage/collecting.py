"""Pausing Python's cycle collector while a batch of the log is applied.

A batch holds thousands of decoded events at once. Each allocation past the collector's
threshold makes it walk the young objects, and as the batch's objects survive into the oldest
generation it walks *every* object of the process again and again: measured on a rebuild, a
quarter of the CPU went to collections that found almost nothing (the events are freed by
reference counting when the batch ends). The collector is therefore paused for the batch and
resumed after it, where any cycles the batch left are found by the next collection as usual.

The collector is one per process and batches may run in several threads at once: it is paused
while at least one batch is in flight and resumed when the last one ends, and left as found if
something else had paused it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_in_flight = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause automatic cycle collection for the block (reentrant, shared by threads)."""
    global _in_flight, _resume
    with _lock:
        if _in_flight == 0:
            _resume = gc.isenabled()
            gc.disable()
        _in_flight += 1
    try:
        yield
    finally:
        with _lock:
            _in_flight -= 1
            if _in_flight == 0 and _resume:
                gc.enable()


def after_fork() -> None:
    """In a process just forked from one with a batch in flight: the state of this module as
    if none were, the collector left as the fork found it (paused, if the parent had paused
    it: a child that folds and ends never resumes it)."""
    global _lock, _in_flight, _resume
    _lock, _in_flight, _resume = threading.Lock(), 0, False
