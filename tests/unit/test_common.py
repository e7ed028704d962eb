"""Shared values: completed years (周岁), division codes, dates that cannot lie ahead."""

from __future__ import annotations

from datetime import date

import pytest

from domain.common import Actor, age_on, division_code, not_in_future
from domain.errors import DateInFuture, InvalidRecord


def test_age_counts_completed_years() -> None:
    assert age_on(date(2010, 6, 15), date(2026, 6, 14)) == 15
    assert age_on(date(2010, 6, 15), date(2026, 6, 15)) == 16


def test_a_leap_day_birthday_completes_the_year_on_1_march_in_a_common_year() -> None:
    assert age_on(date(2012, 2, 29), date(2027, 2, 28)) == 14
    assert age_on(date(2012, 2, 29), date(2027, 3, 1)) == 15


@pytest.mark.parametrize("code", ["420821", "420821101", "420821101201"])
def test_division_codes_have_six_nine_or_twelve_digits(code: str) -> None:
    assert division_code("region_code", code) == code


@pytest.mark.parametrize("code", ["", "4208", "42082110", "4208211012345", "42082a"])
def test_a_malformed_division_code_is_refused_naming_the_field(code: str) -> None:
    with pytest.raises(InvalidRecord, match="region_code"):
        division_code("region_code", code)


def test_a_date_after_today_is_refused() -> None:
    with pytest.raises(DateInFuture, match="occurred_on"):
        not_in_future("occurred_on", date(2026, 6, 16), date(2026, 6, 15))


def test_an_actor_needs_a_known_role() -> None:
    with pytest.raises(InvalidRecord, match=r"actor\.role"):
        Actor(id="u1", role="janitor")
