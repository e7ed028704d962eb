"""Who is a left-behind child (留守儿童): under 16, parents away, derived from the facts."""

from __future__ import annotations

from datetime import date

from domain.children import Child, Parent
from tests.builders import STAFF, TODAY, child_record


def father(status: str) -> Parent:
    return Parent(role="father", status=status, work_location="广州" if status == "away" else "")


def mother(status: str) -> Parent:
    return Parent(role="mother", status=status)


def registered(**overrides: object) -> Child:
    return Child.register(today=TODAY, actor=STAFF, **child_record(**overrides))


def test_a_child_whose_parents_both_work_away_is_left_behind() -> None:
    child = registered(parents=(father("away"), mother("away")))
    assert child.left_behind_on(TODAY)


def test_one_parent_away_and_the_other_unable_to_guard_is_left_behind() -> None:
    child = registered(parents=(father("away"), mother("incapable")))
    assert child.left_behind_on(TODAY)


def test_one_parent_away_and_the_other_deceased_is_left_behind() -> None:
    child = registered(parents=(father("away"), mother("deceased")))
    assert child.left_behind_on(TODAY)


def test_one_parent_away_and_the_other_at_home_is_not_left_behind() -> None:
    child = registered(parents=(father("away"), mother("home")))
    assert not child.left_behind_on(TODAY)


def test_no_parent_away_is_not_left_behind_even_if_neither_can_guard() -> None:
    child = registered(parents=(father("incapable"), mother("deceased")))
    assert not child.left_behind_on(TODAY)


def test_a_single_parent_who_works_away_leaves_the_child_behind() -> None:
    child = registered(parents=(mother("away"),))
    assert child.left_behind_on(TODAY)


def test_a_parent_coming_home_ends_left_behind_status_from_that_day() -> None:
    child = registered(parents=(father("away"), mother("away")))
    child.change_parent(mother("home"), on=date(2026, 5, 1), today=TODAY, actor=STAFF,
                        reason="返乡就业")
    assert child.left_behind_on(date(2026, 4, 30))
    assert not child.left_behind_on(date(2026, 5, 1))


def test_a_parent_leaving_again_makes_the_child_left_behind_again() -> None:
    child = registered(parents=(father("away"), mother("home")))
    child.change_parent(mother("away"), on=date(2026, 4, 1), today=TODAY, actor=STAFF)
    assert not child.left_behind_on(date(2026, 3, 31))
    assert child.left_behind_on(date(2026, 4, 1))


def test_a_child_stops_being_left_behind_on_the_sixteenth_birthday() -> None:
    child = registered(birth_date=date(2010, 6, 15), registered_on=date(2026, 1, 5))
    assert child.left_behind_on(date(2026, 6, 14))
    assert not child.left_behind_on(date(2026, 6, 15))


def test_a_child_born_on_29_february_turns_sixteen_on_29_february() -> None:
    child = registered(birth_date=date(2012, 2, 29), registered_on=date(2020, 3, 1))
    assert child.left_behind_on(date(2028, 2, 28))
    assert not child.left_behind_on(date(2028, 2, 29))


def test_a_late_recorded_earlier_fact_does_not_override_a_later_one() -> None:
    child = registered(parents=(father("away"), mother("away")))
    child.change_parent(mother("home"), on=date(2026, 5, 1), today=TODAY, actor=STAFF)
    child.change_parent(mother("away"), on=date(2026, 4, 10), today=TODAY, actor=STAFF,
                        reason="补录：4月10日外出")
    assert child.left_behind_on(date(2026, 4, 20))
    assert not child.left_behind_on(TODAY)


def test_an_exited_child_is_not_counted_as_left_behind_after_exit() -> None:
    child = registered()
    child.exit(reason="随父母迁往城市", on=date(2026, 6, 1), today=TODAY, actor=STAFF)
    assert child.left_behind_on(date(2026, 5, 31))
    assert not child.left_behind_on(date(2026, 6, 1))


def test_a_child_is_not_left_behind_before_registration() -> None:
    child = registered(registered_on=date(2026, 3, 2))
    assert not child.left_behind_on(date(2026, 3, 1))
