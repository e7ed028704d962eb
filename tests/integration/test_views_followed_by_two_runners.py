"""A view followed by two runners in turn (the projector, and a report worker catching the
report's facts up before it counts) holds what one runner following it alone holds: what a
runner keeps in memory between batches (where a child is now, a pairing's children) is not
trusted once another runner has applied events it did not see."""

from __future__ import annotations

import sqlite3
from datetime import date
from uuid import UUID

import pytest
from eventsourcing import persistence

from domain.application import CareRegister
from projections.catalog import ALL_VIEWS
from projections.duties import DutyView
from projections.reports import ReportFacts
from projections.runner import ViewRunner
from storage.recorders import SQLiteViewRecorder
from storage.views import ViewStore
from tests.builders import MOTHER, STAFF, approved_volunteer, child_record
from tests.integration.log_support import all_rows


def test_a_child_moved_while_another_runner_followed_is_placed_where_it_went(
        register: CareRegister, runner: ViewRunner, view_store: ViewStore) -> None:
    worker = ViewRunner(register, view_store, ALL_VIEWS, batch_size=3)
    volunteer = approved_volunteer(register)
    child = register.register_child(actor=STAFF, **child_record(
        region_code="420821101", registered_on=date(2026, 1, 10)))
    worker.catch_up(ReportFacts)  # the worker has seen the child where it was registered
    register.transfer_child(child, region_code="420822100", reason="随祖父母迁往沙洋县",
                            actor=STAFF, on=date(2026, 3, 1))
    runner.catch_up(ReportFacts)  # the projector applies the move
    pairing = register.form_pairing(child_ids=[child], volunteer_ids=[volunteer],
                                    principle="nearby", starts_on=date(2026, 3, 10),
                                    actor=STAFF)
    register.record_contact(pairing, kind="home_visit", notes="看望", actor=MOTHER,
                            occurred_on=date(2026, 4, 2))
    worker.catch_up(ReportFacts)  # the worker applies the pairing and its contact
    followed = all_rows(runner, [ReportFacts])

    runner.rebuild(ReportFacts)

    assert all_rows(runner, [ReportFacts]) == followed
    with view_store.recorder(ReportFacts).read() as tx:
        places = {row["township"] for row in tx.execute(
            "SELECT township FROM rf_facts WHERE subject_id = ?", (str(pairing),)).all()}
    assert places == {"420822100"}


def test_a_runner_whose_first_batch_was_cut_off_trusts_nothing_it_read_in_it(
        register: CareRegister, runner: ViewRunner, view_store: ViewStore,
        monkeypatch: pytest.MonkeyPatch) -> None:
    worker = ViewRunner(register, view_store, [DutyView], batch_size=100)
    runner.catch_up(DutyView)  # the view is made
    volunteer = approved_volunteer(register)
    child = register.register_child(actor=STAFF, **child_record(region_code="420821101"))
    pairing = register.form_pairing(child_ids=[child], volunteer_ids=[volunteer],
                                    principle="nearby", starts_on=date(2026, 5, 1),
                                    actor=STAFF, duty_sets=["five_ones"])
    phone(register, pairing, date(2026, 5, 10))
    commit = SQLiteViewRecorder._insert_tracking

    def cut_off(*args: object) -> None:
        monkeypatch.setattr(SQLiteViewRecorder, "_insert_tracking", commit)
        raise sqlite3.OperationalError("disk I/O error")  # as a lost store reports itself

    monkeypatch.setattr(SQLiteViewRecorder, "_insert_tracking", cut_off)
    with pytest.raises(persistence.OperationalError):
        worker.catch_up(DutyView)  # its first batch read the pairing's contact, then failed
    phone(register, pairing, date(2026, 5, 30))
    runner.catch_up(DutyView)  # the projector applies the whole log meanwhile
    phone(register, pairing, date(2026, 5, 20))
    worker.catch_up(DutyView)
    followed = all_rows(runner, [DutyView])

    runner.rebuild(DutyView)

    assert all_rows(runner, [DutyView]) == followed


def phone(register: CareRegister, pairing_id: UUID, on: date) -> None:
    register.record_contact(pairing_id, kind="phone", notes="电话", actor=MOTHER,
                            occurred_on=on)
