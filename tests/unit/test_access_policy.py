"""Who may read or change which records, and what a listing holds (查阅与管理范围)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

import pytest

from domain.access import policy
from domain.access.caller import Caller
from domain.access.policy import (
    Listing,
    can_read_child,
    can_read_pairing,
    can_read_volunteer,
    may_administer,
    may_audit,
    may_break_glass,
    may_change_child,
    may_keep_records,
    may_list_volunteers,
    may_manage_volunteer,
    may_organise,
    may_pair,
    may_read_history,
    may_record_contact,
    may_report_concern,
    may_review,
    may_see_report,
    narrow,
    read_is_recorded,
    reads_in_full,
)
from domain.users import Role

TOWNSHIP = "420821101"  # 石牌镇, 钟祥市
OTHER_TOWNSHIP = "420821102"
SCHOOL = "石牌镇中心小学"
HER = UUID("00000000-0000-4000-8000-000000000001")
ANOTHER = UUID("00000000-0000-4000-8000-000000000002")

ADMIN = Caller("u-admin", Role.ADMIN)
AUDITOR = Caller("u-audit", Role.AUDITOR)
TOWNSHIP_STAFF = Caller("u-town", Role.FEDERATION, region_code=TOWNSHIP)
COUNTY_STAFF = Caller("u-county", Role.FEDERATION, region_code="420821")
CITY_STAFF = Caller("u-city", Role.FEDERATION, region_code="4208")
PROVINCE_STAFF = Caller("u-province", Role.FEDERATION, region_code="42")
TEACHER = Caller("u-school", Role.SCHOOL, region_code=TOWNSHIP, school=SCHOOL)
MOTHER = Caller("u-mother", Role.VOLUNTEER, volunteer_id=HER)


@dataclass(frozen=True)
class Child:
    region_code: str
    school: str


PUPIL = Child(TOWNSHIP + "201", SCHOOL)
NEIGHBOUR = Child(OTHER_TOWNSHIP + "201", "官庄湖小学")
NAMESAKE = Child("420822101201", SCHOOL)  # a 石牌镇中心小学 of another county


def test_a_township_federation_user_sees_children_of_her_township_only() -> None:
    assert can_read_child(TOWNSHIP_STAFF, PUPIL)
    assert not can_read_child(TOWNSHIP_STAFF, NEIGHBOUR)


def test_a_county_federation_user_sees_every_township_of_her_county() -> None:
    assert can_read_child(COUNTY_STAFF, PUPIL) and can_read_child(COUNTY_STAFF, NEIGHBOUR)


def test_a_school_sees_its_own_pupils_where_it_is() -> None:
    assert can_read_child(TEACHER, PUPIL)
    assert not can_read_child(TEACHER, NEIGHBOUR)


def test_a_school_of_the_same_name_elsewhere_is_not_the_school() -> None:
    assert not can_read_child(TEACHER, NAMESAKE)


def test_a_school_account_without_a_place_sees_no_pupil() -> None:
    assert not can_read_child(Caller("u-old", Role.SCHOOL, school=SCHOOL), PUPIL)


def test_a_caring_mother_sees_only_the_children_she_is_paired_with() -> None:
    assert can_read_child(MOTHER, PUPIL, hers=True)
    assert not can_read_child(MOTHER, PUPIL)


@pytest.mark.parametrize("caller", [ADMIN, AUDITOR])
def test_the_admin_and_auditors_see_every_child(caller: Caller) -> None:
    assert can_read_child(caller, NEIGHBOUR) and can_read_child(caller, NAMESAKE)


def test_staff_change_the_records_within_their_scope() -> None:
    assert may_change_child(ADMIN, NAMESAKE)
    assert may_change_child(TOWNSHIP_STAFF, PUPIL) and not may_change_child(TOWNSHIP_STAFF,
                                                                             NEIGHBOUR)
    assert may_change_child(TEACHER, PUPIL) and not may_change_child(TEACHER, NAMESAKE)


@pytest.mark.parametrize("caller", [AUDITOR, MOTHER])
def test_auditors_and_caring_mothers_change_no_record(caller: Caller) -> None:
    assert not may_change_child(caller, PUPIL)


EVERYONE = (ADMIN, AUDITOR, TOWNSHIP_STAFF, TEACHER, MOTHER)


def test_children_are_registered_by_the_admin_federation_staff_and_schools() -> None:
    assert [may_keep_records(c) for c in EVERYONE] == [True, False, True, True, False]


def test_volunteers_are_registered_and_paired_by_the_admin_and_federation_staff() -> None:
    assert [may_organise(c) for c in EVERYONE] == [True, False, True, False, False]


def test_only_the_admin_keeps_accounts_and_erases_personal_data() -> None:
    assert [may_administer(c) for c in EVERYONE] == [True, False, False, False, False]


def test_only_federation_staff_break_the_glass() -> None:
    assert [may_break_glass(c) for c in (ADMIN, AUDITOR, TOWNSHIP_STAFF, TEACHER, MOTHER)] == [
        False, False, True, False, False]


def test_the_reads_of_auditors_and_federation_staff_are_recorded() -> None:
    assert [read_is_recorded(c) for c in (ADMIN, AUDITOR, TOWNSHIP_STAFF, TEACHER, MOTHER)] == [
        False, True, True, False, False]


def test_a_caring_mother_reads_neither_the_history_nor_the_whole_record() -> None:
    assert not may_read_history(MOTHER) and not reads_in_full(MOTHER)
    assert all(may_read_history(c) and reads_in_full(c)
               for c in (ADMIN, AUDITOR, TOWNSHIP_STAFF, TEACHER))


def test_auditors_read_but_do_not_report_concerns() -> None:
    assert not may_report_concern(AUDITOR)
    assert all(may_report_concern(c) for c in (ADMIN, TOWNSHIP_STAFF, TEACHER, MOTHER))


def test_a_volunteer_is_read_by_her_region_her_school_and_herself() -> None:
    assert can_read_volunteer(TOWNSHIP_STAFF, ANOTHER, TOWNSHIP, "石牌镇卫生院")
    assert can_read_volunteer(TEACHER, ANOTHER, TOWNSHIP, f" {SCHOOL} ")
    assert can_read_volunteer(MOTHER, HER, OTHER_TOWNSHIP, "")
    assert not can_read_volunteer(MOTHER, ANOTHER, TOWNSHIP, SCHOOL)
    assert not can_read_volunteer(TOWNSHIP_STAFF, ANOTHER, OTHER_TOWNSHIP, SCHOOL)


def test_schools_and_caring_mothers_list_no_volunteers() -> None:
    assert [may_list_volunteers(c) for c in (ADMIN, AUDITOR, TOWNSHIP_STAFF, TEACHER, MOTHER)] \
        == [True, True, True, False, False]


def test_federation_staff_manage_the_volunteers_of_their_region() -> None:
    assert may_manage_volunteer(TOWNSHIP_STAFF, TOWNSHIP)
    assert not may_manage_volunteer(TOWNSHIP_STAFF, OTHER_TOWNSHIP)
    assert may_manage_volunteer(ADMIN, OTHER_TOWNSHIP) and not may_manage_volunteer(AUDITOR,
                                                                                     TOWNSHIP)


def test_the_unit_opinion_is_given_by_federation_staff_of_the_region_or_her_school() -> None:
    assert may_review(TOWNSHIP_STAFF, "unit", TOWNSHIP, "石牌镇卫生院")
    assert may_review(TEACHER, "unit", TOWNSHIP, SCHOOL)
    assert not may_review(TEACHER, "unit", TOWNSHIP, "石牌镇卫生院")


@pytest.mark.parametrize(("level", "reviewer"), [
    ("county", COUNTY_STAFF), ("city", CITY_STAFF), ("province", PROVINCE_STAFF)])
def test_each_federation_level_gives_its_own_opinion_only(level: str, reviewer: Caller) -> None:
    others = {COUNTY_STAFF, CITY_STAFF, PROVINCE_STAFF, TOWNSHIP_STAFF} - {reviewer}
    assert may_review(reviewer, level, TOWNSHIP, SCHOOL)
    assert not any(may_review(other, level, TOWNSHIP, SCHOOL) for other in others)


def test_a_township_federation_user_cannot_give_the_county_opinion() -> None:
    assert not may_review(TOWNSHIP_STAFF, "county", TOWNSHIP, SCHOOL)


def test_a_township_federation_user_gives_only_the_unit_opinion() -> None:
    assert [level for level in ("unit", "county", "city", "province")
            if may_review(TOWNSHIP_STAFF, level, TOWNSHIP, SCHOOL)] == ["unit"]


def test_a_school_gives_no_federations_opinion() -> None:
    assert not any(may_review(TEACHER, level, TOWNSHIP, SCHOOL)
                   for level in ("county", "city", "province"))


def test_auditors_and_volunteers_give_no_opinion() -> None:
    assert not any(may_review(caller, level, TOWNSHIP, SCHOOL)
                   for caller in (AUDITOR, MOTHER)
                   for level in ("unit", "county", "city", "province"))


def test_a_federation_level_reviews_only_volunteers_of_its_region() -> None:
    assert not may_review(CITY_STAFF, "city", "420100", SCHOOL)


def test_an_admin_keying_in_a_paper_form_gives_any_level() -> None:
    assert all(may_review(ADMIN, level, TOWNSHIP, SCHOOL)
               for level in ("unit", "county", "city", "province"))


def test_federation_staff_pair_children_and_volunteers_of_their_region() -> None:
    assert may_pair(TOWNSHIP_STAFF, TOWNSHIP) and not may_pair(TOWNSHIP_STAFF, OTHER_TOWNSHIP)
    assert may_pair(ADMIN, OTHER_TOWNSHIP) and not may_pair(TEACHER, TOWNSHIP)


def test_a_pairing_is_read_by_its_mothers_and_by_staff_who_read_one_of_its_children() -> None:
    assert can_read_pairing(MOTHER, {HER}, []) and not can_read_pairing(MOTHER, {ANOTHER},
                                                                         [PUPIL])
    assert can_read_pairing(TOWNSHIP_STAFF, {ANOTHER}, [NEIGHBOUR, PUPIL])
    assert not can_read_pairing(TEACHER, {ANOTHER}, [NEIGHBOUR, NAMESAKE])


def test_auditors_record_no_contact() -> None:
    assert [may_record_contact(c) for c in (ADMIN, AUDITOR, TOWNSHIP_STAFF, TEACHER, MOTHER)] \
        == [True, False, True, False, True]


def test_federation_staff_see_the_reports_of_regions_within_theirs() -> None:
    assert may_see_report(COUNTY_STAFF, TOWNSHIP) and not may_see_report(TOWNSHIP_STAFF, "420821")
    assert may_see_report(AUDITOR, "42") and not may_see_report(TEACHER, TOWNSHIP)


def test_only_the_admin_and_auditors_check_who_read_what() -> None:
    assert [may_audit(c) for c in (ADMIN, AUDITOR, TOWNSHIP_STAFF, TEACHER, MOTHER)] == [
        True, True, False, False, False]


def test_a_federation_listing_is_narrowed_to_her_region() -> None:
    assert narrow(Listing(), TOWNSHIP_STAFF) == Listing(region_code=TOWNSHIP)


def test_a_federation_listing_keeps_a_narrower_filter_within_her_region() -> None:
    village = TOWNSHIP + "201"
    assert narrow(Listing(region_code=village), TOWNSHIP_STAFF) == Listing(region_code=village)


def test_a_listing_asked_outside_the_region_is_empty() -> None:
    assert narrow(Listing(region_code=OTHER_TOWNSHIP), TOWNSHIP_STAFF) is None


def test_a_listing_asked_of_a_wider_region_than_hers_is_empty() -> None:
    assert narrow(Listing(region_code="4208"), TOWNSHIP_STAFF) is None


def test_a_school_listing_is_its_own_school_where_it_is() -> None:
    assert narrow(Listing(), TEACHER) == Listing(region_code=TOWNSHIP, school=SCHOOL)
    assert narrow(Listing(school="官庄湖小学"), TEACHER) is None
    assert narrow(Listing(region_code=OTHER_TOWNSHIP), TEACHER) is None


def test_a_school_account_without_a_place_lists_nothing() -> None:
    assert narrow(Listing(), Caller("u-old", Role.SCHOOL, school=SCHOOL)) is None


def test_a_caring_mother_lists_her_own() -> None:
    assert narrow(Listing(), MOTHER) == Listing(volunteer_id=HER)
    assert narrow(Listing(volunteer_id=ANOTHER), MOTHER) is None


@pytest.mark.parametrize("caller", [ADMIN, AUDITOR])
def test_the_admin_and_auditors_list_what_they_ask(caller: Caller) -> None:
    asked = Listing(region_code="42", school=SCHOOL, volunteer_id=ANOTHER)
    assert narrow(asked, caller) == asked


@pytest.mark.parametrize(("rule", "admitted"), [
    (policy.may_administer, {"admin"}),
    (policy.may_audit, {"admin", "auditor"}),
    (policy.may_break_glass, {"federation"}),
    (policy.may_keep_records, {"admin", "federation", "school"}),
    (policy.may_organise, {"admin", "federation"}),
    (policy.may_read_history, {"admin", "federation", "school", "auditor"}),
    (policy.may_see_reports, {"admin", "federation", "auditor"}),
])
def test_the_rules_a_route_admits_by_name_each_role_they_let_in(
        rule: Callable[[Caller], bool], admitted: set[str]) -> None:
    assert {role.value for role in Role if rule(Caller("", role))} == admitted
