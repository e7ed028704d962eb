"""Both parents away (双亲外出) is derived from the parents' statuses, never typed in; the special
tier (重点/特殊留守儿童) follows the documents."""

from __future__ import annotations

from datetime import date

from domain.children import Child, Parent
from domain.children.eligibility import (
    both_parents_away,
    categories_with_derived,
    needs_special_attention,
)
from domain.children.record import checked_categories
from tests.builders import STAFF, TODAY, child_record


def parents(father: str, mother: str) -> tuple[Parent, ...]:
    return (Parent(role="father", status=father), Parent(role="mother", status=mother))


def registered(**overrides: object) -> Child:
    return Child.register(today=TODAY, actor=STAFF, **child_record(**overrides))


def test_both_parents_away_when_the_father_and_the_mother_both_work_away() -> None:
    assert both_parents_away(parents("away", "away"))


def test_one_parent_away_and_the_other_incapable_is_not_both_parents_away() -> None:
    assert not both_parents_away(parents("away", "incapable"))
    assert not both_parents_away((Parent(role="father", status="away"),))


def test_a_typed_both_parents_away_is_left_out_of_the_categories_recorded() -> None:
    assert checked_categories(["both_parents_away", "disabled"]) == ("disabled",)


def test_both_parents_away_follows_the_parents_not_what_was_typed() -> None:
    assert categories_with_derived(("both_parents_away",), parents("away", "home")) == ()
    assert categories_with_derived((), parents("away", "away")) == ("both_parents_away",)


def test_a_child_is_both_parents_away_from_the_day_the_second_parent_leaves() -> None:
    child = registered(categories=(), parents=parents("away", "home"))
    assert child.categories_on(date(2026, 4, 1)) == ()
    child.change_parent(Parent(role="mother", status="away"), on=date(2026, 5, 1),
                        today=TODAY, actor=STAFF)
    assert child.categories_on(date(2026, 4, 30)) == ()
    assert child.categories_on(date(2026, 5, 1)) == ("both_parents_away",)


def test_a_child_stops_being_both_parents_away_when_a_parent_comes_home() -> None:
    child = registered(categories=("both_parents_away",), parents=parents("away", "away"))
    child.change_parent(Parent(role="father", status="home"), on=date(2026, 5, 1),
                        today=TODAY, actor=STAFF)
    assert child.categories_on(date(2026, 5, 1)) == ()


def test_the_special_tier_is_single_parent_poor_disabled_unsupported_or_both_parents_away(
) -> None:
    for category in ("single_parent", "poor_family", "subsistence_allowance",
                     "registered_poor", "disabled", "unsupported", "both_parents_away"):
        assert needs_special_attention((category,)), category


def test_study_or_behaviour_difficulties_alone_are_not_the_special_tier() -> None:
    assert not needs_special_attention(("study_difficulty", "behaviour_difficulty",
                                        "psychological_difficulty"))
    assert not needs_special_attention(())
