"""How `aixin projections rebuild --processes N` shares the views among its processes."""

from __future__ import annotations

from aixin.rebuild import shares
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
