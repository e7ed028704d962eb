"""The cycle collector is paused while batches of the log are applied, and only then."""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from storage import collecting
from storage.collecting import after_fork, collector_paused


@pytest.fixture(autouse=True)
def collector_enabled() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_paused_inside_and_resumed_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_is_resumed_when_the_batch_fails() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the batch failed")
    assert gc.isenabled()


def test_the_collector_stays_paused_until_the_last_of_overlapping_batches_ends() -> None:
    first_in, first_may_end = threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collector_paused():
            first_in.set()
            first_may_end.wait(5)
            seen.append(gc.isenabled())

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the first batch is still in flight
    first_may_end.set()
    thread.join(5)
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_is_left_paused() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_a_child_forked_while_a_thread_held_the_pause_pauses_its_own_batches() -> None:
    held, may_release = threading.Event(), threading.Event()

    def holding() -> None:
        with collecting._lock:  # as a thread starting or ending a batch holds it
            held.set()
            may_release.wait(10)

    thread = threading.Thread(target=holding)
    thread.start()
    held.wait(5)
    pid = os.fork()
    if pid == 0:  # the lock is held for ever here: no thread of this process will release it
        after_fork()
        with collector_paused():
            os._exit(0 if not gc.isenabled() else 1)
    may_release.set()
    thread.join(5)
    deadline = time.monotonic() + 10
    while (ended := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    if ended[0] == 0:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert ended[0] == pid and os.waitstatus_to_exitcode(ended[1]) == 0
