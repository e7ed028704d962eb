"""Tamper evidence: rows edited, deleted or inserted behind the application's back, directly
in the database, are each found and named (position, record, version, what happened)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from aixin.bootstrap import build_register
from aixin.settings import Settings
from domain.application import CareRegister
from projections.anchors import Anchors
from projections.audit import LogAudit, Verification, parse_anchor
from projections.integrity import HashChain, stored_digest
from projections.runner import ViewRunner
from storage.stored_log import StoredLog
from tests.builders import STAFF, TODAY, child_record
from tests.integration.log_support import EventTable, record_some_care

ON_POSTGRES = pytest.mark.parametrize(
    "store", [pytest.param("postgres", marks=pytest.mark.postgres)])


@pytest.fixture
def settings(store: str, make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(store)


@pytest.fixture
def register(settings: Settings) -> Iterator[CareRegister]:
    app = build_register(settings, clock=lambda: TODAY)
    yield app
    app.close()


@pytest.fixture
def table(settings: Settings, register: CareRegister) -> EventTable:
    return EventTable(settings, register)


@pytest.fixture
def witnessed(register: CareRegister, runner: ViewRunner) -> int:
    """Some care recorded, and the chain caught up with it: the number of events."""
    record_some_care(register)
    runner.catch_up(HashChain)
    return register.recorder.max_notification_id() or 0


def verify(runner: ViewRunner, **options: object) -> Verification:
    return LogAudit.of(runner).verify(**options)  # type: ignore[arg-type]


def found(result: Verification) -> list[tuple[int, str, int, str]]:
    return [(f.position, f.originator_id, f.version, f.kind) for f in result.findings]


def test_a_log_left_alone_is_intact(runner: ViewRunner, witnessed: int) -> None:
    result = verify(runner)
    assert (result.intact, result.findings, result.checked, result.unchained) == (
        True, [], witnessed, 0)


def test_an_event_whose_stored_bytes_were_edited_is_found_changed(
        runner: ViewRunner, table: EventTable, witnessed: int) -> None:
    originator_id, version, _, _ = table.row(7)
    table.flip_a_byte(7)
    assert found(verify(runner)) == [(7, originator_id, version, "changed")]


def test_an_event_moved_to_another_version_is_found_changed_and_the_field_named(
        runner: ViewRunner, table: EventTable, witnessed: int) -> None:
    originator_id, version, _, _ = table.row(6)
    table.execute("UPDATE {table} SET originator_version = 99 WHERE {position} = 6")
    [finding] = verify(runner).findings
    assert (finding.position, finding.originator_id, finding.version, finding.kind) == (
        6, originator_id, 99, "changed")
    assert f"originator_version {version} → 99" in finding.detail


def test_a_deleted_event_is_found_removed(
        runner: ViewRunner, table: EventTable, witnessed: int) -> None:
    originator_id, version, _, _ = table.row(3)
    table.delete(3)
    assert found(verify(runner)) == [(3, originator_id, version, "removed")]


def test_an_event_whose_state_was_blanked_out_is_found_changed_and_the_rest_still_read(
        runner: ViewRunner, table: EventTable, witnessed: int) -> None:
    blanked, deleted = table.row(2), table.row(8)
    table.execute("UPDATE {table} SET state = NULL WHERE {position} = 2")
    table.delete(8)
    assert found(verify(runner)) == [(2, blanked[0], blanked[1], "changed"),
                                     (8, deleted[0], deleted[1], "removed")]


@ON_POSTGRES
def test_a_row_forged_into_a_gap_of_the_log_is_found_inserted(
        register: CareRegister, runner: ViewRunner, table: EventTable, witnessed: int) -> None:
    table.burn_a_position()  # a write that failed: its position stays empty for good
    register.register_child(actor=STAFF, **child_record(name="后来登记"))
    runner.catch_up(HashChain)
    gap = witnessed + 1
    originator_id, _, topic, state = table.row(2)
    table.insert(gap, originator_id, 99, topic, state)
    assert found(verify(runner)) == [(gap, originator_id, 99, "inserted")]


@ON_POSTGRES
def test_an_edit_a_deletion_and_an_insertion_made_in_postgresql_are_each_found_and_named(
        register: CareRegister, runner: ViewRunner, table: EventTable, witnessed: int) -> None:
    table.burn_a_position()
    register.register_child(actor=STAFF, **child_record(name="后来登记"))
    runner.catch_up(HashChain)
    edited, deleted, gap = table.row(4), table.row(9), witnessed + 1
    table.flip_a_byte(4)
    table.delete(9)
    table.insert(gap, edited[0], 50, edited[2], edited[3])
    assert found(verify(runner)) == [(4, edited[0], edited[1], "changed"),
                                     (9, deleted[0], deleted[1], "removed"),
                                     (gap, edited[0], 50, "inserted")]


@ON_POSTGRES
def test_a_row_appended_after_the_head_is_taken_in_as_genuine_once_the_chain_reaches_it(
        runner: ViewRunner, table: EventTable, witnessed: int) -> None:
    """The chain's window: it cannot tell a row appended behind the application's back
    from a genuine write until it has witnessed it, and then it witnesses it as genuine.
    Database permissions (and AES-GCM, with a cipher key) guard that end of the log."""
    originator_id, _, topic, state = table.row(2)  # a genuine payload, replayed
    appended = table.insert(None, originator_id, 99, topic, state)
    before = verify(runner)
    runner.catch_up(HashChain)
    after = verify(runner)
    assert (before.intact, before.unchained, appended) == (True, 1, witnessed + 1)
    assert (after.intact, after.unchained, after.checked) == (True, 0, witnessed + 1)


def test_a_chain_entry_rewritten_to_match_an_edited_event_breaks_the_chain_there(
        register: CareRegister, runner: ViewRunner, table: EventTable, witnessed: int) -> None:
    originator_id, version, _, _ = table.row(5)
    table.flip_a_byte(5)
    [edited] = StoredLog(register).rows(4, 5, 1)
    digest = stored_digest(edited)
    with runner.store.recorder(HashChain).write() as tx:
        tx.execute("UPDATE ic_chain SET digest = ? WHERE position = 5", (digest.hex(),))
    [finding] = verify(runner).findings
    assert (finding.position, finding.originator_id, finding.version, finding.kind) == (
        5, originator_id, version, "changed")
    assert "chain breaks here" in finding.detail


def test_a_chain_rebuilt_over_an_altered_log_no_longer_leads_to_its_anchors(
        register: CareRegister, runner: ViewRunner, table: EventTable,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(HashChain, "anchor_every", 4)
    record_some_care(register)
    runner.catch_up(HashChain)
    table.execute("UPDATE {table} SET originator_version = 99 WHERE {position} = 6")
    runner.rebuild(HashChain)  # the chain now witnesses the altered log as it is
    result = verify(runner)
    assert (result.intact, result.findings) == (False, [])
    assert [(c.anchor.position, c.intact) for c in result.anchors][:2] == [(4, True), (8, False)]


def test_an_anchor_kept_outside_the_system_finds_a_log_rewritten_with_its_chain_and_anchors(
        register: CareRegister, runner: ViewRunner, table: EventTable, witnessed: int) -> None:
    written = LogAudit.of(runner).anchor()
    assert written is not None
    kept = parse_anchor(f"{written.position}:{written.hash}")  # printed, kept on paper
    table.execute("UPDATE {table} SET originator_version = 99 WHERE {position} = 6")
    runner.rebuild(HashChain)
    table.execute(f"DELETE FROM {Anchors(register).table}")
    result = verify(runner, given=[kept])
    assert (result.intact, result.findings) == (False, [])
    assert [(c.anchor.reason, c.intact) for c in result.anchors] == [("given", False)]


def test_anchors_are_written_every_so_many_entries_and_hold_while_the_log_is_intact(
        register: CareRegister, runner: ViewRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(HashChain, "anchor_every", 5)
    record_some_care(register, children=5)
    runner.catch_up(HashChain)
    result = verify(runner)
    entries = register.recorder.max_notification_id() or 0
    assert [c.anchor.position for c in result.anchors] == list(range(5, entries + 1, 5))
    assert all(c.intact for c in result.anchors)
