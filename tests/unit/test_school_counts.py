"""The pupils a report's parts count by school and township add up to the region's."""

from __future__ import annotations

from projections.reports.school_places import added


def test_the_counts_of_parts_add_up_by_school_and_township() -> None:
    first = {"石牌镇中心小学": {"420821101": 3}, "胡集镇小学": {"420821102": 1}}
    second = {"石牌镇中心小学": {"420821103": 2, "420821101": 1}}
    assert added([first, second]) == {
        "石牌镇中心小学": {"420821101": 4, "420821103": 2}, "胡集镇小学": {"420821102": 1}}


def test_no_parts_count_nothing() -> None:
    assert added([]) == {}
