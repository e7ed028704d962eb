"""A report's parts: ``report_townships_per_task`` townships at least, and ``report_parts``
parts at most, so that the worker processes share a large region evenly, taking the next
part as each finishes one."""

from __future__ import annotations

from workers.reports.generation import group_size


def parts(townships: int, per_task: int, most: int) -> int:
    size = group_size(townships, per_task, most)
    return len(range(0, townships, size))


def test_a_large_region_is_split_into_the_setting_s_parts() -> None:
    assert parts(1781, 25, 16) == 16
    assert parts(1781, 25, 4) == 4


def test_a_part_has_the_setting_s_townships_at_least() -> None:
    assert parts(100, 25, 16) == 4
    assert parts(11, 5, 16) == 3
    assert parts(25, 25, 16) == 1  # no more than the setting: computed in one task


def test_every_township_is_in_a_part_whatever_the_settings() -> None:
    for townships, per_task, most in ((1781, 0, 1), (1781, 1, 1000), (7, 3, 2), (1, 1, 16)):
        size = group_size(townships, per_task, most)
        groups = [list(range(townships))[i:i + size] for i in range(0, townships, size)]
        assert [township for group in groups for township in group] == list(range(townships))
        assert len(groups) <= max(most, 1)
