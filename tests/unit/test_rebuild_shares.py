"""How `aixin projections rebuild --processes N` shares the views among its processes."""

from __future__ import annotations

import pytest

import aixin.rebuild
from aixin.rebuild import _Segments, shares
from projections.catalog import ALL_VIEWS


def cost(share: list) -> int:
    return sum(view.rebuild_cost for view in share)


def test_every_view_is_rebuilt_by_exactly_one_process() -> None:
    for processes in (1, 2, 3, 5):
        shared = [view for share in shares(ALL_VIEWS, processes) for view in share]
        assert sorted(view.name for view in shared) == sorted(view.name for view in ALL_VIEWS)


def test_the_shares_cost_as_evenly_as_the_views_allow() -> None:
    costs = sorted(cost(share) for share in shares(ALL_VIEWS, 2))
    total = sum(view.rebuild_cost for view in ALL_VIEWS)
    assert costs == [total // 2, total - total // 2]


def test_no_more_processes_than_views() -> None:
    assert len(shares(ALL_VIEWS[:3], 8)) == 3
    assert len(shares(ALL_VIEWS, 1)) == 1


class Stretch(list):
    """A decoded stretch as the parent sees it: its notifications' ids are all that counts."""

    def __init__(self, last_id: int) -> None:
        super().__init__([[type("Notification", (), {"id": last_id})()], []])


def segment_sizes(head: int, size: int) -> list[int]:
    segments = _Segments(iter([Stretch(at) for at in range(size, head + size, size)]),
                         head, size)
    made = []
    while not segments.ended:
        segment = segments.step()
        if segment is not None:
            made.append(len(segment) * size)
    return made


def test_the_first_segments_are_small_and_double_up_to_the_full_segment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aixin.rebuild, "SEGMENT", 1600)

    assert segment_sizes(5000, 10) == [100, 200, 400, 800, 1600, 1600, 300]


def test_the_segment_reaching_the_head_read_at_the_start_is_the_last() -> None:
    segments = _Segments(iter([Stretch(10), Stretch(20), Stretch(30)]), 20, 10)

    while (segment := segments.step()) is None:
        pass

    assert segments.ended and [stretch[0][-1].id for stretch in segment] == [10, 20]
