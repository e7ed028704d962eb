"""One person signs one level's opinion (一人只签一级意见): a volunteer approved at four
levels was approved by four people."""

from __future__ import annotations

from datetime import date

import pytest

from domain.common import Actor
from domain.errors import InvalidRecord
from domain.volunteers import (
    APPROVAL_LEVELS,
    Decision,
    OneLevelPerSigner,
    PaperFormSigner,
    ReviewLevel,
    Volunteer,
    VolunteerStatus,
)
from tests.builders import REVIEWERS, STAFF, TODAY, volunteer_form

TOWNSHIP = Actor(id="township-federation", role="federation")
ADMIN = Actor(id="admin", role="admin")
ON = date(2026, 2, 1)


def applied() -> Volunteer:
    return Volunteer.apply(form=volunteer_form(), approval_levels=APPROVAL_LEVELS,
                           applied_on=date(2026, 1, 5), today=TODAY, actor=STAFF)


def review(volunteer: Volunteer, level: str, actor: Actor, *, decision: str = "approve",
           signed_by: str | None = None) -> None:
    volunteer.review(level=level, decision=decision, opinion="同意", on=ON, today=TODAY,
                     actor=actor, signed_by=signed_by)


def test_one_account_cannot_give_a_second_levels_opinion() -> None:
    volunteer = applied()
    review(volunteer, "unit", TOWNSHIP)
    with pytest.raises(OneLevelPerSigner, match="一人只签一级意见"):
        review(volunteer, "county", TOWNSHIP)
    assert (volunteer.status, len(volunteer.reviews)) == (VolunteerStatus.PENDING, 1)


def test_the_refusal_names_both_levels_in_the_forms_words() -> None:
    volunteer = applied()
    review(volunteer, "unit", TOWNSHIP)
    with pytest.raises(OneLevelPerSigner) as refused:
        review(volunteer, "county", TOWNSHIP)
    assert "已签署所在单位意见，不能再签署县妇联意见" in refused.value.message
    assert refused.value.rule == "one_level_per_signer"


def test_a_rejection_is_a_levels_opinion_too() -> None:
    volunteer = applied()
    review(volunteer, "unit", TOWNSHIP)
    with pytest.raises(OneLevelPerSigner):
        review(volunteer, "county", TOWNSHIP, decision="reject")
    assert volunteer.status is VolunteerStatus.PENDING


def test_four_people_approve_at_four_levels() -> None:
    volunteer = applied()
    for level in APPROVAL_LEVELS:
        review(volunteer, level, REVIEWERS[level])
    assert volunteer.status is VolunteerStatus.APPROVED


def test_an_admin_keying_in_paper_forms_names_a_different_signer_for_each_level() -> None:
    volunteer = applied()
    for level, name in zip(APPROVAL_LEVELS, ("王敏", "刘芳", "陈静", "张丽"), strict=True):
        review(volunteer, level, ADMIN, signed_by=name)
    assert volunteer.status is VolunteerStatus.APPROVED
    assert [(r.by, r.signed_by) for r in volunteer.reviews] == [
        ("admin", "王敏"), ("admin", "刘芳"), ("admin", "陈静"), ("admin", "张丽")]


def test_a_signer_named_twice_is_refused_whatever_the_spacing_or_case() -> None:
    volunteer = applied()
    review(volunteer, "unit", ADMIN, signed_by="Li Hua")
    with pytest.raises(OneLevelPerSigner, match="“LIHUA”已签署所在单位意见"):
        review(volunteer, "county", ADMIN, signed_by=" LIHUA ")


def test_an_admin_keying_in_a_paper_form_names_who_signed_it() -> None:
    volunteer = applied()
    with pytest.raises(PaperFormSigner, match="须填写签署人") as refused:
        review(volunteer, "unit", ADMIN)
    assert (refused.value.field, refused.value.rule) == ("signed_by", "signer_required")
    assert (volunteer.status, volunteer.reviews) == (VolunteerStatus.PENDING, [])


def test_a_blank_signer_from_an_admin_names_no_one() -> None:
    with pytest.raises(PaperFormSigner):
        review(applied(), "unit", ADMIN, signed_by="  ")


def test_an_admins_opinion_recorded_without_a_signer_is_still_the_admins_level() -> None:
    volunteer = applied()
    volunteer._reviewed(level=ReviewLevel.UNIT, decision=Decision.APPROVE, opinion="同意",
                        on=ON, actor=ADMIN, signed_by="")
    assert volunteer.level_reached == "unit" and volunteer.reviews[0].signer == "user:admin"
    review(volunteer, "county", ADMIN, signed_by="刘芳")
    assert [r.signed_by for r in volunteer.reviews] == ["", "刘芳"]


def test_only_an_admin_names_who_signed() -> None:
    with pytest.raises(InvalidRecord, match="signed_by"):
        review(applied(), "unit", TOWNSHIP, signed_by="王敏")


def test_a_blank_signer_is_no_signer() -> None:
    volunteer = applied()
    review(volunteer, "unit", TOWNSHIP, signed_by="  ")
    assert volunteer.reviews[0].signed_by == ""
