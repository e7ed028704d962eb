"""Group activities and aid (集体活动, 慰问): one record for every child it reached."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.activities import Activity, GroupActivityKind
from domain.children import Child
from domain.duties.rules import STANDARD_CONTACT_KINDS
from domain.errors import (
    ActivityRule,
    ChildHasExited,
    DataErased,
    DateInFuture,
    InvalidRecord,
)
from tests.builders import STAFF, TODAY, child_record


def a_child(**overrides: object) -> Child:
    return Child.register(today=TODAY, actor=STAFF, **child_record(**overrides))


def held(children: list[Child] | None = None, **overrides: object) -> Activity:
    values: dict[str, object] = {
        "kind": "festival", "title": "端午节集体活动", "occurred_on": date(2026, 6, 1),
        "organiser": "石牌镇妇联", "items": 0, "amount_yuan": 0}
    values.update(overrides)
    return Activity.record(children=children if children is not None else [a_child()],
                           today=TODAY, actor=STAFF, **values)  # type: ignore[arg-type]


def test_an_activity_names_each_child_it_reached_once() -> None:
    children = [a_child(), a_child(name="李明"), a_child(name="张强")]
    activity = held(children, items=30, amount_yuan="1500.5")
    assert activity.child_ids == tuple(child.id for child in children)
    assert (activity.items, activity.amount_yuan) == (30, Decimal("1500.50"))


def test_the_group_kinds_are_contact_kinds_of_the_programme() -> None:
    assert {kind.value for kind in GroupActivityKind} <= set(STANDARD_CONTACT_KINDS)
    assert {"activity", "festival", "material_aid", "birthday"} <= set(GroupActivityKind)


def test_a_kind_that_is_not_held_for_a_group_is_refused() -> None:
    with pytest.raises(InvalidRecord, match="kind"):
        held(kind="teacher_contact")


def test_an_activity_without_children_is_refused() -> None:
    with pytest.raises(InvalidRecord, match="child_ids"):
        held([])


def test_a_child_named_twice_is_refused() -> None:
    child = a_child()
    with pytest.raises(InvalidRecord, match="child_ids"):
        held([child, child])


def test_an_activity_is_not_recorded_ahead_of_the_day_it_is_held() -> None:
    with pytest.raises(DateInFuture):
        held(occurred_on=date(2026, 6, 16))


def test_an_activity_before_a_child_was_registered_breaks_the_rule() -> None:
    with pytest.raises(ActivityRule) as refused:
        held([a_child(registered_on=date(2026, 5, 1))], occurred_on=date(2026, 4, 30))
    assert refused.value.rule == "activity_before_registration"


def test_a_child_who_left_the_programme_takes_no_new_activity() -> None:
    child = a_child()
    child.exit(reason="随父母迁出", on=date(2026, 6, 3), today=TODAY, actor=STAFF)
    with pytest.raises(ChildHasExited):
        held([a_child(name="李明"), child])


def test_a_child_whose_data_was_erased_takes_no_new_activity() -> None:
    child = a_child()
    child.erase_personal_data(reason="监护人撤回同意", on=date(2026, 6, 3), today=TODAY,
                              actor=STAFF)
    with pytest.raises(DataErased):
        held([child])


@pytest.mark.parametrize(("field", "value"), [("items", -1), ("amount_yuan", "-0.01"),
                                              ("amount_yuan", "12.345"),
                                              ("amount_yuan", "NaN"), ("amount_yuan", "元")])
def test_items_and_money_are_counted_from_zero_in_yuan_and_fen(field: str,
                                                               value: object) -> None:
    with pytest.raises(InvalidRecord, match=field):
        held(**{field: value})


def test_money_is_kept_to_the_fen() -> None:
    assert held(amount_yuan=Decimal("200")).amount_yuan == Decimal("200.00")
    assert str(held(amount_yuan="12.340").amount_yuan) == "12.34"


def test_a_title_and_an_organiser_are_required() -> None:
    with pytest.raises(InvalidRecord, match="title"):
        held(title=" ")
    with pytest.raises(InvalidRecord, match="organiser"):
        held(organiser="")


def test_an_activity_recorded_in_error_is_cancelled_once_with_a_reason() -> None:
    activity = held()
    activity.cancel(reason="重复录入", on=date(2026, 6, 2), today=TODAY, actor=STAFF)
    assert (activity.is_cancelled, activity.cancel_reason) == (True, "重复录入")
    with pytest.raises(ActivityRule):
        activity.cancel(reason="重复录入", on=date(2026, 6, 2), today=TODAY, actor=STAFF)


def test_a_cancellation_needs_a_reason() -> None:
    with pytest.raises(InvalidRecord, match="reason"):
        held().cancel(reason="", on=date(2026, 6, 2), today=TODAY, actor=STAFF)
