"""When a pairing may start (结对起始日期): "A pairing cannot start before each of its
volunteers was approved, nor before its children were registered"."""

from __future__ import annotations

from datetime import date

import pytest

from domain.children import Child
from domain.pairings import Pairing
from domain.pairings.forming import PairingBeforeApproval, PairingBeforeRegistration
from domain.volunteers import APPROVAL_LEVELS, Volunteer
from tests.builders import REVIEWERS, STAFF, TODAY, child_record, volunteer_form

APPROVED_ON = date(2026, 2, 20)  # the province's opinion, the last level's
REGISTERED_ON = date(2026, 3, 2)


def a_child(registered_on: date = REGISTERED_ON) -> Child:
    return Child.register(today=TODAY, actor=STAFF,
                          **child_record(registered_on=registered_on))


def a_volunteer(approved_on: date = APPROVED_ON) -> Volunteer:
    volunteer = Volunteer.apply(form=volunteer_form(), approval_levels=APPROVAL_LEVELS,
                                applied_on=date(2026, 1, 5), today=TODAY, actor=STAFF)
    for level, on in zip(APPROVAL_LEVELS, (date(2026, 2, 1), date(2026, 2, 5),
                                           date(2026, 2, 10), approved_on), strict=True):
        volunteer.review(level=level, decision="approve", opinion="同意", on=on, today=TODAY,
                         actor=REVIEWERS[level])
    return volunteer


def formed(starts_on: date, children: list[Child] | None = None,
           volunteers: list[Volunteer] | None = None) -> Pairing:
    return Pairing.form(children=children or [a_child()],
                        volunteers=volunteers or [a_volunteer()], principle="nearby",
                        agreement_signed_on=starts_on, starts_on=starts_on,
                        duty_sets=("five_ones",), today=TODAY, actor=STAFF)


def test_a_pairing_cannot_start_before_its_volunteer_was_approved() -> None:
    volunteer = a_volunteer(approved_on=date(2026, 3, 15))
    with pytest.raises(PairingBeforeApproval) as refused:
        formed(date(2026, 3, 10), volunteers=[volunteer])
    assert refused.value.rule == "pairing_before_approval"
    assert refused.value.message == (
        f"结对不能早于志愿者获批准之日：志愿者 {volunteer.id} 于 2026-03-15 获批准，"
        "结对开始日期 2026-03-10 早于此日")


def test_the_approval_day_is_the_last_levels_not_the_first() -> None:
    with pytest.raises(PairingBeforeApproval, match="2026-03-15"):
        formed(date(2026, 3, 10), volunteers=[a_volunteer(approved_on=date(2026, 3, 15))])
    assert formed(date(2026, 3, 15),
                  volunteers=[a_volunteer(approved_on=date(2026, 3, 15))]).starts_on == date(
                      2026, 3, 15)


def test_each_volunteer_of_a_pairing_was_approved_before_it_starts() -> None:
    late = a_volunteer(approved_on=date(2026, 3, 20))
    with pytest.raises(PairingBeforeApproval, match=str(late.id)):
        formed(date(2026, 3, 10), volunteers=[a_volunteer(), late])


def test_a_pairing_cannot_start_before_its_child_was_registered() -> None:
    child = a_child(registered_on=date(2026, 3, 12))
    with pytest.raises(PairingBeforeRegistration) as refused:
        formed(date(2026, 3, 10), children=[child])
    assert refused.value.rule == "pairing_before_registration"
    assert refused.value.message == (
        f"结对不能早于儿童建档之日：儿童 {child.id} 于 2026-03-12 建档，"
        "结对开始日期 2026-03-10 早于此日")


def test_each_child_of_a_pairing_was_registered_before_it_starts() -> None:
    late = a_child(registered_on=date(2026, 3, 12))
    with pytest.raises(PairingBeforeRegistration, match=str(late.id)):
        formed(date(2026, 3, 10), children=[a_child(), late])


def test_a_pairing_may_start_on_the_day_of_the_approval_and_the_registration() -> None:
    child = a_child(registered_on=date(2026, 3, 10))
    volunteer = a_volunteer(approved_on=date(2026, 3, 10))
    pairing = formed(date(2026, 3, 10), children=[child], volunteers=[volunteer])
    assert pairing.starts_on == date(2026, 3, 10)
