"""Where the views stand, read and moved for all of them at once: a follower asks on every
pass which generation of each view is in service and how far each has applied the log, and
moves the views that keep nothing of a pass (most registers keep nothing of a contact) in one
transaction; the answers read together are those each view gives alone, and the views end
where they would one by one, on each store."""

from __future__ import annotations

from datetime import date

import pytest
from eventsourcing.persistence import Tracking

from domain.application import CareRegister
from projections.registers.children import ChildrenRegister
from projections.registers.pairings import PairingsRegister
from projections.reports import ReportFacts
from projections.runner import ViewRunner
from projections.timeline import ChildTimeline
from storage.views import ViewStore
from tests.builders import MOTHER, STAFF, approved_volunteer, child_record
from tests.integration.conftest import EACH_STORE
from tests.integration.log_support import all_rows, record_some_care

pytestmark = pytest.mark.parametrize("store", EACH_STORE, indirect=True)

VIEWS = (ChildrenRegister, PairingsRegister, ReportFacts, ChildTimeline)


def test_the_positions_read_together_are_each_views_own(
        register: CareRegister, runner: ViewRunner, view_store: ViewStore) -> None:
    record_some_care(register)
    runner.catch_up(ChildrenRegister, limit=2)
    runner.catch_up(PairingsRegister, limit=5)
    runner.catch_up(ReportFacts)
    recorders = view_store.recorders(VIEWS, {})

    positions = view_store.positions(recorders, register.name)

    assert positions == [recorder.max_tracking_id(register.name) or 0
                         for recorder in recorders]
    assert positions[3] == 0  # the timeline was never caught up
    assert len(set(positions)) == 4


def test_the_generations_read_together_are_those_in_service(
        register: CareRegister, view_store: ViewStore) -> None:
    view_store.recorder(PairingsRegister, 2)  # rebuilt into a new generation...
    view_store.promote(PairingsRegister.name, 2)  # ... which took the first one's place

    assert view_store.current_generations([view.name for view in VIEWS]) == {
        ChildrenRegister.name: 1, PairingsRegister.name: 2, ReportFacts.name: 1,
        ChildTimeline.name: 1}


def test_a_generation_asked_for_is_opened_rather_than_the_one_in_service(
        register: CareRegister, view_store: ViewStore) -> None:
    view_store.recorder(PairingsRegister, 2)  # rebuilt into a new generation...
    view_store.promote(PairingsRegister.name, 2)  # ... which took the first one's place

    recorders = view_store.recorders(VIEWS, {ChildrenRegister.name: 3})

    assert recorders == [view_store.recorder(ChildrenRegister, 3),
                         view_store.recorder(PairingsRegister, 2),
                         view_store.recorder(ReportFacts, 1),
                         view_store.recorder(ChildTimeline, 1)]


def test_views_advanced_together_stand_where_the_batch_ends(
        register: CareRegister, runner: ViewRunner, view_store: ViewStore) -> None:
    record_some_care(register)
    head = register.recorder.max_notification_id()
    recorders = view_store.recorders(VIEWS, {})

    advanced = view_store.advance(recorders, Tracking(register.name, head))

    positions = view_store.positions(recorders, register.name)
    if view_store.engine == "sqlite":  # a file a view: each is moved with its own batch
        assert not advanced and positions == [0, 0, 0, 0]
    else:
        assert advanced and positions == [head] * 4


def test_views_are_not_advanced_together_past_one_another_runner_moved_further(
        register: CareRegister, runner: ViewRunner, view_store: ViewStore) -> None:
    record_some_care(register)
    runner.catch_up(ReportFacts)  # another runner took this view to the head
    head = register.recorder.max_notification_id()
    recorders = view_store.recorders(VIEWS, {})

    advanced = view_store.advance(recorders, Tracking(register.name, head - 1))

    assert not advanced
    assert view_store.positions(recorders, register.name) == [0, 0, head, 0]


def test_a_pass_of_contacts_leaves_every_view_at_the_head_as_a_rebuild_would(
        register: CareRegister, runner: ViewRunner) -> None:
    child = register.register_child(actor=STAFF, **child_record())
    pairing = register.form_pairing(child_ids=[child], volunteer_ids=[approved_volunteer(register)],
                                    principle="nearby", starts_on=date(2026, 3, 10),
                                    actor=STAFF)
    runner.catch_up_all()
    for day in (2, 3, 4):
        register.record_contact(pairing, kind="home_visit", notes="看望", actor=MOTHER,
                                occurred_on=date(2026, 4, day))
    head = register.recorder.max_notification_id()

    applied = runner.catch_up_all()

    assert applied == 3 * len(runner.views)
    assert set(runner.lag().values()) == {0}
    followed = all_rows(runner, runner.views)
    runner.rebuild_together()
    assert all_rows(runner, runner.views) == followed
    assert runner.store.positions(runner.store.recorders(runner.views, {}),
                                  register.name) == [head] * len(runner.views)
