"""姓名相近: which two names are close enough to list two records as likely one child."""

from __future__ import annotations

import pytest

from projections.duplicates import close_names, digits, pair_key


@pytest.mark.parametrize(("first", "second"), [
    ("王小花", "王晓花"),  # one character different
    ("阿依古丽·买买提", "阿依古丽买买提"),  # the middle dot left out
    ("王 小花", "王小花"),  # spacing
    ("ＷＡＮＧ　Ｘｉａｏ", "wang xiao"),  # full width and case
    ("王小花", "王花"),  # one character left out
])
def test_names_that_are_close(first: str, second: str) -> None:
    assert close_names(first, second)


@pytest.mark.parametrize(("first", "second"), [
    ("王小花", "李明"), ("王小花", "王大明"), ("王", "李"), ("王小花", ""),
    ("张伟", "张伟伟伟"),
])
def test_names_that_are_not(first: str, second: str) -> None:
    assert not close_names(first, second)


def test_a_phone_is_compared_by_its_digits_without_the_country_code() -> None:
    assert digits("+86 139-0000-0003") == digits("13900000003") == "13900000003"


def test_a_pairs_key_does_not_depend_on_the_order_of_its_children() -> None:
    assert pair_key("b", "a") == pair_key("a", "b") == "a~b"
