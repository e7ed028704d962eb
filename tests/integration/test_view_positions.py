"""Where the views stand, read for all of them at once: a follower asks on every pass which
generation of each view is in service and how far each has applied the log, and the answers
read together are those each view gives alone, on each store."""

from __future__ import annotations

import pytest

from domain.application import CareRegister
from projections.registers.children import ChildrenRegister
from projections.registers.pairings import PairingsRegister
from projections.reports import ReportFacts
from projections.runner import ViewRunner
from projections.timeline import ChildTimeline
from storage.views import ViewStore
from tests.integration.conftest import EACH_STORE
from tests.integration.log_support import record_some_care

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
