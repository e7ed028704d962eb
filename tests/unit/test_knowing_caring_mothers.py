"""Whom staff know by name and phone (督促履职): the caring mothers paired with a child whose
record they keep, wherever the mother is registered; and who reads the work-lists."""

from __future__ import annotations

from domain.access.policy import knows_caring_mother, may_read_work_lists
from tests.unit.test_access_policy import (
    ADMIN,
    ANOTHER,
    AUDITOR,
    COUNTY_STAFF,
    HER,
    MOTHER,
    NEIGHBOUR,
    PUPIL,
    TEACHER,
    TOWNSHIP_STAFF,
)

COUNTY = "420821"  # she registered with the county's federation
UNIT = "钟祥市妇联"


def test_a_township_clerk_knows_a_county_mother_paired_with_a_child_of_her_township() -> None:
    assert knows_caring_mother(TOWNSHIP_STAFF, HER, COUNTY, UNIT, [PUPIL])


def test_a_township_clerk_does_not_know_her_from_a_child_of_another_township() -> None:
    assert not knows_caring_mother(TOWNSHIP_STAFF, HER, COUNTY, UNIT, [NEIGHBOUR])
    assert not knows_caring_mother(TOWNSHIP_STAFF, HER, COUNTY, UNIT, [])


def test_the_childs_school_knows_her_too() -> None:
    assert knows_caring_mother(TEACHER, HER, COUNTY, UNIT, [PUPIL])


def test_whoever_reads_her_form_knows_her_whatever_the_child() -> None:
    assert knows_caring_mother(COUNTY_STAFF, HER, COUNTY, UNIT, [])
    assert knows_caring_mother(AUDITOR, HER, COUNTY, UNIT, [])


def test_another_caring_mother_of_the_same_child_does_not_know_her() -> None:
    assert not knows_caring_mother(MOTHER, ANOTHER, COUNTY, UNIT, [PUPIL])


def test_staff_and_auditors_read_the_work_lists_and_caring_mothers_do_not() -> None:
    assert all(may_read_work_lists(c) for c in (ADMIN, AUDITOR, TOWNSHIP_STAFF, TEACHER))
    assert not may_read_work_lists(MOTHER)
