"""The child's record (留守儿童档案): registration with consent, dated changes, concerns, exit."""

from __future__ import annotations

from datetime import date

import pytest

from domain.children import Child, Guardian, Parent, Profile
from domain.errors import ChildHasExited, ConcernRule, DateInFuture, InvalidRecord, NotFound
from tests.builders import STAFF, TEACHER, TODAY, child_record, grandmother


def registered(**overrides: object) -> Child:
    return Child.register(today=TODAY, actor=STAFF, **child_record(**overrides))


def test_registration_records_who_registered_and_when_it_became_true() -> None:
    child = registered()
    (event,) = child.collect_events()
    assert event.actor == STAFF
    assert event.registered_on == date(2026, 3, 2)
    assert event.timestamp.date() >= event.registered_on


def test_registration_without_the_guardians_consent_is_refused() -> None:
    with pytest.raises(InvalidRecord, match="consent"):
        registered(consent=None)


def test_registration_cannot_be_dated_in_the_future() -> None:
    with pytest.raises(DateInFuture, match="registered_on"):
        registered(registered_on=date(2026, 6, 16))


def test_registration_refuses_an_unknown_category() -> None:
    with pytest.raises(InvalidRecord, match="categories"):
        registered(categories=("orphan-ish",))


def test_registration_refuses_an_unknown_sex() -> None:
    with pytest.raises(InvalidRecord, match="sex"):
        registered(sex="x")


def test_registration_refuses_the_same_parent_role_twice() -> None:
    twice = (Parent(role="father", status="away"), Parent(role="father", status="home"))
    with pytest.raises(InvalidRecord, match="parents"):
        registered(parents=twice)


def test_a_parent_status_must_be_one_of_the_known_ones() -> None:
    with pytest.raises(InvalidRecord, match=r"parents\.status"):
        Parent(role="father", status="abroad")


def test_a_guardian_change_applies_from_its_date() -> None:
    child = registered()
    aunt = Guardian(name="王秀梅", relation="姑姑", age=40)
    child.change_guardian(aunt, on=date(2026, 4, 1), today=TODAY, actor=STAFF, reason="祖母住院")
    assert child.guardian_on(date(2026, 3, 31)) == grandmother()
    assert child.guardian_on(date(2026, 4, 1)) == aunt


def test_a_change_cannot_be_dated_before_registration() -> None:
    child = registered(registered_on=date(2026, 3, 2))
    with pytest.raises(InvalidRecord, match="before the child was registered"):
        child.update_profile(Profile(health="良好"), on=date(2026, 3, 1), today=TODAY,
                             actor=TEACHER)


def test_profile_notes_are_kept_by_date() -> None:
    child = registered()
    child.update_profile(Profile(study="数学偏弱"), on=date(2026, 5, 1), today=TODAY,
                         actor=TEACHER)
    assert child.profile_on(date(2026, 4, 30)) == Profile()
    assert child.profile_on(TODAY).study == "数学偏弱"


def test_categories_change_from_their_date() -> None:
    child = registered(categories=(), parents=(Parent(role="father", status="away"),
                                               Parent(role="mother", status="incapable")))
    child.change_categories(["poor_family", "disabled"], on=date(2026, 5, 1), today=TODAY,
                            actor=STAFF, reason="民政认定")
    assert child.categories_on(date(2026, 4, 30)) == ()
    assert child.categories_on(TODAY) == ("disabled", "poor_family")


def test_a_concern_is_reported_and_then_resolved_and_stays_on_the_record() -> None:
    child = registered()
    concern_id = child.report_concern(kind="absence", description="连续三天未到校",
                                      occurred_on=date(2026, 5, 10), today=TODAY, actor=TEACHER)
    child.resolve_concern(concern_id, action="家访后已返校", on=date(2026, 5, 12), today=TODAY,
                          actor=TEACHER)
    concern = child.concerns[concern_id]
    assert (concern.resolved_on, concern.action) == (date(2026, 5, 12), "家访后已返校")
    assert child.open_concerns() == ()


def test_a_concern_is_resolved_only_once() -> None:
    child = registered()
    concern_id = child.report_concern(kind="illness", description="发烧", today=TODAY,
                                      occurred_on=date(2026, 5, 10), actor=TEACHER)
    child.resolve_concern(concern_id, action="就医", on=date(2026, 5, 10), today=TODAY,
                          actor=TEACHER)
    with pytest.raises(ConcernRule, match="resolved once"):
        child.resolve_concern(concern_id, action="再次", on=date(2026, 5, 11), today=TODAY,
                              actor=TEACHER)


def test_a_concern_cannot_be_resolved_before_it_occurred() -> None:
    child = registered()
    concern_id = child.report_concern(kind="injury", description="摔伤", today=TODAY,
                                      occurred_on=date(2026, 5, 10), actor=TEACHER)
    with pytest.raises(ConcernRule, match="on or after the day it occurred"):
        child.resolve_concern(concern_id, action="包扎", on=date(2026, 5, 9), today=TODAY,
                              actor=TEACHER)


def test_resolving_an_unknown_concern_is_not_found() -> None:
    with pytest.raises(NotFound):
        registered().resolve_concern("nope", action="x", on=TODAY, today=TODAY, actor=STAFF)


def test_an_exited_child_takes_no_new_facts() -> None:
    child = registered()
    child.exit(reason="年满十六周岁", on=date(2026, 6, 1), today=TODAY, actor=STAFF)
    with pytest.raises(ChildHasExited, match="left the programme"):
        child.change_guardian(grandmother(), on=TODAY, today=TODAY, actor=STAFF)


def test_exit_keeps_the_reason_and_the_date() -> None:
    child = registered()
    child.exit(reason="随父母迁往城市", on=date(2026, 6, 1), today=TODAY, actor=STAFF)
    assert (child.exited_on, child.exit_reason, child.is_active) == (
        date(2026, 6, 1), "随父母迁往城市", False)
