"""An event a view cannot apply is set aside; the view and every other view go on."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from eventsourcing.application import Application

from domain.application import CareRegister
from domain.children import Child
from domain.common import Actor
from projections.catalog import ALL_VIEWS
from projections.projection import View
from projections.registers.children import ChildrenRegister
from projections.runner import ViewRunner
from storage.sql import Tx
from storage.views import ViewStore
from tests.builders import TODAY, child_record

STAFF = Actor(id="clerk", role="admin")


class Fragile(View):
    """Counts events, and fails on the events at the positions it is told to."""

    name = "fragile"
    schema = ("CREATE TABLE IF NOT EXISTS fragile_seen (position BIGINT PRIMARY KEY)",)
    tables = ("fragile_seen",)
    fails_at: ClassVar[set[int]] = set()

    def apply(self, event: Any, tx: Tx) -> None:
        if tx.position in self.fails_at:
            raise KeyError("a fault in the view's own code")
        tx.execute("INSERT INTO fragile_seen (position) VALUES (?)", (tx.position,))


def _register_children(register: CareRegister, names: list[str], **record: Any) -> list[Any]:
    return [register.register_child(actor=STAFF, **child_record(name=name, **record))
            for name in names]


class Clashing(View):
    """Keeps one row per event, but gives the events at ``clashes_at`` the key of the first:
    its own table refuses them (a constraint of the view, not another runner)."""

    name = "clashing"
    schema = ("CREATE TABLE IF NOT EXISTS clashing_seen (key BIGINT PRIMARY KEY)",)
    tables = ("clashing_seen",)
    clashes_at: ClassVar[set[int]] = set()

    def apply(self, event: Any, tx: Tx) -> None:
        key = 1 if tx.position in self.clashes_at else tx.position
        tx.execute("INSERT INTO clashing_seen (key) VALUES (?)", (key,))


def recorded_before_texts_were_checked(register: CareRegister, **record: Any) -> None:
    """A child saved past the register's check of texts, as an older version recorded it."""
    Application.save(register, Child.register(today=TODAY, actor=STAFF,
                                              **child_record(**record)))


def _seen(runner: ViewRunner) -> list[int]:
    with runner.store.recorder(Fragile).read() as tx:
        return [int(row["position"]) for row in
                tx.execute("SELECT position FROM fragile_seen ORDER BY position").all()]


@pytest.fixture
def past_a_fault(register: CareRegister, view_store: ViewStore) -> ViewRunner:
    """Four children registered; the fragile view, failing on the second, caught up."""
    _register_children(register, ["甲", "乙", "丙", "丁"])
    Fragile.fails_at = {2}
    runner = ViewRunner(register, view_store, [Fragile], batch_size=10)
    runner.catch_up_all()
    return runner


def test_the_events_after_one_a_view_cannot_apply_are_applied(past_a_fault: ViewRunner) -> None:
    assert _seen(past_a_fault) == [1, 3, 4]
    assert past_a_fault.lag() == {"fragile": 0}


def test_an_event_set_aside_is_reported_with_its_position_and_no_personal_text(
        past_a_fault: ViewRunner) -> None:
    [entry] = past_a_fault.set_aside()["fragile"]
    assert entry.position == 2
    assert entry.error.startswith("KeyError at test_set_aside.py:")
    assert "fault in the view" not in entry.error  # the message may quote a record


def test_a_rebuild_once_the_fault_is_mended_applies_what_was_set_aside(
        past_a_fault: ViewRunner) -> None:
    Fragile.fails_at = set()
    past_a_fault.rebuild(Fragile)
    assert _seen(past_a_fault) == [1, 2, 3, 4]
    assert past_a_fault.set_aside() == {}


def test_an_event_the_views_own_table_refuses_is_set_aside_not_skipped_with_its_batch(
        register: CareRegister, view_store: ViewStore) -> None:
    _register_children(register, ["甲", "乙", "丙", "丁"])
    Clashing.clashes_at = {3}
    runner = ViewRunner(register, view_store, [Clashing], batch_size=10)
    runner.catch_up_all()
    with runner.store.recorder(Clashing).read() as tx:
        keys = [int(row["key"]) for row in
                tx.execute("SELECT key FROM clashing_seen ORDER BY key").all()]
    assert keys == [1, 2, 4]
    assert [entry.position for entry in runner.set_aside()["clashing"]] == [3]


@pytest.mark.parametrize("store", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_text_postgres_cannot_hold_stops_no_view_on_postgres(
        register: CareRegister, runner: ViewRunner) -> None:
    """A NUL in a text recorded before texts were checked: PostgreSQL refuses to keep it."""
    _register_children(register, ["甲"])
    recorded_before_texts_were_checked(register, name="乙", school="石牌\u0000小学")
    _register_children(register, ["丙", "丁"])
    runner.catch_up_all()
    assert runner.lag() == {view.name: 0 for view in ALL_VIEWS}
    assert [entry.position for entry in runner.set_aside()["children"]] == [2]
    with runner.store.recorder(ChildrenRegister).read() as tx:
        assert tx.execute("SELECT COUNT(*) AS n FROM reg_children").one()["n"] == 3
