"""Property: for random valid command sequences, the registers equal a fold over the events."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.application import CareRegister
from domain.children import Parent
from domain.errors import DomainError
from projections.catalog import ALL_VIEWS
from projections.registers.children import ChildFilter, ChildrenRegister, list_children
from projections.registers.pairings import PairingsRegister, list_pairings
from projections.registers.volunteers import VolunteersRegister, list_volunteers
from projections.runner import ViewRunner
from storage.views import ViewStore
from tests.builders import MOTHER, REVIEWERS, STAFF, TODAY, child_record, volunteer_form

STATUSES = ("away", "home", "incapable", "deceased")
days = st.integers(min_value=0, max_value=100).map(lambda n: TODAY - timedelta(days=n))


def run(register: CareRegister, data: st.DataObject, made: dict[str, list[Any]]) -> None:
    """Draw and run one command; a refused command records nothing and is fine."""
    kind = data.draw(st.sampled_from(
        ["child", "child", "parent", "exit", "volunteer", "pair", "contact", "end"]))

    def pick(key: str) -> Any:
        return data.draw(st.sampled_from(made[key])) if made[key] else None

    try:
        if kind == "child":
            parents = tuple(Parent(role=role, status=data.draw(st.sampled_from(STATUSES)))
                            for role in ("father", "mother"))
            birth = date(2026, 6, 15) - timedelta(days=data.draw(
                st.integers(min_value=365 * 15, max_value=365 * 17)))
            made["children"].append(register.register_child(actor=STAFF, **child_record(
                parents=parents, birth_date=birth, registered_on=date(2026, 3, 1))))
        elif kind == "parent" and (child := pick("children")):
            register.change_parent(child, Parent(role=data.draw(st.sampled_from(
                ["father", "mother"])), status=data.draw(st.sampled_from(STATUSES))),
                actor=STAFF, on=data.draw(days))
        elif kind == "exit" and (child := pick("children")):
            register.exit_child(child, reason="迁出", actor=STAFF, on=data.draw(days))
        elif kind == "volunteer":
            volunteer = register.apply_to_volunteer(volunteer_form(), actor=STAFF,
                                                    applied_on=date(2026, 1, 1))
            for level in ("unit", "county", "city", "province")[:data.draw(st.integers(0, 4))]:
                register.review_volunteer(volunteer, level=level, decision="approve",
                                          opinion="", actor=REVIEWERS[level],
                                          on=date(2026, 2, 1))
            made["volunteers"].append(volunteer)
        elif kind == "pair" and (child := pick("children")) and (helper := pick("volunteers")):
            made["pairings"].append(register.form_pairing(
                child_ids=[child], volunteer_ids=[helper], principle="nearby", actor=STAFF,
                starts_on=date(2026, 3, 1)))
        elif kind == "contact" and (pairing := pick("pairings")):
            register.record_contact(pairing, kind=data.draw(st.sampled_from(
                ["phone", "home_visit", "material_aid"])), notes="", actor=MOTHER,
                occurred_on=data.draw(days), items=data.draw(st.integers(0, 3)))
        elif kind == "end" and (pairing := pick("pairings")):
            register.end_pairing(pairing, reason="调整", actor=STAFF)
    except DomainError:
        pass


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_registers_equal_a_fold_over_the_events(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        register = CareRegister(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                                clock=lambda: TODAY)
        views = ViewStore("sqlite", sqlite_dir=Path(folder))
        runner = ViewRunner(register, views, ALL_VIEWS, batch_size=data.draw(
            st.integers(min_value=1, max_value=20)))
        made: dict[str, list[Any]] = {"children": [], "volunteers": [], "pairings": []}
        for _ in range(data.draw(st.integers(min_value=1, max_value=30))):
            run(register, data, made)
            if data.draw(st.booleans()):
                runner.catch_up_all()  # catching up part-way changes nothing in the end
        runner.catch_up_all()
        try:
            assert_registers_match(register, runner, made)
        finally:
            views.close()


def assert_registers_match(register: CareRegister, runner: ViewRunner,
                           made: dict[str, list[Any]]) -> None:
    pairings = [register.get_pairing(p) for p in made["pairings"]]
    expected_children = {}
    for child_id in made["children"]:
        child = register.get_child(child_id)
        active = sum(1 for p in pairings if p.status == "active" and child_id in p.child_ids)
        expected_children[str(child_id)] = (child.status, int(child.left_behind), active)
    expected_volunteers = {str(v): register.get_volunteer(v).status for v in made["volunteers"]}
    expected_pairings = {str(p.id): (p.status, len(p.contacts),
                                     sum(c.items for c in p.contacts)) for p in pairings}
    with runner.store.recorder(ChildrenRegister).read() as tx:
        rows = list_children(tx, ChildFilter(), TODAY, texts=runner.texts, limit=1000)
    assert {r["child_id"]: (r["status"], r["left_behind"], r["active_pairings"])
            for r in rows} == expected_children
    with runner.store.recorder(VolunteersRegister).read() as tx:
        rows = list_volunteers(tx, texts=runner.texts, limit=1000)
    assert {r["volunteer_id"]: r["status"] for r in rows} == expected_volunteers
    with runner.store.recorder(PairingsRegister).read() as tx:
        rows = list_pairings(tx, limit=1000)
    assert {r["pairing_id"]: (r["status"], r["contacts"], r["items"])
            for r in rows} == expected_pairings
