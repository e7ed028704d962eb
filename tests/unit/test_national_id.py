"""One national ID number, one child on the register (身份证号码唯一): "A child whose national ID
number (``id_number``) is already on the register (not exited, not erased) is 409, saying
that the child is already registered"."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from aixin.settings import Settings
from domain.application import CareRegister
from domain.children import Child
from domain.errors import InvalidRecord
from domain.national_ids import ChildAlreadyRegistered, NationalIdClaim, blind_index, normalised
from tests.builders import STAFF, TODAY, child_record

ID_NUMBER = "42082120160520022X"


@pytest.fixture
def register() -> Iterator[CareRegister]:
    register = CareRegister(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                            clock=lambda: TODAY)
    yield register
    register.close()


def registered(register: CareRegister, id_number: str = ID_NUMBER, **record: object) -> object:
    return register.register_child(actor=STAFF, **child_record(id_number=id_number, **record))


def test_a_national_id_already_on_the_register_cannot_be_registered_again(
        register: CareRegister) -> None:
    first = registered(register)
    with pytest.raises(ChildAlreadyRegistered) as refused:
        registered(register, name="王小花二")
    assert refused.value.rule == "child_already_registered"
    assert "已在册" in refused.value.message and str(first) not in refused.value.message
    assert refused.value.existing_id == first


def test_the_same_number_written_with_spaces_or_a_small_x_is_the_same_number(
        register: CareRegister) -> None:
    registered(register)
    with pytest.raises(ChildAlreadyRegistered):
        registered(register, id_number="420821 20160520 022x")


def test_a_refused_registration_records_nothing(register: CareRegister) -> None:
    registered(register)
    before = register.recorder.max_notification_id()
    with pytest.raises(ChildAlreadyRegistered):
        registered(register, name="王小花二")
    assert register.recorder.max_notification_id() == before


def test_children_without_a_national_id_number_are_not_compared(
        register: CareRegister) -> None:
    registered(register, id_number="")
    registered(register, id_number="")


def test_an_exited_childs_national_id_can_be_registered_again(register: CareRegister) -> None:
    first = registered(register)
    register.exit_child(first, reason="随父母迁出", actor=STAFF, on=date(2026, 4, 1))
    again = registered(register, registered_on=date(2026, 5, 6))
    with pytest.raises(ChildAlreadyRegistered) as refused:
        registered(register, registered_on=date(2026, 5, 7))
    assert refused.value.existing_id == again


def test_an_erased_childs_national_id_can_be_registered_again(register: CareRegister) -> None:
    first = registered(register)
    register.erase_personal_data(first, reason="监护人撤回同意", actor=STAFF)
    assert registered(register) != first


def test_the_claim_is_named_by_the_blind_index_never_by_the_number(
        register: CareRegister) -> None:
    child = registered(register)
    index = blind_index(register.national_id_key, ID_NUMBER)
    claim = register.repository.get(NationalIdClaim.id_of(index, 0))
    assert isinstance(claim, NationalIdClaim) and claim.holder_id == child
    stored = [vars(event) for event in register.repository.event_store.get(claim.id)]
    assert not any(ID_NUMBER in str(values) for values in stored)


def test_a_blind_index_depends_on_the_key() -> None:
    assert blind_index(b"one", ID_NUMBER) != blind_index(b"two", ID_NUMBER)
    assert ID_NUMBER not in blind_index(b"one", ID_NUMBER)


def test_a_number_is_compared_in_capitals_without_spaces() -> None:
    assert normalised(" 4208 2120 1605 20022x ") == ID_NUMBER
    assert normalised("４２０８２１２０１６０５２００２２ｘ") == ID_NUMBER


def test_a_child_registered_before_the_claims_is_claimed_by_the_backfill_once(
        register: CareRegister) -> None:
    child = Child.register(today=TODAY, actor=STAFF, **child_record(id_number=ID_NUMBER))
    register.save(child)  # a record from before the claims: no claim of its number
    first = register.claim_national_ids(actor=STAFF)
    again = register.claim_national_ids(actor=STAFF)
    assert (first.claimed, first.already, again.claimed, again.already) == (1, 0, 0, 1)
    with pytest.raises(ChildAlreadyRegistered):
        registered(register)


def test_of_two_old_duplicates_the_first_registered_keeps_the_claim(
        register: CareRegister) -> None:
    later = Child.register(today=TODAY, actor=STAFF, **child_record(
        id_number=ID_NUMBER, registered_on=date(2026, 3, 9)))
    earlier = Child.register(today=TODAY, actor=STAFF, **child_record(
        id_number=ID_NUMBER, registered_on=date(2026, 3, 2)))
    register.save(later)
    register.save(earlier)
    done = register.claim_national_ids(actor=STAFF)
    assert (done.claimed, done.duplicates) == (1, [(later.id, earlier.id)])


def test_the_backfill_leaves_exited_children_unclaimed(register: CareRegister) -> None:
    child = Child.register(today=TODAY, actor=STAFF, **child_record(id_number=ID_NUMBER))
    child.exit(reason="转学", on=date(2026, 4, 1), today=TODAY, actor=STAFF)
    register.save(child)
    assert register.claim_national_ids(actor=STAFF).claimed == 0
    registered(register)


def test_an_erased_childs_claim_forgets_whose_it_was(register: CareRegister) -> None:
    child = registered(register)
    register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)
    index = register.national_id_index(ID_NUMBER)
    assert index is not None
    claim = register.repository.get(NationalIdClaim.id_of(index, 0))
    assert (claim.is_held, claim.holder_id) == (False, None)


def test_the_index_key_is_the_deployments_and_a_development_one_without_a_key(
        tmp_path: Path) -> None:
    unset = Settings(data_dir=tmp_path)  # type: ignore[call-arg]
    configured = Settings(data_dir=tmp_path,  # type: ignore[call-arg]
                          key_encryption_key=base64.b64encode(bytes(range(32))).decode())
    assert len(unset.national_id_key) == 32
    assert unset.national_id_key != configured.national_id_key
    assert configured.national_id_key == Settings(  # type: ignore[call-arg]
        data_dir=tmp_path, key_encryption_key=base64.b64encode(bytes(range(32))).decode(),
    ).national_id_key


def test_a_refused_erasure_leaves_the_number_claimed(register: CareRegister) -> None:
    child = registered(register)
    with pytest.raises(InvalidRecord, match="reason"):
        register.erase_personal_data(child, reason="  ", actor=STAFF)
    with pytest.raises(ChildAlreadyRegistered):
        registered(register)
