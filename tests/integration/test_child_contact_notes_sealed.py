"""A teacher's notes on a contact with the child (谈心记录) are personal: sealed in the log with the
child's data key, and unreadable once the child's personal data is erased (个人信息删除), on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.application import CareRegister
from domain.personal import ERASED
from tests.builders import STAFF, TEACHER, child_record
from tests.integration.test_encryption import (  # the store fixture: SQLite and PostgreSQL
    ID_NUMBER,
    SECRETS,
    Store,
    _found_in_the_store,
    store,  # noqa: F401
)

#: Notes that name the child (王小花 is one of the secrets the store is searched for).
NOTES = "与王小花谈心，她说想妈妈"


def _a_talk(register: CareRegister) -> UUID:
    child = register.register_child(actor=STAFF, **child_record(id_number=ID_NUMBER))
    register.record_child_contact(child, kind="talk", notes=NOTES, actor=TEACHER,
                                  occurred_on=date(2026, 6, 3), duration_minutes=20)
    return child


def test_a_teachers_notes_read_back_with_the_childs_key(store: Store) -> None:  # noqa: F811
    child = _a_talk(store.register)
    (contact,) = store.register.get_child(child).contacts
    assert (contact.kind, contact.notes) == ("talk", NOTES)


def test_a_teachers_notes_are_kept_sealed_in_the_store(store: Store) -> None:  # noqa: F811
    assert "王小花" in SECRETS
    child = _a_talk(store.register)
    store.register.take_snapshot(child)  # the snapshot holds the contacts too
    store.runner.catch_up_all()
    store.runner.store.checkpoint()

    assert _found_in_the_store(store) == []


def test_an_erased_childs_contact_notes_read_as_erased(store: Store) -> None:  # noqa: F811
    child = _a_talk(store.register)
    store.register.take_snapshot(child)

    store.register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)

    (contact,) = store.register.get_child(child).contacts
    assert contact.notes == ERASED
    assert (contact.kind, contact.occurred_on) == ("talk", date(2026, 6, 3))  # the facts stay
