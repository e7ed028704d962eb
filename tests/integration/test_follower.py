"""Following the log in process: read your writes, and the wait is bounded."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from domain.application import CareRegister
from projections.follower import Follower
from projections.registers.children import ChildFilter, ChildrenRegister, list_children
from projections.runner import ViewRunner
from tests.builders import STAFF, TODAY, child_record
from tests.waiting import wait_until


@pytest.fixture
def follower(runner: ViewRunner) -> Iterator[Follower]:
    following = Follower(runner, poll_interval=0.05).start()
    yield following
    following.stop()


def test_a_client_that_waits_reads_its_own_write(
        register: CareRegister, runner: ViewRunner, follower: Follower) -> None:
    register.register_child(actor=STAFF, **child_record(name="新登记"))
    position = register.recorder.max_notification_id() or 0
    assert runner.wait_for(position, timeout=5)
    with runner.store.recorder(ChildrenRegister).read() as tx:
        assert [r["name"] for r in list_children(tx, ChildFilter(), TODAY,
                                                        texts=runner.texts)] == ["新登记"]


def test_waiting_for_a_projection_that_does_not_follow_gives_up_in_time(
        register: CareRegister, runner: ViewRunner) -> None:
    register.register_child(actor=STAFF, **child_record())
    started = time.monotonic()
    assert not runner.wait_for(register.recorder.max_notification_id() or 0, timeout=0.3)
    assert time.monotonic() - started < 2


def test_the_follower_keeps_up_with_writes_as_they_come(
        register: CareRegister, runner: ViewRunner, follower: Follower) -> None:
    for index in range(20):
        register.register_child(actor=STAFF, **child_record(name=f"孩子{index}"))
    assert runner.wait_for(register.recorder.max_notification_id() or 0, timeout=5)
    assert set(runner.lag().values()) == {0}
    assert follower.errors == 0


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=False)
def test_on_postgres_a_notification_wakes_the_follower_before_the_next_poll(
        register: CareRegister, runner: ViewRunner) -> None:
    following = Follower(runner, poll_interval=30).start()
    try:
        time.sleep(0.5)  # the first catch-up has run; the next poll is 30 s away
        register.register_child(actor=STAFF, **child_record())
        assert runner.wait_for(register.recorder.max_notification_id() or 0, timeout=5)
    finally:
        following.stop()


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=False)
def test_on_postgres_writes_notified_within_the_gather_time_are_applied_in_one_pass(
        register: CareRegister, runner: ViewRunner) -> None:
    passes: list[float] = []
    following = Follower(runner, poll_interval=30, gather=2.0,
                         on_tick=lambda: passes.append(time.monotonic())).start()
    try:
        wait_until(lambda: len(passes) >= 1, 10, "the first pass", every=0.05)  # next poll: 30 s
        before = len(passes)
        for _ in range(10):
            register.register_child(actor=STAFF, **child_record())
        head = register.recorder.max_notification_id() or 0
        wait_until(lambda: min(runner.position(view) for view in runner.views) >= head, 10,
                   "the notified follower catching up", every=0.05)
        wait_until(lambda: len(passes) > before, 10, "the end of the pass that caught up",
                   every=0.05)
        assert len(passes) - before == 1, [round(t - passes[0], 3) for t in passes]
    finally:
        following.stop()


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres"], indirect=False)
def test_when_notifications_stop_the_follower_still_polls(
        register: CareRegister, runner: ViewRunner) -> None:
    import psycopg

    from tests.conftest import postgres_params

    following = Follower(runner, poll_interval=0.2).start()
    try:
        time.sleep(0.5)
        channel = register.recorder.channel_name  # type: ignore[attr-defined]
        with psycopg.connect(**postgres_params(), autocommit=True) as conn:
            killed = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE query = %s", (f'LISTEN "{channel}"',)).fetchall()
        assert killed, "the follower was listening"
        register.register_child(actor=STAFF, **child_record())
        assert runner.wait_for(register.recorder.max_notification_id() or 0, timeout=5)
    finally:
        following.stop()
