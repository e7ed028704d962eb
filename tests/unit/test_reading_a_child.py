"""Reading a child's record (查阅儿童档案): within the reader's scope, or under a break-glass
grant (紧急调阅); the reads of auditors and federation staff, and every read under a grant,
are put on the record (查阅记录)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any
from uuid import UUID

import pytest

from domain.access.caller import Caller
from domain.application import CareRegister
from domain.errors import NotFound
from domain.users import Role
from tests.builders import STAFF, TODAY, child_record

REASON = "该儿童昨夜离家未归，需立即联系其监护人核实情况"
HER = UUID("00000000-0000-4000-8000-000000000001")
TOWNSHIP_STAFF = Caller("staff-1", Role.FEDERATION, region_code="420821101")
OUTSIDER = Caller("staff-2", Role.FEDERATION, region_code="420822")
AUDITOR = Caller("audit-1", Role.AUDITOR)
ADMIN = Caller("admin-1", Role.ADMIN)
MOTHER = Caller("mother-1", Role.VOLUNTEER, volunteer_id=HER)


@pytest.fixture
def register() -> Iterator[CareRegister]:
    register = CareRegister(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                            clock=lambda: TODAY)
    yield register
    register.close()


@pytest.fixture
def child_id(register: CareRegister) -> UUID:
    return register.register_child(actor=STAFF, **child_record())  # type: ignore[arg-type]


def nobody(volunteer_id: UUID) -> Collection[str]:
    return ()


def reads_of(register: CareRegister) -> list[tuple[str, str, UUID | None]]:
    """(who, what, grant) of every read on the record, in order."""
    events = register.recorder.select_notifications(start=None, limit=1000)
    read: list[Any] = [register.mapper.to_domain_event(n) for n in events]
    return [(e.actor.id, e.what, e.break_glass) for e in read
            if hasattr(e, "what") and hasattr(e, "break_glass")]


def test_a_federation_user_reads_a_child_of_her_region_and_the_read_is_recorded(
        register: CareRegister, child_id: UUID) -> None:
    opened = register.read_child(TOWNSHIP_STAFF, child_id, paired=nobody)
    assert (opened.child.id, opened.grant) == (child_id, None)
    assert reads_of(register) == [("staff-1", "record", None)]


def test_a_child_outside_the_readers_scope_does_not_exist_for_her(
        register: CareRegister, child_id: UUID) -> None:
    with pytest.raises(NotFound, match=f"no child {child_id}"):
        register.read_child(OUTSIDER, child_id, paired=nobody)
    assert reads_of(register) == []


def test_a_break_glass_grant_opens_the_record_and_the_read_names_it(
        register: CareRegister, child_id: UUID) -> None:
    grant = register.grant_break_glass(child_id, reason=REASON, actor=OUTSIDER.actor)
    opened = register.read_child(OUTSIDER, child_id, paired=nobody, what="history")
    assert opened.grant == grant
    assert reads_of(register) == [("staff-2", "history", grant.id)]


def test_a_grant_opens_the_record_to_be_read_not_changed(
        register: CareRegister, child_id: UUID) -> None:
    register.grant_break_glass(child_id, reason=REASON, actor=OUTSIDER.actor)
    with pytest.raises(NotFound):
        register.child_in_scope(OUTSIDER, child_id, paired=nobody)


def test_an_auditors_read_is_recorded_and_an_admins_is_not(
        register: CareRegister, child_id: UUID) -> None:
    register.read_child(AUDITOR, child_id, paired=nobody)
    register.read_child(ADMIN, child_id, paired=nobody)
    assert reads_of(register) == [("audit-1", "record", None)]


def test_a_caring_mother_reads_the_children_she_is_paired_with(
        register: CareRegister, child_id: UUID) -> None:
    def hers(volunteer_id: UUID) -> Collection[str]:
        return {str(child_id)} if volunteer_id == HER else set()

    assert register.read_child(MOTHER, child_id, paired=hers).child.id == child_id
    with pytest.raises(NotFound):
        register.read_child(MOTHER, child_id, paired=nobody)
    assert reads_of(register) == []


def test_staff_are_not_asked_for_a_caring_mothers_pairings(
        register: CareRegister, child_id: UUID) -> None:
    def refuse(volunteer_id: UUID) -> Collection[str]:
        raise AssertionError("only a caring mother's pairings are looked up")

    register.read_child(TOWNSHIP_STAFF, child_id, paired=refuse)
