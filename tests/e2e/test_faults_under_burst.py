"""Faults in the middle of a burst of keyed writes on the production stack: a killed API
process, a killed projector, the database dropping every connection. Every write a client
was told of is on the register exactly once, and every write is told of in the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.burst import Stack, burst, production_stack

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(600)]


@pytest.fixture
def stack(tmp_path: Path, postgres_schema: str) -> Iterator[Stack]:
    with production_stack(tmp_path, postgres_schema) as running:
        yield running


def kill_and_restart(name: str):  # type: ignore[no-untyped-def]
    def fault(stack: Stack) -> None:
        stack.kill(name)
        stack.start(name)
    return fault


def test_an_api_process_killed_mid_burst_loses_and_doubles_nothing(stack: Stack) -> None:
    counts = burst(stack, fault=kill_and_restart("api0"))
    assert (counts.acknowledged, counts.present, counts.duplicated, counts.lost) \
        == (200, 200, 0, 0), counts


def test_the_projector_killed_mid_burst_loses_and_doubles_nothing(stack: Stack) -> None:
    counts = burst(stack, fault=kill_and_restart("projector"))
    assert (counts.acknowledged, counts.present, counts.duplicated, counts.lost) \
        == (200, 200, 0, 0), counts


def test_every_connection_dropped_mid_burst_loses_and_doubles_nothing(stack: Stack) -> None:
    dropped: list[int] = []
    counts = burst(stack, fault=lambda running: dropped.append(running.terminate_connections()))
    assert dropped and dropped[0] > 0  # the stack's own connections were there to drop
    assert (counts.acknowledged, counts.present, counts.duplicated, counts.lost) \
        == (200, 200, 0, 0), counts
