"""No gaps, no duplicates under concurrency: 16 writers, some commits slowed inside the
database, while the follower follows; every view applies exactly the events committed.

A ledger view records each event it applies, with its log position as primary key, so a
duplicate cannot be recorded and a skipped event shows as a missing row. Some writers
contend on the same pairings, so refused (rolled back) commits leave holes in the log's
sequence that the follower must pass without waiting for them or skipping anything else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest

from aixin.bootstrap import build_register, build_view_store
from domain.application import CareRegister
from domain.errors import StaleVersion
from projections.catalog import ALL_VIEWS
from projections.follower import Follower
from projections.projection import View
from projections.runner import ViewRunner
from storage.sql import Tx
from storage.views import ViewStore
from tests.builders import MOTHER, REVIEWERS, STAFF, TODAY, child_record, volunteer_form
from tests.conftest import postgres_params
from tests.integration.log_support import all_rows

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]

WRITERS = 16
SLOWED = 0.2  # the share of inserted events whose commit sleeps 20 ms inside the database


class Ledger(View):
    """Every event applied, once: a second application breaks the primary key."""

    name = "ledger"
    tables = ("ledger",)
    schema = ("CREATE TABLE IF NOT EXISTS ledger (position BIGINT PRIMARY KEY,"
              " originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL)",)

    def apply(self, event: Any, tx: Tx) -> None:
        tx.execute("INSERT INTO ledger (position, originator_id, originator_version)"
                   " VALUES (?, ?, ?)",
                   (tx.position, str(event.originator_id), event.originator_version))


def approved_volunteer(register: CareRegister, name: str) -> Any:
    volunteer = register.apply_to_volunteer(volunteer_form(name=name), actor=STAFF,
                                            applied_on=date(2026, 1, 5))
    for level in ("unit", "county", "city", "province"):
        register.review_volunteer(volunteer, level=level, decision="approve", opinion="同意",
                                  on=date(2026, 2, 1), actor=REVIEWERS[level])
    return volunteer


def contact(register: CareRegister, pairing: Any, day: int) -> int:
    """Record one contact, again after a concurrent writer's refusal; how many refusals."""
    for refused in range(50):
        try:
            register.record_contact(pairing, kind="phone", notes="", actor=MOTHER,
                                    occurred_on=date(2026, 4, 1) + timedelta(days=day % 60))
            return refused
        except StaleVersion:
            continue
    raise AssertionError("a contact was refused fifty times")


def write_a_village(register: CareRegister, writer: int, shared: list[Any],
                    halfway: Callable[[], object] = lambda: None) -> int:
    """Children, a volunteer, their pairings and contacts, some on pairings everyone shares;
    ``halfway`` is called half-way through the contacts."""
    children = [register.register_child(actor=STAFF, **child_record(name=f"孩子{writer}-{n}"))
                for n in range(3)]
    volunteer = approved_volunteer(register, f"志愿者{writer}")
    pairings = [register.form_pairing(child_ids=[child], volunteer_ids=[volunteer],
                                      principle="nearby", starts_on=date(2026, 4, 1),
                                      actor=STAFF) for child in children]
    refused = 0
    for day in range(36):
        if day == 18:
            halfway()
        if day % 4 == writer % 4:
            refused += contact(register, shared[day % len(shared)], day)
        else:
            refused += contact(register, pairings[day % len(pairings)], day)
    return refused


def slow_some_commits(register: CareRegister) -> None:
    """A deferred trigger: about one inserted event in five sleeps 20 ms at its commit."""
    recorder: Any = register.recorder
    schema, events = recorder.datastore.schema, recorder.events_table_name
    with psycopg.connect(**postgres_params(), autocommit=True) as conn:
        conn.execute(f"""
            CREATE FUNCTION "{schema}".slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF random() < {SLOWED} THEN PERFORM pg_sleep(0.02); END IF;
                RETURN NULL;
            END $$""")
        conn.execute(f"""
            CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON "{schema}"."{events}"
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
            EXECUTE FUNCTION "{schema}".slow_commit()""")


def committed_events(register: CareRegister) -> list[tuple[int, str, int]]:
    recorder: Any = register.recorder
    with psycopg.connect(**postgres_params()) as conn:
        return [tuple(row) for row in conn.execute(  # type: ignore[misc]
            f'SELECT notification_id, originator_id::text, originator_version'
            f' FROM "{recorder.datastore.schema}"."{recorder.events_table_name}"'
            " ORDER BY notification_id").fetchall()]




@pytest.fixture
def settings(make_settings: Callable[..., Any]) -> Any:
    return make_settings("postgres", postgres_pool_size=1)


@pytest.fixture
def follower_runner(settings: Any) -> Iterator[ViewRunner]:
    register = build_register(settings, clock=lambda: TODAY)
    views = build_view_store(settings)
    store = ViewStore("postgres", postgres=replace(views.postgres, pool_size=1))
    yield ViewRunner(register, store, [*ALL_VIEWS, Ledger], batch_size=20)
    store.close()
    register.close()


def test_sixteen_writers_and_slow_commits_leave_no_gap_and_no_duplicate(
        settings: Any, follower_runner: ViewRunner) -> None:
    runner = follower_runner
    register: Any = runner.app
    slow_some_commits(register)
    shared = [register.form_pairing(
        child_ids=[register.register_child(actor=STAFF, **child_record(name=f"共{n}"))],
        volunteer_ids=[approved_volunteer(register, f"共{n}")], principle="kin",
        starts_on=date(2026, 4, 1), actor=STAFF) for n in range(2)]
    writers = [build_register(settings, clock=lambda: TODAY) for _ in range(WRITERS)]
    refused: list[int] = []
    failures: list[BaseException] = []

    def follower_moved() -> None:
        assert progressed.wait(60), "the follower committed nothing while they wrote"

    def write(writer: int) -> None:
        try:
            # half-way, until the follower has committed a batch of theirs: it follows
            # while they write, whatever this machine's speed
            refused.append(write_a_village(writers[writer], writer, shared,
                                           halfway=follower_moved))
        except BaseException as error:
            failures.append(error)

    followed: list[int] = []  # the ledger's position after each pass while they write
    writing, progressed = threading.Event(), threading.Event()

    def tick() -> None:
        if writing.is_set():
            followed.append(runner.position(Ledger))
            if followed[-1] > before:
                progressed.set()

    before = register.recorder.max_notification_id()
    follower = Follower(runner, poll_interval=0.02, on_tick=tick).start()
    try:
        assert runner.wait_for(before, timeout=60)  # following, its tables made
        threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
        writing.set()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        writing.clear()
        assert not any(thread.is_alive() for thread in threads), "the writers finished"
        assert failures == []
        head = register.recorder.max_notification_id()
        assert runner.wait_for(head, timeout=60)
    finally:
        follower.stop()
        for writer in writers:
            writer.close()

    committed = committed_events(register)
    with runner.store.recorder(Ledger).read() as tx:
        ledger = [(row["position"], row["originator_id"], row["originator_version"])
                  for row in tx.execute("SELECT * FROM ledger ORDER BY position").all()]
    # each volunteer's registration also claims her name and phone (one event more)
    assert len(committed) == 2 * (1 + 5 + 1 + 1) + WRITERS * (3 + 5 + 1 + 3 + 36)
    assert ledger == committed
    assert set(runner.lag().values()) == {0}
    assert follower.errors == 0
    assert any(before < position < head for position in followed), (
        "the follower committed batches while the writers were writing")

    kept = all_rows(runner)
    for view in ALL_VIEWS:
        runner.rebuild(view)
    assert all_rows(runner) == kept
