"""A school account is its school where it is (学校 + 行政区划): the name alone repeats from
county to county."""

from __future__ import annotations

import pytest

from domain.errors import InvalidRecord
from domain.transcodings import AixinTranscoder
from domain.users import Scope, User
from tests.builders import STAFF


def test_a_school_account_is_created_with_the_place_of_its_school() -> None:
    scope = Scope(role="school", school="石牌镇中心小学", region_code="420821101")
    user = User.create(username="teacher1", password_hash="h", scope=scope, actor=STAFF)
    assert (user.scope.school, user.scope.region_code) == ("石牌镇中心小学", "420821101")


@pytest.mark.parametrize("region_code", [None, "", "42", "4208", "42082110"])
def test_a_school_account_without_a_division_code_is_refused(region_code: str | None) -> None:
    scope = Scope(role="school", school="石牌镇中心小学", region_code=region_code)
    with pytest.raises(InvalidRecord, match="region_code"):
        User.create(username="teacher1", password_hash="h", scope=scope, actor=STAFF)


def test_no_account_is_given_a_school_scope_without_its_place() -> None:
    user = User.create(username="teacher1", password_hash="h", scope=Scope(role="auditor"),
                       actor=STAFF)
    with pytest.raises(InvalidRecord, match="region_code"):
        user.change_scope(Scope(role="school", school="石牌镇中心小学"), actor=STAFF)


def test_a_school_scope_recorded_before_the_rule_still_loads() -> None:
    transcoder = AixinTranscoder()
    stored = transcoder.encode(Scope(role="school", school="石牌镇中心小学"))
    assert transcoder.decode(stored) == Scope(role="school", school="石牌镇中心小学")
