"""Commands sent with an idempotency key are recorded once, however often they arrive."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from domain.application import CareRegister
from domain.application.commands import keyed_command
from domain.errors import IdempotencyKeyReused
from domain.identity import new_id
from tests.builders import STAFF, approved_volunteer, child_record
from tests.integration.conftest import EACH_STORE


@pytest.fixture(params=EACH_STORE)
def store(request: pytest.FixtureRequest) -> str:
    """Each test of this module on SQLite and on PostgreSQL: the store is the point."""
    return str(request.param)


def _children_in_the_log(register: CareRegister) -> int:
    return sum(1 for n in register.recorder.select_notifications(start=None, limit=10_000)
               if n.topic.endswith("Child.Registered"))


def test_a_registration_sent_twice_with_one_key_records_one_child(
        register: CareRegister) -> None:
    with keyed_command("clerk", "k-1", "digest"):
        first = register.register_child(actor=STAFF, **child_record())
    with keyed_command("clerk", "k-1", "digest"):
        again = register.register_child(actor=STAFF, **child_record())
    assert again == first
    assert _children_in_the_log(register) == 1


def test_a_second_try_is_told_it_replays_the_first(register: CareRegister) -> None:
    with keyed_command("clerk", "k-2", "digest"):
        register.register_child(actor=STAFF, **child_record())
    with keyed_command("clerk", "k-2", "digest") as command:
        register.register_child(actor=STAFF, **child_record())
    assert command.replayed and command.first is not None
    assert command.first.owner == "clerk"


def test_the_same_key_from_another_caller_is_another_command(register: CareRegister) -> None:
    with keyed_command("clerk", "k-3", "digest"):
        register.register_child(actor=STAFF, **child_record())
    with keyed_command("teacher", "k-3", "digest"):
        register.register_child(actor=STAFF, **child_record())
    assert _children_in_the_log(register) == 2


def test_a_key_sent_again_with_another_request_is_refused(register: CareRegister) -> None:
    with keyed_command("clerk", "k-4", "digest"):
        register.register_child(actor=STAFF, **child_record())
    with keyed_command("clerk", "k-4", "another digest"), pytest.raises(IdempotencyKeyReused):
        register.register_child(actor=STAFF, **child_record())
    assert _children_in_the_log(register) == 1


def test_a_change_sent_twice_with_one_key_is_recorded_once(register: CareRegister) -> None:
    child = register.register_child(actor=STAFF, **child_record())
    for _ in range(2):
        with keyed_command("clerk", "k-5", "digest"):
            register.report_concern(child, kind="absence", description="连续三天未到校",
                                    actor=STAFF, occurred_on=date(2026, 4, 1))
    assert len(register.get_child(child).concerns) == 1


def test_new_records_of_a_keyed_command_are_named_from_its_key() -> None:
    with keyed_command("clerk", "k-6", "digest"):
        first = [new_id(), new_id()]
    with keyed_command("clerk", "k-6", "digest"):
        again = [new_id(), new_id()]
    assert first == again and first[0] != first[1]
    assert new_id() != new_id()  # outside a keyed command: random


def a_pairing(register: CareRegister) -> UUID:
    child = register.register_child(actor=STAFF, **child_record())
    return register.form_pairing(child_ids=[child], volunteer_ids=[approved_volunteer(register)],
                                 principle="nearby", actor=STAFF, starts_on=date(2026, 3, 3))


def test_a_contact_sent_again_is_answered_with_the_version_the_first_left(
        register: CareRegister) -> None:
    pairing = a_pairing(register)
    with keyed_command("volunteer", "k-7", "digest"):
        first = register.record_contact(pairing, kind="phone", notes="通话", actor=STAFF,
                                        occurred_on=date(2026, 4, 1))
    with keyed_command("volunteer", "k-7", "digest"):
        again = register.record_contact(pairing, kind="phone", notes="通话", actor=STAFF,
                                        occurred_on=date(2026, 4, 1))
    assert again == first
    assert register.get_pairing(pairing).version == first.version
