"""One national ID number, one child on the register (身份证号码唯一), on the real stores: the
claim is saved with the registration, two registrations at once register one child, and an
erasure leaves the number leading to no record."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from aixin.bootstrap import build_register
from aixin.commands import app
from aixin.settings import Settings
from domain.application import CareRegister
from domain.children import Child
from domain.national_ids import ChildAlreadyRegistered, NationalIdClaim
from tests.builders import STAFF, TODAY, child_record
from tests.integration.conftest import EACH_STORE

ID_NUMBER = "42082120160520022X"


def claims(register: CareRegister) -> list[NationalIdClaim]:
    index = register.national_id_index(ID_NUMBER)
    assert index is not None
    return list(register._claims(index))


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_the_claim_is_recorded_with_the_registration_under_the_deployments_key(
        register: CareRegister) -> None:
    child = register.register_child(actor=STAFF, **child_record(id_number=ID_NUMBER))
    assert [claim.holder_id for claim in claims(register)] == [child]
    with pytest.raises(ChildAlreadyRegistered):
        register.register_child(actor=STAFF, **child_record(id_number=ID_NUMBER))


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_an_erased_childs_national_id_leads_to_no_record(register: CareRegister) -> None:
    child = register.register_child(actor=STAFF, **child_record(id_number=ID_NUMBER))
    register.exit_child(child, reason="随父母迁出", actor=STAFF, on=date(2026, 4, 1))
    register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)
    (claim,) = claims(register)
    assert (claim.is_held, claim.holder_id) == (False, None)
    again = register.register_child(actor=STAFF, **child_record(
        id_number=ID_NUMBER, registered_on=date(2026, 5, 6)))
    assert [c.holder_id for c in claims(register)] == [None, again]


class PausingRegister(CareRegister):
    """A register whose first look for a number's claim waits for the other writer's: both
    look before either records (the race two registrations at one moment run)."""

    both_looked: threading.Barrier

    def _new_claim(self, index: str, child_id: UUID, **kw: object) -> NationalIdClaim:
        claim = super()._new_claim(index, child_id, **kw)  # type: ignore[arg-type]
        if not getattr(self, "looked", False):
            self.looked = True
            self.both_looked.wait(timeout=30)
        return claim


@pytest.mark.postgres
def test_two_registrations_of_one_number_at_the_same_moment_register_one_child(
        make_settings: Callable[..., Settings]) -> None:
    settings = make_settings("postgres")
    PausingRegister.both_looked = threading.Barrier(2)
    registers = [build_register(settings, clock=lambda: TODAY, kind=PausingRegister)
                 for _ in range(2)]
    outcomes: list[object] = []

    def register_one(register: CareRegister, name: str) -> None:
        try:
            outcomes.append(register.register_child(actor=STAFF, **child_record(
                name=name, id_number=ID_NUMBER)))
        except ChildAlreadyRegistered as refused:
            outcomes.append(refused)

    threads = [threading.Thread(target=register_one, args=(register, name))
               for register, name in zip(registers, ("王小花", "王晓花"), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        registered = [o for o in outcomes if isinstance(o, UUID)]
        refused = [o for o in outcomes if isinstance(o, ChildAlreadyRegistered)]
        assert (len(registered), len(refused)) == (1, 1), outcomes
        assert refused[0].existing_id == registered[0]
        assert [claim.holder_id for claim in claims(registers[0])] == registered
    finally:
        for register in registers:
            register.close()


def test_the_backfill_command_claims_old_records_once_and_lists_the_duplicates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(data_dir=tmp_path / "var")  # type: ignore[call-arg]
    register = build_register(settings, clock=lambda: TODAY)
    first, duplicate, other = (
        Child.register(today=TODAY, actor=STAFF, **child_record(
            id_number=number, registered_on=on))
        for number, on in ((ID_NUMBER, date(2026, 3, 2)), (ID_NUMBER, date(2026, 3, 9)),
                           ("420821201605200027", date(2026, 3, 9))))
    for child in (duplicate, first, other):  # records from before the claims
        register.save(child)
    register.close()
    monkeypatch.setenv("AIXIN_DATA_DIR", str(tmp_path / "var"))

    result = CliRunner().invoke(app, ["claim-national-ids"])
    assert result.exit_code == 1, result.output
    assert "claimed now: 2; already claimed: 0; duplicates: 1" in result.output
    assert f"child {duplicate.id} has the national ID number of child {first.id}" in (
        result.output)
    again = CliRunner().invoke(app, ["claim-national-ids"])
    assert "claimed now: 0; already claimed: 2; duplicates: 1" in again.output
