"""The parts of a name a search by part of it may ask for (the blind index's entries)."""

from __future__ import annotations

from domain.personal import LONGEST_PART, name_parts, query_parts, searchable


def test_a_name_is_searched_without_spaces_middle_dots_width_or_case() -> None:
    assert searchable(" 阿依古丽·买买提 ") == "阿依古丽买买提"
    assert searchable("ＷＡＮＧ Xiao") == "wangxiao"


def test_every_part_of_a_short_name_is_kept() -> None:
    assert set(name_parts("张小明")) == {"张", "小", "明", "张小", "小明", "张小明"}


def test_no_part_longer_than_the_longest_is_kept() -> None:
    parts = name_parts("阿依古丽买买提")
    assert max(len(part) for part in parts) == LONGEST_PART
    assert "阿依古丽" in parts and "阿依古丽买" not in parts


def test_a_short_search_is_one_part_and_a_long_one_every_longest_part_in_it() -> None:
    assert query_parts("小明") == ["小明"]
    assert query_parts("依古丽买买") == ["依古丽买", "古丽买买"]
    assert set(query_parts("阿依古丽买买提")) <= set(name_parts("阿依古丽·买买提"))


def test_an_empty_search_asks_for_nothing() -> None:
    assert query_parts(" ") == []
