"""Policies: a pairing ends when its children have all left or its volunteers are all
disqualified, recorded once by the system, on both stores."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.application import CareRegister
from domain.common import SYSTEM
from projections.policies import PairingsFollowTheirMembers
from projections.runner import ViewRunner
from tests.builders import MOTHER, STAFF, approved_volunteer, child_record


def approved(register: CareRegister, name: str = "李秀英") -> UUID:
    return approved_volunteer(register, name=name)


def pair(register: CareRegister, children: list[UUID], volunteers: list[UUID]) -> UUID:
    return register.form_pairing(child_ids=children, volunteer_ids=volunteers,
                                 principle="nearby", starts_on=date(2026, 4, 1), actor=STAFF)


def child(register: CareRegister, name: str = "王小明") -> UUID:
    return register.register_child(actor=STAFF, **child_record(name=name))


def test_a_child_who_leaves_ends_its_pairing_with_the_reason_recorded_by_the_system(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = child(register)
    pairing_id = pair(register, [child_id], [approved(register)])
    register.exit_child(child_id, reason="随父母迁居", actor=STAFF, on=date(2026, 5, 10))
    runner.catch_up_all()
    pairing = register.get_pairing(pairing_id)
    assert (pairing.status, pairing.ended_on) == ("ended", date(2026, 5, 10))
    assert pairing.end_reason == "儿童已退出关爱对象（随父母迁居）"
    ended = list(register.events.get(pairing_id))[-1]
    assert ended.actor == SYSTEM


def test_a_pairing_of_several_children_goes_on_while_one_of_them_remains(
        register: CareRegister, runner: ViewRunner) -> None:
    first, second = child(register, "王小明"), child(register, "王小红")
    pairing_id = pair(register, [first, second], [approved(register)])
    register.exit_child(first, reason="迁出", actor=STAFF, on=date(2026, 5, 10))
    runner.catch_up_all()
    assert register.get_pairing(pairing_id).status == "active"
    register.exit_child(second, reason="迁出", actor=STAFF, on=date(2026, 5, 20))
    runner.catch_up_all()
    assert register.get_pairing(pairing_id).ended_on == date(2026, 5, 20)


def test_disqualifying_the_only_volunteer_ends_the_pairing(
        register: CareRegister, runner: ViewRunner) -> None:
    volunteer_id = approved(register)
    pairing_id = pair(register, [child(register)], [volunteer_id])
    register.disqualify_volunteer(volunteer_id, reason="长期未履职", actor=STAFF,
                                  on=date(2026, 6, 1))
    runner.catch_up_all()
    pairing = register.get_pairing(pairing_id)
    assert (pairing.status, pairing.end_reason) == ("ended", "志愿者已被取消资格（长期未履职）")


def test_a_pairing_with_another_qualified_volunteer_goes_on(
        register: CareRegister, runner: ViewRunner) -> None:
    disqualified, staying = approved(register, "李秀英"), approved(register, "张桂兰")
    pairing_id = pair(register, [child(register)], [disqualified, staying])
    register.disqualify_volunteer(disqualified, reason="长期未履职", actor=STAFF,
                                  on=date(2026, 6, 1))
    runner.catch_up_all()
    assert register.get_pairing(pairing_id).status == "active"


def test_the_pairing_ends_no_earlier_than_a_contact_recorded_after_the_exit_date(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = child(register)
    pairing_id = pair(register, [child_id], [approved(register)])
    register.record_contact(pairing_id, kind="home_visit", notes="", actor=MOTHER,
                            occurred_on=date(2026, 5, 15))
    register.exit_child(child_id, reason="迁出", actor=STAFF, on=date(2026, 5, 10))
    runner.catch_up_all()
    assert register.get_pairing(pairing_id).ended_on == date(2026, 5, 15)


def test_following_the_log_again_from_zero_records_nothing_more(
        register: CareRegister, runner: ViewRunner) -> None:
    child_id = child(register)
    pair(register, [child_id], [approved(register)])
    register.exit_child(child_id, reason="迁出", actor=STAFF, on=date(2026, 5, 10))
    runner.catch_up_all()
    head = register.recorder.max_notification_id()
    runner.rebuild(PairingsFollowTheirMembers)
    assert register.recorder.max_notification_id() == head
