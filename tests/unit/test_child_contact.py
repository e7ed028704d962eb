"""Contacts recorded on the child's own record, outside any pairing (班主任谈心、家访)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.children import Child
from domain.errors import ChildHasExited, DateInFuture, InvalidRecord
from domain.personal import ERASED
from domain.programme import Programme
from tests.builders import STAFF, TEACHER, TODAY, child_record

KINDS = Programme().contact_kinds


def registered() -> Child:
    return Child.register(today=TODAY, actor=STAFF, **child_record())


def talk(child: Child, on: date = date(2026, 6, 3), kind: str = "talk") -> str:
    return child.record_contact(kind=kind, occurred_on=on, notes="谈心，了解近期学习情况",
                                today=TODAY, actor=TEACHER, known_kinds=KINDS,
                                duration_minutes=20)


def test_a_teachers_talk_is_recorded_on_the_childs_own_record() -> None:
    child = registered()
    contact_id = talk(child)
    (contact,) = child.own_contacts()
    assert (contact.id, contact.kind, contact.occurred_on) == (contact_id, "talk",
                                                                date(2026, 6, 3))
    assert contact.recorded_by == TEACHER.id
    assert contact.duration_minutes == 20


def test_a_child_recorded_before_its_own_contacts_existed_has_none() -> None:
    assert registered().own_contacts() == ()


def test_a_contact_of_a_kind_the_programme_does_not_know_is_refused() -> None:
    child = registered()
    with pytest.raises(InvalidRecord, match="kind"):
        talk(child, kind="gossip")
    assert child.own_contacts() == ()


def test_a_contact_cannot_be_dated_ahead() -> None:
    with pytest.raises(DateInFuture, match="occurred_on"):
        talk(registered(), on=date(2026, 6, 16))


def test_a_contact_cannot_be_dated_before_the_child_was_registered() -> None:
    with pytest.raises(InvalidRecord, match="occurred_on"):
        talk(registered(), on=date(2026, 3, 1))


def test_an_exited_childs_record_takes_no_contact() -> None:
    child = registered()
    child.exit(reason="随父母迁出", on=date(2026, 6, 1), today=TODAY, actor=STAFF)
    with pytest.raises(ChildHasExited):
        talk(child)


def test_the_erasure_of_the_childs_data_erases_the_notes_of_its_contacts() -> None:
    child = registered()
    talk(child)
    child.erase_personal_data(reason="监护人撤回同意", on=TODAY, today=TODAY, actor=STAFF)
    (contact,) = child.own_contacts()
    assert contact.notes == ERASED
    assert (contact.kind, contact.occurred_on) == ("talk", date(2026, 6, 3))
