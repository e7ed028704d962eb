"""Views of an older shape are rebuilt before they are followed: after an upgrade that
changes a view's tables (or what it makes of the events), its generation in service is
rebuilt from the log, never applied to with statements its tables cannot take; on each
store."""

from __future__ import annotations

from collections.abc import Iterator
from functools import singledispatchmethod
from typing import ClassVar

import pytest

from domain.application import CareRegister
from domain.events import ChildRegistered
from projections.projection import View
from projections.runner import ViewRunner
from storage.sql import Tx
from storage.views import ViewStore, record_shape, recorded_shape
from tests.integration.conftest import EACH_STORE
from tests.integration.log_support import record_some_care

pytestmark = pytest.mark.parametrize("store", EACH_STORE, indirect=True)


class SchoolsBefore(View):
    """A view as an older version made it: the children's schools."""

    name = "shaped"
    tables = ("shaped_children",)
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS shaped_children (child_id TEXT PRIMARY KEY,"
        " school TEXT NOT NULL)",)

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """Other events change nothing."""

    @apply.register
    def _registered(self, e: ChildRegistered, tx: Tx) -> None:
        tx.execute("INSERT INTO shaped_children (child_id, school) VALUES (?, ?)",
                   (str(e.originator_id), e.school))


class SchoolsAndRegions(View):
    """The same view as the newer version makes it: a column more."""

    name = "shaped"
    tables = ("shaped_children",)
    schema: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS shaped_children (child_id TEXT PRIMARY KEY,"
        " school TEXT NOT NULL, region_code TEXT NOT NULL)",)

    @singledispatchmethod
    def apply(self, event: object, tx: Tx) -> None:
        """Other events change nothing."""

    @apply.register
    def _registered(self, e: ChildRegistered, tx: Tx) -> None:
        tx.execute("INSERT INTO shaped_children (child_id, school, region_code)"
                   " VALUES (?, ?, ?)", (str(e.originator_id), e.school, e.region_code))


@pytest.fixture
def upgraded(register: CareRegister, view_store: ViewStore) -> Iterator[ViewRunner]:
    """Care recorded and followed by the older view; the runner of the newer one."""
    record_some_care(register, children=2)
    before = ViewRunner(register, view_store, (SchoolsBefore,))
    before.reshape()
    before.catch_up_all()
    yield ViewRunner(register, view_store, (SchoolsAndRegions,))


def test_a_view_of_an_older_shape_is_rebuilt_to_the_new_one(upgraded: ViewRunner) -> None:
    assert upgraded.reshape() == ["shaped"]
    with upgraded.store.recorder(SchoolsAndRegions).read() as tx:
        rows = tx.execute("SELECT region_code FROM shaped_children").all()
    assert [row["region_code"] for row in rows] == ["420821101", "420821101"]
    assert upgraded.store.current_generation("shaped") == 2


def test_a_rebuilt_view_is_followed_from_where_the_log_stands(
        upgraded: ViewRunner, register: CareRegister) -> None:
    upgraded.reshape()
    record_some_care(register, children=1)
    upgraded.catch_up_all()
    assert upgraded.lag() == {"shaped": 0}
    with upgraded.store.recorder(SchoolsAndRegions).read() as tx:
        assert len(tx.execute("SELECT child_id FROM shaped_children").all()) == 3


def test_a_view_of_its_own_shape_is_not_rebuilt(upgraded: ViewRunner) -> None:
    upgraded.reshape()
    assert upgraded.reshape() == []
    assert upgraded.store.current_generation("shaped") == 2


def test_a_new_view_has_its_shape_recorded_and_is_not_rebuilt(
        register: CareRegister, view_store: ViewStore) -> None:
    runner = ViewRunner(register, view_store, (SchoolsAndRegions,))
    assert runner.reshape() == []
    assert recorded_shape(view_store.recorder(SchoolsAndRegions)) == SchoolsAndRegions.shape()
    assert view_store.current_generation("shaped") == 1


def test_a_view_built_before_shapes_were_recorded_is_rebuilt(
        register: CareRegister, view_store: ViewStore) -> None:
    record_some_care(register, children=1)
    runner = ViewRunner(register, view_store, (SchoolsAndRegions,))
    runner.catch_up_all()
    with view_store.recorder(SchoolsAndRegions).write() as tx:  # as a version before shapes
        tx.execute("DELETE FROM view_shape")
    assert runner.reshape() == ["shaped"]


def test_a_new_view_followed_before_its_shape_is_checked_is_not_rebuilt(
        register: CareRegister, view_store: ViewStore) -> None:
    record_some_care(register, children=1)
    runner = ViewRunner(register, view_store, (SchoolsAndRegions,))
    runner.catch_up_all()  # a reader's wait for its write may apply events first
    assert runner.reshape() == []
    assert view_store.current_generation("shaped") == 1


def test_a_view_whose_making_changed_is_rebuilt_though_its_tables_did_not(
        register: CareRegister, view_store: ViewStore) -> None:
    record_some_care(register, children=1)
    runner = ViewRunner(register, view_store, (SchoolsAndRegions,))
    runner.reshape()
    runner.catch_up_all()

    class Revised(SchoolsAndRegions):
        name = "shaped"
        revision = 2

    assert ViewRunner(register, view_store, (Revised,)).reshape() == ["shaped"]


def test_a_rebuild_records_the_shape_it_built(
        register: CareRegister, view_store: ViewStore) -> None:
    runner = ViewRunner(register, view_store, (SchoolsAndRegions,))
    record_shape(view_store.recorder(SchoolsAndRegions), "an older shape")
    runner.rebuild(SchoolsAndRegions)
    assert recorded_shape(view_store.recorder(SchoolsAndRegions)) == SchoolsAndRegions.shape()
