"""Group commit on PostgreSQL: saves that arrive together are committed in one transaction,
each answered only once committed; a clash sends back only the clashing save, a keyed
command sent twice in one group is recorded once, and a group whose transaction fails
records none of its saves.

Which saves went in one transaction is read from PostgreSQL itself: the ``xmin`` of each
row of the events table is the transaction that inserted it. A group is made certain, not
hoped for: another session holds the events table's lock while the writer is stuck behind
it on a save of its own, so every save made meanwhile waits for the next group.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from typing import Any
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import PersistenceError, StoredEvent

from aixin.bootstrap import build_register
from domain.application import CareRegister
from domain.application.commands import keyed_command
from domain.errors import StaleVersion
from storage.group_commit import GroupCommitRecorder, GroupWriter
from tests.builders import MOTHER, REVIEWERS, STAFF, TODAY, child_record, volunteer_form
from tests.conftest import postgres_params
from tests.waiting import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]

WITHIN = 30.0  # seconds anything waited for here may take


@pytest.fixture
def register(make_settings: Callable[..., Any]) -> Iterator[CareRegister]:
    app = build_register(make_settings("postgres", postgres_pool_size=20, group_commit_max=64),
                         clock=lambda: TODAY)
    yield app
    app.close()


def writer_of(register: CareRegister) -> GroupWriter:
    recorder = register.recorder
    assert isinstance(recorder, GroupCommitRecorder) and recorder.writer is not None
    return recorder.writer


def table_of(register: CareRegister) -> str:
    recorder = register.recorder
    assert isinstance(recorder, GroupCommitRecorder)
    return f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'


def rows_of(register: CareRegister, ids: list[UUID]) -> list[tuple[UUID, int, int]]:
    """(originator id, version, inserting transaction) of every row of these records."""
    with psycopg.connect(**postgres_params()) as conn:
        return [(row[0], row[1], int(row[2])) for row in conn.execute(
            f"SELECT originator_id, originator_version, xmin::text FROM {table_of(register)}"
            " WHERE originator_id = ANY(%s)", (ids,)).fetchall()]


def raw_event(originator_id: UUID | None = None) -> StoredEvent:
    return StoredEvent(originator_id=originator_id or uuid.uuid4(), originator_version=1,
                       topic="tests.integration.test_group_commit:Raw", state=b"{}")


def backends_waiting_for_the_lock(register: CareRegister) -> list[int]:
    with psycopg.connect(**postgres_params()) as conn:
        return [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND query LIKE %s", (f"LOCK TABLE {table_of(register)}%",)).fetchall()]


@contextmanager
def writer_held(register: CareRegister) -> Iterator[list[int]]:
    """The events table locked by another session, and the process's writer stuck behind it
    on a save of its own; yields the writer's backend (a list of one pid). Saves made inside
    wait for the writer's next group, which it takes once the lock is let go at the end."""
    writer = writer_of(register)
    with psycopg.connect(**postgres_params()) as conn:
        conn.execute(f"LOCK TABLE {table_of(register)} IN EXCLUSIVE MODE")
        plug = writer.submit([raw_event()])
        wait_until(lambda: bool(backends_waiting_for_the_lock(register)) and not writer.waiting,
                   WITHIN, "the writer to wait for the lock", every=0.01)
        yield backends_waiting_for_the_lock(register)
        conn.commit()
    with suppress(PersistenceError):  # the plug's own transaction, if ended by the test
        plug.result(WITHIN)


def run_together(register: CareRegister, tasks: list[Callable[[], Any]]) -> list[Any]:
    """Run each task in a thread of its own while the writer is held, until every one is
    waiting for it; then let it go. Each task's result, or the exception it raised."""
    writer = writer_of(register)
    results: list[Any] = [None] * len(tasks)

    def run(index: int) -> None:
        try:
            results[index] = tasks[index]()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tasks))]
    with writer_held(register):
        for thread in threads:
            thread.start()
        wait_until(lambda: writer.waiting == len(tasks), WITHIN,
                   f"{len(tasks)} saves to wait for the writer", every=0.01)
    for thread in threads:
        thread.join(WITHIN)
    return results


def registration(register: CareRegister, name: str) -> Callable[[], UUID]:
    return lambda: register.register_child(actor=STAFF, **child_record(name=name))


def a_pairing(register: CareRegister) -> UUID:
    volunteer = register.apply_to_volunteer(volunteer_form(), actor=STAFF,
                                            applied_on=date(2026, 1, 5))
    for level in ("unit", "county", "city", "province"):
        register.review_volunteer(volunteer, level=level, decision="approve", opinion="",
                                  on=date(2026, 2, 1), actor=REVIEWERS[level])
    child = register.register_child(actor=STAFF, **child_record())
    return register.form_pairing(child_ids=[child], volunteer_ids=[volunteer],
                                 principle="nearby", starts_on=date(2026, 3, 10), actor=STAFF)


def test_saves_waiting_together_are_committed_in_one_transaction(
        register: CareRegister) -> None:
    children = run_together(register, [registration(register, f"孩子{n}") for n in range(12)])
    assert all(isinstance(child, UUID) for child in children), children
    rows = rows_of(register, children)
    assert Counter(row[0] for row in rows) == Counter(children)  # each once
    assert len({row[2] for row in rows}) == 1  # twelve requests, one transaction


