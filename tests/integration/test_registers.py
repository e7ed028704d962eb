"""The registers follow the event log: hand-written sequences, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from domain.application import CareRegister
from domain.children import Parent
from domain.personal import ERASED
from projections.registers.children import ChildFilter, ChildrenRegister, list_children
from projections.registers.concerns import ConcernsRegister, open_concerns
from projections.registers.pairings import PairingsRegister, list_pairings
from projections.registers.volunteers import VolunteersRegister, list_volunteers
from projections.runner import ViewRunner
from tests.builders import (
    MOTHER,
    STAFF,
    TEACHER,
    TODAY,
    approved_volunteer,
    child_record,
    volunteer_form,
)


def names(rows: list[dict]) -> list[str]:
    return sorted(row["name"] for row in rows)


def children(runner: ViewRunner, where: ChildFilter, on: date = TODAY) -> list[dict]:
    runner.catch_up_all()
    with runner.store.recorder(ChildrenRegister).read() as tx:
        return list_children(tx, where, on, texts=runner.texts)


def test_children_are_listed_by_division_code_prefix(
        register: CareRegister, runner: ViewRunner) -> None:
    register.register_child(actor=STAFF, **child_record(name="甲", region_code="420821101"))
    register.register_child(actor=STAFF, **child_record(name="乙", region_code="420822101"))
    assert names(children(runner, ChildFilter(region_code="420821"))) == ["甲"]


def test_a_parent_coming_home_takes_the_child_off_the_left_behind_list(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = register.register_child(actor=STAFF, **child_record(name="甲"))
    register.register_child(actor=STAFF, **child_record(name="乙"))
    register.change_parent(child_id, Parent(role="mother", status="home"), actor=TEACHER,
                           on=date(2026, 5, 1))
    assert names(children(runner, ChildFilter(left_behind=True))) == ["乙"]


def test_a_late_recorded_earlier_fact_does_not_override_the_register(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = register.register_child(actor=STAFF, **child_record(name="甲"))
    register.change_parent(child_id, Parent(role="mother", status="home"), actor=TEACHER,
                           on=date(2026, 5, 1))
    register.change_parent(child_id, Parent(role="mother", status="away"), actor=TEACHER,
                           on=date(2026, 4, 1), reason="补录")
    assert children(runner, ChildFilter(left_behind=True)) == []


def test_a_child_drops_off_the_left_behind_list_on_the_sixteenth_birthday(
        register: CareRegister, runner: ViewRunner) -> None:
    register.register_child(actor=STAFF, **child_record(
        name="甲", birth_date=date(2010, 6, 20), registered_on=date(2026, 1, 5)))
    assert names(children(runner, ChildFilter(left_behind=True), date(2026, 6, 19))) == ["甲"]
    assert children(runner, ChildFilter(left_behind=True), date(2026, 6, 20)) == []


def test_categories_age_and_pairing_filter_the_children(
        register: CareRegister, runner: ViewRunner) -> None:
    paired = register.register_child(actor=STAFF, **child_record(
        name="甲", categories=("poor_family",), birth_date=date(2014, 1, 1)))
    register.register_child(actor=STAFF, **child_record(name="乙", birth_date=date(2019, 1, 1)))
    register.form_pairing(child_ids=[paired], volunteer_ids=[approved_volunteer(register)],  # type: ignore[list-item]
                          principle="need", starts_on=date(2026, 4, 1), actor=STAFF)
    assert names(children(runner, ChildFilter(category="poor_family"))) == ["甲"]
    assert names(children(runner, ChildFilter(paired=True))) == ["甲"]
    assert names(children(runner, ChildFilter(paired=False))) == ["乙"]
    assert names(children(runner, ChildFilter(min_age=10, max_age=12))) == ["甲"]


def test_an_ended_pairing_leaves_the_child_unpaired(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = register.register_child(actor=STAFF, **child_record(name="甲"))
    pairing_id = register.form_pairing(child_ids=[child_id],
                                       volunteer_ids=[approved_volunteer(register)],  # type: ignore[list-item]
                                       principle="kin", starts_on=date(2026, 4, 1), actor=STAFF)
    register.end_pairing(pairing_id, reason="调整", actor=STAFF, on=date(2026, 6, 1))
    assert names(children(runner, ChildFilter(paired=False))) == ["甲"]


def test_exited_children_keep_their_row_with_the_exit(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = register.register_child(actor=STAFF, **child_record(name="甲"))
    register.exit_child(child_id, reason="迁出", actor=STAFF, on=date(2026, 6, 1))
    (row,) = children(runner, ChildFilter(status="exited"))
    assert (row["exit_reason"], row["exited_on"], row["left_behind"]) == ("迁出", "2026-06-01", 0)


def test_children_are_found_by_any_part_of_their_name(
        register: CareRegister, runner: ViewRunner) -> None:
    register.register_child(actor=STAFF, **child_record(name="王小花"))
    register.register_child(actor=STAFF, **child_record(name="李小明"))
    register.register_child(actor=STAFF, **child_record(name="阿依古丽·买买提"))
    assert names(children(runner, ChildFilter(name="小"))) == ["李小明", "王小花"]
    assert names(children(runner, ChildFilter(name="王小花"))) == ["王小花"]
    assert names(children(runner, ChildFilter(name="古丽买买"))) == ["阿依古丽·买买提"]
    assert names(children(runner, ChildFilter(name="阿依古丽买买提"))) == ["阿依古丽·买买提"]
    assert names(children(runner, ChildFilter(name="花小"))) == []


def test_an_erased_child_is_no_longer_found_by_name(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = register.register_child(actor=STAFF, **child_record(name="王小花"))
    register.erase_personal_data(child_id, reason="监护人撤回同意", actor=STAFF)
    assert children(runner, ChildFilter(name="王小花")) == []
    (row,) = children(runner, ChildFilter())
    assert row["name"] == ERASED


def test_the_registers_tables_hold_no_name_in_clear_text(
        register: CareRegister, runner: ViewRunner) -> None:
    register.register_child(actor=STAFF, **child_record(name="王小花"))
    approved_volunteer(register)  # 刘爱华
    runner.catch_up_all()
    for view, tables in ((ChildrenRegister, ChildrenRegister.tables),
                         (VolunteersRegister, VolunteersRegister.tables)):
        with runner.store.recorder(view).read() as tx:
            for table in tables:
                for row in tx.execute(f"SELECT * FROM {table}").all():
                    kept = " ".join(str(value) for value in row.values())
                    assert not any(part in kept for part in ("王", "小花", "刘爱华")), (
                        f"{table}: {kept}")
    assert names(children(runner, ChildFilter())) == ["王小花"]
    with runner.store.recorder(VolunteersRegister).read() as tx:
        assert names(list_volunteers(tx, texts=runner.texts)) == ["刘爱华"]


def test_volunteers_are_listed_by_status_and_level(
        register: CareRegister, runner: ViewRunner) -> None:
    approved_volunteer(register, name="刘")
    pending = register.apply_to_volunteer(volunteer_form(name="陈"), actor=STAFF)
    register.review_volunteer(pending, level="unit", decision="approve", opinion="",
                              actor=STAFF)
    rejected = register.apply_to_volunteer(volunteer_form(name="张"), actor=STAFF)
    register.review_volunteer(rejected, level="unit", decision="reject", opinion="",
                              actor=STAFF)
    runner.catch_up_all()
    with runner.store.recorder(VolunteersRegister).read() as tx:
        assert names(list_volunteers(tx, texts=runner.texts, status="approved")) == ["刘"]
        pending = list_volunteers(tx, texts=runner.texts, status="pending")
        assert [r["level_reached"] for r in pending] == ["unit"]
        assert names(list_volunteers(tx, texts=runner.texts, status="rejected")) == ["张"]


def test_pairings_count_contacts_and_remember_the_last_one(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    volunteer_id = approved_volunteer(register)
    pairing_id = register.form_pairing(child_ids=[child_id],
                                       volunteer_ids=[volunteer_id],  # type: ignore[list-item]
                                       principle="nearby", starts_on=date(2026, 4, 1),
                                       actor=STAFF)
    for day, kind in ((date(2026, 5, 9), "home_visit"), (date(2026, 4, 2), "material_aid")):
        register.record_contact(pairing_id, kind=kind, notes="", actor=MOTHER, occurred_on=day,
                                items=2 if kind == "material_aid" else 0)
    runner.catch_up_all()
    with runner.store.recorder(PairingsRegister).read() as tx:
        (row,) = list_pairings(tx, volunteer_id=str(volunteer_id))
    assert (row["contacts"], row["home_visits"], row["items"], row["last_contact_on"]) == (
        2, 1, 2, "2026-05-09")


def test_open_concerns_are_listed_until_resolved(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    first = register.report_concern(child_id, kind="absence", description="缺课",
                                    actor=TEACHER, occurred_on=date(2026, 6, 1))
    register.report_concern(child_id, kind="illness", description="发烧", actor=TEACHER,
                            occurred_on=date(2026, 6, 2))
    register.resolve_concern(child_id, first, action="已返校", actor=TEACHER)
    runner.catch_up_all()
    with runner.store.recorder(ConcernsRegister).read() as tx:
        assert [r["kind"] for r in open_concerns(tx, region_code="4208")] == ["illness"]


def test_catching_up_twice_applies_nothing_twice(
        register: CareRegister, runner: ViewRunner) -> None:
    register.register_child(actor=STAFF, **child_record())
    first = runner.catch_up_all()
    assert (runner.catch_up_all(), set(runner.lag().values())) == (0, {0})
    assert first == len(runner.views)


def test_a_rebuild_from_zero_gives_the_same_register(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = register.register_child(actor=STAFF, **child_record(name="甲"))
    register.change_parent(child_id, Parent(role="father", status="home"), actor=STAFF)
    before = children(runner, ChildFilter())
    runner.rebuild(ChildrenRegister)
    assert children(runner, ChildFilter()) == before
    assert runner.store.current_generation("children") == 2
