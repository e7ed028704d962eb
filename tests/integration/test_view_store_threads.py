"""Threads sharing one process's view store and its few PostgreSQL connections."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from aixin.bootstrap import build_view_store
from projections.registers.access import AccessRegister
from projections.registers.concerns import ConcernsRegister
from storage.views import ViewStore


def test_a_recorder_open_already_is_had_while_another_thread_waits_to_make_one(
        make_settings: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    store = build_view_store(make_settings("postgres", postgres_pool_size=1))
    store.recorder(AccessRegister)  # the pointers' store made; two connections, one first
    waiting = threading.Event()
    making = ViewStore._construct

    def construct(self: ViewStore, view: Any, generation: int) -> Any:
        if view is ConcernsRegister:
            waiting.set()  # about to wait for the first connection, which the other holds
        return making(self, view, generation)

    monkeypatch.setattr(ViewStore, "_construct", construct)
    made: list[Any] = []
    got: list[Any] = []
    try:
        with store.exclusively():  # as the follower's pass: its first connection held
            second = threading.Thread(
                target=lambda: made.append(store.recorder(ConcernsRegister, 1)), daemon=True)
            second.start()
            assert waiting.wait(10)
            holding = threading.Thread(  # a recorder open already, as the pass asks for it
                target=lambda: got.append(store.recorder(AccessRegister, 1)), daemon=True)
            holding.start()
            holding.join(10)
            assert got, "the pass waited on the thread that waits for its connection"
        second.join(10)
        assert made
    finally:
        store.close()
