"""Records read a page at a time (storage.aggregates): each as the repository reads it alone,
from its latest snapshot on, its personal texts opened, or erased; on both stores."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.application import CareRegister
from domain.application.views import ChildView
from domain.children import Profile
from domain.personal import ERASED
from storage.aggregates import AggregatesInPages
from tests.builders import STAFF, TODAY, child_record
from tests.integration.conftest import EACH_STORE

pytestmark = pytest.mark.parametrize("store", EACH_STORE, indirect=True)


def test_a_page_of_records_reads_as_each_record_alone(register: CareRegister) -> None:
    children = [register.register_child(actor=STAFF, **child_record(name=f"王小{n}"))
                for n in range(3)]
    register.update_profile(children[1], Profile(study="成绩中等"), actor=STAFF)
    found = AggregatesInPages(register).get(children)
    assert [ChildView.of(found[c], TODAY) for c in children] == [
        register.get_child(c, TODAY) for c in children]


def test_a_record_with_a_snapshot_reads_from_it_with_the_events_after_it(
        register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    for week in range(60):
        register.update_profile(child_id, Profile(study=f"第{week}周：进步"), actor=STAFF)
    assert register.snapshots is not None
    assert list(register.snapshots.get(child_id)), "the record has a snapshot"
    found = AggregatesInPages(register).get([child_id])[child_id]
    assert (found.version, ChildView.of(found, TODAY)) == (
        61, register.get_child(child_id, TODAY))


def test_an_id_without_a_record_is_left_out(register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    assert list(AggregatesInPages(register).get([uuid4(), child_id])) == [child_id]


def test_an_erased_records_personal_texts_read_as_erased(register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    register.erase_personal_data(child_id, reason="监护人撤回同意，依法删除", actor=STAFF)
    child = AggregatesInPages(register).get([child_id])[child_id]
    view = ChildView.of(child, TODAY)
    assert (view.name, view.guardian and view.guardian.name) == (ERASED, ERASED)
