"""Pairing coverage (结对覆盖): the left-behind children with a pairing active on the quarter's
last day that has a volunteer in good standing on that day (在册有效: approved, not suspended,
disqualified or rejected), counted per child in the child's own township and school ("every
left-behind child paired", 目标 100 %). "A left-behind child whose active pairings have no
volunteer in good standing is not covered."
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

from domain.reports import Quarter
from projections.reports.scope import Scope
from projections.reports.tally import Tally
from projections.reports.volunteers import in_good_standing_on
from storage.sql import Row, Tx


def count_coverage(tx: Tx, scope: Scope, q: Quarter, at: str, tally: Tally,
                   left_behind: Mapping[str, Row]) -> None:
    """Left-behind children with a pairing active on the quarter's last day whose volunteers
    include one in good standing then."""
    where, params = scope.sql("pc")
    for child_id in sorted(covered_children(tx, where, params, q.end, at, left_behind)):
        child = left_behind[child_id]
        tally.count(child["township"], child["school"], "left_behind_paired")


def covered_children(tx: Tx, where: str, params: Sequence[Any], day: date, at: str,
                     left_behind: Collection[str]) -> set[str]:
    """The children of ``left_behind`` covered on ``day`` as known at ``at`` (结对覆盖): in a
    pairing that had started by ``day`` and had not ended by it, with a volunteer in good
    standing that day. ``where`` (with ``params``) narrows the pairings' children, aliased
    ``pc``, to a region; the report and the dashboard both count coverage by this rule."""
    on = day.isoformat()
    pairings: dict[str, set[str]] = {}  # the active pairings of each child
    for row in tx.execute(
            "SELECT pc.child_id, p.pairing_id, p.ended_on, p.end_recorded_at"
            " FROM rf_pairing_children pc JOIN rf_pairings p ON p.pairing_id = pc.pairing_id"
            f" WHERE {where} AND p.recorded_at <= ? AND p.starts_on <= ?",
            [*params, at, on]).all():
        ended_by_day = (row["ended_on"] is not None and row["end_recorded_at"] <= at
                        and row["ended_on"] <= on)
        if not ended_by_day and row["child_id"] in left_behind:
            pairings.setdefault(row["child_id"], set()).add(row["pairing_id"])
    active = sorted(set().union(*pairings.values())) if pairings else []
    volunteers: dict[str, set[str]] = {}
    for first in range(0, len(active), 500):
        chunk = active[first:first + 500]
        for row in tx.execute(
                "SELECT pairing_id, volunteer_id FROM rf_pairing_volunteers"
                f" WHERE pairing_id IN ({', '.join('?' * len(chunk))})", chunk).all():
            volunteers.setdefault(row["pairing_id"], set()).add(row["volunteer_id"])
    standing = in_good_standing_on(
        tx, set().union(*volunteers.values()) if volunteers else (), day, at)
    return {child_id for child_id, active_pairings in pairings.items()
            if any(volunteers.get(pairing, set()) & standing for pairing in active_pairings)}
