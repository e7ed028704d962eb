"""Pairing (结对帮扶): who can be paired, and what can be recorded on a pairing."""

from __future__ import annotations

from datetime import date

import pytest

from domain.children import Child
from domain.duties.rules import STANDARD_CONTACT_KINDS
from domain.errors import (
    ContactRule,
    DateInFuture,
    InvalidRecord,
    PairingHasEnded,
    PairingRule,
)
from domain.pairings import Pairing, PairingShape
from domain.volunteers import APPROVAL_LEVELS, Volunteer
from tests.builders import MOTHER, REVIEWERS, STAFF, TODAY, child_record, volunteer_form

KINDS = frozenset(STANDARD_CONTACT_KINDS)


def a_child(**overrides: object) -> Child:
    return Child.register(today=TODAY, actor=STAFF, **child_record(**overrides))


def a_volunteer(*, approved: bool = True) -> Volunteer:
    volunteer = Volunteer.apply(form=volunteer_form(), approval_levels=APPROVAL_LEVELS,
                                applied_on=date(2026, 1, 5), today=TODAY, actor=STAFF)
    for level in APPROVAL_LEVELS if approved else ():
        volunteer.review(level=level, decision="approve", opinion="同意", on=date(2026, 2, 1),
                         today=TODAY, actor=REVIEWERS[level])
    return volunteer


def formed(children: list[Child] | None = None, volunteers: list[Volunteer] | None = None,
           starts_on: date = date(2026, 3, 10), **kw: object) -> Pairing:
    return Pairing.form(children=children or [a_child()], volunteers=volunteers or [a_volunteer()],
                        principle=kw.pop("principle", "nearby"),  # type: ignore[arg-type]
                        agreement_signed_on=kw.pop("agreement_signed_on", starts_on),  # type: ignore[arg-type]
                        starts_on=starts_on, duty_sets=("five_ones",), today=TODAY,
                        actor=STAFF)


def contact(pairing: Pairing, occurred_on: date, kind: str = "phone") -> str:
    return pairing.record_contact(kind=kind, occurred_on=occurred_on, notes="电话询问学习情况",
                                  today=TODAY, actor=MOTHER, known_kinds=KINDS)


def test_one_volunteer_and_one_child_form_a_one_to_one_pairing() -> None:
    assert formed().shape is PairingShape.ONE_TO_ONE


def test_several_volunteers_may_help_one_child() -> None:
    pairing = formed(volunteers=[a_volunteer(), a_volunteer()])
    assert pairing.shape is PairingShape.MANY_TO_ONE


def test_one_volunteer_may_help_several_children() -> None:
    assert formed(children=[a_child(), a_child()]).shape is PairingShape.ONE_TO_MANY


def test_many_to_many_is_not_a_pairing_shape() -> None:
    with pytest.raises(PairingRule, match="never many-to-many"):
        formed(children=[a_child(), a_child()], volunteers=[a_volunteer(), a_volunteer()])


def test_a_volunteer_not_yet_approved_cannot_be_paired() -> None:
    with pytest.raises(PairingRule, match="只有已批准且在册有效的志愿者才能结对"):
        formed(volunteers=[a_volunteer(approved=False)])


def test_a_suspended_volunteer_cannot_be_paired() -> None:
    volunteer = a_volunteer()
    volunteer.suspend(reason="外出", on=date(2026, 3, 1), today=TODAY, actor=STAFF)
    with pytest.raises(PairingRule, match="“暂停”"):
        formed(volunteers=[volunteer])


def test_an_exited_child_cannot_be_paired() -> None:
    child = a_child()
    child.exit(reason="转学", on=date(2026, 3, 5), today=TODAY, actor=STAFF)
    with pytest.raises(PairingRule, match="只有在册的儿童才能结对"):
        formed(children=[child])


def test_the_agreement_is_signed_before_the_pairing_starts() -> None:
    with pytest.raises(PairingRule, match="责任状"):
        formed(agreement_signed_on=date(2026, 3, 11), starts_on=date(2026, 3, 10))


def test_a_pairing_cannot_start_in_the_future() -> None:
    with pytest.raises(DateInFuture, match="starts_on"):
        formed(starts_on=date(2026, 6, 16))


def test_an_unknown_principle_names_the_field() -> None:
    with pytest.raises(InvalidRecord, match="principle"):
        formed(principle="luck")


def test_a_late_contact_is_recorded_with_the_date_it_happened() -> None:
    pairing = formed()
    contact(pairing, date(2026, 4, 2))
    assert [c.occurred_on for c in pairing.contacts] == [date(2026, 4, 2)]
    assert pairing.collect_events()[-1].timestamp.date() > date(2026, 4, 2)


def test_a_contact_cannot_be_dated_in_the_future() -> None:
    with pytest.raises(DateInFuture, match="occurred_on"):
        contact(formed(), date(2026, 6, 16))


def test_a_contact_cannot_be_dated_before_the_pairing_started() -> None:
    with pytest.raises(ContactRule, match="before the pairing started"):
        contact(formed(starts_on=date(2026, 3, 10)), date(2026, 3, 9))


def test_a_contact_must_be_of_a_kind_the_programme_knows() -> None:
    with pytest.raises(InvalidRecord, match="kind"):
        contact(formed(), date(2026, 4, 2), kind="telepathy")


def test_a_contact_counts_items_given_from_zero() -> None:
    with pytest.raises(InvalidRecord, match="items"):
        formed().record_contact(kind="material_aid", occurred_on=date(2026, 4, 2), notes="书包",
                                today=TODAY, actor=MOTHER, known_kinds=KINDS, items=-1)


def test_no_contact_is_recorded_on_an_ended_pairing() -> None:
    pairing = formed()
    pairing.end(reason="孩子随父母迁出", on=date(2026, 5, 1), today=TODAY, actor=STAFF)
    with pytest.raises(PairingHasEnded, match="ended on 2026-05-01"):
        contact(pairing, date(2026, 4, 20))


def test_a_pairing_cannot_end_before_a_contact_recorded_on_it() -> None:
    pairing = formed()
    contact(pairing, date(2026, 5, 3))
    with pytest.raises(PairingRule, match="before its start or a contact"):
        pairing.end(reason="调整", on=date(2026, 5, 2), today=TODAY, actor=STAFF)


def test_a_pairing_ends_once() -> None:
    pairing = formed()
    pairing.end(reason="调整", on=date(2026, 5, 2), today=TODAY, actor=STAFF)
    with pytest.raises(PairingHasEnded, match="already ended"):
        pairing.end(reason="again", on=date(2026, 5, 3), today=TODAY, actor=STAFF)
