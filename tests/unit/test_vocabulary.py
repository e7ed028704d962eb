"""One vocabulary (用语): every code of the register has one word, in one map per concept."""

from __future__ import annotations

from enum import StrEnum

import pytest

from api.console.labels import read
from domain import vocabulary
from domain.children.record import CATEGORIES, ParentRole, ParentStatus, Sex
from domain.duties import STANDARD_CONTACT_KINDS, DutyState
from domain.pairings import PairingShape, Principle
from domain.reports import ReportStatus
from domain.users import Role
from domain.volunteers import VolunteerStatus
from domain.volunteers.form import Decision, ReviewLevel

CODES: list[tuple[type[StrEnum], object]] = [
    (Role, vocabulary.ROLE_TITLES), (Sex, vocabulary.SEX_TITLES),
    (ParentRole, vocabulary.PARENT_ROLE_TITLES), (ParentStatus, vocabulary.PARENT_STATUS_TITLES),
    (VolunteerStatus, vocabulary.VOLUNTEER_STATUS_TITLES),
    (Decision, vocabulary.REVIEW_DECISION_TITLES), (ReviewLevel, vocabulary.REVIEW_LEVEL_TITLES),
    (Principle, vocabulary.PRINCIPLE_TITLES), (PairingShape, vocabulary.SHAPE_TITLES),
    (DutyState, vocabulary.DUTY_STATE_TITLES), (ReportStatus, vocabulary.REPORT_STATUS_TITLES),
]


@pytest.mark.parametrize(("codes", "words"), CODES, ids=[c.__name__ for c, _ in CODES])
def test_every_code_of_the_concept_has_a_word(codes: type[StrEnum], words: dict[str, str]) -> None:
    assert sorted(set(codes) - set(words)) == []


def test_every_standard_contact_kind_has_a_word() -> None:
    assert set(vocabulary.CONTACT_KIND_TITLES) == set(STANDARD_CONTACT_KINDS)


def test_the_categories_the_register_accepts_are_the_words_it_shows() -> None:
    assert CATEGORIES is vocabulary.CATEGORY_TITLES


def test_the_documents_terms_name_the_caring_mother_and_the_federation() -> None:
    assert (vocabulary.ROLE_TITLES["volunteer"], vocabulary.ROLE_TITLES["federation"]) == (
        "爱心妈妈", "妇联")


def test_a_code_without_a_word_is_shown_as_it_is() -> None:
    assert vocabulary.title_of(vocabulary.CONTACT_KIND_TITLES, "kite_flying") == "kite_flying"


def test_the_console_names_what_a_reader_opened_in_the_vocabularys_words() -> None:
    assert [read("record"), read("history")] == ["档案", "历史与时间线"]
