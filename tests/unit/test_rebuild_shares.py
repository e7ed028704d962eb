"""How `aixin projections rebuild --processes N` shares the views among its processes."""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest

import aixin.rebuild
from aixin.rebuild import _Segments, _Shares, shares
from projections.catalog import ALL_VIEWS, BY_NAME


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


class Notification:
    def __init__(self, id: int) -> None:
        self.id = id


class Stretch(list):
    """A decoded stretch as the parent sees it: its notifications' ids are all that counts."""

    def __init__(self, last_id: int) -> None:
        super().__init__([[Notification(last_id)], []])


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


class Ended:
    """A forked child as the parent sees it, once it has said how it ended."""

    exitcode = 0

    def join(self) -> None:
        pass

    def is_alive(self) -> bool:
        return False

    def terminate(self) -> None:
        pass


def test_a_share_ahead_goes_on_while_another_is_behind_and_the_last_segment_is_split(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aixin.rebuild, "SEGMENT", 1600)
    groups = shares(ALL_VIEWS, 2)
    slow = next(index for index, group in enumerate(groups)
                if any(view.name == "report_facts" for view in group))
    forked: list[tuple[int, list[str], int, bool]] = []
    held: list[Any] = []  # the slow share's first child, not yet ended

    def fork(context: Any, settings: Any, views: list, paths: Any, part: list, head: int,
             last: bool) -> tuple[Ended, Any]:
        share = next(index for index, group in enumerate(groups) if views[0] in group)
        first = part[0][0][0].id
        forked.append((share, [view.name for view in views], first, last))
        reader, writer = multiprocessing.Pipe(duplex=False)
        events = sum(len(stretch[0]) for stretch in part) * len(views)
        if share == slow and first == 1:
            held.append((writer, events))
        else:
            writer.send(("done", events))
        if share != slow and first == 301:  # two segments ahead of the slow share: let it go
            held_writer, held_events = held.pop()
            held_writer.send(("done", held_events))
        return Ended(), reader

    monkeypatch.setattr(aixin.rebuild, "_fork", fork)
    stretches = (([Notification(at - 9 + step) for step in range(10)], []) for at in
                 range(10, 5010, 10))
    shared = _Shares(None, None, groups, {}, 5000)  # type: ignore[arg-type]

    applied = shared.fold(_Segments(stretches, 5000, 10))

    assert applied == 5000 * len(ALL_VIEWS)
    order = [(share, first) for share, _, first, _ in forked]
    fast = 1 - slow
    assert order.index((fast, 301)) < order.index((slow, 101))  # segments from 1, 101, 301
    assert shared.whole == {view.name for view in ALL_VIEWS}
    alone = aixin.rebuild.ALONE_AT_THE_END
    for index, group in enumerate(groups):
        last = [names for share, names, _, is_last in forked if share == index and is_last]
        costly = [[view.name] for view in group if view.rebuild_cost >= alone]
        rest = [view.name for view in group if view.rebuild_cost < alone]
        assert sorted(last) == sorted([*costly, rest])
        finishing = [sum(BY_NAME[name].finish_cost for name in names) for names in last]
        assert finishing == sorted(finishing, reverse=True)  # the longest to finish first


def test_the_last_segment_starts_with_the_views_that_take_longest_to_fold_and_finish() -> None:
    from projections.duties import DutyView
    from projections.timeline import ChildTimeline

    segment = [[[Notification(0)] * 10_000, []]] * 19  # 190,000 of 1,000,000 events

    def job(view: Any, last: bool) -> aixin.rebuild._Job:
        return aixin.rebuild._Job(0, [view], 7, segment, last, 1_000_000)

    assert job(ChildTimeline, last=False).cost > job(DutyView, last=False).cost
    assert job(DutyView, last=True).cost > job(ChildTimeline, last=True).cost
