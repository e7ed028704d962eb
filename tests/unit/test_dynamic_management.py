"""Dynamic management (动态管理) through the use cases, in memory: a change of school (升学、
转学) and a transfer (迁出) hold from their dates, corrections (更正) as if always so, and a
corrected national ID number moves its claim."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from domain.application import CareRegister
from domain.children import Child, Profile
from domain.errors import InvalidRecord, TransferRule
from domain.national_ids import ChildAlreadyRegistered, NationalIdClaim
from tests.builders import STAFF, TODAY, approved_volunteer, child_record

OLD_NUMBER, NEW_NUMBER = "420821201605200027", "420821201605200043"


@pytest.fixture
def register() -> Iterator[CareRegister]:
    register = CareRegister(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                            clock=lambda: TODAY)
    yield register
    register.close()


def registered(register: CareRegister, **record: object) -> object:
    return register.register_child(actor=STAFF, **child_record(**record))


def test_a_school_changed_on_a_date_is_the_childs_school_from_that_date(
        register: CareRegister) -> None:
    child = registered(register)
    register.change_school(child, school="石牌镇初级中学", class_name="七年级一班", actor=STAFF,
                           on=date(2026, 5, 1))
    assert register.get_child(child, date(2026, 4, 30)).school == "石牌镇中心小学"
    assert (register.get_child(child).school, register.get_child(child).class_name) == (
        "石牌镇初级中学", "七年级一班")


def test_the_dated_school_and_region_survive_a_snapshot(register: CareRegister) -> None:
    child = registered(register)
    register.change_school(child, school="石牌镇初级中学", class_name="", actor=STAFF,
                           on=date(2026, 5, 1))
    register.transfer_child(child, region_code="420822100", reason="随祖父母迁往沙洋县",
                            actor=STAFF, on=date(2026, 5, 10))
    for day in range(1, 60):  # past the snapshot interval (50 events)
        register.update_profile(child, Profile(study=f"第{day}次记录"), actor=STAFF,
                                on=date(2026, 6, 1))
    assert register.get_child(child, date(2026, 5, 9)).region_code == "420821101"
    assert register.get_child(child, date(2026, 4, 1)).school == "石牌镇中心小学"
    assert register.get_child(child).region_code == "420822100"


def test_a_transfer_is_refused_while_a_pairing_of_the_child_is_active(
        register: CareRegister) -> None:
    child = registered(register)
    volunteer = approved_volunteer(register)
    pairing = register.form_pairing(child_ids=[child], volunteer_ids=[volunteer],
                                    principle="nearby", starts_on=date(2026, 3, 10),
                                    actor=STAFF)
    with pytest.raises(TransferRule):
        register.transfer_child(child, region_code="420822100", reason="迁往沙洋县",
                                actor=STAFF, pairings=[pairing])
    register.end_pairing(pairing, reason="儿童迁出", actor=STAFF, on=date(2026, 6, 1))
    register.transfer_child(child, region_code="420822100", reason="迁往沙洋县", actor=STAFF,
                            pairings=[pairing])
    assert register.get_child(child).region_code == "420822100"


def test_a_correction_reads_on_every_date_and_refuses_what_changes_nothing(
        register: CareRegister) -> None:
    child = registered(register)
    register.correct_child(child, field="birth_date", value="2015-05-20", reason="户口簿为准",
                           actor=STAFF)
    assert register.get_child(child, date(2026, 3, 2)).birth_date == date(2015, 5, 20)
    with pytest.raises(InvalidRecord) as same:
        register.correct_child(child, field="birth_date", value="2015-05-20", reason="再次",
                               actor=STAFF)
    assert same.value.field == "value"
    with pytest.raises(InvalidRecord) as unknown:
        register.correct_child(child, field="school", value="某校", reason="录错",
                               actor=STAFF)
    assert unknown.value.field == "field"


def test_a_corrected_national_id_number_frees_the_old_and_claims_the_new(
        register: CareRegister) -> None:
    child = registered(register, id_number=OLD_NUMBER)
    other = registered(register, name="李明", id_number="420821201601010015")
    with pytest.raises(ChildAlreadyRegistered) as taken:
        register.correct_child(child, field="id_number", value="420821201601010015",
                               reason="录错", actor=STAFF)
    assert taken.value.existing_id == other
    register.correct_child(child, field="id_number", value=NEW_NUMBER, reason="录错",
                           actor=STAFF)
    registered(register, name="张丽", id_number=OLD_NUMBER)  # free again
    with pytest.raises(ChildAlreadyRegistered):
        registered(register, name="赵军", id_number=NEW_NUMBER)


def test_an_erasure_makes_every_number_the_child_held_forget_whose_it_was(
        register: CareRegister) -> None:
    child = registered(register, id_number=OLD_NUMBER)
    register.correct_child(child, field="id_number", value=NEW_NUMBER, reason="录错",
                           actor=STAFF)
    register.erase_personal_data(child, reason="监护人撤回同意", actor=STAFF)
    for number in (OLD_NUMBER, NEW_NUMBER):
        index = register.national_id_index(number)
        assert index is not None
        claim = register.repository.get(NationalIdClaim.id_of(index, 0))
        assert isinstance(claim, NationalIdClaim) and claim.holder_id is None
    assert isinstance(register.repository.get(child), Child)


def test_a_move_entered_late_takes_its_place_in_the_history_by_its_date(
        register: CareRegister) -> None:
    child = registered(register)
    register.change_school(child, school="石牌镇初级中学", class_name="七年级一班", actor=STAFF,
                           on=date(2026, 6, 1))
    register.change_school(child, school="胡集镇中心小学", class_name="六年级一班", actor=STAFF,
                           on=date(2026, 4, 1))  # the earlier move, recorded after
    assert register.get_child(child).school == "石牌镇初级中学"
    assert register.get_child(child, date(2026, 5, 1)).school == "胡集镇中心小学"
    assert register.get_child(child, date(2026, 3, 31)).school == "石牌镇中心小学"


def test_a_transfer_entered_late_leaves_the_child_where_its_latest_move_took_it(
        register: CareRegister) -> None:
    child = registered(register)
    register.transfer_child(child, region_code="420822100", reason="迁往沙洋县", actor=STAFF,
                            on=date(2026, 6, 1))
    register.transfer_child(child, region_code="420821102", reason="先迁往邻镇", actor=STAFF,
                            on=date(2026, 4, 1))
    assert register.get_child(child).region_code == "420822100"
    assert register.get_child(child, date(2026, 5, 1)).region_code == "420821102"


def test_a_transfer_to_a_place_the_register_of_places_does_not_name_is_refused(
        register: CareRegister) -> None:
    child = registered(register)
    register.name_places([("420822100", "沙洋镇")], actor=STAFF)
    counties = {"420822"}.__contains__
    for code in ("999999", "420822199"):
        with pytest.raises(InvalidRecord) as refused:
            register.transfer_child(child, region_code=code, reason="迁往沙洋县", actor=STAFF,
                                    division_known=counties)
        assert refused.value.field == "region_code"
        assert "迁入地" in refused.value.reason and "不在地名登记中" in refused.value.reason
    assert register.get_child(child).version == 1
    for code in ("420822", "420822100"):
        register.transfer_child(child, region_code=code, reason="迁往沙洋县", actor=STAFF,
                                division_known=counties)
        assert register.get_child(child).region_code == code


def test_a_transfer_naming_a_school_records_both_from_the_same_day(
        register: CareRegister) -> None:
    child = registered(register)
    register.transfer_child(child, region_code="420822100", reason="迁往沙洋县", actor=STAFF,
                            on=date(2026, 6, 1), school="沙洋县实验小学", class_name="四年级二班")
    moved = register.get_child(child)
    assert (moved.region_code, moved.school, moved.class_name) == (
        "420822100", "沙洋县实验小学", "四年级二班")
    before = register.get_child(child, date(2026, 5, 31))
    assert (before.region_code, before.school) == ("420821101", "石牌镇中心小学")
    assert moved.version == 3