def test_many_threads_saving_at_once_record_every_event_once_in_fewer_transactions(
        register: CareRegister) -> None:
    writer = writer_of(register)
    before = (writer.transactions, writer.saves)
    events = [[raw_event() for _ in range(2)] for _ in range(400)]

    def save(index: int) -> None:
        for chunk in events[index::16]:
            register.recorder.insert_events(chunk)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WITHIN)
    ids = [event.originator_id for chunk in events for event in chunk]
    rows = rows_of(register, ids)
    assert sorted(row[0] for row in rows) == sorted(ids)
    transactions = len({row[2] for row in rows})
    assert writer.saves - before[1] == 400
    assert transactions == writer.transactions - before[0] < 400


def test_a_clash_in_a_group_sends_back_only_the_clashing_save(register: CareRegister) -> None:
    pairing = a_pairing(register)
    version = register.repository.get(pairing).version

    def contact_on(read_version: int) -> Callable[[], Any]:  # If-Match: the version read
        return lambda: register.record_contact(pairing, kind="phone", notes="通话",
                                               actor=MOTHER, occurred_on=date(2026, 4, 2),
                                               expected_version=read_version)

    results = run_together(register, [contact_on(version), contact_on(version),
                                      *(registration(register, f"孩子{n}") for n in range(5))])
    contacts, children = results[:2], results[2:]
    assert all(isinstance(child, UUID) for child in children), children
    refused = [c for c in contacts if isinstance(c, StaleVersion)]
    recorded = [c for c in contacts if not isinstance(c, Exception)]
    assert len(refused) == 1 and len(recorded) == 1, contacts
    assert [c.id for c in register.repository.get(pairing).contacts] == [recorded[0].id]
    rows = rows_of(register, [pairing, *children])
    group = {row[2] for row in rows if row[0] in children}
    assert len(group) == 1  # every registration committed in the group the clash was in
    assert [(row[1], row[2] in group) for row in rows if row[0] == pairing
            and row[1] > version] == [(version + 1, True)]  # the winner, in it too


def test_contacts_that_clash_in_a_group_are_both_recorded(register: CareRegister) -> None:
    pairing = a_pairing(register)
    version = register.repository.get(pairing).version

    def contact() -> str:  # a volunteer's contact: recorded on the latest version
        return register.record_contact(pairing, kind="phone", notes="通话", actor=MOTHER,
                                       occurred_on=date(2026, 4, 2)).id

    results = run_together(register, [contact, contact, registration(register, "孩子")])
    assert all(isinstance(c, str) for c in results[:2]), results
    assert sorted(c.id for c in register.repository.get(pairing).contacts) == \
        sorted(results[:2])
    rows = rows_of(register, [pairing])
    assert sorted(row[1] for row in rows if row[1] > version) == [version + 1, version + 2]
    assert len({row[2] for row in rows if row[1] > version}) == 2  # the loser tried again


def test_a_keyed_command_sent_twice_in_one_group_is_recorded_once(
        register: CareRegister) -> None:
    def sent() -> UUID:
        with keyed_command("clerk", "key-1", "digest"):
            return register.register_child(actor=STAFF, **child_record(name="李小明"))

    first, again, other = run_together(register, [sent, sent,
                                                  registration(register, "王小红")])
    assert isinstance(first, UUID) and again == first, (first, again)
    names = [register.get_child(child).name for child in (first, other)]
    assert names == ["李小明", "王小红"]
    rows = rows_of(register, [first, other])
    assert len({row[2] for row in rows}) == 1  # the first and the other in one group
    logged = register.recorder.select_notifications(start=None, limit=10_000)
    assert sum(1 for n in logged if n.topic.endswith("CommandRecord.Accepted")) == 1
    assert sum(1 for n in logged if n.originator_id == first and n.originator_version == 1) == 1


def test_a_group_whose_connection_is_lost_records_none_and_the_next_succeeds(
        register: CareRegister) -> None:
    writer = writer_of(register)
    writer.most, writer.window = 8, WITHIN  # a group of exactly the eight saves below
    events = [raw_event() for _ in range(8)]
    with psycopg.connect(**postgres_params()) as conn:
        conn.execute(f"LOCK TABLE {table_of(register)} IN EXCLUSIVE MODE")
        answers = [writer.submit([event]) for event in events]
        wait_until(lambda: bool(backends_waiting_for_the_lock(register)), WITHIN,
                   "the writer to wait for the lock", every=0.01)
        assert not writer.waiting  # all eight in the transaction waiting for the lock
        for pid in backends_waiting_for_the_lock(register):
            conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        conn.commit()
    for answer in answers:
        with pytest.raises(PersistenceError):
            answer.result(WITHIN)
    assert rows_of(register, [event.originator_id for event in events]) == []
    writer.most, writer.window = 64, 0.0
    again = [raw_event() for _ in range(3)]
    for event in again:
        register.recorder.insert_events([event])
    assert len(rows_of(register, [event.originator_id for event in again])) == 3


def test_closing_commits_the_saves_waiting_then_saves_alone(register: CareRegister) -> None:
    writer = writer_of(register)
    events = [raw_event() for _ in range(6)]
    with writer_held(register):
        answers = [writer.submit([event]) for event in events]
        closing = threading.Thread(target=writer.close)
        closing.start()
        wait_until(lambda: not writer.accepting, WITHIN, "the writer to close", every=0.01)
        assert writer.waiting == 6  # still waiting, not dropped
    closing.join(WITHIN)
    assert not closing.is_alive()
    assert all(len(answer.result(0)) == 1 for answer in answers)  # answered before closed
    assert len({row[2] for row in rows_of(register, [e.originator_id for e in events])}) == 1
    alone = raw_event()
    register.recorder.insert_events([alone])  # after closing: the library's own append
    assert len(rows_of(register, [alone.originator_id])) == 1
    assert writer.saves == 6 + 1  # the plug and the six; nothing through the writer since
