"""The use cases on a real store: what is recorded is what is read back, on both stores."""

from __future__ import annotations

import threading
from datetime import date
from uuid import UUID, uuid4

import pytest

from domain.application import CareRegister
from domain.children import Parent, Profile
from domain.errors import AccountRule, InvalidRecord, NotFound, PairingRule, StaleVersion
from domain.users import Scope
from tests.builders import (
    MOTHER,
    STAFF,
    TEACHER,
    TODAY,
    approved_volunteer,
    child_record,
    volunteer_form,
)
from tests.integration.conftest import EACH_STORE

#: Volunteers of one pairing recording contacts at the same moment, and how many each.
WRITERS, CONTACTS_EACH = 8, 5


def a_pairing(register: CareRegister) -> UUID:
    """A child paired with an approved volunteer from 10 March."""
    return register.form_pairing(
        child_ids=[register.register_child(actor=STAFF, **child_record())],
        volunteer_ids=[approved_volunteer(register)],  # type: ignore[list-item]
        principle="nearby", starts_on=date(2026, 3, 10), actor=STAFF)


def test_a_registered_child_reads_back_with_derived_status(register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    child = register.get_child(child_id)
    assert (child.name, child.left_behind, child.status, child.version) == (
        "王小花", True, "active", 1)
    assert child.guardian is not None and child.guardian.relation == "grandmother"


def test_a_parent_coming_home_is_read_back_as_no_longer_left_behind(
        register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    register.change_parent(child_id, Parent(role="mother", status="home"), actor=TEACHER,
                           on=date(2026, 5, 1), reason="返乡")
    assert not register.get_child(child_id).left_behind
    assert register.get_child(child_id, on=date(2026, 4, 30)).left_behind


def test_a_volunteer_walks_through_four_approvals(register: CareRegister) -> None:
    volunteer = register.get_volunteer(approved_volunteer(register))  # type: ignore[arg-type]
    assert (volunteer.status, volunteer.level_reached, volunteer.version) == (
        "approved", "province", 5)


def test_a_pairing_records_contacts_and_ends(register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    pairing_id = register.form_pairing(
        child_ids=[child_id], volunteer_ids=[approved_volunteer(register)],  # type: ignore[list-item]
        principle="nearby", agreement_signed_on=date(2026, 3, 5), starts_on=date(2026, 3, 10),
        actor=STAFF)
    register.record_contact(pairing_id, kind="home_visit", notes="家访，辅导作业", actor=MOTHER,
                            occurred_on=date(2026, 4, 3), duration_minutes=90)
    register.end_pairing(pairing_id, reason="孩子转学", actor=STAFF, on=date(2026, 6, 1))
    pairing = register.get_pairing(pairing_id)
    assert (pairing.status, len(pairing.contacts), pairing.contacts[0].kind) == (
        "ended", 1, "home_visit")


@pytest.mark.parametrize("store", EACH_STORE, indirect=True)
def test_contacts_recorded_at_the_same_moment_are_all_recorded(
        register: CareRegister) -> None:
    """Volunteers of one pairing recording at once, none with If-Match: a contact depends on
    nothing its recorder read, so a concurrent one is no reason to refuse it."""
    pairing_id = a_pairing(register)
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        start.wait()
        for n in range(CONTACTS_EACH):
            try:
                register.record_contact(pairing_id, kind="phone", notes=f"{writer}-{n}",
                                        actor=MOTHER, occurred_on=date(2026, 4, 3))
            except BaseException as error:
                failures.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(register.get_pairing(pairing_id).contacts) == WRITERS * CONTACTS_EACH


def clash_once(register: CareRegister, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The register's next save meets another writer's change (as when two volunteers save
    at the same instant); the saves after it go through. Returns the saves tried."""
    tried: list[int] = []
    commit = register._commit

    def commit_after_a_clash(*aggregates: object) -> None:
        tried.append(len(tried) + 1)
        if len(tried) == 1:
            raise StaleVersion("the record was changed by someone else at the same time")
        commit(*aggregates)

    monkeypatch.setattr(register, "_commit", commit_after_a_clash)
    return tried


def test_a_contact_whose_save_clashes_is_recorded_on_a_second_try(
        register: CareRegister, monkeypatch: pytest.MonkeyPatch) -> None:
    pairing_id = a_pairing(register)
    tried = clash_once(register, monkeypatch)
    register.record_contact(pairing_id, kind="phone", notes="", actor=MOTHER,
                            occurred_on=date(2026, 4, 3))
    assert (tried, len(register.get_pairing(pairing_id).contacts)) == ([1, 2], 1)


def test_a_contact_with_if_match_whose_save_clashes_is_refused(
        register: CareRegister, monkeypatch: pytest.MonkeyPatch) -> None:
    pairing_id = a_pairing(register)
    version = register.get_pairing(pairing_id).version
    tried = clash_once(register, monkeypatch)
    with pytest.raises(StaleVersion, match="changed by someone else"):
        register.record_contact(pairing_id, kind="phone", notes="", actor=MOTHER,
                                occurred_on=date(2026, 4, 3), expected_version=version)
    assert (tried, len(register.get_pairing(pairing_id).contacts)) == ([1], 0)


def test_a_contact_with_a_stale_if_match_is_refused_and_records_nothing(
        register: CareRegister) -> None:
    pairing_id = a_pairing(register)
    first = register.record_contact(pairing_id, kind="phone", notes="", actor=MOTHER,
                                    occurred_on=date(2026, 4, 3))
    with pytest.raises(StaleVersion, match=f"version {first.version}, not 1"):
        register.record_contact(pairing_id, kind="phone", notes="", actor=MOTHER,
                                occurred_on=date(2026, 4, 4), expected_version=1)
    assert len(register.get_pairing(pairing_id).contacts) == 1


def test_a_pairings_members_are_those_it_was_formed_with_and_stay_so(
        register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    volunteer_id = approved_volunteer(register)
    pairing_id = register.form_pairing(child_ids=[child_id], volunteer_ids=[volunteer_id],
                                       principle="nearby", actor=STAFF)
    members = register.pairing_members(pairing_id)
    register.end_pairing(pairing_id, reason="孩子转学", actor=STAFF)
    assert register.pairing_members(pairing_id) == members
    assert (members.child_ids, members.volunteer_ids) == ((child_id,), (volunteer_id,))


def test_an_unknown_pairing_has_no_members(register: CareRegister) -> None:
    with pytest.raises(NotFound, match="no pairing"):
        register.pairing_members(uuid4())


def test_pairing_an_unapproved_volunteer_records_nothing(register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    volunteer_id = register.apply_to_volunteer(volunteer_form(), actor=STAFF)
    before = register.recorder.max_notification_id()
    with pytest.raises(PairingRule):
        register.form_pairing(child_ids=[child_id], volunteer_ids=[volunteer_id],
                              principle="need", actor=STAFF)
    assert register.recorder.max_notification_id() == before


def test_a_stale_expected_version_records_nothing(register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    register.change_parent(child_id, Parent(role="mother", status="home"), actor=STAFF)
    with pytest.raises(StaleVersion, match="version 2, not 1"):
        register.exit_child(child_id, reason="迁出", actor=STAFF, expected_version=1)
    assert register.get_child(child_id).version == 2


def test_two_writers_from_the_same_version_one_wins(register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    first = register.repository.get(child_id)
    second = register.repository.get(child_id)
    first.update_profile(Profile(health="感冒"), on=TODAY, today=TODAY, actor=TEACHER)
    second.update_profile(Profile(health="良好"), on=TODAY, today=TODAY, actor=TEACHER)
    register._commit(first)
    with pytest.raises(StaleVersion, match="changed by someone else"):
        register._commit(second)
    assert register.get_child(child_id).profile.health == "感冒"


def test_an_unknown_id_is_not_found(register: CareRegister) -> None:
    with pytest.raises(NotFound, match="no child"):
        register.get_child(uuid4())


def test_a_volunteer_id_is_not_a_child(register: CareRegister) -> None:
    volunteer_id = register.apply_to_volunteer(volunteer_form(), actor=STAFF)
    with pytest.raises(NotFound, match="no child"):
        register.get_child(volunteer_id)


def test_duties_are_evaluated_from_the_recorded_contacts(register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    pairing_id = register.form_pairing(
        child_ids=[child_id], volunteer_ids=[approved_volunteer(register)],  # type: ignore[list-item]
        principle="kin", starts_on=date(2026, 4, 1), actor=STAFF)
    register.record_contact(pairing_id, kind="phone", notes="通话", actor=MOTHER,
                            occurred_on=date(2026, 6, 2))
    statuses = {s.name: s for s in register.pairing_duties(pairing_id, on=TODAY)}
    assert len(statuses) == 5
    assert any(s.status == "met" and s.last_qualifying_contact == date(2026, 6, 2)
               for s in statuses.values())


def test_a_long_lived_pairing_is_snapshotted(register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    pairing_id = register.form_pairing(
        child_ids=[child_id], volunteer_ids=[approved_volunteer(register)],  # type: ignore[list-item]
        principle="nearby", starts_on=date(2026, 3, 10), actor=STAFF)
    for day in range(1, 101):
        register.record_contact(pairing_id, kind="phone", notes=f"第{day}次通话", actor=MOTHER,
                                occurred_on=date(2026, 3, 10))
    assert register.snapshots is not None
    snapshots = list(register.snapshots.get(pairing_id))
    assert [s.originator_version for s in snapshots] == [100]
    assert len(register.get_pairing(pairing_id).contacts) == 100


def test_duties_cannot_be_asked_for_before_the_pairing_started(register: CareRegister) -> None:
    child_id = register.register_child(actor=STAFF, **child_record())
    pairing_id = register.form_pairing(
        child_ids=[child_id], volunteer_ids=[approved_volunteer(register)],  # type: ignore[list-item]
        principle="kin", starts_on=date(2026, 4, 1), actor=STAFF)
    with pytest.raises(InvalidRecord, match="before the pairing started"):
        register.pairing_duties(pairing_id, on=date(2026, 3, 31))


def test_a_username_is_taken_once(register: CareRegister) -> None:
    scope = Scope(role="auditor")
    register.create_user(username="auditor1", password_hash="x", scope=scope, actor=STAFF)
    with pytest.raises(AccountRule, match="already taken"):
        register.create_user(username="AUDITOR1", password_hash="y", scope=scope, actor=STAFF)


def test_whether_any_account_exists_is_read_from_the_log(register: CareRegister) -> None:
    register.register_child(actor=STAFF, **child_record())
    assert not register.any_user_exists()
    register.create_user(username="admin", password_hash="x", scope=Scope(role="admin"),
                         actor=STAFF)
    assert register.any_user_exists()
    found = register.find_user("Admin")
    assert found is not None and found.scope.role == "admin"
