"""The cycle collector is paused while batches of the log are applied, and only then."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from storage.collecting import collector_paused


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
