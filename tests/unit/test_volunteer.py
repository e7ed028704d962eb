"""Volunteers (爱心妈妈): approved level by level, then suspended, reinstated, disqualified."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import (
    ApplicationClosed,
    ApprovalOutOfOrder,
    DateInFuture,
    InvalidRecord,
    VolunteerStatusRule,
)
from domain.volunteers import APPROVAL_LEVELS, Volunteer, VolunteerStatus
from tests.builders import REVIEWERS, STAFF, TODAY, volunteer_form


def applied(levels: tuple = APPROVAL_LEVELS) -> Volunteer:
    return Volunteer.apply(form=volunteer_form(), approval_levels=levels,
                           applied_on=date(2026, 1, 5), today=TODAY, actor=STAFF)


def approve(volunteer: Volunteer, *levels: str, on: date = date(2026, 2, 1)) -> None:
    for level in levels:
        volunteer.review(level=level, decision="approve", opinion="同意", on=on, today=TODAY,
                         actor=REVIEWERS.get(level, STAFF))


def approved() -> Volunteer:
    volunteer = applied()
    approve(volunteer, "unit", "county", "city", "province")
    return volunteer


def test_a_new_application_waits_for_the_unit_first() -> None:
    volunteer = applied()
    assert (volunteer.status, volunteer.next_level) == (VolunteerStatus.PENDING, "unit")


def test_approval_at_every_level_in_order_approves_the_volunteer() -> None:
    volunteer = approved()
    assert volunteer.status is VolunteerStatus.APPROVED
    assert [r.level for r in volunteer.reviews] == ["unit", "county", "city", "province"]


def test_approval_stays_pending_until_the_last_level() -> None:
    volunteer = applied()
    approve(volunteer, "unit", "county", "city")
    assert (volunteer.status, volunteer.level_reached) == (VolunteerStatus.PENDING, "city")


def test_a_level_cannot_be_skipped() -> None:
    volunteer = applied()
    with pytest.raises(ApprovalOutOfOrder, match="next review is at level unit, not county"):
        approve(volunteer, "county")


def test_a_programme_may_require_fewer_levels() -> None:
    volunteer = applied(levels=APPROVAL_LEVELS[:2])
    approve(volunteer, "unit", "county")
    assert volunteer.status is VolunteerStatus.APPROVED


def test_a_rejection_at_any_level_ends_the_application() -> None:
    volunteer = applied()
    approve(volunteer, "unit")
    volunteer.review(level="county", decision="reject", opinion="材料不全", on=date(2026, 2, 3),
                     today=TODAY, actor=REVIEWERS["county"])
    assert volunteer.status is VolunteerStatus.REJECTED
    with pytest.raises(ApplicationClosed, match="rejected"):
        approve(volunteer, "city")


def test_a_review_cannot_be_dated_before_the_previous_step() -> None:
    volunteer = applied()
    approve(volunteer, "unit", on=date(2026, 2, 1))
    with pytest.raises(ApprovalOutOfOrder, match="on or after the previous step"):
        approve(volunteer, "county", on=date(2026, 1, 31))


def test_a_review_cannot_be_dated_in_the_future() -> None:
    with pytest.raises(DateInFuture):
        approve(applied(), "unit", on=date(2026, 6, 16))


def test_an_unknown_level_names_the_field() -> None:
    with pytest.raises(InvalidRecord, match="level"):
        approve(applied(), "village")


def test_an_application_needs_a_phone_number() -> None:
    with pytest.raises(InvalidRecord, match="phone"):
        volunteer_form(phone=" ")


def test_an_approved_volunteer_can_be_suspended_and_reinstated() -> None:
    volunteer = approved()
    volunteer.suspend(reason="长期外出", on=date(2026, 3, 1), today=TODAY, actor=STAFF)
    assert not volunteer.can_be_paired
    volunteer.reinstate(reason="已返回", on=date(2026, 4, 1), today=TODAY, actor=STAFF)
    assert volunteer.can_be_paired


def test_only_a_suspended_volunteer_can_be_reinstated() -> None:
    with pytest.raises(VolunteerStatusRule, match="suspended"):
        approved().reinstate(reason="", on=TODAY, today=TODAY, actor=STAFF)


def test_disqualification_needs_a_reason_and_is_final() -> None:
    volunteer = approved()
    with pytest.raises(InvalidRecord, match="reason"):
        volunteer.disqualify(reason=" ", on=TODAY, today=TODAY, actor=STAFF)
    volunteer.disqualify(reason="半年未履行帮扶职责", on=TODAY, today=TODAY, actor=STAFF)
    assert volunteer.status is VolunteerStatus.DISQUALIFIED
    with pytest.raises(VolunteerStatusRule):
        volunteer.reinstate(reason="", on=TODAY, today=TODAY, actor=STAFF)


def test_a_pending_volunteer_cannot_be_commended() -> None:
    with pytest.raises(VolunteerStatusRule, match="approved"):
        applied().commend(reason="优秀爱心妈妈", on=TODAY, today=TODAY, actor=STAFF)


def test_commendations_are_kept_with_their_date() -> None:
    volunteer = approved()
    volunteer.commend(reason="优秀爱心妈妈", on=date(2026, 5, 1), today=TODAY, actor=STAFF)
    assert [(c.on, c.value) for c in volunteer.commendations] == [
        (date(2026, 5, 1), "优秀爱心妈妈")]


def test_a_volunteer_is_approved_on_the_day_of_the_last_levels_approval() -> None:
    volunteer = applied()
    approve(volunteer, "unit", "county", on=date(2026, 2, 1))
    assert volunteer.approved_on is None
    approve(volunteer, "city", "province", on=date(2026, 2, 9))
    assert volunteer.approved_on == date(2026, 2, 9)


def test_a_rejected_volunteer_was_never_approved() -> None:
    volunteer = applied()
    approve(volunteer, "unit", "county", "city")
    volunteer.review(level="province", decision="reject", opinion="不同意", on=date(2026, 2, 3),
                     today=TODAY, actor=REVIEWERS["province"])
    assert (volunteer.approved_on, volunteer.in_good_standing) == (None, False)


def test_a_volunteer_in_good_standing_is_approved_and_neither_suspended_nor_disqualified(
        ) -> None:
    volunteer = approved()
    assert volunteer.in_good_standing
    volunteer.suspend(reason="长期未联系", on=date(2026, 3, 1), today=TODAY, actor=STAFF)
    assert not volunteer.in_good_standing
    volunteer.reinstate(reason="已恢复联系", on=date(2026, 3, 9), today=TODAY, actor=STAFF)
    assert volunteer.in_good_standing
    volunteer.disqualify(reason="不履行职责", on=date(2026, 4, 1), today=TODAY, actor=STAFF)
    assert not volunteer.in_good_standing
    assert volunteer.approved_on == date(2026, 2, 1)


def test_a_pending_volunteer_is_not_in_good_standing() -> None:
    assert not applied().in_good_standing
