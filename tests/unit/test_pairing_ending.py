"""A pairing ends when its last child leaves the programme or its last volunteer is
disqualified (结对终止), with the member's reason quoted in its own."""

from __future__ import annotations

from datetime import date

from domain.pairings import Departure, PairingEnds, ends_when_member_leaves

ON = date(2026, 5, 10)


def test_the_last_child_leaving_ends_the_pairing_with_the_childs_reason() -> None:
    ending = ends_when_member_leaves(Departure.CHILD_EXITED, reason="随父母迁居", on=ON,
                                     still_on_that_side=0)
    assert ending == PairingEnds("儿童已退出关爱对象（随父母迁居）", ON)


def test_a_child_leaving_while_another_child_remains_leaves_the_pairing_going_on() -> None:
    ending = ends_when_member_leaves(Departure.CHILD_EXITED, reason="迁出", on=ON,
                                     still_on_that_side=1)
    assert ending is None


def test_the_last_volunteer_disqualified_ends_the_pairing_with_the_reason() -> None:
    ending = ends_when_member_leaves(Departure.VOLUNTEER_DISQUALIFIED, reason="长期未履职",
                                     on=ON, still_on_that_side=0)
    assert ending == PairingEnds("志愿者已被取消资格（长期未履职）", ON)


def test_a_volunteer_disqualified_while_another_remains_qualified_ends_nothing() -> None:
    ending = ends_when_member_leaves(Departure.VOLUNTEER_DISQUALIFIED, reason="长期未履职",
                                     on=ON, still_on_that_side=2)
    assert ending is None


def test_a_reason_recorded_before_texts_were_checked_is_quoted_plain() -> None:
    ending = ends_when_member_leaves(Departure.CHILD_EXITED, reason="迁出\x00", on=ON,
                                     still_on_that_side=0)
    assert ending is not None and "\x00" not in ending.reason
