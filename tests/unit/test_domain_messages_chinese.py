"""The rules' messages reach people in Chinese first, the English after it in brackets; a
volunteer's form is held to the same rules as a child's record (a birth date not ahead, one
rule for phone numbers)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError

from api.schemas.common import Day
from domain.children import Child, Guardian, Parent
from domain.common import phone_number
from domain.errors import ApprovalOutOfOrder, DateInFuture, DomainError, InvalidRecord
from domain.volunteers import APPROVAL_LEVELS, Volunteer
from tests.builders import STAFF, TODAY, child_record, grandmother, volunteer_form


def chinese_first(error: DomainError) -> bool:
    reason = getattr(error, "reason", error.message)
    return "\u4e00" <= reason[0] <= "\u9fff"


def registered() -> Child:
    return Child.register(today=TODAY, actor=STAFF, **child_record(registered_on=date(2026, 3, 2)))


def apply(**form: object) -> Volunteer:
    return Volunteer.apply(form=volunteer_form(**form), approval_levels=APPROVAL_LEVELS,
                           applied_on=date(2026, 1, 5), today=TODAY, actor=STAFF)


def test_a_child_of_18_or_more_is_refused_in_chinese() -> None:
    with pytest.raises(InvalidRecord) as refused:
        Child.register(today=TODAY, actor=STAFF,
                       **child_record(birth_date=date(2008, 1, 1)))
    assert chinese_first(refused.value) and "未成年人" in refused.value.reason


def test_a_change_dated_before_registration_is_refused_in_chinese() -> None:
    with pytest.raises(InvalidRecord) as refused:
        registered().change_guardian(grandmother(), on=date(2026, 3, 1), today=TODAY,
                                     actor=STAFF)
    assert chinese_first(refused.value) and "2026-03-02" in refused.value.reason


def test_a_concern_resolved_before_it_occurred_is_refused_in_chinese() -> None:
    child = registered()
    concern = child.report_concern(kind="illness", description="发烧", today=TODAY,
                                   occurred_on=date(2026, 5, 10), actor=STAFF)
    with pytest.raises(DomainError) as refused:
        child.resolve_concern(str(concern), action="已就医", on=date(2026, 5, 9), today=TODAY,
                              actor=STAFF)
    assert chinese_first(refused.value)


def test_a_registration_without_consent_is_refused_in_chinese() -> None:
    with pytest.raises(InvalidRecord) as refused:
        Child.register(today=TODAY, actor=STAFF, **child_record(consent=None))
    assert chinese_first(refused.value)


def test_an_impossible_guardian_age_is_refused_in_chinese() -> None:
    with pytest.raises(InvalidRecord) as refused:
        Guardian(name="张桂兰", relation="祖母", age=200)
    assert chinese_first(refused.value)


def test_a_review_dated_before_the_application_names_the_application_day() -> None:
    volunteer = apply()
    with pytest.raises(ApprovalOutOfOrder, match="申请日期 2026-01-05"):
        volunteer.review(level="unit", decision="approve", opinion="同意",
                         on=date(2026, 1, 4), today=TODAY, actor=STAFF)


def test_a_volunteer_born_in_the_future_is_refused() -> None:
    with pytest.raises(DateInFuture):
        apply(birth_date=date(2027, 1, 1))


@pytest.mark.parametrize("phone", ["abc", "123", "1380000000112345678901", "138 0000 00a1"])
def test_a_volunteer_with_an_impossible_phone_is_refused_in_chinese(phone: str) -> None:
    with pytest.raises(InvalidRecord) as refused:
        apply(phone=phone)
    assert refused.value.field == "phone" and chinese_first(refused.value)


@pytest.mark.parametrize("phone", ["13700000004", "+86 137-0000-0004", "0724-4221234"])
def test_a_phone_of_digits_with_plus_hyphens_or_spaces_is_accepted(phone: str) -> None:
    assert phone_number("phone", phone) == phone


def test_a_parents_phone_is_held_to_the_same_rule() -> None:
    father = Parent(role="father", status="away", name="王建国", phone="abc")
    with pytest.raises(InvalidRecord) as refused:
        Child.register(today=TODAY, actor=STAFF, **child_record(parents=(father,)))
    assert refused.value.field == "parents.phone"


def test_a_new_guardians_phone_is_held_to_the_same_rule() -> None:
    guardian = Guardian(name="张桂兰", relation="祖母", phone="abc")
    with pytest.raises(InvalidRecord) as refused:
        registered().change_guardian(guardian, on=date(2026, 4, 1), today=TODAY, actor=STAFF)
    assert refused.value.field == "guardian.phone"


def test_a_date_not_on_the_calendar_is_refused_in_chinese() -> None:
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(Day).validate_python("2026-13-01")
    assert refused.value.errors()[0]["msg"].startswith("日期 2026-13-01 在日历上不存在")
